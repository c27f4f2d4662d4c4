// Helpers for tests of code that produces or consumes events: valid events with defaults, and
// reading a log back. Not imported by the services themselves.
export { cpEvent, type EventContext, gatewayEvent } from "./event-builders.js";
export { readEvents, readRecords } from "./read-log.js";
