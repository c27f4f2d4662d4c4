import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { MAX_BOOT_TIMES } from "../../state/charge-points.js";
import { type ChargePointSelector, selectorOf } from "./charge-point-selector.js";

// The automations file: the one schema its documentation is generated from, and what a rule
// becomes once read (durations in ms, patterns compiled).

/** A duration: a number of seconds, or "500ms", "30s", "15m", "2h", "1d". */
const Duration = (description: string, fallback: string) =>
  Type.Union(
    [Type.Number({ minimum: 0 }), Type.String({ pattern: "^\\d+(\\.\\d+)?(ms|s|m|h|d)$" })],
    {
      description,
      default: fallback,
    },
  );

const Patterns = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, description });

/** Which charge points a rule applies to: every condition given must hold. */
const Selection = {
  name: Type.String({
    pattern: "^[a-z0-9][a-z0-9-]{0,62}$",
    description: "the rule's name: its decisions and metrics are labelled with it (a-z, 0-9, -)",
  }),
  chargePoints: Type.Optional(
    Patterns('identity patterns (`*` any characters, `?` one); default every charge point, ["*"]'),
  ),
  vendors: Type.Optional(Patterns("vendor patterns, as the latest BootNotification says")),
  models: Type.Optional(Patterns("model patterns, as the latest BootNotification says")),
};

const rule = <K extends string, P extends Record<string, TSchema>>(
  kind: K,
  description: string,
  properties: P,
) =>
  Type.Object(
    { ...Selection, kind: Type.Literal(kind, { description }), ...properties },
    { additionalProperties: false },
  );

export const AutoRemoteStartRule = rule(
  "auto-remote-start",
  "a connector Preparing (2.0.1: Occupied) with no transaction is started with the configured idTag after `delay` (RemoteStartTransaction in 1.6, RequestStartTransaction with a remoteStartId in 2.0.1); nothing if a transaction starts or the cable is unplugged first",
  {
    idTag: Type.String({
      minLength: 1,
      maxLength: 20,
      description: "the idTag (1.6) or idToken of type Central (2.0.1) sessions start with",
    }),
    delay: Type.Optional(Duration("how long the connector stays plugged in first", "1s")),
  },
);

export const CloseOrphanedTransactionsRule = rule(
  "close-orphaned-transactions",
  "a transaction left open when its connector starts another or reports Available is closed in the projection (always); with `trigger`, the charger is asked for its connector's real status (TriggerMessage StatusNotification)",
  {
    trigger: Type.Optional(
      Type.Boolean({ default: true, description: "ask the charger with TriggerMessage" }),
    ),
  },
);

export const ResetWhenFaultedRule = rule(
  "reset-when-faulted",
  "a connector Faulted for `after` gets its charge point a soft Reset (Soft in 1.6, OnIdle in 2.0.1), at most `maxPerDay` times in 24 hours per charge point, never during a transaction",
  {
    after: Type.Optional(Duration("how long the connector is Faulted first", "15m")),
    maxPerDay: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 32,
        default: 3,
        description: "most resets per charge point in any 24 hours",
      }),
    ),
  },
);

export const QuarantineRebootLoopRule = rule(
  "quarantine-reboot-loop",
  "more than `boots` BootNotifications within `window` set the charge point Inoperative (ChangeAvailability) and hold it quarantined (levity_automation_quarantined 1) until an operator clears it: `levity-admin quarantine clear <identity>` sets it Operative again",
  {
    boots: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_BOOT_TIMES - 1,
        default: 5,
        description: "boots allowed within the window; one more quarantines",
      }),
    ),
    window: Type.Optional(Duration("the window the boots are counted in", "10m")),
  },
);

export const WebhookRule = rule(
  "webhook",
  "POSTs each stored event of the chosen types to `url` as JSON, signed with an HMAC-SHA256 of the body (header Levity-Signature: sha256=<hex>), retried with back-off; beyond `queue` waiting events the oldest is dropped and counted",
  {
    url: Type.String({ pattern: "^https?://", description: "where events are POSTed" }),
    events: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: "event types to send, e.g. [cp.fault, gateway.lost, automation.decided]",
    }),
    secretFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: "file holding the HMAC key (never logged); without it events are unsigned",
      }),
    ),
    queue: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        default: 10_000,
        description: "most events waiting",
      }),
    ),
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 20,
        default: 5,
        description: "retries of a failed POST",
      }),
    ),
  },
);

