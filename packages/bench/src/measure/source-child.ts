import { spawnProcess } from "@levity/testkit";

/**
 * Runs a measurement script from source in a child of its own (with exact garbage collection, so
 * heap figures are its alone) and returns the JSON of its last line of output.
 */
export async function runSourceChild<T>(
  script: string,
  args: readonly string[],
  what: string,
): Promise<T> {
  const child = spawnProcess(process.execPath, [
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=source",
    script,
    ...args,
  ]);
  const status = await child.exited;
  if (status.code !== 0) throw new Error(`${what} failed:\n${child.tail()}`);
  return JSON.parse(child.output.trim().split("\n").at(-1) ?? "{}") as T;
}
