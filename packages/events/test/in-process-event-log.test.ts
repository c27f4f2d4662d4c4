import { describe, expect, it } from "vitest";
import { InProcessEventLog } from "../src/index.js";
import { append, eventLogContract, take } from "../src/testing/event-log-contract.js";
import { cpEvent } from "../src/testing/index.js";

eventLogContract("in-process", async () => {
  const log = new InProcessEventLog();
  return { log, dispose: () => log.close() };
});

describe("in-process event log", () => {
  it("forgets message ids once the duplicate window has passed", async () => {
    let now = 0;
    const log = new InProcessEventLog({ duplicateWindowMs: 1000, now: () => now });
    const batch = {
      producer: "gw",
      instance: "i",
      batch: 1,
      events: [cpEvent("cp.heartbeat", {})],
    };
    await append(log, batch, "id");
    now = 500;
    expect(await append(log, batch, "id")).toEqual({ sequence: 1, duplicate: true });
    now = 1_501;
    expect(await append(log, batch, "id")).toEqual({ sequence: 2, duplicate: false });
  });

  it("ends its readers and refuses appends once closed", async () => {
    const log = new InProcessEventLog();
    const reading = take(log.read(1), 1);
    await log.close();
    expect(await reading).toEqual([]);
    await expect(
      append(log, { producer: "gw", instance: "i", events: [cpEvent("cp.heartbeat", {})] }, "x"),
    ).rejects.toThrow("closed");
  });
});
