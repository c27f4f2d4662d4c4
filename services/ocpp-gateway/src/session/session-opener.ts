import type { Claim, CommandRoute } from "@levity/commands";
import type { Logger } from "@levity/service-kit";
import type { ChargePointRegistry } from "../admission/charge-point-registry.js";
import { stillAdmitted } from "../admission/credential.js";
import { commandExecutor } from "../commands/command-executor.js";
import type { CommandJournal } from "../commands/command-journal.js";
import type { AcceptedConnection } from "../connection/ocpp-server.js";
import type { EventStamper } from "../events/event-stamper.js";
import { ChargePointSession } from "./charge-point-session.js";
import type { SessionRegistry } from "./session-registry.js";
import type { SessionServices } from "./session-services.js";
import { attachSocket } from "./socket-listeners.js";

/** What opening a session involves. */
export interface SessionOpenerParts {
  readonly services: Omit<SessionServices, "ended">;
  readonly stamper: EventStamper;
  readonly sessions: SessionRegistry;
  readonly route: CommandRoute;
  readonly journal: CommandJournal;
  readonly admissionRegistry: () => ChargePointRegistry;
  readonly logger: Logger;
}

/**
 * Turns an accepted WebSocket into a session: wires the socket, makes it its identity's live
 * session here, records its start, and claims the charge point's commands for it in the route,
 * until it ends. A newer session elsewhere supersedes it: it is then closed as `replaced`.
 */
export function sessionOpener(parts: SessionOpenerParts): (connection: AcceptedConnection) => void {
  const { stamper, sessions, route, journal, admissionRegistry, logger } = parts;
  const claims = new Map<ChargePointSession, Promise<Claim | undefined>>();
  const services: SessionServices = {
    ...parts.services,
    ended: (session) => {
      sessions.remove(session);
      const claim = claims.get(session);
      claims.delete(session);
      void claim?.then((held) => held?.release()).catch(() => {});
    },
  };
  return ({ socket, identity, handlers, remoteAddress, credential }) => {
    const session = new ChargePointSession(
      socket,
      handlers,
      stamper.openSession(identity),
      services,
    );
    attachSocket(socket, session);
    sessions.admit(session, credential);
    session.open(remoteAddress);
    // The registry may have changed while this handshake was being decided.
    if (!stillAdmitted(identity, credential, admissionRegistry())) {
      session.close("revoked", 1008);
      return;
    }
    claims.set(
      session,
      route
        .claim(
          identity,
          {
            gatewayId: stamper.gatewayId,
            instance: stamper.instance,
            sessionId: session.sessionId,
            protocol: session.protocol,
            since: services.now(),
          },
          commandExecutor(session, journal, logger),
          () => session.close("replaced", 1000),
        )
        .catch((error: unknown) => {
          logger.warn(
            { err: error, cpId: identity, sessionId: session.sessionId },
            "could not claim the charge point's commands; they will find it offline",
          );
          return undefined;
        }),
    );
  };
}
