import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import type { ErrorBodyType } from "./error-body.js";

/** Answers with a status and a JSON `{error, message, ...}`. */
export function sendError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  extra: Omit<ErrorBodyType, "error" | "message"> = {},
): FastifyReply {
  return reply.code(status).send({ error, message, ...extra });
}

/** A route's path as a pattern (`:id` matches one segment), to tell a wrong method from an unknown path. */
function pathPattern(url: string): RegExp {
  const escaped = url
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${escaped}$`);
}

/**
 * Every refusal fastify makes on its own (malformed JSON, a body over the bound, a wrong content
 * type, a failed schema, an unknown path or method) answers as the API's own do: a status and a
 * JSON `{error, message}`, never a stack. Anything else is a bug: 500, logged, no detail. A known
 * path with a wrong method is 405 with `Allow`, from the routes the features registered.
 */
export function errorHandling(logError: (error: unknown) => void) {
  return async (app: FastifyInstance): Promise<void> => {
    const routes = new Map<string, { readonly path: RegExp; readonly methods: Set<string> }>();
    app.addHook("onRoute", (route) => {
      const known = routes.get(route.url) ?? { path: pathPattern(route.url), methods: new Set() };
      for (const method of [route.method].flat()) known.methods.add(method);
      routes.set(route.url, known);
    });
    app.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.validation) {
        const first = error.validation[0];
        const where = first?.instancePath || error.validationContext || "request";
        return sendError(reply, 400, "bad-request", `${where} ${first?.message ?? "is invalid"}`);
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        logError(error);
        return sendError(reply, 500, "internal", "the request could not be handled");
      }
      const code =
        status === 413
          ? "payload-too-large"
          : status === 415
            ? "unsupported-media-type"
            : "bad-request";
      return sendError(reply, status, code, error.message);
    });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split("?")[0] ?? "";
      const route = [...routes.values()].find((candidate) => candidate.path.test(path));
      if (route) {
        reply.header("allow", [...route.methods].join(", "));
        return sendError(reply, 405, "method-not-allowed", `${request.method} is not allowed here`);
      }
      return sendError(reply, 404, "not-found", `no such resource: ${path}`);
    });
  };
}
