import type { LevityEvent, PayloadOf } from "@levity/events";
import { cpEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";

// 2.0.1's TransactionEvent as the gateway stores it: tx.started, tx.updated and tx.stopped with
// the transaction's seqNo, and `offline` when it was queued while the charging station was offline.

const CP = "CS-1";
const T0 = 1_700_000_000_000;
let clock = T0;

function event<K extends "session.opened" | "tx.started" | "tx.updated" | "tx.stopped">(
  type: K,
  payload: PayloadOf<K>,
): LevityEvent {
  clock += 1_000;
  return cpEvent(type, payload, { cpId: CP, sessionId: "s1", gatewayId: "gw-a", ts: clock });
}

const opened = () => event("session.opened", { protocol: "ocpp2.0.1", instance: "a1" });
// Each event of a transaction also reads the register, 100 Wh more per seqNo: monotonic, as a
// good meter is, so its energy must not depend on the order its events arrive in.
const registerAt = (seqNo: number) => 1_000 + seqNo * 100;
const current = (amperes: number, at: number, seqNo: number) => [
  { timestamp: at, measurand: "Current.Import", unit: "A", value: amperes },
  {
    timestamp: at,
    measurand: "Energy.Active.Import.Register",
    unit: "Wh",
    value: registerAt(seqNo),
  },
];
const started = (id: string, evseId: number, extra: Partial<PayloadOf<"tx.started">> = {}) =>
  event("tx.started", {
    evseId,
    connectorId: 1,
    transactionId: id,
    timestamp: T0,
    meterStartWh: registerAt(0),
    seqNo: 0,
    ...extra,
  });
const updated = (id: string, seqNo: number, amperes: number, offline?: boolean) =>
  event("tx.updated", {
    transactionId: id,
    timestamp: T0 + seqNo,
    seqNo,
    samples: current(amperes, T0 + seqNo, seqNo),
    ...(offline === undefined ? {} : { offline }),
  });
const ended = (id: string, seqNo: number, offline?: boolean) =>
  event("tx.stopped", {
    transactionId: id,
    timestamp: T0 + seqNo,
    meterStopWh: registerAt(seqNo),
    seqNo,
    reason: "EVDisconnected",
    ...(offline === undefined ? {} : { offline }),
  });

const fold = (events: readonly LevityEvent[]): ProjectionState =>
  events.reduce(evolve, EMPTY_STATE);

async function series(state: ProjectionState, name: string, evse: number) {
  const metrics = parseMetricsText(await renderProjection({ state, connected: true }));
  return sampleValue(metrics, name, { cp_id: CP, connector_id: String(evse) });
}

describe("2.0.1 transactions: TransactionEvent applied once, late ones as history", () => {
  it("opens at Started, takes current from the newest Updated, and ends at Ended", async () => {
    const live = fold([
      opened(),
      started("tx-a", 1),
      updated("tx-a", 1, 16),
      updated("tx-a", 2, 32),
    ]);
    expect(await series(live, "ocpp_tx_active", 1)).toBe(1);
    expect(await series(live, "ocpp_cp_current_a", 1)).toBe(32);
    const done = [ended("tx-a", 3)].reduce(evolve, live);
    expect(await series(done, "ocpp_tx_active", 1)).toBe(0);
    expect(await series(done, "ocpp_cp_current_a", 1)).toBe(0);
  });

  it("applies a repeated or older Updated (by seqNo) not at all", async () => {
    const state = fold([
      opened(),
      started("tx-a", 1),
      updated("tx-a", 2, 32),
      updated("tx-a", 1, 8),
      updated("tx-a", 2, 8),
    ]);
    expect(await series(state, "ocpp_cp_current_a", 1)).toBe(32);
  });

  it("never opens an ended transaction again: not by a late Updated, not by a repeated Started", async () => {
    const state = fold([
      opened(),
      started("tx-a", 1),
      ended("tx-a", 2),
      updated("tx-a", 1, 16, true),
      started("tx-a", 1),
    ]);
    expect(await series(state, "ocpp_tx_active", 1)).toBe(0);
    expect(await series(state, "ocpp_cp_current_a", 1)).toBe(0);
  });

  it("applies a late Ended (sent offline) even after the transaction's events stopped", async () => {
    const state = fold([
      opened(),
      started("tx-a", 2),
      updated("tx-a", 1, 16),
      ended("tx-a", 9, true),
    ]);
    expect(await series(state, "ocpp_tx_active", 2)).toBe(0);
  });

  it("keeps the live transaction when an offline Started of another arrives on its EVSE, orphaning nothing", async () => {
    const state = fold([opened(), started("live", 1), started("queued", 1, { offline: true })]);
    expect(state.cps.get(CP)?.connectors["1"]?.transaction?.id).toBe("live");
    expect(state.orphanedTransactions).toBe(0);
    const live = fold([opened(), started("old", 1), started("new", 1)]);
    expect(live.cps.get(CP)?.connectors["1"]?.transaction?.id).toBe("new");
    expect(live.orphanedTransactions).toBe(1);
  });

  it("remembers an end whose charger clock is far behind, so its repeat is not counted again", () => {
    clock = T0;
    const events: LevityEvent[] = [opened()];
    // Sixteen transactions end, then one whose charger clock was reset to 2001.
    for (let n = 0; n < 16; n++) events.push(started(`t${n}`, 1), ended(`t${n}`, 1));
    events.push(started("old", 1, { timestamp: 978_307_200_000 }));
    const stop = event("tx.stopped", {
      transactionId: "old",
      timestamp: 978_307_260_000,
      meterStopWh: registerAt(1),
      seqNo: 1,
    });
    events.push(stop, stop);
    const cp = events.reduce(evolve, EMPTY_STATE).cps.get(CP);
    expect(cp?.transactions).toBe(17);
    expect(cp?.endedTransactions?.at(-1)?.id).toBe("old");
  });

  it("gives the state of the ordered events for any order of duplicated and offline ones", async () => {
    // Transactions on their own EVSEs: complete ones may arrive in any order, duplicated and
    // flagged offline; one still going has its Started first (a station sends its queue in order)
    // and its updates, duplicated, in any order after it.
    const transaction = fc.record({
      updates: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 4 }),
      complete: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(transaction, { minLength: 1, maxLength: 4 }),
        fc.infiniteStream(fc.boolean()),
        fc.infiniteStream(fc.nat()),
        async (transactions, flags, picks) => {
          clock = T0;
          const ordered: LevityEvent[] = [opened()];
          const heads: LevityEvent[] = [];
          const rest: LevityEvent[] = [];
          transactions.forEach((tx, index) => {
            const id = `tx-${index}`;
            const evse = index + 1;
            const own = [
              started(id, evse, { offline: flags.next().value }),
              ...tx.updates.map((amperes, seq) =>
                updated(id, seq + 1, amperes, flags.next().value),
              ),
              ...(tx.complete ? [ended(id, tx.updates.length + 1, flags.next().value)] : []),
            ];
            ordered.push(...own);
            if (tx.complete) rest.push(...own, ...own.filter(() => flags.next().value));
            else {
              heads.push(own[0] as LevityEvent);
              rest.push(...own.slice(1), ...own.filter(() => flags.next().value));
            }
          });
          const shuffled = [...rest];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = picks.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j] as LevityEvent, shuffled[i] as LevityEvent];
          }
          // An in-progress transaction's updates may not precede its Started.
          const arrived = [ordered[0] as LevityEvent, ...heads, ...shuffled];
          const expected = fold(ordered);
          const actual = fold(arrived);
          expect(actual.cps.get(CP)?.connectors).toEqual(expected.cps.get(CP)?.connectors);
          expect(actual.cps.get(CP)?.endedTransactions).toEqual(
            expected.cps.get(CP)?.endedTransactions,
          );
          expect(actual.orphanedTransactions).toBe(expected.orphanedTransactions);
          expect(actual.cps.get(CP)?.energyWh).toBe(expected.cps.get(CP)?.energyWh);
          const rendered = async (state: ProjectionState) =>
            (await renderProjection({ state, connected: true })).split("\n");
          expect(await rendered(actual)).toEqual(await rendered(expected));
        },
      ),
      { numRuns: 200 },
    );
  });
});
