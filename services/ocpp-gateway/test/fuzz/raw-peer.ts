import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** WebSocket opcodes (RFC 6455, 5.2). */
export const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;

/** A frame as a client sends it; `length` overrides the declared payload length. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Buffer;
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  readonly masked?: boolean;
  readonly length?: number;
}

/** Encodes one client frame, masked unless told otherwise, possibly lying about its length. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const length = spec.length ?? payload.length;
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | spec.opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, maskBit | length]);
  else if (length < 0x10000) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(length, 2);
    header[1] = maskBit | 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(BigInt(length), 2);
    header[1] = maskBit | 127;
  }
  header[0] = first;
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number);
  return Buffer.concat([header, mask, body]);
}

/** What the server sent, as far as a test cares: text messages, and how it closed. */
interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

function nextServerFrame(buffer: Buffer): { frame: ServerFrame; rest: Buffer } | undefined {
  if (buffer.length < 2) return undefined;
  let length = (buffer[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return {
    frame: {
      opcode: (buffer[0] as number) & 0x0f,
      payload: buffer.subarray(offset, offset + length),
    },
    rest: buffer.subarray(offset + length),
  };
}

/**
 * A WebSocket client written by hand on a TCP socket, so a test can send what no client library
 * would (unmasked or lying frames, invalid UTF-8, endless pings) and stop reading at will.
 */
export class RawPeer {
  readonly socket: Socket;
  /** Text messages the server sent, in order. */
  readonly texts: string[] = [];
  /** Payloads of the pongs the server sent, in order. */
  readonly pongs: Buffer[] = [];
  /** The close code the server sent, if it sent a close frame. */
  closeCode: number | undefined;
  /** Resolves when the TCP connection is gone. */
  readonly ended: Promise<void>;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: { matches: (text: string) => boolean; resolve: (index: number) => void }[] = [];

  private constructor(socket: Socket, rest: Buffer) {
    this.socket = socket;
    this.ended = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.#read(chunk));
    this.#read(rest);
  }

  /**
   * Opens `ws://127.0.0.1:<port>/ocpp/<identity>` offering `subprotocol` alone, and fails unless the
   * server agrees to it: a peer must never fuzz another version than the one its test names.
   */
  static open(port: number, identity: string, subprotocol = "ocpp1.6"): Promise<RawPeer> {
    const socket = connect(port, "127.0.0.1");
    // Each frame goes out at once: Nagle would hold a sentinel behind the frame it follows.
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    const request =
      `GET /ocpp/${encodeURIComponent(identity)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n` +
      `Sec-WebSocket-Protocol: ${subprotocol}\r\n\r\n`;
    socket.write(request);
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.off("close", onClose);
        const response = head.subarray(0, end).toString("latin1");
        const status = response.split(" ")[1];
        const agreed = /^sec-websocket-protocol:\s*(\S+)\s*$/im.exec(response)?.[1];
        if (status !== "101" || agreed !== subprotocol) {
          socket.destroy();
          reject(new Error(`handshake answered ${status}, agreeing to ${agreed}`));
          return;
        }
        resolve(new RawPeer(socket, head.subarray(end + 4)));
      };
      const onClose = () => reject(new Error("closed during the handshake"));
      socket.on("data", onData);
      socket.once("close", onClose);
    });
  }

  /** Sends one frame. */
  send(spec: FrameSpec): void {
    this.socket.write(encodeFrame(spec));
  }

  /** Sends a text message (a Buffer may hold bytes that are not UTF-8). */
  sendText(text: string | Buffer): void {
    this.send({ opcode: Opcode.Text, payload: Buffer.from(text) });
  }

  /** Resolves with the index in `texts` of the first message, from now on, that `matches`. */
  waitFor(matches: (text: string) => boolean): Promise<number> {
    return new Promise((resolve) => {
      this.#waiting.push({ matches, resolve });
    });
  }

  /** Stops reading from the kernel, as a charge point that hangs would. */
  stopReading(): void {
    this.socket.pause();
  }

  /** Closes with 1000 and waits until the server has ended the connection. */
  async close(): Promise<void> {
    this.send({ opcode: Opcode.Close, payload: Buffer.from([0x03, 0xe8]) });
    await this.ended;
  }

  /** Drops the connection without a closing handshake. */
  destroy(): void {
    this.socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const next = nextServerFrame(this.#buffer);
      if (!next) return;
      this.#buffer = next.rest;
      this.#handle(next.frame);
    }
  }

  #handle(frame: ServerFrame): void {
    if (frame.opcode === Opcode.Text) {
      const text = frame.payload.toString();
      const index = this.texts.push(text) - 1;
      const found = this.#waiting.findIndex((waiting) => waiting.matches(text));
      if (found >= 0) this.#waiting.splice(found, 1)[0]?.resolve(index);
    } else if (frame.opcode === Opcode.Close) {
      this.closeCode = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
      // Completes the closing handshake, as any client would, so the server ends the connection.
      this.send({ opcode: Opcode.Close, payload: frame.payload.subarray(0, 2) });
      this.socket.end();
    } else if (frame.opcode === Opcode.Ping) {
      this.send({ opcode: Opcode.Pong, payload: frame.payload });
    } else if (frame.opcode === Opcode.Pong) {
      this.pongs.push(frame.payload);
    }
  }
}
