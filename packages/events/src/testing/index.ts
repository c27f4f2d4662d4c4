// Helpers for tests and benchmarks of code that produces or consumes events: valid events with
// defaults, a synthetic fleet's stream, and reading a log back. Not imported by the services.
export {
  automationEvent,
  commandEvent,
  cpEvent,
  type EventContext,
  gatewayEvent,
} from "./event-builders.js";
export { readEvents, readRecords } from "./read-log.js";
export { EVENTS_PER_CP, eventOf, storeSyntheticFleet } from "./synthetic-fleet.js";
