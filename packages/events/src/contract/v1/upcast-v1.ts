import { EVENT_VERSION, type EventOf, type LevityEvent } from "../events.js";
import { type Location, ocpp16Location } from "../location.js";
import type { LevityEventV1 } from "./events-v1.js";

/** v1 stored 1.6 connector numbers; its optional `evseId` (never written by a v1 gateway) wins. */
function located(connectorId: number, evseId?: number): Location {
  if (evseId === undefined) return ocpp16Location(connectorId);
  return connectorId > 0 ? { evseId, connectorId } : { evseId };
}

/**
 * The v2 events a v1 event stands for. Most are the same fact with the new version; a status
 * whose errorCode is not NoError becomes the status and a raised fault (its id suffixed `.fault`),
 * and connector numbers become EVSE references.
 */
export function upcastV1(event: LevityEventV1): LevityEvent[] {
  switch (event.type) {
    case "cp.status": {
      const { connectorId, evseId, errorCode, ...rest } = event.payload;
      const where = located(connectorId, evseId);
      const status: EventOf<"cp.status"> = {
        ...event,
        v: EVENT_VERSION,
        payload: { ...where, ...rest },
      };
      if (errorCode === "NoError") return [status];
      const fault: EventOf<"cp.fault"> = {
        ...event,
        id: `${event.id}.fault`,
        type: "cp.fault",
        v: EVENT_VERSION,
        payload: {
          ...where,
          code: errorCode,
          active: true,
          ...(rest.info === undefined ? {} : { info: rest.info }),
          ...(rest.vendorId === undefined ? {} : { vendorId: rest.vendorId }),
          ...(rest.vendorErrorCode === undefined ? {} : { vendorErrorCode: rest.vendorErrorCode }),
          ...(rest.timestamp === undefined ? {} : { timestamp: rest.timestamp }),
        },
      };
      return [status, fault];
    }
    case "tx.started": {
      const { connectorId, ...rest } = event.payload;
      return [{ ...event, v: EVENT_VERSION, payload: { ...located(connectorId), ...rest } }];
    }
    case "tx.stopped": {
      const { connectorId, ...rest } = event.payload;
      const where = connectorId === undefined ? {} : located(connectorId);
      return [{ ...event, v: EVENT_VERSION, payload: { ...where, ...rest } }];
    }
    case "meter.values": {
      const { connectorId, ...rest } = event.payload;
      return [{ ...event, v: EVENT_VERSION, payload: { ...located(connectorId), ...rest } }];
    }
    default:
      return [{ ...event, v: EVENT_VERSION } as LevityEvent];
  }
}
