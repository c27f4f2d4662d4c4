export {
  NatsCommandRoute,
  type NatsCommandRouteOptions,
} from "./command-route/nats-command-route.js";
export { connectNats, type NatsLink } from "./connection/connect-nats.js";
export { connectOnce } from "./connection/connect-once.js";
export {
  JetStreamEventLog,
  type JetStreamEventLogOptions,
} from "./event-log/jetstream-event-log.js";
export {
  followJetStream,
  type JetStreamReaderOptions,
  type MessageReader,
} from "./event-log/jetstream-log-reader.js";
export {
  chargePointsIn,
  decodeIndexEntry,
  encodeIndexEntry,
  ensureIndexStream,
  type HistoryIndexNames,
  historyIndexNames,
  type IndexEntry,
} from "./history/history-index.js";
export { isJetStreamError, JETSTREAM_ERRORS } from "./jetstream/api-errors.js";
