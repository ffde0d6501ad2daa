/**
 * Whole-frame check, parse and encode for every RESP2/RESP3 type. Clients use it to read
 * replies (the browser client, tests, the benchmark tools); the server uses only the
 * request parser. Check, then parse: `checkFrame` walks a frame without allocating and
 * tells where it ends, or that it is not all there yet; `parseFrame` then builds it.
 */

import { type Frame, INCOMPLETE, ProtocolError } from "./frame.ts";
import { parseLength } from "./request_parser.ts";
import { formatDouble } from "./reply_writer.ts";

const CR = 13;
const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** Index of the CR of the CRLF that ends the line starting at `from`, or -1 if not buffered. */
function lineEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === 10) return i;
  return -1;
}

/** Whether `buf[start, end)` is an optional sign and at least one digit. */
function isBigNumber(buf: Uint8Array, start: number, end: number): boolean {
  if (buf[start] === 45 || buf[start] === 43) start++;
  if (start >= end) return false;
  for (let i = start; i < end; i++) if (buf[i] < 48 || buf[i] > 57) return false;
  return true;
}

const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A RESP3 double's text as a number: digits and exponent, or inf, -inf, nan. */
function parseDouble(text: string): number {
  switch (text.toLowerCase()) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
      return NaN;
  }
  if (!DOUBLE.test(text)) throw new ProtocolError("invalid double");
  return Number(text);
}

function lengthOf(buf: Uint8Array, start: number, end: number, what: string): number {
  const n = parseLength(buf, start, end);
  if (n === null || n < -1) throw new ProtocolError(`invalid ${what} length`);
  return n;
}

/** Where the frame starting at `buf[start]` ends, or `INCOMPLETE`. Throws `ProtocolError`. */
export function checkFrame(buf: Uint8Array, start: number, end: number): number {
  let p = start;
  let remaining = 1; // elements still expected at the current nesting level
  const outer: number[] = [];
  for (;;) {
    if (p >= end) return INCOMPLETE;
    const type = buf[p];
    const cr = lineEnd(buf, p + 1, end);
    if (cr < 0) return INCOMPLETE;
    let next = cr + 2;
    let children = 0;
    switch (type) {
      case 43: // + simple
      case 45: // - error
      case 44: // , double (its text is checked when parsed)
      case 95: // _ null
        break;
      case 58: // : integer, signed 64-bit as Redis writes it
        if (parseLength(buf, p + 1, cr) === null) throw new ProtocolError("invalid integer");
        break;
      case 35: // # boolean
        if (cr !== p + 2 || (buf[p + 1] !== 116 && buf[p + 1] !== 102)) {
          throw new ProtocolError("invalid boolean");
        }
        break;
      case 40: // ( big number
        if (!isBigNumber(buf, p + 1, cr)) throw new ProtocolError("invalid big number");
        break;
      case 36: // $ bulk
      case 33: // ! bulk error
      case 61: { // = verbatim
        const len = lengthOf(buf, p + 1, cr, "bulk");
        if (len >= 0) {
          if (end - next < len + 2) return INCOMPLETE;
          next += len + 2;
        }
        break;
      }
      case 42: // * array
      case 126: // ~ set
      case 62: // > push
        children = lengthOf(buf, p + 1, cr, "multibulk");
        break;
      case 37: // % map
        children = 2 * lengthOf(buf, p + 1, cr, "multibulk");
        break;
      case 124: // | attribute: a map, then the value it annotates
        children = 2 * lengthOf(buf, p + 1, cr, "multibulk");
        remaining++;
        break;
      default:
        throw new ProtocolError(`invalid type byte '${String.fromCharCode(type)}'`);
    }
    p = next;
    remaining--;
    if (children > 0) {
      outer.push(remaining);
      remaining = children;
    }
    while (remaining === 0) {
      if (outer.length === 0) return p;
      remaining = outer.pop()!;
    }
  }
}

/** A line's text (UTF-8); short ASCII lines, the usual case, skip the decoder call. */
function lineText(buf: Uint8Array, start: number, end: number): string {
  if (end - start > 32) return textDecoder.decode(buf.subarray(start, end));
  let s = "";
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c > 127) return textDecoder.decode(buf.subarray(start, end));
    s += String.fromCharCode(c);
  }
  return s;
}

