import type { RpcErrorKind } from "./error-codes.js";
import { MAX_MESSAGE_ID_LENGTH, MessageType } from "./message-type.js";

/** A well-formed OCPP-J frame. */
export type Frame =
  | {
      readonly kind: "call";
      readonly messageId: string;
      readonly action: string;
      readonly payload: unknown;
    }
  | { readonly kind: "result"; readonly messageId: string; readonly payload: unknown }
  | {
      readonly kind: "error";
      readonly messageId: string;
      readonly errorCode: string;
      readonly description: string;
      readonly details: unknown;
    };

/**
 * What is wrong with a frame, as an error kind each version spells its own way: not an RPC message
 * (1.6 FormationViolation, 2.0.1 RpcFrameworkError), a message type the version lacks (2.0.1
 * MessageTypeNotSupported), or a CALL whose payload is not an object (FormationViolation,
 * FormatViolation).
 */
export type FrameViolationKind = Extract<
  RpcErrorKind,
  "rpcFramework" | "messageType" | "formation"
>;

/**
 * A frame that is not OCPP-J. `messageId` is set when it could still be read, so the peer can be
 * answered with a CALLERROR of the violation's kind; otherwise the frame can only be ignored. A
 * malformed CALLRESULT or CALLERROR is never answered: OCPP-J answers CALLs only (1.6 section 4.2.3).
 */
export interface FrameViolation {
  readonly kind: FrameViolationKind;
  readonly messageId: string | undefined;
  readonly reason: string;
}

export type ParsedFrame =
  | { readonly ok: true; readonly frame: Frame }
  | { readonly ok: false; readonly violation: FrameViolation };

// Ids up to this length are echoed in a CALLERROR even when longer than OCPP-J allows;
// beyond it the frame is ignored rather than reflecting arbitrary input back.
const MAX_ECHOED_ID_LENGTH = 128;
const SALVAGE_ID = /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/;

// JSON nested deeper than this is refused unparsed: OCPP needs a handful of levels (6 in 1.6), and
// deep nesting costs JSON.parse several times more CPU per byte than flat JSON (about 3 ms for a
// 60 KB frame of brackets). Short frames parse in microseconds however deep, so are not scanned.
const MAX_DEPTH = 32;
const SCAN_FROM_LENGTH = 4_096;

/** The index of the quote closing the string whose content starts at `from`. */
function endOfString(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/** Whether `text` opens more than `limit` arrays or objects at once; strings are skipped whole. */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) i = endOfString(text, i + 1);
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

function violation(
  messageId: string | undefined,
  reason: string,
  kind: FrameViolationKind = "rpcFramework",
): ParsedFrame {
  return { ok: false, violation: { kind, messageId, reason } };
}

function isPayloadObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses the text of one WebSocket message into an OCPP-J frame, or says why it is not one. */
export function parseFrame(text: string): ParsedFrame {
  if (text.length >= SCAN_FROM_LENGTH && nestedDeeperThan(text, MAX_DEPTH)) {
    return violation(
      SALVAGE_ID.exec(text)?.[1],
      `message is nested deeper than ${MAX_DEPTH} levels`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return violation(SALVAGE_ID.exec(text)?.[1], "message is not valid JSON");
  }
  if (!Array.isArray(value)) return violation(undefined, "message is not a JSON array");
  const [type, messageId] = value;
  if (typeof messageId !== "string" || messageId.length === 0) {
    return violation(undefined, "message id is not a non-empty string");
  }
  const response = type === MessageType.CallResult || type === MessageType.CallError;
  if (messageId.length > MAX_MESSAGE_ID_LENGTH) {
    const echo = messageId.length <= MAX_ECHOED_ID_LENGTH && !response ? messageId : undefined;
    return violation(echo, `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`);
  }
  switch (type) {
    case MessageType.Call:
      if (value.length !== 4) return violation(messageId, "CALL must have 4 elements");
      if (typeof value[2] !== "string" || value[2].length === 0) {
        return violation(messageId, "CALL action is not a non-empty string");
      }
      if (!isPayloadObject(value[3]))
        return violation(messageId, "CALL payload is not an object", "formation");
      return { ok: true, frame: { kind: "call", messageId, action: value[2], payload: value[3] } };
    case MessageType.CallResult:
      if (value.length !== 3) return violation(undefined, "CALLRESULT must have 3 elements");
      return { ok: true, frame: { kind: "result", messageId, payload: value[2] } };
    case MessageType.CallError:
      if (value.length !== 5 || typeof value[2] !== "string" || typeof value[3] !== "string") {
        return violation(undefined, "CALLERROR must be [4, id, code, description, details]");
      }
      return {
        ok: true,
        frame: {
          kind: "error",
          messageId,
          errorCode: value[2],
          description: value[3],
          details: value[4],
        },
      };
    default:
      return violation(messageId, "unknown message type", "messageType");
  }
}

/** Serialises a CALL. */
export function callFrame(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([MessageType.Call, messageId, action, payload]);
}

/** Serialises a CALLRESULT. */
export function callResultFrame(messageId: string, payload: unknown): string {
  return JSON.stringify([MessageType.CallResult, messageId, payload]);
}

/** Serialises a CALLERROR; the description is bounded and details default to an empty object. */
export function callErrorFrame(
  messageId: string,
  errorCode: string,
  description: string,
  details: Record<string, unknown> = {},
): string {
  return JSON.stringify([
    MessageType.CallError,
    messageId,
    errorCode,
    description.slice(0, 255),
    details,
  ]);
}
