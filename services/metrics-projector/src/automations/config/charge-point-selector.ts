import type { CpState } from "../../state/projection-state.js";

/** Which charge points a rule applies to. */
export interface ChargePointSelector {
  matches(cpId: string, cp: CpState): boolean;
}

/** What a rule's file entry says about the charge points it applies to. */
export interface Selection {
  readonly chargePoints?: readonly string[];
  readonly vendors?: readonly string[];
  readonly models?: readonly string[];
}

/**
 * A pattern as a regular expression: `*` any characters, `?` one, everything else itself.
 * Identities are not paths (`/` is an ordinary character in one), so path globbing does not fit.
 */
export function patternOf(pattern: string): RegExp {
  const source = [...pattern]
    .map((char) =>
      char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`, "su");
}

const anyOf = (patterns: readonly string[] | undefined) => {
  const compiled = patterns?.map(patternOf);
  return (value: string | undefined) =>
    !compiled || (value !== undefined && compiled.some((pattern) => pattern.test(value)));
};

/** The selector of a rule: every condition given must hold (vendor and model need a boot). */
export function selectorOf(selection: Selection): ChargePointSelector {
  const identity = anyOf(selection.chargePoints);
  const vendor = anyOf(selection.vendors);
  const model = anyOf(selection.models);
  return {
    matches: (cpId, cp) => identity(cpId) && vendor(cp.info?.vendor) && model(cp.info?.model),
  };
}
