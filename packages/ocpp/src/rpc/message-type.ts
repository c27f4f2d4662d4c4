/** OCPP-J message type numbers: the first element of every frame. */
export const MessageType = { Call: 2, CallResult: 3, CallError: 4 } as const;

/** The longest message id OCPP-J allows. */
export const MAX_MESSAGE_ID_LENGTH = 36;
