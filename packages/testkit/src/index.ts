export { generatedFile, generatedSection } from "./docs/doc-section.js";
export { type EventuallyOptions, eventually } from "./eventually.js";
export { freePort } from "./free-port.js";
export {
  fleetSeries,
  type MetricSample,
  type ParsedMetrics,
  parseMetricsText,
  sampleValue,
  scrapeMetrics,
} from "./metrics/metrics-text.js";
export {
  findNatsServerBinary,
  type NatsServerOptions,
  NatsServerProcess,
} from "./nats/nats-server-process.js";
export { type ProvidedNats, provideNats } from "./nats/provide-nats.js";
export { NO_REPLY, type RpcClient, strictRpcClient } from "./ocpp/strict-rpc-client.js";
export {
  type ReceivedCall,
  type RpcServerClient,
  StrictRpcServer,
} from "./ocpp/strict-rpc-server.js";
export {
  type GatewayProcess,
  LEVITY_PROGRAMS,
  launchGateway,
  launchProjector,
  type ServicePorts,
  type ServiceProcess,
  untilHttpOk,
} from "./process/levity-services.js";
export {
  type ExitStatus,
  SpawnedProcess,
  type SpawnOptions,
  spawnProcess,
} from "./process/spawned-process.js";
export { createTestPki, type TestPki } from "./tls/test-pki.js";
export { uniqueName } from "./unique-name.js";
