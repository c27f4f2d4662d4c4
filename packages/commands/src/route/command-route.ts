import type { CommandOutcome, RoutedCommand } from "../contract/routed-command.js";

/** The session that holds a charge point now: which gateway process, which session, which protocol. */
export interface SessionOwner {
  readonly gatewayId: string;
  readonly instance: string;
  readonly sessionId: string;
  /** The OCPP subprotocol the session negotiated: commands are checked against it. */
  readonly protocol: string;
  readonly since: number;
}

/** What became of a delivery. */
export type Delivery =
  /** The gateway holding the session answered with the command's outcome. */
  | { readonly kind: "answered"; readonly outcome: CommandOutcome }
  /** Nobody serves that session (it ended, or its gateway is gone): nothing was sent. Known at once. */
  | { readonly kind: "no-session" }
  /** The gateway took the command but said nothing in time: the outcome is unknown here. */
  | { readonly kind: "no-answer" };

/** A session's claim on its charge point's commands, until released. */
export interface Claim {
  release(): Promise<void>;
}

/**
 * How a command reaches the one gateway whose session of the charge point is the newest, wherever
 * the command was asked for. A gateway claims each session it opens; a newer claim of the same
 * charge point supersedes the older one, whose gateway is told so and closes that session. Commands
 * are addressed to one session, so a session that is gone (or superseded) can never receive one.
 */
export interface CommandRoute {
  /**
   * The newest session of `cpId`, if it has one anywhere. It may lag a claim or release made
   * elsewhere by the route's propagation delay (a delivery to a session that is gone finds out at
   * once); `fresh` asks the route's source of truth instead.
   */
  ownerOf(cpId: string, fresh?: boolean): Promise<SessionOwner | undefined>;
  /** Delivers `command` to the session it names; waits at most `waitMs` for the outcome. */
  deliver(command: RoutedCommand, waitMs: number): Promise<Delivery>;
  /**
   * Makes `owner` the newest session of `cpId` and serves the commands addressed to it with
   * `serve`, until released; `superseded` is called if a newer session claims `cpId` meanwhile.
   */
  claim(
    cpId: string,
    owner: SessionOwner,
    serve: (command: RoutedCommand) => Promise<CommandOutcome>,
    superseded: () => void,
  ): Promise<Claim>;
  /** Stops serving every claim of this route (their owners stay until they expire or are replaced). */
  close(): Promise<void>;
}
