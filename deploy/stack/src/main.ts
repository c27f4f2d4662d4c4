import { repo, startStack } from "./stack.js";

// pnpm stack: the compose topology on this machine, until Ctrl-C. Build first (pnpm build).
const stack = await startStack({
  gateways: [
    { ocppPort: 9101, opsPort: 9201, apiPort: 9301 },
    { ocppPort: 9102, opsPort: 9202, apiPort: 9302 },
  ],
  ocppPort: 9000,
  apiPort: 9080,
  statsPort: 8404,
  natsPort: 4223,
  projectorPort: 9091,
  projectorApiPort: 9081,
  prometheusPort: 9090,
  dataDir: repo("data/stack"),
  stream: "OCPP_EVENTS",
  subjectPrefix: "ocpp",
  gatewayTimeout: 30,
});
process.stdout.write(
  [
    "Levity stack is running (Ctrl-C stops it):",
    `  charge points  ${stack.ocppUrl}/<identity>   (HAProxy → ${stack.gateways.length} gateways)`,
    `  commands       ${stack.apiUrl}/v1   (token in ${stack.tokenFile})`,
    `  charge points  ${stack.projectorApiUrl}/v1/charge-points   (same token)`,
    `  metrics        ${stack.projectorUrl}/metrics`,
    `  prometheus     ${stack.prometheusUrl ?? "not installed (apt-get install prometheus)"}`,
    "",
  ].join("\n"),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stack.stop().then(() => process.exit(0));
  });
}
