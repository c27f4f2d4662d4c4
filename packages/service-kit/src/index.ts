export { type CommandLine, flagName, parseCommandLine } from "./config/command-line.js";
export {
  type FileParser,
  type FileReport,
  LiveFile,
  readFileText,
  writeFileAtomically,
} from "./config/live-file.js";
export { renderHelp, renderOptionsMarkdown } from "./config/option-docs.js";
export {
  choice,
  decimal,
  flag,
  integer,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  optionalText,
  optionalUrl,
  text,
  url,
} from "./config/option-spec.js";
export { readConfig, type ServiceDescription } from "./config/read-config.js";
export {
  describeRegistry,
  type MetricDescription,
  renderMetricsMarkdown,
} from "./docs/metrics-docs.js";
export { type HttpServer, type HttpServerOptions, startHttpServer } from "./http/http-server.js";
export { onShutdownSignals } from "./lifecycle/shutdown-signals.js";
export { untilOpened } from "./lifecycle/until-opened.js";
export { createLogger, type Logger, type LoggerOptions } from "./logging/create-logger.js";
export {
  type OpsServer,
  type OpsServerOptions,
  opsRoutes,
  startOpsServer,
} from "./ops/ops-server.js";
