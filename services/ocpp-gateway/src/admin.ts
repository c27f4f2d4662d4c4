#!/usr/bin/env node
import { text } from "node:stream/consumers";
import { ADMIN_USAGE, listing, newSecret, parseAdminCommand } from "./admin/admin-command.js";
import { runApiCall } from "./admin/cmd-command.js";
import { runEventsCommand } from "./admin/events-command.js";
import { runTokenCommand } from "./admin/token-command.js";
import { readRegistryFile, writeRegistryFile } from "./admission/registry-file.js";

// levity-admin: manages the charge point registry and the API tokens, and sends commands; one-line
// errors, exit 2 on bad input, exit 1 when a command did not complete.

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

const parsed = parseAdminCommand(process.argv.slice(2), process.env);
if (!parsed.ok) fail(parsed.error);
const command = parsed.command;
if (command.kind === "help") {
  process.stdout.write(ADMIN_USAGE);
  process.exit(0);
}
if (command.kind === "api") {
  const result = await runApiCall(command.call);
  if (result.ok) process.stdout.write(result.output);
  else process.stderr.write(`error: ${result.output}\n`);
  process.exit(result.ok ? 0 : 1);
}
if (command.kind === "events") {
  // Ctrl-C or a closed pipe (| head) ends a --follow quietly.
  let stopped = false;
  process.on("SIGINT", () => {
    stopped = true;
  });
  process.stdout.on("error", () => process.exit(0));
  try {
    const stats = await runEventsCommand(command, {
      write: (line) => process.stdout.write(line),
      note: (line) => process.stderr.write(`note: ${line}\n`),
      terminal: process.stdout.isTTY === true,
      stopped: () => stopped,
    });
    if (command.stats) process.stderr.write(`stats: ${JSON.stringify(stats)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && command.source.kind === "journal")
      fail(`no journal at ${command.source.path} (see --data-dir)`);
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.exit(0);
}
if (
  command.kind === "token-list" ||
  command.kind === "token-add" ||
  command.kind === "token-remove"
) {
  const result = await runTokenCommand(command, new Date());
  if (!result.ok) fail(result.error);
  process.stdout.write(result.output);
  process.exit(0);
}
const loaded = await readRegistryFile(command.file);
if (!loaded.ok) fail(loaded.error);
const registry = loaded.registry;

switch (command.kind) {
  case "list":
    process.stdout.write(listing(registry));
    break;
  case "remove":
    if (!registry.get(command.identity)) fail(`${command.identity} is not registered`);
    await writeRegistryFile(command.file, registry.without(command.identity));
    process.stdout.write(`removed ${command.identity}\n`);
    break;
  case "add":
  case "set-password": {
    const existing = registry.get(command.identity);
    if (command.kind === "add" && existing)
      fail(`${command.identity} is already registered (use cp set-password)`);
    if (command.kind === "set-password" && !existing)
      fail(`${command.identity} is not registered (use cp add)`);
    const profile = command.profile ?? existing?.securityProfile ?? 1;
    if (profile === 3) {
      if (command.secret) fail("profile 3 authenticates with a client certificate, not a password");
      await writeRegistryFile(
        command.file,
        registry.with({ identity: command.identity, securityProfile: 3 }),
      );
      process.stdout.write(
        `registered ${command.identity} (profile 3: its certificate's CN must be ${command.identity})\n`,
      );
      break;
    }
    const secret = await newSecret(command.secret, () => text(process.stdin));
    if (!secret.ok) fail(secret.error);
    await writeRegistryFile(
      command.file,
      registry.with({
        identity: command.identity,
        securityProfile: profile,
        passwordHash: secret.hash,
      }),
    );
    process.stdout.write(
      `${command.kind === "add" ? "registered" : "updated"} ${command.identity} (profile ${profile})\n`,
    );
    if (secret.shown)
      process.stdout.write(
        `AuthorizationKey (shown once, store it in the charge point): ${secret.shown}\n`,
      );
    break;
  }
}
