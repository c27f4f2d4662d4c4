import { InProcessEventLog, type LevityEvent } from "@levity/events";
import { readEvents } from "@levity/events/testing";
import { createLogger } from "@levity/service-kit";
import { describe, expect, it } from "vitest";
import type {
  AutomationCommand,
  CommandHandOver,
  CommandPort,
} from "../../src/automations/commands/command-port.js";
import {
  type AutomationRule,
  parseAutomations,
} from "../../src/automations/config/automation-rules.js";
import { Reactor } from "../../src/automations/runtime/reactor.js";
import { evolve } from "../../src/state/evolve.js";
import type { ProjectionState } from "../../src/state/projection-state.js";
import { Scenario } from "../state/scenario.js";

const parsed = parseAutomations(`
automations:
  - { name: free-vend, kind: auto-remote-start, idTag: FREE, delay: 1s }
`);
if (!parsed.ok) throw new Error(parsed.error);
const RULES: readonly AutomationRule[] = parsed.value;

const FREE = { cp: "FREE-1", session: "s1" };
const plugged = new Scenario().open(FREE).boot(FREE).status(FREE, 1, "Preparing");
const DUE = plugged.now + 1_000;

/** A command port that records what it is handed, answering as told. */
class RecordingPort implements CommandPort {
  readonly handed: AutomationCommand[] = [];
  answers: CommandHandOver[] = [];
  async send(command: AutomationCommand): Promise<CommandHandOver> {
    this.handed.push(command);
    return this.answers.shift() ?? { ok: true, commandId: `c-${this.handed.length}` };
  }
}

function reactorOn(log: InProcessEventLog, port: CommandPort, now: () => number) {
  return new Reactor({
    log,
    commands: port,
    rules: () => RULES,
    logger: createLogger({ service: "test", level: "silent" }),
    now,
    producer: "automations",
  });
}

async function tick(reactor: Reactor, state: ProjectionState): Promise<void> {
  reactor.tick(state);
  await reactor.idle();
}

const decided = (events: readonly LevityEvent[]) =>
  events.filter((event) => event.type === "automation.decided");

describe("the reactor", () => {
  it("stores a decision, then hands its command over with the decision's id as idempotency key", async () => {
    const log = new InProcessEventLog();
    const port = new RecordingPort();
    const reactor = reactorOn(log, port, () => DUE);
    await tick(reactor, plugged.state());
    await tick(reactor, plugged.state());
    const stored = decided(await readEvents(log));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.payload).toMatchObject({
      automation: "free-vend",
      decision: "act",
      command: { action: "RemoteStartTransaction", deadline: DUE + 30_000 },
    });
    expect(port.handed).toEqual([
      {
        cpId: "FREE-1",
        action: "RemoteStartTransaction",
        request: { connectorId: 1, idTag: "FREE" },
        idempotencyKey: stored[0]?.id,
        deadline: DUE + 30_000,
      },
    ]);
  });

  it("stores one decision when two replicas decide at once, and both hand over the same key", async () => {
    const log = new InProcessEventLog();
    const ports = [new RecordingPort(), new RecordingPort()];
    const replicas = ports.map((port) => reactorOn(log, port, () => DUE));
    await Promise.all(replicas.map((replica) => tick(replica, plugged.state())));
    const stored = decided(await readEvents(log));
    expect(stored).toHaveLength(1);
    const keys = ports.flatMap((port) => port.handed.map((command) => command.idempotencyKey));
    expect(new Set(keys)).toEqual(new Set([stored[0]?.id]));
  });

  it("after a restart finds its decision stored: decides nothing new, and hands over only while in time", async () => {
    const log = new InProcessEventLog();
    await tick(
      reactorOn(log, new RecordingPort(), () => DUE),
      plugged.state(),
    );
    const inTime = new RecordingPort();
    await tick(
      reactorOn(log, inTime, () => DUE + 5_000),
      plugged.state(),
    );
    expect(inTime.handed).toHaveLength(1);
    const late = new RecordingPort();
    await tick(
      reactorOn(log, late, () => DUE + 60_000),
      plugged.state(),
    );
    expect(late.handed).toEqual([]);
    expect(decided(await readEvents(log))).toHaveLength(1);
  });

  it("records a decision it comes to past its deadline as skipped, and sends nothing", async () => {
    const log = new InProcessEventLog();
    const port = new RecordingPort();
    await tick(
      reactorOn(log, port, () => DUE + 31_000),
      plugged.state(),
    );
    expect(decided(await readEvents(log)).map((event) => event.payload)).toEqual([
      expect.objectContaining({ decision: "skip", reason: "past its deadline when decided" }),
    ]);
    expect(port.handed).toEqual([]);
  });

  it("hands a command over again while the command path is unreachable, and stops at once when refused", async () => {
    const log = new InProcessEventLog();
    const port = new RecordingPort();
    port.answers = [
      { ok: false, retry: true, error: "unreachable" },
      { ok: false, retry: true, error: "unreachable" },
    ];
    let now = DUE;
    const reactor = reactorOn(log, port, () => now);
    for (let i = 0; i < 4; i++) {
      await tick(reactor, plugged.state());
      now += 1_000;
    }
    expect(port.handed).toHaveLength(3);

    const refusedLog = new InProcessEventLog();
    const refusing = new RecordingPort();
    refusing.answers = [{ ok: false, retry: false, error: "invalid payload" }];
    const other = reactorOn(refusedLog, refusing, () => DUE);
    await tick(other, plugged.state());
    await tick(other, plugged.state());
    expect(refusing.handed).toHaveLength(1);
  });

  it("hands over the command of a decision another process stored and never sent, until it is requested", async () => {
    const log = new InProcessEventLog();
    // A process stored the decision and died before sending: its port never answered.
    const dead = new RecordingPort();
    dead.answers = [{ ok: false, retry: true, error: "died" }];
    await tick(
      reactorOn(log, dead, () => DUE),
      plugged.state(),
    );
    const stored = (await readEvents(log)).reduce(evolve, plugged.state());
    expect([...stored.automations.awaiting.values()]).toEqual([
      expect.objectContaining({ automation: "free-vend", cpId: "FREE-1", deadline: DUE + 30_000 }),
    ]);
    // Another replica, with no rule that decides it again, finds it in the projection.
    const port = new RecordingPort();
    const replica = new Reactor({
      log,
      commands: port,
      rules: () => [],
      logger: createLogger({ service: "test", level: "silent" }),
      now: () => DUE + 2_000,
      producer: "automations",
    });
    // Not while the charge point has no session: its command would find it offline.
    const away = new Scenario().at(DUE).close(FREE).state(stored);
    await tick(replica, away);
    expect(port.handed).toEqual([]);
    const back = new Scenario()
      .at(DUE + 1_000)
      .open(FREE)
      .state(away);
    await tick(replica, back);
    await tick(replica, back);
    expect(port.handed.map((command) => command.action)).toEqual(["RemoteStartTransaction"]);
    // Past its deadline, no process hands it over any more.
    const late = new RecordingPort();
    await tick(
      reactorOn(log, late, () => DUE + 31_000),
      stored,
    );
    expect(late.handed).toEqual([]);
  });
});
