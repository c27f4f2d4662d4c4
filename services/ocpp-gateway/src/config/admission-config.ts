import type { Logger } from "@levity/service-kit";
import { ChargePointRegistry } from "../admission/charge-point-registry.js";
import { LiveRegistry } from "../admission/registry-file.js";
import { parseTrustedProxies } from "../connection/client-address.js";
import type { TlsOptions } from "../connection/ocpp-server.js";
import type { AdmissionSettings } from "../gateway.js";

/** The settings admission is built from (a subset of the gateway's options). */
export interface AdmissionConfig {
  readonly chargePoints: string | undefined;
  readonly allowUnknown: boolean;
  readonly maxChargePoints: number;
  readonly maxAuthFailures: number;
  readonly maxCredentialChecks: number;
  readonly credentialCheckQueue: number;
  readonly trustedProxies: string | undefined;
  readonly tlsPort: number;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsCa: string | undefined;
}

/** Admission and TLS from the command line: the registry loaded and followed, or a one-line error. */
export async function admissionFromConfig(
  config: AdmissionConfig,
  logger: Logger,
): Promise<
  | {
      ok: true;
      admission: AdmissionSettings;
      tls: TlsOptions | undefined;
      /** Whether a charge point may exist here (registered, or any in open mode): for commands. */
      knownChargePoint: (cpId: string) => boolean;
      stop: () => void;
    }
  | { ok: false; error: string }
> {
  if (!config.chargePoints && !config.allowUnknown) {
    return {
      ok: false,
      error:
        "no charge point registry: give --charge-points FILE, or --allow-unknown for an open lab gateway",
    };
  }
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    return { ok: false, error: "--tls-cert and --tls-key go together" };
  }
  if (config.tlsCa && !config.tlsCert)
    return { ok: false, error: "--tls-ca needs --tls-cert and --tls-key" };
  const proxies = config.trustedProxies ? parseTrustedProxies(config.trustedProxies) : undefined;
  if (proxies && !proxies.ok) return proxies;
  let registry: () => ChargePointRegistry;
  let onRegistryChange: AdmissionSettings["onRegistryChange"] = () => () => {};
  let stop = () => {};
  if (config.chargePoints) {
    const opened = await LiveRegistry.open(config.chargePoints, (event) => {
      if (event.ok) logger.info({ chargePoints: event.size }, "charge point registry reloaded");
      else
        logger.error(
          { error: event.error },
          "charge point registry not reloaded, keeping the previous one",
        );
    });
    if (!opened.ok) return opened;
    const live = opened.registry;
    logger.info(
      { chargePoints: live.current.size, file: config.chargePoints },
      "charge point registry loaded",
    );
    registry = () => live.current;
    onRegistryChange = (listener) => live.onChange(listener);
    stop = () => live.stop();
  } else {
    const empty = new ChargePointRegistry([]);
    registry = () => empty;
  }
  if (config.allowUnknown)
    logger.warn(
      { maxChargePoints: config.maxChargePoints },
      "open mode: unregistered charge points are admitted without authentication",
    );
  const tls =
    config.tlsCert && config.tlsKey
      ? {
          port: config.tlsPort,
          certFile: config.tlsCert,
          keyFile: config.tlsKey,
          caFile: config.tlsCa,
        }
      : undefined;
  return {
    ok: true,
    admission: {
      chargePoints: registry,
      allowUnknown: config.allowUnknown,
      maxChargePoints: config.maxChargePoints,
      maxAuthFailures: config.maxAuthFailures,
      maxCredentialChecks: config.maxCredentialChecks,
      credentialCheckQueue: config.credentialCheckQueue,
      trustedProxies: proxies?.proxies,
      onRegistryChange,
    },
    tls,
    knownChargePoint: (cpId) => config.allowUnknown || registry().get(cpId) !== undefined,
    stop,
  };
}
