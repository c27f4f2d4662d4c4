// Features describe routes with OpenAPI's summary and tags: fastify's schema type learns them here.
export type { SwaggerOptions } from "@fastify/swagger";
export { type ApiConfig, apiFromConfig, type RunningApi } from "./api-from-config.js";
export { apiOptions } from "./config/api-options.js";
export { errorHandling, sendError } from "./http/api-errors.js";
export {
  type ApiFeature,
  type ApiListen,
  type ApiParts,
  apiDocument,
  buildApi,
  startApi,
} from "./http/api-server.js";
export { bearerAuth } from "./http/bearer-auth.js";
export { ErrorBody, type ErrorBodyType, errorResponses } from "./http/error-body.js";
export {
  type ApiTokenRecord,
  ApiTokens,
  newApiToken,
  parseApiTokens,
  serializeApiTokens,
} from "./tokens/api-tokens.js";
export { ensureOperatorToken } from "./tokens/operator-token.js";
