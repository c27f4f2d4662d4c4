import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Options of a service logger. */
export interface LoggerOptions {
  readonly service: string;
  readonly level: string;
  /** Fields on every line, e.g. the gateway id. */
  readonly base?: Record<string, unknown>;
  /** Where lines go; standard output when absent. */
  readonly destination?: NodeJS.WritableStream;
}

/** Structured JSON logs (pino) with secrets redacted wherever they might appear. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "password",
          "*.password",
          "authorization",
          "*.authorization",
          "headers.authorization",
        ],
        censor: "[redacted]",
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
