import { defineConfig } from "vitest/config";

// pnpm test:chaos: real processes killed, stopped and stormed. One case at a time, so a case's
// load and timings are its own; each case starts its own nats-server.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/chaos/test/**/*.chaos.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
