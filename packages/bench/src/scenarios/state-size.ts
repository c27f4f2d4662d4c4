import { fileURLToPath } from "node:url";
import { runSourceChild } from "../measure/source-child.js";

const CHILD = fileURLToPath(new URL("./state-size-child.ts", import.meta.url));

/** The projection's heap per charge point, measured in a child with exact garbage collection. */
export function stateSize(
  chargePoints: number,
): Promise<{ chargePoints: number; bytesPerCp: number }> {
  return runSourceChild(CHILD, [String(chargePoints)], "state size measurement");
}
