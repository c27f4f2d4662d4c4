import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { connect, type Socket } from "node:net";

/** One masked client text frame (payloads under 126 bytes), as RFC 6455 requires of clients. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++)
    frame[6 + i] = (payload[i] as number) ^ (mask[i % 4] as number);
  return frame;
}

/**
 * A charge point that completes the handshake, then never reads again while it keeps sending
 * frames the gateway must answer: its answers pile up until the gateway's buffer bound drops it.
 */
export class StuckChargePoint {
  readonly #socket: Socket;
  #gone = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("error", () => {
      this.#gone = true;
    });
    socket.on("close", () => {
      this.#gone = true;
    });
  }

  static async connect(port: number, identity: string): Promise<StuckChargePoint> {
    const socket = connect(port, "127.0.0.1");
    await once(socket, "connect");
    socket.write(
      `GET /ocpp/${identity} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
        "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n",
    );
    const [head] = (await once(socket, "data")) as [Buffer];
    if (!head.toString("latin1").startsWith("HTTP/1.1 101"))
      throw new Error(`handshake refused: ${head.toString("latin1").split("\r\n")[0]}`);
    socket.pause();
    return new StuckChargePoint(socket);
  }

  /**
   * Sends malformed CALLs (each answered at once with a FormationViolation) until the gateway
   * drops the connection or `maxFrames` are sent; resolves with how many were sent.
   */
  async sendUntilDropped(maxFrames: number): Promise<number> {
    const chunk = Buffer.concat(
      Array.from({ length: 1_000 }, () => textFrame(`[2,"${randomUUID()}","Heartbeat"]`)),
    );
    let sent = 0;
    while (!this.#gone && sent < maxFrames) {
      if (!this.#socket.write(chunk)) await this.#drainedOrClosed();
      sent += 1_000;
    }
    return sent;
  }

  #drainedOrClosed(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#socket.off("drain", done).off("close", done);
        resolve();
      };
      this.#socket.on("drain", done).on("close", done);
    });
  }

  get dropped(): boolean {
    return this.#gone;
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
