import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { generatedFiles } from "./generated-files.js";

// pnpm grafana:build: writes the dashboard, the three renderings of the alerts and the provisioning files.
for (const file of generatedFiles()) {
  await mkdir(dirname(file.absolute), { recursive: true });
  await writeFile(file.absolute, file.content);
  console.log(`wrote ${file.path}`);
}
