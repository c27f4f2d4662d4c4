import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiTokens, newApiToken, serializeApiTokens } from "@levity/api-kit";
import { OcppClient } from "@levity/simulator";
import { eventually, type GatewayProcess, launchGateway, NatsServerProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let nats: NatsServerProcess;
let dir: string;
let withApi: GatewayProcess;
let holder: GatewayProcess;
const { token, record } = newApiToken("ops", new Date());

beforeAll(async () => {
  nats = await NatsServerProcess.start();
  dir = await mkdtemp(join(tmpdir(), "levity-cmd-crash-"));
  const tokens = join(dir, "api-tokens.yaml");
  await writeFile(tokens, serializeApiTokens(new ApiTokens([record])));
  const env = (id: string) => ({
    NATS_URL: nats.url,
    GATEWAY_ID: id,
    ALLOW_UNKNOWN: "true",
    LOG_LEVEL: "warn",
    API_TOKENS: tokens,
  });
  withApi = await launchGateway(env("gw-api"));
  holder = await launchGateway(env("gw-holder"));
});
afterAll(async () => {
  await withApi?.process.stop("SIGKILL");
  await holder?.process.stop("SIGKILL");
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("a gateway killed while a command waits for its charge point", () => {
  it("gives the asker 504 with the command id, and the audit trail shows it unanswered", async () => {
    const charger = await OcppClient.connect(holder.url, "CRASH-CP");
    let received = 0;
    // ClearCache is answered, so the test can tell when the session is claimed; Reset never is.
    charger.onCall((action) => {
      if (action !== "Reset") return { kind: "result", payload: { status: "Accepted" } };
      received += 1;
      return { kind: "silent" };
    });
    const api = withApi.apiUrl;
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const send = (action: string, payload: object) =>
      fetch(`${api}/v1/charge-points/CRASH-CP/commands/${action}?timeout=3`, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
      });
    // The session is claimed shortly after it opens; until then the charge point reads offline.
    await eventually(async () => expect((await send("ClearCache", {})).status).toBe(200));
    const pending = send("Reset", { type: "Soft" });
    await eventually(() => expect(received).toBe(1));
    await holder.process.stop("SIGKILL");
    const answer = await pending;
    const body = (await answer.json()) as { error: string; commandId: string };
    expect(answer.status).toBe(504);
    expect(body.error).toBe("timed-out");
    const read = await fetch(`${api}/v1/commands/${body.commandId}`, { headers });
    expect(await read.json()).toMatchObject({
      status: "failed",
      failure: { reason: "timed-out", detail: expect.stringContaining("no word from the gateway") },
    });
  });
});
