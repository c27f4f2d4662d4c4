export {
  NatsCommandRoute,
  type NatsCommandRouteOptions,
} from "./command-route/nats-command-route.js";
export { connectNats, type NatsLink } from "./connection/connect-nats.js";
export {
  JetStreamEventLog,
  type JetStreamEventLogOptions,
} from "./event-log/jetstream-event-log.js";
