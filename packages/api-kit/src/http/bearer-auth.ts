import type { Logger } from "@levity/service-kit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiTokens } from "../tokens/api-tokens.js";
import { sendError } from "./api-errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The name of the token the request proved: who asked, in the audit trail. */
    asker: string;
  }
}

/** Paths served without a token: the API's own description. */
const PUBLIC_PATHS = new Set(["/v1/openapi.json"]);

/**
 * Every request needs `Authorization: Bearer <token>` with a token of the tokens file (re-read
 * live). A refusal is 401 and a log line with the address and the reason, never the token.
 */
export function bearerAuth(tokens: () => ApiTokens, logger: Logger) {
  return async (app: FastifyInstance): Promise<void> => {
    app.decorateRequest("asker", "");
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      if (PUBLIC_PATHS.has(request.url.split("?")[0] ?? "")) return;
      const header = request.headers.authorization ?? "";
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      const name = bearer ? tokens().nameOf(bearer) : undefined;
      if (name) {
        request.asker = name;
        return;
      }
      const reason = bearer ? "unknown token" : "no bearer token";
      logger.warn(
        { method: request.method, path: request.url.split("?")[0], address: request.ip, reason },
        "API request refused",
      );
      reply.header("www-authenticate", 'Bearer realm="levity"');
      return sendError(reply, 401, "unauthorized", `${reason}: send Authorization: Bearer <token>`);
    });
  };
}
