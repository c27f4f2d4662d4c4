import { type LevityEvent, ocpp16Location, type PayloadOf } from "@levity/events";
import { cpEvent, gatewayEvent } from "@levity/events/testing";
import { parseMetricsText, sampleValue } from "@levity/testkit";
import { renderProjection } from "../../src/metrics/render-projection.js";
import { evolve } from "../../src/state/evolve.js";
import { EMPTY_STATE, type ProjectionState } from "../../src/state/projection-state.js";

/**
 * A readable event timeline for one or more charge points: each helper appends an event at the
 * next second, from a chosen session and gateway.
 */
export class Scenario {
  readonly events: LevityEvent[] = [];
  #clock = 1_700_000_000_000;

  at(ms: number): this {
    this.#clock = ms;
    return this;
  }

  get now(): number {
    return this.#clock;
  }

  #next(): number {
    this.#clock += 1000;
    return this.#clock;
  }

  #cp<K extends Parameters<typeof cpEvent>[0]>(
    type: K,
    payload: Parameters<typeof cpEvent<K>>[1],
    s: Where,
  ): this {
    this.events.push(
      cpEvent(type, payload, {
        cpId: s.cp,
        sessionId: s.session,
        gatewayId: s.gateway ?? "gw-a",
        ts: this.#next(),
      }),
    );
    return this;
  }

  open(s: Where, instance = "a1"): this {
    return this.#cp("session.opened", { protocol: "ocpp1.6", instance }, s);
  }
  close(s: Where, reason: PayloadOf<"session.closed">["reason"] = "closed-by-cp"): this {
    return this.#cp("session.closed", { reason }, s);
  }
  boot(s: Where, firmware = "1.0"): this {
    return this.#cp("cp.boot", { vendor: "ACME", model: "Fast-50", firmwareVersion: firmware }, s);
  }
  heartbeat(s: Where): this {
    return this.#cp("cp.heartbeat", {}, s);
  }
  /** A 1.6 StatusNotification as the gateway records it: the status, and a fault unless NoError. */
  status(s: Where, connectorId: number, status: string, errorCode = "NoError"): this {
    const location = ocpp16Location(connectorId);
    this.#cp("cp.status", { ...location, status }, s);
    if (errorCode === "NoError") return this;
    return this.#cp("cp.fault", { ...location, code: errorCode, active: true }, s);
  }
  start(s: Where, connectorId: number, transactionId: string): this {
    return this.#cp(
      "tx.started",
      {
        ...ocpp16Location(connectorId),
        transactionId,
        idTag: "TAG",
        meterStartWh: 0,
        timestamp: this.#clock,
      },
      s,
    );
  }
  stop(s: Where, transactionId: string): this {
    return this.#cp("tx.stopped", { transactionId, meterStopWh: 100, timestamp: this.#clock }, s);
  }
  current(
    s: Where,
    connectorId: number,
    values: Record<string, number>,
    transactionId?: string,
  ): this {
    const samples = Object.entries(values).map(([phase, value]) => ({
      timestamp: this.#clock,
      measurand: "Current.Import",
      unit: "A",
      value,
      ...(phase === "total" ? {} : { phase }),
    }));
    return this.#cp(
      "meter.values",
      transactionId
        ? { ...ocpp16Location(connectorId), transactionId, samples }
        : { ...ocpp16Location(connectorId), samples },
      s,
    );
  }
  alive(gateway: string, instance: string): this {
    this.events.push(
      gatewayEvent(
        "gateway.alive",
        { instance, startedAt: 0, sessions: 0 },
        { gatewayId: gateway, ts: this.#next() },
      ),
    );
    return this;
  }
  lost(gateway: string, instance: string): this {
    this.events.push(
      gatewayEvent(
        "gateway.lost",
        { instance, lastAliveAt: 0 },
        { gatewayId: gateway, ts: this.#next() },
      ),
    );
    return this;
  }
  stopped(gateway: string, instance: string): this {
    this.events.push(
      gatewayEvent("gateway.stopped", { instance }, { gatewayId: gateway, ts: this.#next() }),
    );
    return this;
  }

  state(from: ProjectionState = EMPTY_STATE): ProjectionState {
    return this.events.reduce(evolve, from);
  }

  /** The projected series of the resulting state, parsed. */
  async metrics(connected = true) {
    return parseMetricsText(await renderProjection({ state: this.state(), connected }));
  }
}

/** Which charge point, session and gateway an event comes from. */
export interface Where {
  readonly cp: string;
  readonly session: string;
  readonly gateway?: string;
}

/** The value of one projected series. */
export function seriesValue(
  metrics: Awaited<ReturnType<Scenario["metrics"]>>,
  name: string,
  labels: Record<string, string>,
) {
  return sampleValue(metrics, name, labels);
}
