export {
  type CommandOutcome,
  CommandOutcomeSchema,
  decodeCommandOutcome,
  decodeRoutedCommand,
  encodeJson,
  type RoutedCommand,
  RoutedCommandSchema,
} from "./contract/routed-command.js";
export type { Claim, CommandRoute, Delivery, SessionOwner } from "./route/command-route.js";
export { InProcessCommandRoute } from "./route/in-process-command-route.js";
