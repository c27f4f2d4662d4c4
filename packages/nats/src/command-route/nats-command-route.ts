import {
  type Claim,
  type CommandOutcome,
  type CommandRoute,
  type Delivery,
  decodeCommandOutcome,
  decodeRoutedCommand,
  encodeJson,
  type RoutedCommand,
  type SessionOwner,
} from "@levity/commands";
import { encodeSubjectToken, type SubjectSpace, subjectSpace } from "@levity/events";
import { type KV, Kvm, type KvWatchEntry } from "@nats-io/kv";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";

/** Where a route keeps its owners and addresses its commands. */
export interface NatsCommandRouteOptions {
  /** KV bucket of session owners, one key per charge point (default `OCPP_EVENTS_OWNERS`). */
  readonly bucket?: string;
  /** Subject prefix of command requests (default `ocpp`). */
  readonly subjectPrefix?: string;
  readonly replicas?: number;
}

interface Held {
  readonly cpId: string;
  readonly sessionId: string;
  readonly revision: number;
  readonly subscription: Subscription;
  readonly superseded: () => void;
}

/**
 * The command route over NATS. Each open session is claimed in a KV bucket of owners (key: the
 * escaped identity; value: gateway, instance, session, protocol) and subscribes to a request
 * subject of its own, `<prefix>.cmd.<identity>.<session>`. A command is addressed to the session
 * the bucket names: when nobody serves that subject (the session ended, its gateway died) NATS
 * answers "no responders" at once. Each claim's revision is its epoch: a gateway watching the
 * bucket learns that a newer session claimed one of its charge points and closes its own; a
 * session that ends deletes its key only if it still holds it (compare-and-delete), so a late
 * close on the old gateway never removes the new owner.
 */
export class NatsCommandRoute implements CommandRoute {
  readonly #connection: NatsConnection;
  readonly #kv: KV;
  readonly #subjects: SubjectSpace;
  readonly #held = new Map<string, Held>();
  /** Every owner the bucket holds, kept by watching it: most commands need no lookup. */
  readonly #owners = new Map<string, { readonly owner: SessionOwner; readonly revision: number }>();
  #watching: Promise<void> | undefined;
  #stopWatching: () => void = () => {};

  private constructor(connection: NatsConnection, kv: KV, subjects: SubjectSpace) {
    this.#connection = connection;
    this.#kv = kv;
    this.#subjects = subjects;
  }

  static async open(
    connection: NatsConnection,
    options: NatsCommandRouteOptions = {},
  ): Promise<NatsCommandRoute> {
    const kv = await new Kvm(connection).create(options.bucket ?? "OCPP_EVENTS_OWNERS", {
      history: 1,
      replicas: options.replicas ?? 1,
    });
    const route = new NatsCommandRoute(
      connection,
      kv,
      subjectSpace(options.subjectPrefix ?? "ocpp"),
    );
    await route.#watch();
    return route;
  }

  async ownerOf(cpId: string, fresh = false): Promise<SessionOwner | undefined> {
    const key = encodeSubjectToken(cpId);
    const cached = fresh ? undefined : this.#owners.get(key);
    if (cached) return cached.owner;
    const entry = await this.#kv.get(key);
    return entry?.operation === "PUT" ? entry.json<SessionOwner>() : undefined;
  }

  async deliver(command: RoutedCommand, waitMs: number): Promise<Delivery> {
    try {
      const reply = await this.#connection.request(
        this.#subjects.commands(command.cpId, command.sessionId),
        encodeJson(command),
        { timeout: waitMs },
      );
      const outcome = decodeCommandOutcome(reply.data);
      return outcome.ok ? { kind: "answered", outcome: outcome.value } : { kind: "no-answer" };
    } catch (error) {
      return isNoResponders(error) ? { kind: "no-session" } : { kind: "no-answer" };
    }
  }

  async claim(
    cpId: string,
    owner: SessionOwner,
    serve: (command: RoutedCommand) => Promise<CommandOutcome>,
    superseded: () => void,
  ): Promise<Claim> {
    const key = encodeSubjectToken(cpId);
    // Subscribed before the claim is visible, so no command addressed to it finds nobody.
    const subscription = this.#connection.subscribe(
      this.#subjects.commands(cpId, owner.sessionId),
      {
        callback: (error, message) => {
          if (error) return;
          const command = decodeRoutedCommand(message.data);
          // Not a command (another client on our subject): nothing to answer, nothing sent.
          if (!command.ok || command.value.sessionId !== owner.sessionId) return;
          void serve(command.value).then((outcome) => message.respond(encodeJson(outcome)));
        },
      },
    );
    await this.#connection.flush();
    const revision = await this.#kv.put(key, JSON.stringify(owner));
    const held: Held = { cpId, sessionId: owner.sessionId, revision, subscription, superseded };
    this.#held.set(key, held);
    return {
      release: async () => {
        subscription.unsubscribe();
        if (this.#held.get(key) === held) this.#held.delete(key);
        // Only while it is still ours: a newer owner's key is left alone.
        await this.#kv.delete(key, { previousSeq: revision }).catch(() => {});
      },
    };
  }

  async close(): Promise<void> {
    for (const held of this.#held.values()) held.subscription.unsubscribe();
    this.#held.clear();
    this.#stopWatching();
    await this.#watching;
  }

  /** Watches the owners bucket: every owner now and every change, and newer claims of ours. */
  async #watch(): Promise<void> {
    const updates = await this.#kv.watch();
    this.#stopWatching = () => updates.stop();
    this.#watching = (async () => {
      for await (const entry of updates) this.#observe(entry);
    })();
  }

  #observe(entry: KvWatchEntry): void {
    const known = this.#owners.get(entry.key);
    if (!known || entry.revision > known.revision) {
      if (entry.operation === "PUT")
        this.#owners.set(entry.key, {
          owner: entry.json<SessionOwner>(),
          revision: entry.revision,
        });
      else this.#owners.delete(entry.key);
    }
    const held = this.#held.get(entry.key);
    if (!held || entry.operation !== "PUT" || entry.revision <= held.revision) return;
    if (entry.json<SessionOwner>().sessionId === held.sessionId) return;
    this.#held.delete(entry.key);
    held.subscription.unsubscribe();
    held.superseded();
  }
}

function isNoResponders(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const request = error as Error & { isNoResponders?: () => boolean };
  return (
    request.isNoResponders?.() === true ||
    error.name === "NoRespondersError" ||
    /no responders/i.test(error.message)
  );
}
