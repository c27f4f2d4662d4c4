import { type AppendAck, InProcessEventLog, type OutgoingMessage } from "@levity/events";
import { OCPP16, parseFrame } from "@levity/ocpp";
import { createLogger } from "@levity/service-kit";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { GroupCommitter } from "../../src/commit/group-committer.js";
import { EventStamper } from "../../src/events/event-stamper.js";
import {
  callCounter,
  commitObserver,
  createGatewayMetrics,
} from "../../src/metrics/gateway-metrics.js";
import { HANDLERS_BY_SUBPROTOCOL } from "../../src/protocol/protocol-handlers.js";
import { ChargePointSession } from "../../src/session/charge-point-session.js";
import type { SessionSocket } from "../../src/session/session-socket.js";
import {
  InProcessTransactionIdBlocks,
  TransactionIdAllocator,
} from "../../src/transactions/transaction-ids.js";

/** A log whose appends wait until released: a charge point's call stays unanswered meanwhile. */
class HeldLog extends InProcessEventLog {
  #release: () => void = () => {};
  readonly #held = new Promise<void>((resolve) => {
    this.#release = resolve;
  });
  held = true;

  override async append(message: OutgoingMessage): Promise<AppendAck> {
    if (this.held) await this.#held;
    return super.append(message);
  }

  release(): void {
    this.held = false;
    this.#release();
  }
}

/** A session of one charge point on a fake socket, storing to `log`. */
function sessionOn(log: HeldLog) {
  const sent: string[] = [];
  const socket: SessionSocket = {
    send: (text) => sent.push(text),
    bufferedAmount: 0,
    ping: () => {},
    pong: () => {},
    close: () => {},
    terminate: () => {},
  };
  const metrics = createGatewayMetrics(new Registry());
  const handlers = HANDLERS_BY_SUBPROTOCOL.get(OCPP16.subprotocol);
  if (!handlers) throw new Error("no 1.6 handlers");
  const stamper = new EventStamper("gw-test", "i1");
  const committer = new GroupCommitter(
    log,
    {
      producer: "gw-test",
      instance: "i1",
      maxEvents: 100,
      maxSize: 1_000_000,
      outboxLimit: 1_000,
      available: () => true,
      retryDelayMs: 10,
    },
    commitObserver(metrics),
  );
  const session = new ChargePointSession(socket, handlers, stamper.openSession("CP-1"), {
    committer,
    stamper,
    transactionIds: new TransactionIdAllocator(new InProcessTransactionIdBlocks()),
    metrics,
    countCall: callCounter(metrics),
    idTagAccepted: () => true,
    logger: createLogger({ service: "test", level: "silent" }),
    now: Date.now,
    limits: {
      maxQueuedCalls: 10,
      maxSendBuffer: 1_000_000,
      heartbeatIntervalS: 300,
      maxQueuedCommands: 10,
      commandTimeoutMs: 5_000,
    },
    ended: () => {},
  });
  const frames = () => sent.map((text) => parseFrame(text)).flatMap((p) => (p.ok ? [p.frame] : []));
  return { session, frames };
}

describe("a session's two halves", () => {
  it("sends a command while the charge point's own call waits for its events to be stored, and answers that call after", async () => {
    const log = new HeldLog();
    const { session, frames } = sessionOn(log);
    session.receive('[2,"hb-1","Heartbeat",{}]');
    const outcome = session.command({
      messageId: "cmd-1",
      action: "Reset",
      payload: { type: "Soft" },
      deadline: Date.now() + 5_000,
    });
    // The Heartbeat is not answered (its event is not stored), yet the Reset went out.
    expect(frames().map((f) => [f.kind, f.messageId])).toEqual([["call", "cmd-1"]]);
    session.receive('[3,"cmd-1",{"status":"Accepted"}]');
    expect(await outcome).toMatchObject({ outcome: "completed", response: { status: "Accepted" } });
    log.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(frames().map((f) => [f.kind, f.messageId])).toEqual([
      ["call", "cmd-1"],
      ["result", "hb-1"],
    ]);
  });

  it("answers the charge point's calls while a command waits for its answer", async () => {
    const log = new HeldLog();
    log.release();
    const { session, frames } = sessionOn(log);
    const outcome = session.command({
      messageId: "cmd-2",
      action: "ClearCache",
      payload: {},
      deadline: Date.now() + 5_000,
    });
    session.receive('[2,"hb-2","Heartbeat",{}]');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(frames().map((f) => [f.kind, f.messageId])).toEqual([
      ["call", "cmd-2"],
      ["result", "hb-2"],
    ]);
    session.receive('[3,"cmd-2",{"status":"Accepted"}]');
    expect(await outcome).toMatchObject({ outcome: "completed" });
  });
});
