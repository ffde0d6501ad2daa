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
      case 58: // : integer
      case 44: // , double
      case 35: // # boolean
      case 40: // ( big number
      case 95: // _ null
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

/** Builds the frame at `buf[start]`, which `checkFrame` has found whole. Returns it and its end. */
export function parseFrame(buf: Uint8Array, start: number): { frame: Frame; end: number } {
  const type = buf[start];
  const cr = lineEnd(buf, start + 1, buf.length);
  const line = () => lineText(buf, start + 1, cr);
  const next = cr + 2;
  switch (type) {
    case 43:
      return { frame: { kind: "simple", value: line() }, end: next };
    case 45:
      return { frame: { kind: "error", value: line() }, end: next };
    case 58: {
      // Digits straight from the bytes; only integers past 2^53 go through text and BigInt.
      const n = cr - start <= 16 ? parseLength(buf, start + 1, cr) : null;
      return {
        frame: { kind: "integer", value: n !== null ? n : integerText(line()) },
        end: next,
      };
    }
    case 44: {
      const text = line();
      const value = text === "inf"
        ? Infinity
        : text === "-inf"
        ? -Infinity
        : text === "nan"
        ? NaN
        : Number(text);
      return { frame: { kind: "double", value }, end: next };
    }
    case 35:
      return { frame: { kind: "boolean", value: buf[start + 1] === 116 }, end: next };
    case 40:
      return { frame: { kind: "bignum", value: BigInt(line()) }, end: next };
    case 95:
      return { frame: { kind: "null" }, end: next };
    case 36:
    case 33:
    case 61: {
      const len = parseLength(buf, start + 1, cr)!;
      if (len < 0) return { frame: { kind: "null" }, end: next };
      const body = buf.slice(next, next + len);
      const end = next + len + 2;
      if (type === 33) return { frame: { kind: "error", value: textDecoder.decode(body) }, end };
      if (type === 61) {
        const format = textDecoder.decode(body.subarray(0, 3));
        return { frame: { kind: "verbatim", format, value: body.subarray(4) }, end };
      }
      return { frame: { kind: "bulk", value: body }, end };
    }
    case 42:
    case 126:
    case 62: {
      const count = parseLength(buf, start + 1, cr)!;
      if (count < 0) return { frame: { kind: "null" }, end: next };
      const items: Frame[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const child = parseFrame(buf, p);
        items.push(child.frame);
        p = child.end;
      }
      const kind = type === 42 ? "array" : type === 126 ? "set" : "push";
      return { frame: { kind, value: items }, end: p };
    }
    case 37:
    case 124: {
      const count = parseLength(buf, start + 1, cr)!;
      const pairs: [Frame, Frame][] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const k = parseFrame(buf, p);
        const v = parseFrame(buf, k.end);
        pairs.push([k.frame, v.frame]);
        p = v.end;
      }
      if (type === 124) return parseFrame(buf, p); // attributes are dropped
      return { frame: { kind: "map", value: pairs }, end: p };
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
