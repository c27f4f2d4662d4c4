import { type CpEvent, isCpEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { OcppClient } from "@levity/simulator";
import { eventually, NatsServerProcess } from "@levity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayUnderTest, newStreamSpace, startTestGateway } from "./gateway-fixture.js";

let server: NatsServerProcess;
let g: GatewayUnderTest;

beforeAll(async () => {
  // This suite stops its broker, so it always runs its own, whatever NATS_URL says.
  server = await NatsServerProcess.start();
  g = await startTestGateway(server.url, newStreamSpace(), { aliveInterval: 60 });
});
afterAll(async () => {
  await g?.stop();
  await server?.dispose();
});

describe("when the broker is unreachable", () => {
  it("answers InternalError, keeps the socket, loses no acknowledged event and stores closes later", async () => {
    const cp = await OcppClient.connect(g.url, "CP-OUTAGE");
    const leaver = await OcppClient.connect(g.url, "CP-LEAVES");
    const acknowledged: string[] = [];
    const call = async () => {
      const id = cp.newId();
      const frame = await cp.call("Heartbeat", {}, id);
      if (frame.kind === "result") acknowledged.push(id);
      return frame;
    };
    for (let i = 0; i < 5; i++) expect(await call()).toMatchObject({ kind: "result" });

    await server.stop();
    const duringOutage = await call();
    expect(duringOutage).toMatchObject({ kind: "error", errorCode: "InternalError" });
    expect(cp.socket.readyState).toBe(cp.socket.OPEN);
    await leaver.close();

    await server.restart();
    let recovered = await call();
    for (let attempt = 0; attempt < 100 && recovered.kind !== "result"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      recovered = await call();
    }
    expect(recovered).toMatchObject({ kind: "result" });
    for (let i = 0; i < 5; i++) expect(await call()).toMatchObject({ kind: "result" });

    const stored = (await readEvents(g.log)).filter(
      (e): e is CpEvent => isCpEvent(e) && e.cpId === "CP-OUTAGE" && e.type === "cp.heartbeat",
    );
    const storedIds = stored.map((e) => e.callId);
    for (const id of acknowledged)
      expect(
        storedIds.filter((stored) => stored === id),
        id,
      ).toHaveLength(1);
    await eventually(async () => {
      const closes = (await readEvents(g.log)).filter(
        (e) => e.type === "session.closed" && e.cpId === "CP-LEAVES",
      );
      expect(closes).toHaveLength(1);
    });
    await cp.close();
  });
});
