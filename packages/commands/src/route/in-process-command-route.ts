import type { CommandOutcome, RoutedCommand } from "../contract/routed-command.js";
import type { Claim, CommandRoute, Delivery, SessionOwner } from "./command-route.js";

interface Held {
  readonly owner: SessionOwner;
  readonly serve: (command: RoutedCommand) => Promise<CommandOutcome>;
  readonly superseded: () => void;
}

/** The command route within one process: the all-in-one mode and fast tests. */
export class InProcessCommandRoute implements CommandRoute {
  readonly #owners = new Map<string, Held>();

  // Always current: claims and releases take effect at once in one process.
  async ownerOf(cpId: string): Promise<SessionOwner | undefined> {
    return this.#owners.get(cpId)?.owner;
  }

  async deliver(command: RoutedCommand, waitMs: number): Promise<Delivery> {
    const held = this.#owners.get(command.cpId);
    if (held?.owner.sessionId !== command.sessionId) return { kind: "no-session" };
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<Delivery>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "no-answer" }), waitMs);
    });
    const answered = held
      .serve(command)
      .then((outcome): Delivery => ({ kind: "answered", outcome }));
    try {
      return await Promise.race([answered, silence]);
    } finally {
      clearTimeout(timer);
    }
  }

  async claim(
    cpId: string,
    owner: SessionOwner,
    serve: (command: RoutedCommand) => Promise<CommandOutcome>,
    superseded: () => void,
  ): Promise<Claim> {
    const previous = this.#owners.get(cpId);
    const held: Held = { owner, serve, superseded };
    this.#owners.set(cpId, held);
    if (previous && previous.owner.sessionId !== owner.sessionId) previous.superseded();
    return {
      release: async () => {
        if (this.#owners.get(cpId) === held) this.#owners.delete(cpId);
      },
    };
  }

  async close(): Promise<void> {
    this.#owners.clear();
  }
}
