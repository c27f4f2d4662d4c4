import { Ocpp16Dialect } from "./ocpp16-dialect.js";
import { Ocpp201Dialect } from "./ocpp201-dialect.js";
import type { DialectHost, ProtocolDialect } from "./protocol-dialect.js";
import type { SimProtocol } from "./sim-protocol.js";

/** The dialect of `protocol`, speaking for `host`. */
export function dialectFor(
  protocol: SimProtocol,
  host: DialectHost,
  meterIntervalS: number,
): ProtocolDialect {
  return protocol === "ocpp2.0.1"
    ? new Ocpp201Dialect(host, meterIntervalS)
    : new Ocpp16Dialect(host, meterIntervalS);
}
