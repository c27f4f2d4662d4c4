import { readFile } from "node:fs/promises";
import type { AutomationCommand, CommandHandOver, CommandPort } from "./command-port.js";

/** Where the command API is and how to ask it. */
export interface HttpCommandPortOptions {
  /** The command API's base URL, e.g. http://gateway:9080. */
  readonly url: string;
  /** The API token automations ask with: every replica must use the same one (same asker). */
  readonly token: () => string;
  readonly fetch?: typeof fetch;
  /** Longest wait for the API to take a command. */
  readonly timeoutMs?: number;
}

/**
 * Sends automations' commands through a gateway's command API: `POST
 * /v1/charge-points/{id}/commands/{action}` with the decision id as `Idempotency-Key`, its
 * deadline, and `Prefer: respond-async` (the outcome is stored as an event; nothing waits for it).
 * A refusal (4xx) is final; no answer or a 5xx may be retried.
 */
export function httpCommandPort(options: HttpCommandPortOptions): CommandPort {
  const request = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, "");
  return {
    async send(command: AutomationCommand): Promise<CommandHandOver> {
      const url = `${base}/v1/charge-points/${encodeURIComponent(command.cpId)}/commands/${encodeURIComponent(command.action)}?deadline=${encodeURIComponent(new Date(command.deadline).toISOString())}`;
      let response: Response;
      try {
        response = await request(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${options.token()}`,
            "content-type": "application/json",
            "idempotency-key": command.idempotencyKey,
            prefer: "respond-async",
          },
          body: JSON.stringify(command.request),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        return {
          ok: false,
          retry: true,
          error: `command API unreachable: ${(error as Error).message}`,
        };
      }
      const body = (await response.json().catch(() => ({}))) as {
        commandId?: unknown;
        message?: unknown;
      };
      if (response.status === 200 || response.status === 202)
        return { ok: true, commandId: String(body.commandId ?? "") };
      return {
        ok: false,
        retry: response.status >= 500 || response.status === 429,
        error: `command API answered ${response.status}: ${String(body.message ?? "")}`,
      };
    },
  };
}

/**
 * The HTTP command port the projector's options describe (`--command-api`, the token in
 * `--command-token-file`), or why there is none.
 */
export async function httpCommandPortFromConfig(config: {
  readonly commandApi: string | undefined;
  readonly commandTokenFile: string | undefined;
}): Promise<{ ok: true; port: CommandPort } | { ok: false; error: string }> {
  const { commandApi, commandTokenFile } = config;
  if (!commandApi || !commandTokenFile)
    return { ok: false, error: "--automations needs --command-api and --command-token-file" };
  const token = (await readFile(commandTokenFile, "utf8").catch(() => "")).trim();
  if (token === "")
    return { ok: false, error: `no API token in ${commandTokenFile} (--command-token-file)` };
  return { ok: true, port: httpCommandPort({ url: commandApi, token: () => token }) };
}
