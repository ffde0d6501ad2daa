/**
 * RFC 6455 framing for the server side, without I/O: the deframer that turns the bytes a
 * client sends into message payload bytes, and the header of the frames the server sends.
 *
 * The deframer works in place: it is given raw socket bytes in the session's own read
 * buffer and moves each data frame's unmasked payload to the front of that range, so a
 * RESP request reaches the parser with one pass over its bytes and no copy of its own.
 * Payload is streamed: a frame's bytes are handed on as they arrive, whatever its declared
 * length, so memory never depends on message size. Message boundaries mean nothing to
 * RESP (a request may span messages), but their size is bounded (`maxMessage`): a frame
 * that would take the message over it is refused from its header, before its payload.
 *
 * Control frames (close, ping, pong) are at most 125 bytes and are handled whole: the
 * deframer waits until the entire frame is in the range. Client frames must be masked;
 * reserved bits (no extension is negotiated), unknown opcodes, a continuation with no
 * message or a new message inside a fragmented one are protocol errors (close 1002); a
 * message over the bound is close 1009.
 * Text messages are passed on as their bytes (a console may type inline commands) and
 * not checked for valid UTF-8.
 */

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** RFC 6455 close codes (section 7.4.1). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** The longest raw control frame: 2 header bytes, 4 mask bytes, 125 payload bytes. */
export const MAX_CONTROL_FRAME = 131;
/** RFC 6455 limits a close reason to 123 bytes (125 minus the code). */
export const MAX_CLOSE_REASON = 123;

/** Why the client's frames ended the connection: the close frame's code and reason. */
export class WsProtocolError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** What the deframer reports besides payload: control frames the transport must act on. */
export interface ControlHandler {
  /** A ping's payload, to be echoed in a pong. */
  ping(payload: Uint8Array): void;
  /** The peer's close frame: its code (1005 when absent) and reason. */
  close(code: number, reason: string): void;
}

/** Result of one `deframe` call. */
export interface Deframed {
  /** Payload bytes now at the front of the range: `buf[from, from + payload)`. */
  payload: number;
  /**
   * Raw bytes consumed: `buf[from + consumed, to)` is an incomplete header or control
   * frame, or, after an error, what follows the bad frame's header.
   */
  consumed: number;
  /**
   * Why the connection must be closed, set once. A message over the size bound leaves the
   * deframer able to skip that frame's payload, so the peer's close frame can still be
   * read; after any other error every later byte is consumed unread.
   */
  error: WsProtocolError | null;
}

const decoder = new TextDecoder();

/** Parses a client's frames; one per connection. */
export class Deframer {
  /** Payload bytes still to come in the current data frame. */
  #remaining = 0;
  #mask = new Uint8Array(4);
  #maskAt = 0;
  /** Inside a fragmented message (a data frame without FIN was seen). */
  #inMessage = false;
  #messageBytes = 0;
  /** A frame that does not parse was seen: the stream cannot be followed any more. */
  #broken = false;

  /** `maxMessage()` is read at every frame header: the bound may change (AUTH). */
  constructor(
    private readonly maxMessage: () => number,
    private readonly control: ControlHandler,
  ) {}

