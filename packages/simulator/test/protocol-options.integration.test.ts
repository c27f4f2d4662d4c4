import { fileURLToPath } from "node:url";
import { StrictRpcServer, spawnProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolOf } from "../src/index.js";

const SIM = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

let server: StrictRpcServer;
beforeAll(async () => {
  server = await StrictRpcServer.start(["ocpp1.6", "ocpp2.0.1"]);
});
afterAll(async () => {
  await server.close();
});

async function sim(args: string[]) {
  const run = spawnProcess(process.execPath, [SIM, ...args]);
  const status = await run.exited;
  return { status, output: run.output };
}

describe("levity-sim --protocol and --protocol-mix", () => {
  it("runs a mixed fleet whose charge points each offer their own protocol", async () => {
    const seed = 5;
    const { status, output } = await sim([
      ...["--url", server.url, "--prefix", "MIX-", "--count", "6", "--seed", String(seed)],
      ...["--protocol-mix", "0.5", "--duration", "2", "--ramp", "0.2"],
      ...["--idle-mean", "0.3", "--charge-mean", "0.5", "--meter-interval", "0.2"],
      ...["--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
    ]);
    expect(status.code, output).toBe(0);
    const expected = new Map(
      [1, 2, 3, 4, 5, 6].map((n) => [
        `MIX-${n}`,
        protocolOf(n, seed, { protocol: "ocpp1.6", protocolMix: 0.5 }),
      ]),
    );
    expect([...expected.values()].filter((p) => p === "ocpp2.0.1")).toHaveLength(3);
    for (const [identity, protocol] of expected) {
      expect(server.offered.get(identity), identity).toEqual([protocol]);
      expect(server.client(identity).protocol).toBe(protocol);
      const [boot] = server.calls(identity, "BootNotification");
      if (protocol === "ocpp2.0.1") expect(boot).toMatchObject({ reason: "PowerUp" });
      else expect(boot).toMatchObject({ chargePointVendor: "Levity" });
    }
    expect(server.strictFailures).toEqual([]);
    const summary = JSON.parse(output.slice(output.indexOf("{")));
    expect(summary.misbehaved).toBe(false);
    expect(Object.keys(summary.callsByProtocol).sort()).toEqual(["ocpp1.6", "ocpp2.0.1"]);
    expect(summary.callsByAction.TransactionEvent).toBeGreaterThan(0);
    expect(summary.callsByAction.StartTransaction).toBeGreaterThan(0);
  });

  it("speaks 2.0.1 with the whole fleet when told", async () => {
    const { status } = await sim([
      ...["--url", server.url, "--prefix", "ALL201-", "--count", "2", "--protocol", "ocpp2.0.1"],
      ...["--duration", "1", "--ramp", "0"],
    ]);
    expect(status.code).toBe(0);
    expect(server.offered.get("ALL201-1")).toEqual(["ocpp2.0.1"]);
    expect(server.offered.get("ALL201-2")).toEqual(["ocpp2.0.1"]);
  });

  it.each([
    [
      ["--protocol", "ocpp2.1"],
      'error: --protocol: expected one of ocpp1.6, ocpp2.0.1, got "ocpp2.1"',
    ],
    [["--protocol-mix", "1.5"], "error: --protocol-mix: expected 0..1, got 1.5"],
    [["--protocol-mix", "half"], 'error: --protocol-mix: expected a number, got "half"'],
  ])("exits 2 with a one-line reason on %j", async (args, message) => {
    const { status, output } = await sim(args);
    expect(status.code).toBe(2);
    expect(output.trim()).toBe(message);
  });
});
