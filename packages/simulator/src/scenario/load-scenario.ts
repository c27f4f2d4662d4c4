import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { type Scenario, ScenarioSchema } from "./scenario-schema.js";

const validate = new Ajv({ strict: false, allErrors: false }).compile<Scenario>(ScenarioSchema);

/** Reads a scenario file (YAML or JSON); a bad file is a one-line error value, not an exception. */
export async function loadScenario(
  path: string,
): Promise<{ ok: true; scenario: Scenario } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return {
      ok: false,
      error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    };
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    return {
      ok: false,
      error: `${path} is not YAML or JSON: ${(error as Error).message.split("\n")[0]}`,
    };
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    return {
      ok: false,
      error: `${path}: ${first?.instancePath || "/"} ${first?.message ?? "is invalid"}`,
    };
  }
  return { ok: true, scenario: value };
}
