export { hashPassword, SCRYPT_COST } from "./admission/password-hash.js";
export { commandRoutes } from "./api/command-routes.js";
export { CommandJournal } from "./commands/command-journal.js";
export { CommandService } from "./commands/command-service.js";
export { admissionFromConfig } from "./config/admission-config.js";
export { gatewayOptions } from "./config/gateway-options.js";
export {
  type Gateway,
  type GatewayDependencies,
  type GatewaySettings,
  startGateway,
} from "./gateway.js";
export { KvTransactionIdBlocks } from "./transactions/kv-transaction-id-blocks.js";
export {
  InProcessTransactionIdBlocks,
  type TransactionIdBlocks,
} from "./transactions/transaction-ids.js";
