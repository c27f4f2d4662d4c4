import { fileURLToPath } from "node:url";
import { spawnProcess } from "@levity/testkit";

const CHILD = fileURLToPath(new URL("./state-size-child.ts", import.meta.url));

/** The projection's heap per charge point, measured in a child with exact garbage collection. */
export async function stateSize(
  chargePoints: number,
): Promise<{ chargePoints: number; bytesPerCp: number }> {
  const child = spawnProcess(process.execPath, [
    "--expose-gc",
    "--import",
    "tsx",
    "--conditions=source",
    CHILD,
    String(chargePoints),
  ]);
  const status = await child.exited;
  if (status.code !== 0) throw new Error(`state size measurement failed:\n${child.tail()}`);
  return JSON.parse(child.output.trim().split("\n").at(-1) ?? "{}");
}
