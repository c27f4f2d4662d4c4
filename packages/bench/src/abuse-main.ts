import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { abuse, abuseOptions, renderAbuse } from "./scenarios/abuse.js";
import { startLevity } from "./scenarios/systems.js";

// pnpm --filter @levity/bench abuse: the abuse scenario alone, after pnpm build (pnpm bench runs
// it with the others). Writes .bench/abuse.json and prints the report section.

const quick = process.env.BENCH_QUICK === "1";
const levity = await startLevity();
try {
  const result = await abuse(levity, abuseOptions(quick));
  const out = fileURLToPath(new URL("../../../.bench/", import.meta.url));
  await mkdir(out, { recursive: true });
  await writeFile(`${out}abuse.json`, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${renderAbuse(result)}\nWritten to .bench/abuse.json\n`);
} finally {
  await levity.stop();
}