export const AutomationsFileSchema = Type.Object(
  {
    automations: Type.Array(
      Type.Union([
        AutoRemoteStartRule,
        CloseOrphanedTransactionsRule,
        ResetWhenFaultedRule,
        QuarantineRebootLoopRule,
        WebhookRule,
      ]),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

type FileRule = Static<typeof AutomationsFileSchema>["automations"][number];
export type AutomationKind = FileRule["kind"];

/** A rule as read: its selector compiled and its durations in milliseconds. */
export type AutomationRule =
  | (Base<"auto-remote-start"> & { readonly idTag: string; readonly delayMs: number })
  | (Base<"close-orphaned-transactions"> & { readonly trigger: boolean })
  | (Base<"reset-when-faulted"> & { readonly afterMs: number; readonly maxPerDay: number })
  | (Base<"quarantine-reboot-loop"> & { readonly boots: number; readonly windowMs: number })
  | (Base<"webhook"> & {
      readonly url: string;
      readonly events: readonly string[];
      readonly secretFile: string | undefined;
      readonly queue: number;
      readonly retries: number;
    });

interface Base<K extends AutomationKind> {
  readonly kind: K;
  readonly name: string;
  readonly selector: ChargePointSelector;
}

/** A rule of one kind. */
export type RuleOf<K extends AutomationKind> = Extract<AutomationRule, { kind: K }>;

const validate = new Ajv({ strict: true, allErrors: false, discriminator: false }).compile<
  Static<typeof AutomationsFileSchema>
>(AutomationsFileSchema);

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds of a duration as the file writes it. */
export function durationMs(value: number | string | undefined, fallback: string): number {
  const duration = value ?? fallback;
  if (typeof duration === "number") return Math.round(duration * 1000);
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  return match ? Math.round(Number(match[1]) * (UNIT_MS[match[2] as string] ?? 1)) : 0;
}

/** Reads the automations file (YAML or JSON), or says in one line what is wrong and where. */
export function parseAutomations(
  text: string,
): { ok: true; value: readonly AutomationRule[] } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = text.trim() === "" ? { automations: [] } : parse(text);
  } catch (error) {
    return { ok: false, error: `not YAML or JSON: ${(error as Error).message.split("\n")[0]}` };
  }
  if (!validate(value)) return { ok: false, error: firstError(value) };
  const names = new Set<string>();
  const rules: AutomationRule[] = [];
  for (const [index, entry] of value.automations.entries()) {
    if (names.has(entry.name))
      return { ok: false, error: `/automations/${index}/name: "${entry.name}" is used twice` };
    names.add(entry.name);
    rules.push(ruleOf(entry));
  }
  return { ok: true, value: rules };
}

function ruleOf(entry: FileRule): AutomationRule {
  const base = { name: entry.name, selector: selectorOf(entry) };
  switch (entry.kind) {
    case "auto-remote-start":
      return {
        ...base,
        kind: entry.kind,
        idTag: entry.idTag,
        delayMs: durationMs(entry.delay, "1s"),
      };
    case "close-orphaned-transactions":
      return { ...base, kind: entry.kind, trigger: entry.trigger ?? true };
    case "reset-when-faulted":
      return {
        ...base,
        kind: entry.kind,
        afterMs: durationMs(entry.after, "15m"),
        maxPerDay: entry.maxPerDay ?? 3,
      };
    case "quarantine-reboot-loop":
      return {
        ...base,
        kind: entry.kind,
        boots: entry.boots ?? 5,
        windowMs: durationMs(entry.window, "10m"),
      };
    case "webhook":
      return {
        ...base,
        kind: entry.kind,
        url: entry.url,
        events: entry.events,
        secretFile: entry.secretFile,
        queue: entry.queue ?? 10_000,
        retries: entry.retries ?? 5,
      };
  }
}

/**
 * The one error worth reading: a union's errors name every kind's failure, so the entry's own
 * kind is looked up and the entry checked against that kind alone.
 */
function firstError(value: unknown): string {
  const entries = (value as { automations?: unknown } | null)?.automations;
  if (Array.isArray(entries)) {
    for (const [index, entry] of entries.entries()) {
      const kind = (entry as { kind?: unknown } | null)?.kind;
      const schema = KIND_SCHEMAS.get(kind);
      const where = `/automations/${index}`;
      if (!schema) {
        return `${where}/kind: must be one of ${[...KIND_SCHEMAS.keys()].join(", ")}`;
      }
      if (!schema(entry)) {
        const error = schema.errors?.[0];
        const extra =
          error?.keyword === "additionalProperties"
            ? ` (${String(error.params.additionalProperty)})`
            : "";
        return `${where}${error?.instancePath ?? ""}: ${error?.message ?? "is invalid"}${extra}`;
      }
    }
  }
  const error = validate.errors?.[0];
  return `${error?.instancePath || "/"}: ${error?.message ?? "is invalid"}`;
}

const KIND_SCHEMAS = new Map<unknown, ReturnType<typeof compileKind>>(
  [
    AutoRemoteStartRule,
    CloseOrphanedTransactionsRule,
    ResetWhenFaultedRule,
    QuarantineRebootLoopRule,
    WebhookRule,
  ].map((schema) => [schema.properties.kind.const, compileKind(schema)]),
);

function compileKind(schema: TSchema) {
  return new Ajv({ strict: true }).compile(schema);
}
