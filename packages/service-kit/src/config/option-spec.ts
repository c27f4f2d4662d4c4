import { err, ok, type Result } from "@levity/events";

/** One setting of a service: its flag (derived from its key), env var, default and parser. */
export interface OptionSpec<T> {
  readonly env: string;
  readonly description: string;
  readonly default: T;
  /** How the default reads in help and docs, when its value is computed (e.g. "host name"). */
  readonly defaultText?: string;
  /** A flag that takes no value (`--flag`), true when present. */
  readonly boolean?: true;
  parse(raw: string): Result<T, string>;
}

/** A service's settings, keyed by camelCase name; `metricsPort` is `--metrics-port`. */
export type OptionTable = Readonly<Record<string, OptionSpec<unknown>>>;

/** The parsed values of a table. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]: T[K] extends OptionSpec<infer V> ? V : never;
};

interface Common<T> {
  readonly env: string;
  readonly description: string;
  readonly default: T;
  readonly defaultText?: string;
}

/** An integer within bounds. */
export function integer(spec: Common<number> & { min?: number; max?: number }): OptionSpec<number> {
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  return {
    ...spec,
    parse: (raw) => {
      const value = Number(raw.trim());
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
        return err(`expected an integer, got "${raw}"`);
      }
      if (value < min || value > max) return err(`expected ${min}..${max}, got ${value}`);
      return ok(value);
    },
  };
}

/** A decimal number within bounds. */
export function decimal(spec: Common<number> & { min?: number; max?: number }): OptionSpec<number> {
  const min = spec.min ?? Number.NEGATIVE_INFINITY;
  const max = spec.max ?? Number.POSITIVE_INFINITY;
  return {
    ...spec,
    parse: (raw) => {
      const value = Number(raw.trim());
      if (raw.trim() === "" || !Number.isFinite(value))
        return err(`expected a number, got "${raw}"`);
      if (value < min || value > max) return err(`expected ${min}..${max}, got ${value}`);
      return ok(value);
    },
  };
}

/** A string that may be left out (then undefined), e.g. a file to read. */
export function optionalText(
  spec: Omit<Common<string>, "default">,
): OptionSpec<string | undefined> {
  return {
    ...spec,
    default: undefined,
    parse: (raw) => (raw.length === 0 ? err("expected a non-empty value") : ok(raw)),
  };
}

/** A non-empty string, optionally matching a pattern. */
export function text(
  spec: Common<string> & { pattern?: RegExp; hint?: string },
): OptionSpec<string> {
  return {
    ...spec,
    parse: (raw) => {
      if (raw.length === 0) return err("expected a non-empty value");
      if (spec.pattern && !spec.pattern.test(raw))
        return err(`expected ${spec.hint ?? spec.pattern}, got "${raw}"`);
      return ok(raw);
    },
  };
}

/** One of a fixed set of words. */
export function choice<C extends string>(values: readonly C[], spec: Common<C>): OptionSpec<C> {
  return {
    ...spec,
    parse: (raw) =>
      (values as readonly string[]).includes(raw)
        ? ok(raw as C)
        : err(`expected one of ${values.join(", ")}, got "${raw}"`),
  };
}

/** A URL with one of the given schemes, e.g. nats:// or ws://. */
export function url(spec: Common<string> & { schemes: readonly string[] }): OptionSpec<string> {
  return {
    ...spec,
    parse: (raw) => {
      const urls = raw.split(",").map((part) => part.trim());
      for (const candidate of urls) {
        let parsed: URL;
        try {
          parsed = new URL(candidate);
        } catch {
          return err(`expected a URL, got "${candidate}"`);
        }
        if (!spec.schemes.includes(parsed.protocol.replace(/:$/, ""))) {
          return err(`expected a ${spec.schemes.join(" or ")} URL, got "${candidate}"`);
        }
      }
      return ok(raw);
    },
  };
}

/** A URL that may be left out (then undefined), e.g. a broker to use instead of an embedded log. */
export function optionalUrl(
  spec: Omit<Common<string>, "default"> & { schemes: readonly string[] },
): OptionSpec<string | undefined> {
  const required = url({ ...spec, default: "" });
  return { ...spec, default: undefined, parse: (raw) => required.parse(raw) };
}

/** A switch: `--flag` on the command line, or `true`/`false` in the environment. */
export function flag(spec: Omit<Common<boolean>, "default">): OptionSpec<boolean> {
  return {
    ...spec,
    default: false,
    boolean: true,
    parse: (raw) => {
      const word = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(word)) return ok(true);
      if (["0", "false", "no", "off", ""].includes(word)) return ok(false);
      return err(`expected true or false, got "${raw}"`);
    },
  };
}
