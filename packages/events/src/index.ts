export {
  type BatchOrigin,
  type DecodedBatch,
  decodeBatch,
  type EventBatch,
  encodeBatch,
  encodeBatchOfJson,
} from "./batch/batch-codec.js";
export { batchMessageId, MAX_EVENTS_PER_BATCH, type RawStoredBatch } from "./batch/stored-batch.js";
export { CLOSE_REASONS, type CloseReason } from "./contract/close-reasons.js";
export { COMMAND_FAILURES, type CommandFailure } from "./contract/command-failures.js";
export {
  type AutomationEvent,
  type AutomationEventType,
  type CommandEvent,
  type CommandEventType,
  type CpEvent,
  type CpEventType,
  EVENT_TYPES,
  EVENT_VERSION,
  type EventOf,
  type EventType,
  eventSchemas,
  type GatewayEvent,
  type GatewayEventType,
  isAutomationEvent,
  isCommandEvent,
  isCpEvent,
  isEventType,
  type LevityEvent,
  type MeterSample,
  type PayloadOf,
} from "./contract/events.js";
export { type Location, ocpp16Location } from "./contract/location.js";
export { type ContractViolation, readEvent, validateEvent } from "./contract/validate-event.js";
export type {
  AppendAck,
  EventLog,
  KeyedAck,
  KeyedRecord,
  LogReader,
  LogRecord,
  OutgoingMessage,
} from "./log/event-log.js";
export { FileJournal, type JournalContents, JournalCorruptError } from "./log/file-journal.js";
export { InProcessEventLog, type InProcessEventLogOptions } from "./log/in-process-event-log.js";
export { recordOf } from "./log/log-record.js";
export { err, ok, type Result } from "./result.js";
export { decodeSubjectToken, encodeSubjectToken } from "./subjects/subject-token.js";
export { type SubjectSpace, subjectSpace } from "./subjects/subjects.js";
