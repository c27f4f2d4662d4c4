import { BlockList, isIP } from "node:net";

/** The load balancers whose X-Forwarded-For is believed: addresses and CIDR ranges. */
export type TrustedProxies = BlockList;

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

function plain(address: string): string {
  return V4_MAPPED.exec(address)?.[1] ?? address;
}

function trusts(proxies: TrustedProxies, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Parses `--trusted-proxies` ("10.0.0.0/8,127.0.0.1,::1"), or says which entry is not an address
 * or a CIDR range.
 */
export function parseTrustedProxies(
  text: string,
): { ok: true; proxies: TrustedProxies } | { ok: false; error: string } {
  const proxies = new BlockList();
  for (const entry of text.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const [address = "", bits, extra] = entry.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const validPrefix =
      prefix === undefined ||
      (Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128));
    if (family === 0 || extra !== undefined || !validPrefix) {
      return {
        ok: false,
        error: `--trusted-proxies: "${entry}" is not an IP address or CIDR range`,
      };
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) proxies.addAddress(address, type);
    else proxies.addSubnet(address, prefix, type);
  }
  return { ok: true, proxies };
}

/**
 * The charge point's address: the socket's peer, unless the peer is a trusted proxy, in which
 * case the nearest address in X-Forwarded-For that is not itself a trusted proxy. Entries further
 * left were written by the client and are not believed.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  proxies: TrustedProxies | undefined,
): string {
  const direct = plain(peer ?? "");
  if (!proxies || !forwardedFor || !trusts(proxies, direct)) return direct;
  const hops = forwardedFor.split(",").map((hop) => plain(hop.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return direct;
    if (!trusts(proxies, hop)) return hop;
  }
  return hops[0] ?? direct;
}
