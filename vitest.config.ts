import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources in tests ("source" export condition).
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "services/*/test/**/*.test.ts",
      "grafana/test/**/*.test.ts",
      "deploy/stack/test/**/*.test.ts",
    ],
    // The chaos cases run on their own, one at a time: pnpm test:chaos (vitest.chaos.config.ts).
    exclude: ["**/node_modules/**", "packages/chaos/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
