import { afterEach, describe, expect, it } from "vitest";
import { type OpsServer, startOpsServer } from "../src/ops/ops-server.js";

let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the ops server", () => {
  it("writes /metrics chunk by chunk as they are rendered, in the Prometheus text format", async () => {
    const chunks = ["# TYPE a gauge\na 1\n", "", "# TYPE b counter\nb_total 2\n"];
    server = await startOpsServer({
      port: 0,
      host: "127.0.0.1",
      metrics: async function* () {
        for (const chunk of chunks) {
          yield chunk;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      ready: () => false,
    });
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await metrics.text()).toBe(chunks.join(""));
    const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    expect(ready.status).toBe(503);
  });
});
