import { SeededRandom } from "../random/seeded-random.js";

/** The OCPP-J versions a simulated charge point can speak, by WebSocket subprotocol name. */
export const SIM_PROTOCOLS = ["ocpp1.6", "ocpp2.0.1"] as const;

export type SimProtocol = (typeof SIM_PROTOCOLS)[number];

/** Which protocol the charge points of a run speak. */
export interface ProtocolChoice {
  readonly protocol: SimProtocol;
  /** Share of the fleet speaking 2.0.1 (the rest 1.6); when set it overrides `protocol`. */
  readonly protocolMix: number | undefined;
}

/**
 * The protocol of the charge point numbered `index`. A mix is spread evenly over the numbers, at
 * an offset drawn from the seed: any run of n consecutive charge points has n × mix 2.0.1 ones
 * (±1), whatever share of the fleet a worker runs, and a seed always picks the same ones.
 */
export function protocolOf(index: number, seed: number, choice: ProtocolChoice): SimProtocol {
  const mix = choice.protocolMix;
  if (mix === undefined) return choice.protocol;
  const offset = new SeededRandom(seed).fork(-1).next();
  const speaks201 = Math.floor(index * mix + offset) > Math.floor((index - 1) * mix + offset);
  return speaks201 ? "ocpp2.0.1" : "ocpp1.6";
}
