import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay between charge points and a gateway that can cut every connection at once, as a
 * load balancer restart or a cellular network blip does, and send new connections elsewhere.
 */
export class TcpCutter {
  readonly #server: Server;
  readonly #pairs = new Set<readonly [Socket, Socket]>();
  #targetPort: number;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createServer((client) => this.#relay(client, this.#targetPort));
  }

  /** Relays connections made from now on to `targetPort` (a failover, a new DNS answer). */
  retarget(targetPort: number): void {
    this.#targetPort = targetPort;
  }

  /** Listens on a free port and relays each connection to `targetPort` on this host. */
  static async start(targetPort: number): Promise<TcpCutter> {
    const cutter = new TcpCutter(targetPort);
    await new Promise<void>((resolve) => cutter.#server.listen(0, "127.0.0.1", resolve));
    return cutter;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  /** Connections currently relayed. */
  get connections(): number {
    return this.#pairs.size;
  }

  /**
   * Drops every relayed connection at once: both sides see a reset, as in a network failure, or
   * with `halfOpen` only the charge points do, and the gateway's side stays open and silent until
   * its keepalive gives up, as when a NAT or a cellular link forgets a connection.
   */
  cut(options: { readonly halfOpen?: boolean } = {}): number {
    const cut = this.#pairs.size;
    for (const [client, upstream] of this.#pairs) {
      client.resetAndDestroy();
      if (options.halfOpen) upstream.unpipe();
      else upstream.resetAndDestroy();
    }
    this.#pairs.clear();
    return cut;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #relay(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, "127.0.0.1");
    const pair = [client, upstream] as const;
    this.#pairs.add(pair);
    const drop = () => {
      if (!this.#pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
