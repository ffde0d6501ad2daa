/**
 * A WebSocket client made by hand over a TCP connection, for tests that need what the
 * WebSocket API cannot do: stop reading (a slow consumer: the API always drains the
 * socket), or send odd frames. It performs the RFC 6455 handshake, then sends masked
 * binary frames; reading is left to the test (usually: never).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An open WebSocket session on a raw TCP connection. */
export class RawWebSocket implements Disposable {
  private constructor(readonly conn: Deno.TcpConn) {}

  /**
   * Connects to ws://hostname:port/ws and completes the handshake (throws unless 101). A
   * `Host` in `headers` replaces the one made from hostname and port.
   */
  static async connect(
    port: number,
    headers: Record<string, string> = {},
    hostname = "127.0.0.1",
  ): Promise<RawWebSocket> {
    const conn = await Deno.connect({ hostname, port });
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const { Host: host = `${hostname}:${port}`, ...others } = headers;
    const extra = Object.entries(others).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    const request = `GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      `${extra}\r\n`;
    await writeAll(conn, encoder.encode(request));
    // Read byte by byte up to the blank line, so no frame byte after it is consumed.
    let head = "";
    const one = new Uint8Array(1);
    while (!head.endsWith("\r\n\r\n")) {
      const n = await conn.read(one);
      if (n === null) {
        conn.close();
        throw new Error(`connection closed during the handshake: ${JSON.stringify(head)}`);
      }
      head += decoder.decode(one);
    }
    if (!head.startsWith("HTTP/1.1 101")) {
      conn.close();
      throw new Error(`handshake refused: ${head.split("\r\n")[0]}`);
    }
    return new RawWebSocket(conn);
  }

  /** Sends `payload` as one masked binary frame. */
  send(payload: Uint8Array): Promise<void> {
    return this.#sendFrame(0x82, payload);
  }

  #sendFrame(first: number, payload: Uint8Array): Promise<void> {
    const n = payload.length;
    const headLen = n < 126 ? 2 : n < 65536 ? 4 : 10;
    const frame = new Uint8Array(headLen + 4 + n);
    frame[0] = first;
    if (n < 126) {
      frame[1] = 0x80 | n;
    } else if (n < 65536) {
      frame[1] = 0x80 | 126;
      frame[2] = n >> 8;
      frame[3] = n & 255;
    } else {
      frame[1] = 0x80 | 127;
      new DataView(frame.buffer).setBigUint64(2, BigInt(n));
    }
    const mask = crypto.getRandomValues(new Uint8Array(4));
    frame.set(mask, headLen);
    for (let i = 0; i < n; i++) frame[headLen + 4 + i] = payload[i] ^ mask[i & 3];
    return writeAll(this.conn, frame);
  }

  /** Reads one server frame (servers do not mask): its opcode and payload. */
  async readFrame(): Promise<{ opcode: number; payload: Uint8Array }> {
    const head = await readExactly(this.conn, 2);
    let n = head[1] & 127;
    if (n === 126) {
      const b = await readExactly(this.conn, 2);
      n = (b[0] << 8) | b[1];
    } else if (n === 127) {
      n = Number(new DataView((await readExactly(this.conn, 8)).buffer).getBigUint64(0));
    }
    return { opcode: head[0] & 15, payload: await readExactly(this.conn, n) };
  }

  /** Reads one data frame's payload. */
  async readMessage(): Promise<Uint8Array> {
    return (await this.readFrame()).payload;
  }

  /**
   * Reads (and discards) frames until the server's close frame; returns its code and
   * reason and the data bytes skipped on the way.
   */
  async readUntilClose(): Promise<{ code: number; reason: string; skipped: number }> {
    let skipped = 0;
    for (;;) {
      const { opcode, payload } = await this.readFrame();
      if (opcode === 8) {
        const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
        return { code, reason: decoder.decode(payload.subarray(2)), skipped };
      }
      skipped += payload.length;
    }
  }

  /** Sends a close frame (answering the server's, to finish the closing handshake). */
  sendClose(code = 1000): Promise<void> {
    return this.#sendFrame(0x88, Uint8Array.of(code >> 8, code & 255));
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

async function readExactly(conn: Deno.TcpConn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) throw new Error("connection closed in the middle of a frame");
    got += r;
  }
  return out;
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let w = 0;
  while (w < bytes.length) w += await conn.write(bytes.subarray(w));
}
