import { fileURLToPath } from "node:url";
import * as hdr from "hdr-histogram-js";
import { encodeLatency, newLatencyHistogram } from "../measure/latency.js";
import { ChildChannel } from "./child-channel.js";
import type { LoadCommand, MixResult } from "./load-client.js";
import type { ConnectResult } from "./load-driver.js";

const CLIENT = fileURLToPath(new URL("./load-client.ts", import.meta.url));

/**
 * Sockets one load process holds at most: every process here is capped at 20,000 open files, and
 * the process needs some for itself.
 */
export const SOCKETS_PER_PROCESS = 15_000;

/** Load processes needed to hold `chargePoints` sockets. */
export function processesFor(chargePoints: number): number {
  return Math.max(1, Math.ceil(chargePoints / SOCKETS_PER_PROCESS));
}

/** One histogram of several processes' encoded ones. */
export function mergeLatency(encoded: readonly string[]): string {
  const merged = newLatencyHistogram();
  for (const one of encoded) merged.add(hdr.decodeFromCompressedBase64(one, 32, false));
  return encodeLatency(merged);
}

interface Member {
  readonly channel: ChildChannel<LoadCommand>;
  readonly localAddress: string | undefined;
  held: number;
}

/**
 * Several load client processes acting as one fleet: a range of charge points is spread evenly
 * over them, each process from its own source address when given (each address has its own
 * ephemeral ports). A process runs one command at a time; the pool runs them all at once.
 */
export class LoadPool {
  readonly #members: readonly Member[];

  private constructor(members: readonly Member[]) {
    this.#members = members;
  }

  /** Forks `processes` load clients; process i connects from `localAddresses[i]` when given. */
  static async start(processes: number, localAddresses: readonly string[] = []): Promise<LoadPool> {
    const members = await Promise.all(
      Array.from({ length: processes }, async (_, index) => ({
        channel: await ChildChannel.fork<LoadCommand>(CLIENT, "load client"),
        localAddress: localAddresses[index],
        held: 0,
      })),
    );
    return new LoadPool(members);
  }

  get pids(): readonly number[] {
    return this.#members.map((member) => member.channel.pid);
  }

  /** Charge points connected and booted, over all processes. */
  get held(): number {
    return this.#members.reduce((sum, member) => sum + member.held, 0);
  }

  /**
   * Connects charge points `prefix`0 to `prefix`(count - 1), booting each: process i takes the i-th
   * slice; charge point k goes to the gateway its block falls in (`urls` split the range evenly).
   * `concurrency` is the number of handshakes in flight over the whole pool.
   */
  async connect(
    urls: readonly string[],
    prefix: string,
    count: number,
    concurrency: number,
  ): Promise<ConnectResult> {
    const processes = this.#members.length;
    const perProcess = Math.max(1, Math.ceil(concurrency / processes));
    const gatewayOf = (index: number) => Math.floor((index * urls.length) / count);
    const started = performance.now();
    const results = await Promise.all(
      this.#members.map(async (member, p) => {
        const end = Math.floor(((p + 1) * count) / processes);
        const parts: ConnectResult[] = [];
        for (let from = Math.floor((p * count) / processes); from < end; ) {
          const gateway = gatewayOf(from);
          let to = from + 1;
          while (to < end && gatewayOf(to) === gateway) to += 1;
          const part = await member.channel.send<ConnectResult>({
            cmd: "connect",
            url: urls[gateway] ?? "",
            prefix,
            from,
            count: to - from,
            concurrency: perProcess,
            ...(member.localAddress ? { localAddress: member.localAddress } : {}),
          });
          member.held += part.connected;
          parts.push(part);
          from = to;
        }
        return parts;
      }),
    );
    const parts = results.flat();
    return {
      connected: parts.reduce((sum, part) => sum + part.connected, 0),
      failed: parts.reduce((sum, part) => sum + part.failed, 0),
      seconds: (performance.now() - started) / 1000,
      latency: mergeLatency(parts.map((part) => part.latency)),
    };
  }

  /** Opens transactions on the realistic mix's share of the charge points held. */
  startTransactions(concurrency: number): Promise<MixResult> {
    const perProcess = Math.max(1, Math.ceil(concurrency / this.#members.length));
    return this.#all(() => ({ cmd: "start-transactions", concurrency: perProcess }));
  }

  /** The realistic mix for `seconds` at `perSecond` calls over the whole pool. */
  realistic(seconds: number, perSecond: number): Promise<MixResult> {
    const held = Math.max(1, this.held);
    return this.#all((member) => ({
      cmd: "realistic",
      seconds,
      perSecond: (perSecond * member.held) / held,
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.#members.map((member) => member.channel.send({ cmd: "close" })));
    for (const member of this.#members) member.held = 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#members.map((member) => member.channel.stop()));
  }

  async #all(command: (member: Member) => LoadCommand): Promise<MixResult> {
    const started = performance.now();
    const results = await Promise.all(
      this.#members
        .filter((member) => member.held > 0)
        .map((member) => member.channel.send<MixResult>(command(member))),
    );
    const actions: Record<string, number> = {};
    for (const result of results)
      for (const [action, calls] of Object.entries(result.actions))
        actions[action] = (actions[action] ?? 0) + calls;
    return {
      calls: results.reduce((sum, result) => sum + result.calls, 0),
      errors: results.reduce((sum, result) => sum + result.errors, 0),
      seconds: (performance.now() - started) / 1000,
      latency: mergeLatency(results.map((result) => result.latency)),
      actions,
      compression: results[0]?.compression ?? 1,
    };
  }
}