/** An integer reply's value from its text: a number when safe, else a bigint. */
function integerText(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Builds the frame at `buf[start]`, which `checkFrame` has found whole: pass the end it
 * returned (else the frame is checked again to find it). Returns the frame and its end.
 * The frame owns its bytes: they are copied out of `buf` once, and every bulk in it is a
 * view of that one copy, as one allocation per bulk would cost far more (so a bulk kept on
 * its own keeps its whole frame's bytes alive).
 */
export function parseFrame(
  buf: Uint8Array,
  start: number,
  end?: number,
): { frame: Frame; end: number } {
  const stop = end ?? checkFrame(buf, start, buf.length);
  if (stop === INCOMPLETE) throw new RangeError("parseFrame: the frame is not all buffered");
  return { frame: build(buf.slice(start, stop), 0), end: stop };
}

/** Where the frame `build` returned last ends: no result object per element. */
let built = 0;

function ending(end: number, frame: Frame): Frame {
  built = end;
  return frame;
}

/** The frame at `buf[start]` (whole); sets `built` to its end. */
function build(buf: Uint8Array, start: number): Frame {
  const type = buf[start];
  const cr = lineEnd(buf, start + 1, buf.length);
  const next = cr + 2;
  switch (type) {
    case 43:
      return ending(next, { kind: "simple", value: lineText(buf, start + 1, cr) });
    case 45:
      return ending(next, { kind: "error", value: lineText(buf, start + 1, cr) });
    case 58: {
      // Digits straight from the bytes; only integers past 2^53 go through text and BigInt.
      const n = cr - start <= 16 ? parseLength(buf, start + 1, cr) : null;
      return ending(next, {
        kind: "integer",
        value: n !== null ? n : integerText(lineText(buf, start + 1, cr)),
      });
    }
    case 44:
      return ending(next, { kind: "double", value: parseDouble(lineText(buf, start + 1, cr)) });
    case 35:
      return ending(next, { kind: "boolean", value: buf[start + 1] === 116 });
    case 40:
      return ending(next, { kind: "bignum", value: BigInt(lineText(buf, start + 1, cr)) });
    case 95:
      return ending(next, { kind: "null" });
    case 36:
    case 33:
    case 61: {
      const len = parseLength(buf, start + 1, cr)!;
      if (len < 0) return ending(next, { kind: "null" });
      const body = buf.subarray(next, next + len);
      const end = next + len + 2;
      if (type === 33) return ending(end, { kind: "error", value: textDecoder.decode(body) });
      if (type === 61) {
        const format = textDecoder.decode(body.subarray(0, 3));
        return ending(end, { kind: "verbatim", format, value: body.subarray(4) });
      }
      return ending(end, { kind: "bulk", value: body });
    }
    case 42:
    case 126:
    case 62: {
      const count = parseLength(buf, start + 1, cr)!;
      if (count < 0) return ending(next, { kind: "null" });
      const items: Frame[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        items.push(build(buf, p));
        p = built;
      }
      const kind = type === 42 ? "array" : type === 126 ? "set" : "push";
      return ending(p, { kind, value: items });
    }
    case 37:
    case 124: {
      const count = parseLength(buf, start + 1, cr)!;
      const pairs: [Frame, Frame][] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const k = build(buf, p);
        const v = build(buf, built);
        pairs.push([k, v]);
        p = built;
      }
      if (type === 124) return build(buf, p); // attributes are dropped
      return ending(p, { kind: "map", value: pairs });
    }
  }
  throw new ProtocolError(`invalid type byte '${String.fromCharCode(type)}'`);
}

/** A command argument as the client gives it: text (sent as UTF-8), bytes, or a number. */
export type CommandArg = string | Uint8Array | number | bigint;

/** Encodes a command as a RESP array of bulk strings, sized before it is filled. */
export function encodeCommand(args: readonly CommandArg[]): Uint8Array {
  const parts = args.map((a) => a instanceof Uint8Array ? a : textEncoder.encode(String(a)));
  let size = 3 + String(parts.length).length;
  for (const p of parts) size += 5 + String(p.length).length + p.length;
  const out = new Uint8Array(size);
  let pos = 0;
  const ascii = (s: string) => {
    for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  };
  ascii(`*${parts.length}\r\n`);
  for (const p of parts) {
    ascii(`$${p.length}\r\n`);
    out.set(p, pos);
    pos += p.length;
    ascii("\r\n");
  }
  return out;
}

/** Encodes any frame (RESP3 types as RESP3). */
export function encodeFrame(frame: Frame): Uint8Array {
  const chunks: Uint8Array[] = [];
  const text = (s: string): void => {
    chunks.push(textEncoder.encode(s));
  };
  const walk = (f: Frame): void => {
    switch (f.kind) {
      case "simple":
        return text(`+${f.value}\r\n`);
      case "error":
        return text(`-${f.value}\r\n`);
      case "integer":
        return text(`:${f.value}\r\n`);
      case "bulk":
        text(`$${f.value.length}\r\n`);
        chunks.push(f.value);
        text("\r\n");
        return;
      case "null":
        return text("_\r\n");
      case "double":
        return text(`,${formatDouble(f.value)}\r\n`);
      case "boolean":
        return text(`#${f.value ? "t" : "f"}\r\n`);
      case "bignum":
        return text(`(${f.value}\r\n`);
      case "verbatim":
        text(`=${f.value.length + 4}\r\n${f.format}:`);
        chunks.push(f.value);
        text("\r\n");
        return;
      case "array":
      case "set":
      case "push":
        text(`${f.kind === "array" ? "*" : f.kind === "set" ? "~" : ">"}${f.value.length}\r\n`);
        return f.value.forEach(walk);
      case "map":
        text(`%${f.value.length}\r\n`);
        for (const [k, v] of f.value) {
          walk(k);
          walk(v);
        }
    }
  };
  walk(frame);
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
