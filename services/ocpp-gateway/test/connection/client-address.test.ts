import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies } from "../../src/connection/client-address.js";

function proxies(text: string) {
  const parsed = parseTrustedProxies(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.proxies;
}

describe("the client address behind load balancers", () => {
  const lb = proxies("10.0.0.0/8, 127.0.0.1, fd00::/8");

  it("is the socket's peer when no proxy is trusted, whatever the header says", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", undefined)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", undefined, lb)).toBe("203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", lb)).toBe("203.0.113.9");
  });

  it("takes the nearest untrusted hop from a trusted proxy, not what the client wrote", () => {
    expect(clientAddress("10.1.2.3", "198.51.100.1", lb)).toBe("198.51.100.1");
    expect(clientAddress("::ffff:127.0.0.1", "6.6.6.6, 198.51.100.1, 10.9.9.9", lb)).toBe(
      "198.51.100.1",
    );
    expect(clientAddress("fd00::1", "2001:db8::7", lb)).toBe("2001:db8::7");
  });

  it("falls back to the peer when the proxy's entry is not an address", () => {
    expect(clientAddress("10.1.2.3", "unknown", lb)).toBe("10.1.2.3");
  });

  it("uses the leftmost hop when every hop is a trusted proxy", () => {
    expect(clientAddress("10.1.2.3", "10.0.0.5, 10.0.0.6", lb)).toBe("10.0.0.5");
  });

  it("refuses a list entry that is not an address or a range, naming it", () => {
    expect(parseTrustedProxies("10.0.0.0/8,lb.internal")).toEqual({
      ok: false,
      error: '--trusted-proxies: "lb.internal" is not an IP address or CIDR range',
    });
    expect(parseTrustedProxies("10.0.0.0/33").ok).toBe(false);
    expect(parseTrustedProxies("").ok).toBe(true);
  });
});
