export { hashPassword, SCRYPT_COST } from "./admission/password-hash.js";
export { commandApiFromConfig } from "./api/api-from-config.js";
export { ApiTokens, newApiToken, serializeApiTokens } from "./api/api-tokens.js";
export { ensureOperatorToken } from "./api/operator-token.js";
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
