import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** A duration: "500ms", "2s", "1.5m", "1h", or a number of seconds. */
export const Duration = Type.Union([
  Type.Number({ minimum: 0 }),
  Type.String({ pattern: "^\\d+(\\.\\d+)?(ms|s|m|h)$" }),
]);

const Connector = Type.Integer({ minimum: 0, maximum: 65535 });
const step = <K extends string, S extends TSchema>(key: K, body: S) =>
  Type.Object({ [key]: body } as { [P in K]: S }, { additionalProperties: false });

/** One thing a charge point does in a scenario. */
export const ScenarioStep = Type.Union([
  Type.Literal("connect"),
  Type.Literal("boot"),
  Type.Literal("heartbeat"),
  Type.Literal("reboot"),
  Type.Literal("drop"),
  Type.Literal("disconnect"),
  step("wait", Duration),
  step(
    "status",
    Type.Object(
      { connector: Connector, status: Type.String(), errorCode: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  ),
  step("authorize", Type.Object({ idTag: Type.String() }, { additionalProperties: false })),
  step(
    "start",
    Type.Object(
      {
        connector: Connector,
        idTag: Type.Optional(Type.String()),
        currentA: Type.Optional(Type.Number({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
  ),
  step(
    "meter",
    Type.Object(
      {
        connector: Connector,
        count: Type.Optional(Type.Integer({ minimum: 1 })),
        every: Type.Optional(Duration),
      },
      { additionalProperties: false },
    ),
  ),
  step(
    "stop",
    Type.Object(
      { connector: Connector, reason: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
  ),
  step(
    "fault",
    Type.Object(
      { connector: Connector, errorCode: Type.String() },
      { additionalProperties: false },
    ),
  ),
  step(
    "call",
    Type.Object(
      {
        action: Type.String(),
        payload: Type.Record(Type.String(), Type.Unknown()),
        expectError: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
  ),
]);

export const ScenarioSchema = Type.Object(
  {
    chargePoints: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1 }),
          connectors: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
          vendor: Type.Optional(Type.String()),
          model: Type.Optional(Type.String()),
          firmware: Type.Optional(Type.String()),
          /** When this charge point's timeline starts, from the start of the run. */
          after: Type.Optional(Duration),
          steps: Type.Array(ScenarioStep),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type Scenario = Static<typeof ScenarioSchema>;
export type ScenarioStep = Static<typeof ScenarioStep>;
export type ScenarioDuration = Static<typeof Duration>;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a scenario duration. */
export function durationMs(duration: ScenarioDuration): number {
  if (typeof duration === "number") return duration * 1000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] ?? 1) : 0;
}
