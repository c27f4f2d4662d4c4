import { readFile } from "node:fs/promises";

/** What `levity-admin cmd` or `levity-admin command` was asked to do. */
export type ApiCall =
  | {
      readonly kind: "cmd";
      readonly api: string;
      readonly token: TokenSource;
      readonly cpId: string;
      readonly action: string;
      readonly payload: string;
      readonly timeout: string | undefined;
      readonly idempotencyKey: string | undefined;
      readonly async: boolean;
    }
  | {
      readonly kind: "command";
      readonly api: string;
      readonly token: TokenSource;
      readonly id: string;
    }
  | {
      readonly kind: "quarantine-clear";
      readonly api: string;
      readonly token: TokenSource;
      readonly cpId: string;
    };

/** Where the API token comes from: never the command line, which other users can read. */
export type TokenSource =
  | { readonly from: "env"; readonly value: string }
  | { readonly from: "file"; readonly path: string };

/** Options of the API commands. */
export interface ApiCallOptions {
  readonly api: string | undefined;
  readonly tokenFile: string | undefined;
  readonly timeout: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly async: boolean;
}

const DEFAULT_API = "http://localhost:9080";
// Where pnpm start writes its operator token on first start (its default data directory).
const DEFAULT_TOKEN_FILE = "data/operator-token";

/**
 * Parses `cmd <cp> <Action> [json]`, `command <id>` or `quarantine clear <cp>`, or says why not in
 * one line.
 */
export function parseApiCall(
  positionals: readonly string[],
  options: ApiCallOptions,
  env: NodeJS.ProcessEnv,
): { ok: true; call: ApiCall } | { ok: false; error: string } {
  const api = (options.api ?? env.LEVITY_API ?? DEFAULT_API).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(api))
    return { ok: false, error: `--api must be an http(s) URL: ${api}` };
  const token: TokenSource = options.tokenFile
    ? { from: "file", path: options.tokenFile }
    : env.LEVITY_API_TOKEN
      ? { from: "env", value: env.LEVITY_API_TOKEN }
      : { from: "file", path: DEFAULT_TOKEN_FILE };
  const [noun, first, second, third] = positionals;
  if (noun === "command") {
    if (!first) return { ok: false, error: "command needs a command id" };
    return { ok: true, call: { kind: "command", api, token, id: first } };
  }
  if (noun === "quarantine") {
    if (first !== "clear" || !second)
      return { ok: false, error: "quarantine needs: clear <identity>" };
    return { ok: true, call: { kind: "quarantine-clear", api, token, cpId: second } };
  }
  if (!first || !second) return { ok: false, error: "cmd needs a charge point and an action" };
  if (options.timeout !== undefined && !/^[1-9]\d*$/.test(options.timeout))
    return { ok: false, error: "--timeout must be a whole number of seconds" };
  return {
    ok: true,
    call: {
      kind: "cmd",
      api,
      token,
      cpId: first,
      action: second,
      payload: third ?? "{}",
      timeout: options.timeout,
      idempotencyKey: options.idempotencyKey,
      async: options.async,
    },
  };
}

/** What the API answered, as the CLI reports it: exit 0 only for a completed command. */
export interface ApiCallResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Calls the command API; every failure is one line saying why. */
export async function runApiCall(call: ApiCall): Promise<ApiCallResult> {
  let token: string;
  try {
    token =
      call.token.from === "env"
        ? call.token.value
        : (await readFile(call.token.path, "utf8")).trim();
  } catch {
    return {
      ok: false,
      output: `cannot read the API token from ${call.token.from === "file" ? call.token.path : "LEVITY_API_TOKEN"} (give --token-file or set LEVITY_API_TOKEN)`,
    };
  }
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let url: string;
  let init: RequestInit;
  if (call.kind === "command") {
    url = `${call.api}/v1/commands/${encodeURIComponent(call.id)}`;
    init = { method: "GET", headers };
  } else if (call.kind === "quarantine-clear") {
    url = `${call.api}/v1/charge-points/${encodeURIComponent(call.cpId)}/quarantine`;
    init = { method: "DELETE", headers };
  } else {
    try {
      JSON.parse(call.payload);
    } catch {
      return { ok: false, output: `the payload is not JSON: ${call.payload}` };
    }
    const query = call.timeout ? `?timeout=${call.timeout}` : "";
    url = `${call.api}/v1/charge-points/${encodeURIComponent(call.cpId)}/commands/${encodeURIComponent(call.action)}${query}`;
    init = {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        ...(call.idempotencyKey ? { "idempotency-key": call.idempotencyKey } : {}),
        ...(call.async ? { prefer: "respond-async" } : {}),
      },
      body: call.payload,
    };
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return {
      ok: false,
      output: `cannot reach the API at ${call.api}: ${(error as Error).message}`,
    };
  }
  const text = await response.text();
  let body: { error?: unknown; message?: unknown; status?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (response.ok) {
    const failed = body?.status === "failed";
    return { ok: !failed, output: `${JSON.stringify(body ?? text, null, 2)}\n` };
  }
  const reason = body?.error ? `${String(body.error)}: ${String(body.message ?? "")}` : text.trim();
  return { ok: false, output: `${response.status} ${reason}${detailsOf(body)}` };
}

/** The rest of an error body (command id, the charger's error), on the same line. */
function detailsOf(body: Record<string, unknown> | undefined): string {
  if (!body) return "";
  const extra = Object.entries(body).filter(([key]) => key !== "error" && key !== "message");
  return extra.length > 0 ? ` (${extra.map(([k, v]) => `${k} ${String(v)}`).join(", ")})` : "";
}
