import type { TSchema } from "@sinclair/typebox";
import {
  AutoRemoteStartRule,
  CloseOrphanedTransactionsRule,
  QuarantineRebootLoopRule,
  ResetWhenFaultedRule,
  WebhookRule,
} from "./automation-rules.js";

const KINDS = [
  AutoRemoteStartRule,
  CloseOrphanedTransactionsRule,
  ResetWhenFaultedRule,
  QuarantineRebootLoopRule,
  WebhookRule,
];

interface FieldSchema {
  readonly type?: string;
  readonly anyOf?: readonly FieldSchema[];
  readonly items?: FieldSchema;
  readonly const?: unknown;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

function typeOf(field: FieldSchema): string {
  if (field.anyOf) return "duration";
  if (field.type === "array") return `list of ${typeOf(field.items ?? {})}`;
  const range =
    field.minimum !== undefined && field.maximum !== undefined
      ? ` ${field.minimum}–${field.maximum}`
      : "";
  return `${field.type ?? "value"}${range}`;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/**
 * The automations file's reference, from its schema (docs/automations.md's generated section):
 * per kind, what it does and each field with its type, default and meaning.
 */
export function renderAutomationsReference(): string {
  return KINDS.map((schema) => {
    const kind = schema.properties.kind as FieldSchema;
    const required = new Set<string>(schema.required ?? []);
    const rows = Object.entries(schema.properties as Record<string, TSchema>)
      .filter(([name]) => name !== "kind")
      .map(([name, value]) => {
        const field = value as FieldSchema;
        const fallback =
          field.default !== undefined
            ? `\`${String(field.default)}\``
            : required.has(name)
              ? "required"
              : "—";
        return `| \`${name}\` | ${typeOf(field)} | ${fallback} | ${cell(field.description ?? "")} |`;
      });
    return [
      `### \`${String(kind.const)}\``,
      "",
      `${sentence(kind.description ?? "")}.`,
      "",
      "| Field | Type | Default | Meaning |",
      "|---|---|---|---|",
      ...rows,
    ].join("\n");
  }).join("\n\n");
}
