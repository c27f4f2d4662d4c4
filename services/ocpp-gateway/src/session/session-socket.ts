/** What a session needs of its WebSocket (the `ws` WebSocket fits as is). */
export interface SessionSocket {
  send(text: string): void;
  /** Bytes queued for sending but not yet written to the network. */
  readonly bufferedAmount: number;
  ping(): void;
  pong(data: Buffer): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}