  /**
   * Deframes `buf[from, to)` in place (see the module comment). Stops at a frame the
   * connection must be closed for (`error`).
   */
  deframe(buf: Uint8Array, from: number, to: number): Deframed {
    if (this.#broken) return { payload: 0, consumed: to - from, error: null };
    try {
      return this.#deframe(buf, from, to);
    } catch (e: unknown) {
      if (!(e instanceof WsProtocolError)) throw e;
      if (e.code !== CLOSE_MESSAGE_TOO_BIG || this.#remaining === 0) this.#broken = true;
      return { payload: 0, consumed: this.#at - from, error: e };
    }
  }

  /** Where the current call got to (read when a frame is refused). */
  #at = 0;

  #deframe(buf: Uint8Array, from: number, to: number): Deframed {
    let i = from;
    let out = from;
    while (i < to) {
      this.#at = i;
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, to - i);
        const mask = this.#mask;
        let m = this.#maskAt;
        for (let k = 0; k < n; k++) {
          buf[out + k] = buf[i + k] ^ mask[m];
          m = (m + 1) & 3;
        }
        this.#maskAt = m;
        this.#remaining -= n;
        i += n;
        out += n;
        continue;
      }
      if (to - i < 2) break;
      const b0 = buf[i];
      const b1 = buf[i + 1];
      if ((b0 & 0x70) !== 0) throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "reserved bits set");
      if ((b1 & 0x80) === 0) {
        throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked");
      }
      const fin = (b0 & 0x80) !== 0;
      const opcode = b0 & 0x0f;
      const len7 = b1 & 0x7f;
      const headerLength = 6 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
      if (to - i < headerLength) break;
      let length = len7;
      if (len7 === 126) {
        length = (buf[i + 2] << 8) | buf[i + 3];
      } else if (len7 === 127) {
        const high = ((buf[i + 2] << 24) | (buf[i + 3] << 16) | (buf[i + 4] << 8) | buf[i + 5]) >>>
          0;
        const low = ((buf[i + 6] << 24) | (buf[i + 7] << 16) | (buf[i + 8] << 8) | buf[i + 9]) >>>
          0;
        if (high >= 0x200000) throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "invalid length");
        length = high * 0x100000000 + low;
      }
      const maskAt = i + headerLength - 4;
      if (opcode >= 8) {
        if (!fin || length > 125) {
          throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "invalid control frame");
        }
        if (to - i < headerLength + length) break; // handled once it is whole
        const payload = new Uint8Array(length);
        for (let k = 0; k < length; k++) {
          payload[k] = buf[i + headerLength + k] ^ buf[maskAt + (k & 3)];
        }
        i += headerLength + length;
        this.#controlFrame(opcode, payload);
        continue;
      }
      if (opcode === OP_CONTINUATION) {
        if (!this.#inMessage) {
          throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "continuation without a message");
        }
      } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
        if (this.#inMessage) {
          throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one");
        }
        this.#messageBytes = 0;
      } else {
        throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
      }
      this.#messageBytes += length;
      this.#inMessage = !fin;
      this.#mask[0] = buf[maskAt];
      this.#mask[1] = buf[maskAt + 1];
      this.#mask[2] = buf[maskAt + 2];
      this.#mask[3] = buf[maskAt + 3];
      this.#maskAt = 0;
      this.#remaining = length;
      i += headerLength;
      if (this.#messageBytes > this.maxMessage()) {
        this.#at = i; // past the header: the payload can be skipped
        throw new WsProtocolError(CLOSE_MESSAGE_TOO_BIG, "message too big");
      }
    }
    this.#at = i;
    return { payload: out - from, consumed: i - from, error: null };
  }

  #controlFrame(opcode: number, payload: Uint8Array): void {
    if (opcode === OP_PING) return this.control.ping(payload);
    if (opcode === OP_PONG) return;
    if (opcode !== OP_CLOSE) {
      throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
    }
    if (payload.length === 1) {
      throw new WsProtocolError(CLOSE_PROTOCOL_ERROR, "invalid close frame");
    }
    const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
    this.control.close(code, decoder.decode(payload.subarray(2)));
  }
}

/** Length of the header of a server frame (never masked) carrying `length` bytes. */
export function frameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes a final frame's header at `buf[at]`; returns the header's length. */
export function writeFrameHeader(
  buf: Uint8Array,
  at: number,
  opcode: number,
  length: number,
): number {
  buf[at] = 0x80 | opcode;
  if (length < 126) {
    buf[at + 1] = length;
    return 2;
  }
  if (length < 65536) {
    buf[at + 1] = 126;
    buf[at + 2] = length >>> 8;
    buf[at + 3] = length & 0xff;
    return 4;
  }
  buf[at + 1] = 127;
  const high = Math.floor(length / 0x100000000);
  const low = length >>> 0;
  buf[at + 2] = high >>> 24;
  buf[at + 3] = (high >>> 16) & 0xff;
  buf[at + 4] = (high >>> 8) & 0xff;
  buf[at + 5] = high & 0xff;
  buf[at + 6] = low >>> 24;
  buf[at + 7] = (low >>> 16) & 0xff;
  buf[at + 8] = (low >>> 8) & 0xff;
  buf[at + 9] = low & 0xff;
  return 10;
}

const encoder = new TextEncoder();

/** A whole close frame with `code` and `reason` (cut to 123 bytes on a character boundary). */
export function closeFrame(code: number, reason = ""): Uint8Array {
  let text = encoder.encode(reason);
  if (text.length > MAX_CLOSE_REASON) {
    const cut = decoder.decode(text.subarray(0, MAX_CLOSE_REASON)).replace(/\uFFFD$/, "");
    text = encoder.encode(cut);
  }
  const frame = new Uint8Array(4 + text.length);
  writeFrameHeader(frame, 0, OP_CLOSE, 2 + text.length);
  frame[2] = code >>> 8;
  frame[3] = code & 0xff;
  frame.set(text, 4);
  return frame;
}

/** A whole control frame (ping or pong) with `payload` (at most 125 bytes). */
export function controlFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(2 + payload.length);
  writeFrameHeader(frame, 0, opcode, payload.length);
  frame.set(payload, 2);
  return frame;
}
