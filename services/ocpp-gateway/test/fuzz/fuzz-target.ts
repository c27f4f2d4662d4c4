import type { EventLog, LogRecord } from "@levity/events";
import { ocpp16Validator } from "@levity/ocpp";
import { OcppClient } from "@levity/simulator";
import { eventually, type ProvidedNats, provideNats } from "@levity/testkit";
import { expect } from "vitest";
import type { GatewaySettings } from "../../src/gateway.js";
import {
  type GatewayUnderTest,
  newStreamSpace,
  startTestGateway,
} from "../integration/gateway-fixture.js";
import { RawPeer } from "./raw-peer.js";

/** A well-behaved charge point calling Heartbeat over and over while the fuzz runs. */
export interface Neighbour {
  /** Stops calling; resolves with how many calls were answered correctly and what went wrong. */
  stop(): Promise<{ readonly answered: number; readonly failures: readonly string[] }>;
}

/** A gateway under fuzz, its NATS, and the charge point that must not notice the abuse. */
export interface FuzzTarget {
  readonly g: GatewayUnderTest;
  readonly port: number;
  /** The current value of a gateway counter or gauge (0 when the series does not exist yet). */
  metric(name: string, labels?: Readonly<Record<string, string>>): Promise<number>;
  /** A raw WebSocket peer with its own identity, speaking `subprotocol` (ocpp1.6 unless told). */
  peer(identity: string, subprotocol?: string): Promise<RawPeer>;
  /** Waits until only the neighbour's session is open. */
  settle(): Promise<void>;
  /** Why each event stored since the previous call (or the start) breaks the contract. */
  newViolations(): Promise<string[]>;
  /** Starts the neighbour's calls in the background. */
  neighbour(): Neighbour;
  /**
   * Asserts that the abuse left nothing behind: only the neighbour's session is open, no session
   * close waits in the outbox, every stored event keeps the contract, and the neighbour is answered.
   */
  expectUnharmed(): Promise<void>;
  stop(): Promise<void>;
}

async function heartbeatProblem(client: OcppClient): Promise<string | undefined> {
  const frame = await client.call("Heartbeat", {});
  if (frame.kind !== "result") return `Heartbeat answered ${JSON.stringify(frame)}`;
  const violation = ocpp16Validator.validateResponse("Heartbeat", frame.payload);
  return violation ? `Heartbeat result invalid: ${violation.message}` : undefined;
}

function violationsOf(record: LogRecord): string[] {
  if (!record.ok) return [`sequence ${record.sequence}: ${record.error}`];
  return record.batch.rejected.map(
    ({ violation }) => `${violation.type}: ${violation.path} ${violation.message}`,
  );
}

/** Reads the records after `after` up to the last one now, and what breaks the contract in them. */
async function violationsAfter(log: EventLog, after: number): Promise<[string[], number]> {
  const last = await log.lastSequence();
  if (last <= after) return [[], after];
  const found: string[] = [];
  const reader = log.read(after + 1);
  for await (const record of reader) {
    found.push(...violationsOf(record));
    if (record.sequence >= last) break;
  }
  await reader.close();
  return [found, last];
}

function startNeighbour(client: OcppClient): Neighbour {
  let running = true;
  let answered = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      const problem = await heartbeatProblem(client).catch((error: unknown) => String(error));
      if (problem) failures.push(problem);
      else answered += 1;
      // A pause between calls, so the neighbour is a charge point and not a second load.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { answered, failures };
    },
  };
}

/** Starts NATS, a gateway with `overrides`, and the neighbour charge point. */
export async function startFuzzTarget(
  overrides: Partial<GatewaySettings> = {},
): Promise<FuzzTarget> {
  const nats: ProvidedNats = await provideNats();
  const g = await startTestGateway(nats.url, newStreamSpace(), overrides);
  const client = await OcppClient.connect(g.url, "NEIGHBOUR");
  const baseline = g.gateway.sessions();
  let checked = 0;
  const metric = async (name: string, labels: Readonly<Record<string, string>> = {}) => {
    const values = (await g.registry.getSingleMetric(name)?.get())?.values ?? [];
    const wanted = Object.entries(labels);
    const found = values.find((value) =>
      wanted.every(([key, label]) => value.labels[key] === label),
    );
    return found?.value ?? 0;
  };
  return {
    g,
    port: g.gateway.port,
    metric,
    settle: () => eventually(() => expect(g.gateway.sessions()).toBe(baseline)),
    newViolations: async () => {
      const [found, last] = await violationsAfter(g.log, checked);
      checked = last;
      return found;
    },
    peer: (identity, subprotocol) => RawPeer.open(g.gateway.port, identity, subprotocol),
    neighbour: () => startNeighbour(client),
    expectUnharmed: async () => {
      await eventually(async () => {
        expect(g.gateway.sessions()).toBe(baseline);
        expect(await metric("levity_gateway_connections")).toBe(baseline);
        expect(await metric("levity_gateway_outbox_depth")).toBe(0);
      });
      expect((await violationsAfter(g.log, 0))[0]).toEqual([]);
      expect(await heartbeatProblem(client)).toBeUndefined();
    },
    stop: async () => {
      await client.close();
      await g.stop();
      await nats.dispose();
    },
  };
}

/** Asserts a neighbour was answered correctly throughout, and at least once. */
export async function expectNeighbourServed(neighbour: Neighbour): Promise<void> {
  const { answered, failures } = await neighbour.stop();
  expect(failures).toEqual([]);
  expect(answered).toBeGreaterThan(0);
}
