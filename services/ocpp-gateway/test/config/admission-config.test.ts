import { createLogger } from "@levity/service-kit";
import { describe, expect, it } from "vitest";
import { type AdmissionConfig, admissionFromConfig } from "../../src/config/admission-config.js";

const silent = createLogger({ service: "test", level: "silent" });
const open: AdmissionConfig = {
  chargePoints: undefined,
  allowUnknown: true,
  maxChargePoints: 10,
  maxAuthFailures: 10,
  maxCredentialChecks: 2,
  credentialCheckQueue: 128,
  trustedProxies: undefined,
  tlsPort: 9443,
  tlsCert: undefined,
  tlsKey: undefined,
  tlsCa: undefined,
};

async function errorOf(config: Partial<AdmissionConfig>): Promise<string | undefined> {
  const result = await admissionFromConfig({ ...open, ...config }, silent);
  if (result.ok) result.stop();
  return result.ok ? undefined : result.error;
}

describe("admission from the command line", () => {
  it("needs a registry unless the gateway is explicitly open", async () => {
    expect(await errorOf({ allowUnknown: false })).toMatch(/--charge-points FILE.*--allow-unknown/);
    expect(await errorOf({})).toBeUndefined();
  });

  it("names a registry it cannot follow, instead of crashing", async () => {
    expect(await errorOf({ chargePoints: "/nonexistent/charge-points.yaml" })).toBe(
      "cannot watch /nonexistent for changes: ENOENT",
    );
  });

  it("needs the TLS certificate and key together, and both before a client CA", async () => {
    expect(await errorOf({ tlsCert: "cert.pem" })).toBe("--tls-cert and --tls-key go together");
    expect(await errorOf({ tlsCa: "ca.pem" })).toBe("--tls-ca needs --tls-cert and --tls-key");
  });

  it("names a trusted proxy entry that is not an address or a range", async () => {
    expect(await errorOf({ trustedProxies: "10.0.0.0/8,lb" })).toBe(
      '--trusted-proxies: "lb" is not an IP address or CIDR range',
    );
    const result = await admissionFromConfig({ ...open, trustedProxies: "10.0.0.0/8" }, silent);
    expect(result.ok && result.admission.trustedProxies?.check("10.2.3.4")).toBe(true);
  });
});
