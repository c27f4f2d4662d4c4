import { fileURLToPath } from "node:url";
import { spawnProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCentralSystem } from "./fake-central-system.js";

const SIM = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

let a: FakeCentralSystem;
let b: FakeCentralSystem;
beforeAll(async () => {
  [a, b] = [await FakeCentralSystem.start(), await FakeCentralSystem.start()];
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe("levity-sim --url with a failover list, and --stats-interval", () => {
  it("splits the fleet over the list and prints its counters as JSON lines while it runs", async () => {
    const run = spawnProcess(process.execPath, [
      SIM,
      ...["--url", `${a.url}, ${b.url}`, "--prefix", "CLI-FO-", "--count", "6"],
      ...["--ramp", "0", "--duration", "2", "--stats-interval", "0.2"],
      ...["--fault-rate", "0", "--reboot-rate", "0", "--drop-rate", "0"],
    ]);
    expect((await run.exited).code).toBe(0);
    const ids = ["CLI-FO-1", "CLI-FO-2", "CLI-FO-3", "CLI-FO-4", "CLI-FO-5", "CLI-FO-6"];
    expect(ids.filter((id) => a.calls(id, "BootNotification").length === 1)).toEqual([
      "CLI-FO-2",
      "CLI-FO-4",
      "CLI-FO-6",
    ]);
    expect(ids.filter((id) => b.calls(id, "BootNotification").length === 1)).toEqual([
      "CLI-FO-1",
      "CLI-FO-3",
      "CLI-FO-5",
    ]);
    const lines = run.output
      .split("\n")
      .filter((line) => line.startsWith('{"at":'))
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(1);
    // `connected` is a gauge: the last line may be printed while the fleet is stopping.
    expect(Math.max(...lines.map((line) => line.connected))).toBe(6);
    expect(lines.at(-1)).toMatchObject({ connects: 6, connectFailures: 0 });
    expect(lines.at(-1).callsByAction.BootNotification).toBe(6);
  });
});
