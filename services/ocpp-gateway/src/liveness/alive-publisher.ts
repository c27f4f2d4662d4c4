import type { Logger } from "@levity/service-kit";
import type { GroupCommitter } from "../commit/group-committer.js";
import type { EventStamper } from "../events/event-stamper.js";

/** What the alive publisher reads and writes. */
export interface AliveSources {
  readonly committer: GroupCommitter;
  readonly stamper: EventStamper;
  readonly now: () => number;
  readonly startedAt: number;
  readonly sessions: () => number;
  readonly logger: Logger;
}

/**
 * Publishes `gateway.alive` now and every interval: the projector declares a gateway lost, and its
 * sessions closed, when these stop. Returns a function that stops publishing.
 */
export function startAlivePublisher(sources: AliveSources, intervalMs: number): () => void {
  const publish = () => {
    const event = sources.stamper.gatewayEvent(
      "gateway.alive",
      {
        instance: sources.stamper.instance,
        startedAt: sources.startedAt,
        sessions: sources.sessions(),
      },
      sources.now(),
    );
    sources.committer.submit([event], (error) => {
      if (error) sources.logger.warn({ err: error }, "could not publish gateway.alive");
    });
  };
  publish();
  const timer = setInterval(publish, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
