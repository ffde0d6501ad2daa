/**
 * Whole-frame check, parse and encode for every RESP2/RESP3 type. Clients use it to read
 * replies (the browser client, tests, the benchmark tools); the server uses only the
 * request parser. Two ways to read, both with "not all there yet" as a return value:
 *
 * - `FrameDecoder`: one pass that checks and builds at once. Bulks are views of the
 *   caller's buffer, valid while those bytes are (see its comment); the fast path.
 * - `checkFrame`, then `parseFrame`: the check walks a frame without allocating and tells
 *   where it ends; the parse copies those bytes out once and decodes the copy, so the
 *   frame owns its bytes. For callers that keep frames while their buffer is reused.
 *
 * A client reading a stream can do both: check every whole frame in the read buffer,
 * copy them out in one piece, then decode each from the copy (src/web/client.ts).
 */

import { type Frame, INCOMPLETE, ProtocolError } from "./frame.ts";
import { parseLength } from "./request_parser.ts";
import { formatDouble } from "./reply_writer.ts";
import { bytesToString } from "./latin1.ts";

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

/** A line's text (UTF-8); ASCII, the usual case, is built without the decoder. */
function lineText(buf: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i] > 127) return textDecoder.decode(buf.subarray(start, end));
  }
  return bytesToString(buf, start, end);
}

/** An integer reply's value from its text: a number when safe, else a bigint. */
function integerText(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/**
 * Reads whole frames in one pass: each call checks and builds at once, and a frame that
 * is not all buffered yet is the return value `INCOMPLETE`, and what was built is dropped.
 * That stays cheap: a bulk's body is not looked at before all of it is there (a large bulk
 * arriving over many reads costs its header per read), and an aggregate announcing more
 * elements than the bytes buffered could hold is incomplete at once. Nothing is kept
 * between calls but `end`.
 *
 * Aliasing: bulk and verbatim payloads are views of `buf`, valid as long as those bytes
 * are. A caller that keeps frames after it reuses or compacts `buf`, or hands it to a BYOB
 * read (which detaches it), must decode from bytes it owns; `parseFrame` copies them first.
 * The decoder keeps a reference to the last buffer it read (and so its memory), until it
 * is given another or dropped itself.
 */
export class FrameDecoder {
  /** Where the frame the last successful `decode` returned ends. */
  end = 0;
  // `buf.buffer` is a getter costing about half of making a view (~7 of ~20 ns, measured):
  // read once per buffer, not once per call or per bulk.
  #lastBuf: Uint8Array = NO_BYTES;
  #memory: ArrayBufferLike = NO_BYTES.buffer;
  #offset = 0;

  /** The frame at `buf[start]`, whose bytes are buffered up to `end`, or `INCOMPLETE`. */
  decode(buf: Uint8Array, start: number, end: number): Frame | typeof INCOMPLETE {
    if (buf !== this.#lastBuf) {
      this.#lastBuf = buf;
      this.#memory = buf.buffer;
      this.#offset = buf.byteOffset;
    }
    // Kept small, so that V8 can inline it into the caller's read loop. Arrays and bulks,
    // the commonest replies, have short ways; the rest goes the general way.
    const t = buf[start];
    const frame = t === 36
      ? bulkAlone(buf, start, end, this.#memory, this.#offset)
      : t === 42
      ? arrayFrame(buf, start, end, this.#memory, this.#offset)
      : decodeFrom(buf, start, end, this.#memory, this.#offset, NO_ITEMS, 0, 0);
    if (frame !== INCOMPLETE) this.end = decoded;
    return frame;
  }
}

/** A bulk on its own, the commonest reply: the short way (see `decodeFrom`). */
function bulkAlone(
  buf: Uint8Array,
  start: number,
  end: number,
  memory: ArrayBufferLike,
  offset: number,
): Frame | typeof INCOMPLETE {
  const len = readLength(buf, start, end, "bulk");
  if (lineCr < 0) return INCOMPLETE;
  if (len < 0) return decodeFrom(buf, start, end, memory, offset, NO_ITEMS, 0, 0);
  const body = lineCr + 2;
  if (end - body < len + 2) return INCOMPLETE;
  decoded = body + len + 2;
  return { kind: "bulk", value: new Uint8Array(memory, offset + body, len) };
}

/**
 * An array: its leading run of integers is read by a loop of its own, while they are
 * plain (1 to 15 digits, no sign, no leading zero) and whole; `fillItems` reads the rest.
 * The loop has no call in it and is as lean as can be, so V8 keeps what it knows of `buf`
 * and `items` from one element to the next. It repeats `fillItems`' integer case on
 * purpose: measured, reading a sign here or comparing with 2^53 instead of counting digits
 * makes it about half as slow again, and leaving the integers to `fillItems` took 100
 * integers from ~1.1-1.3x redis-parser to ~0.95x.
 */
function arrayFrame(
  buf: Uint8Array,
  start: number,
  end: number,
  memory: ArrayBufferLike,
  offset: number,
): Frame | typeof INCOMPLETE {
  const count = readLength(buf, start, end, "multibulk");
  if (lineCr < 0) return INCOMPLETE;
  if (count <= 0) return decodeFrom(buf, start, end, memory, offset, NO_ITEMS, 0, 0);
  let p = lineCr + 2;
  if (end - p < MIN_FRAME * count) return INCOMPLETE;
  const items: Frame[] = new Array(count);
  let index = 0;
  while (index < count) {
    if (p + 3 >= end || buf[p] !== 58) break;
    let q = p + 1;
    let v = 0;
    let c = 0;
    while (q < end) {
      c = buf[q];
      const d = c ^ 48; // 0-9 for the digits, and only for them: one comparison
      if (d > 9) break;
      v = v * 10 + d;
      q++;
    }
    if (
      c !== CR || q + 1 >= end || buf[q + 1] !== 10 || q === p + 1 || q - p > 16 ||
      (buf[p + 1] === 48 && q - p > 2)
    ) break;
    items[index++] = { kind: "integer", value: v };
    p = q + 2;
  }
  if (index < count) {
    p = fillItems(buf, p, end, memory, offset, items, index, 1);
    if (p === INCOMPLETE) return INCOMPLETE;
  }
  decoded = p;
  return { kind: "array", value: items };
}

/** How deep `fillItems` calls itself before nested arrays go to `decodeFrom`'s own stack. */
const MAX_RECURSION = 16;

/**
 * Fills `items` from `index` on with the frames from `buf[p]`; returns where the last ends,
 * or `INCOMPLETE`. The short way for what arrays mostly hold: plain integers, bulks, nulls
 * and arrays of them, each array by a call of its own while `depth` (the array's, 1 for
 * the outermost) is below `MAX_RECURSION`, since a call costs less than `decodeFrom`'s
 * explicit stack. From the first element it does not take (any other type, an integer
 * not plain, an array deeper than that), `decodeFrom` reads the rest of this array: it
 * knows every rule, so errors and `INCOMPLETE` are its own, and no depth can overflow it.
 */
function fillItems(
  buf: Uint8Array,
  p: number,
  end: number,
  memory: ArrayBufferLike,
  offset: number,
  items: Frame[],
  index: number,
  depth: number,
): number {
  const count = items.length;
  while (index < count) {
    if (p >= end) return INCOMPLETE;
    const t = buf[p];
    let frame: Frame;
    if (t === 36) { // $ bulk
      const len = readLength(buf, p, end, "bulk");
      if (lineCr < 0) return INCOMPLETE;
      const body = lineCr + 2;
      if (len < 0) {
        frame = { kind: "null" };
        p = body;
      } else {
        if (end - body < len + 2) return INCOMPLETE;
        frame = { kind: "bulk", value: new Uint8Array(memory, offset + body, len) };
        p = body + len + 2;
      }
    } else if (t === 58) { // : integer, 1 to 15 digits, an optional minus, no leading zero
      let q = p + 1;
      const negative = buf[q] === 45;
      if (negative) q++;
      const first = q;
      let v = 0;
      let c = 0;
      while (q < end) {
        c = buf[q];
        const d = c ^ 48; // 0-9 for the digits, and only for them: one comparison
        if (d > 9) break;
        v = v * 10 + d;
        q++;
      }
      if (
        c !== CR || q + 1 >= end || buf[q + 1] !== 10 || q === first || q - first > 15 ||
        (buf[first] === 48 && (q - first > 1 || negative))
      ) break;
      frame = { kind: "integer", value: negative ? -v : v };
      p = q + 2;
    } else if (t === 42 && depth < MAX_RECURSION) { // * array
      const size = readLength(buf, p, end, "multibulk");
      if (lineCr < 0) return INCOMPLETE;
      const first = lineCr + 2;
      if (size < 0) {
        frame = { kind: "null" };
        p = first;
      } else {
        // surely not all there yet: say so now (this also bounds the array made here)
        if (end - first < MIN_FRAME * size) return INCOMPLETE;
        const children: Frame[] = new Array(size);
        p = size === 0 ? first : fillItems(buf, first, end, memory, offset, children, 0, depth + 1);
        if (p === INCOMPLETE) return INCOMPLETE;
        frame = { kind: "array", value: children };
      }
    } else break;
    items[index++] = frame;
  }
  if (index === count) return p;
  // the rest the general way, as the outermost aggregate there (its frame is not needed)
  if (decodeFrom(buf, p, end, memory, offset, items, index, 42) === INCOMPLETE) return INCOMPLETE;
  return decoded;
}

/**
 * Builds the frame at `buf[start]`, which `checkFrame` has found whole (pass the end it
 * returned, else the frame is checked again to find it). Returns the frame and its end.
 * The frame owns its bytes: they are copied out of `buf` once, and every bulk in it is a
 * view of that one copy (so a bulk kept on its own keeps its whole frame's bytes alive).
 * To read frames without the copy, when `buf` outlives them, use `FrameDecoder`.
 */
export function parseFrame(
  buf: Uint8Array,
  start: number,
  end?: number,
): { frame: Frame; end: number } {
  const stop = end ?? checkFrame(buf, start, buf.length);
  if (stop === INCOMPLETE) throw new RangeError("parseFrame: the frame is not all buffered");
  const frame = decode(buf.slice(start, stop), 0, stop - start);
  if (frame === INCOMPLETE || decoded !== stop - start) {
    throw new RangeError("parseFrame: the end given is not the frame's end");
  }
  return { frame, end: stop };
}

/** Where the frame `decode` returned last ends (module state: decoding never re-enters). */
let decoded = 0;

/** An integer reply whose text is not plain 1–15 digits: past 2^53 (a bigint), or invalid. */
function longInteger(buf: Uint8Array, start: number, cr: number): number | bigint {
  if (parseLength(buf, start, cr) === null) throw new ProtocolError("invalid integer");
  return integerText(lineText(buf, start, cr));
}

/** Set by `readLength`: the CR ending the line it read, or -1 if that is not buffered yet. */
let lineCr = 0;

/**
 * The length (or count) after the type byte at `buf[p]`, -1 for null, with `lineCr` set.
 * Up to 15 plain digits are read right here; a sign, a leading zero, more digits, garbage
 * or an unfinished line go through `lengthOf`, which knows every rule.
 */
function readLength(buf: Uint8Array, p: number, end: number, what: string): number {
  let q = p + 1;
  let n = 0;
  let c = 0;
  while (q < end) {
    c = buf[q];
    const d = c ^ 48; // 0-9 for the digits, and only for them
    if (d > 9) break;
    n = n * 10 + d;
    q++;
  }
  const digits = q - p - 1;
  if (
    c === CR && q + 1 < end && buf[q + 1] === 10 && digits > 0 && digits < 16 &&
    (digits === 1 || buf[p + 1] !== 48)
  ) {
    lineCr = q;
    return n;
  }
  lineCr = lineEnd(buf, p + 1, end);
  return lineCr < 0 ? 0 : lengthOf(buf, p + 1, lineCr, what);
}

/** A one-line frame (simple, error, double, boolean, big number, null) ending at `cr`. */
function lineFrame(buf: Uint8Array, type: number, p: number, cr: number): Frame {
  switch (type) {
    case 43: // + simple
      return { kind: "simple", value: lineText(buf, p + 1, cr) };
    case 45: // - error
      return { kind: "error", value: lineText(buf, p + 1, cr) };
    case 44: // , double
      return { kind: "double", value: parseDouble(lineText(buf, p + 1, cr)) };
    case 35: // # boolean
      if (cr !== p + 2 || (buf[p + 1] !== 116 && buf[p + 1] !== 102)) {
        throw new ProtocolError("invalid boolean");
      }
      return { kind: "boolean", value: buf[p + 1] === 116 };
    case 40: // ( big number
      if (!isBigNumber(buf, p + 1, cr)) throw new ProtocolError("invalid big number");
      return { kind: "bignum", value: BigInt(lineText(buf, p + 1, cr)) };
    case 95: // _ null
      return { kind: "null" };
  }
  throw new ProtocolError(`invalid type byte '${String.fromCharCode(type)}'`);
}

/** A length-prefixed frame's value: `$` a bulk (a view), `!` an error, `=` verbatim. */
function bodyFrame(buf: Uint8Array, type: number, body: number, len: number): Frame {
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset + body, len);
  if (type === 36) return { kind: "bulk", value: bytes };
  if (type === 33) return { kind: "error", value: textDecoder.decode(bytes) };
  return {
    kind: "verbatim",
    format: textDecoder.decode(bytes.subarray(0, 3)),
    value: bytes.subarray(4),
  };
}

/** An aggregate of type byte `type` holding `items`; an attribute yields the value it annotates. */
function aggregate(type: number, items: Frame[]): Frame {
  switch (type) {
    case 42:
      return { kind: "array", value: items };
    case 126:
      return { kind: "set", value: items };
    case 62:
      return { kind: "push", value: items };
    case 37: {
      const pairs: [Frame, Frame][] = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
      return { kind: "map", value: pairs };
    }
  }
  return items[items.length - 1]; // | attribute: the annotation is dropped
}

const NO_BYTES = new Uint8Array(0);

/** The smallest frame is 3 bytes (`_\r\n`, `+\r\n`): an aggregate of n needs 3n more. */
const MIN_FRAME = 3;

// The open aggregates around the innermost one, while `decode` runs: an explicit stack, not
// the call stack, so no nesting depth can overflow it; emptied when `decode` returns.
const openItems: Frame[][] = [];
const openIndex: number[] = [];
const openType: number[] = [];
const NO_ITEMS: Frame[] = [];

/** Drops the references the stack holds for `depth` open aggregates (none is returned). */
function dropOpen(depth: number): typeof INCOMPLETE {
  for (let i = 0; i < depth; i++) openItems[i] = NO_ITEMS;
  return INCOMPLETE;
}

/** The frame at `buf[start]` (see `decodeFrom`); sets `decoded`. */
function decode(buf: Uint8Array, start: number, end: number): Frame | typeof INCOMPLETE {
  return decodeFrom(buf, start, end, buf.buffer, buf.byteOffset, NO_ITEMS, 0, 0);
}

/**
 * One pass over the frame at `buf[start]`, checking and building; sets `decoded`. One loop
 * on purpose, as it is the clients' hot path: integers are read inline from the bytes
 * (lengths by `readLength`), and elements go straight into an array sized from the count.
 * A null aggregate (`*-1`, and `%-1`, `~-1`, `>-1` alike) is the null frame.
 *
 * `memory` and `offset` are `buf.buffer` and `buf.byteOffset` (bulks are views of them).
 * With `items` other than `NO_ITEMS`, `buf[start]` is inside an outermost aggregate of type
 * byte `type` whose first `index` elements are `items`' (`FrameDecoder` reads leading runs).
 */
function decodeFrom(
  buf: Uint8Array,
  start: number,
  end: number,
  memory: ArrayBufferLike,
  offset: number,
  items: Frame[],
  index: number,
  type: number,
): Frame | typeof INCOMPLETE {
  let depth = items === NO_ITEMS ? 0 : 1;
  try {
    let p = start;
    for (;;) {
      if (p >= end) return dropOpen(depth);
      const t = buf[p];
      let frame: Frame;
      if (t === 58) { // : integer; up to 15 plain digits here, the rest the general way
        let q = p + 1;
        const negative = buf[q] === 45;
        if (negative) q++;
        const first = q;
        let v = 0;
        let c = 0;
        while (q < end) {
          c = buf[q];
          const d = c ^ 48; // 0-9 for the digits, and only for them: one comparison
          if (d > 9) break;
          v = v * 10 + d;
          q++;
        }
        if (
          c === CR && q + 1 < end && buf[q + 1] === 10 && q > first && q - first < 16 &&
          (buf[first] !== 48 || q - first === 1 && !negative)
        ) {
          frame = { kind: "integer", value: negative ? -v : v };
          p = q + 2;
        } else {
          const cr = lineEnd(buf, p + 1, end);
          if (cr < 0) return dropOpen(depth);
          frame = { kind: "integer", value: longInteger(buf, p + 1, cr) };
          p = cr + 2;
        }
      } else if (t === 36 || t === 33 || t === 61) { // $ bulk, ! bulk error, = verbatim
        const len = readLength(buf, p, end, "bulk");
        if (lineCr < 0) return dropOpen(depth);
        p = lineCr + 2;
        if (len < 0) {
          frame = { kind: "null" };
        } else {
          if (end - p < len + 2) return dropOpen(depth);
          frame = t === 36
            ? { kind: "bulk", value: new Uint8Array(memory, offset + p, len) }
            : bodyFrame(buf, t, p, len);
          p += len + 2;
        }
      } else if (t === 42 || t === 37 || t === 126 || t === 62 || t === 124) { // aggregates
        const count = readLength(buf, p, end, "multibulk");
        if (lineCr < 0) return dropOpen(depth);
        p = lineCr + 2;
        // a map holds 2 frames a pair; an attribute, its pairs and then the value annotated
        const size = t === 37 ? 2 * count : t === 124 ? 2 * Math.max(count, 0) + 1 : count;
        if (count < 0 && t !== 124) {
          frame = { kind: "null" };
        } else if (size === 0) {
          frame = aggregate(t, []);
        } else {
          // Surely not all there yet: say so now. This also bounds the array made here.
          if (end - p < MIN_FRAME * size) return dropOpen(depth);
          if (depth > 0) {
            openItems[depth - 1] = items;
            openIndex[depth - 1] = index;
            openType[depth - 1] = type;
          }
          depth++;
          items = new Array(size);
          index = 0;
          type = t;
          continue;
        }
      } else {
        const cr = lineEnd(buf, p + 1, end);
        if (cr < 0) return dropOpen(depth);
        frame = lineFrame(buf, t, p, cr);
        p = cr + 2;
      }
      // hand the frame to the innermost aggregate, closing each one it completes
      for (;;) {
        if (depth === 0) {
          decoded = p;
          return frame;
        }
        items[index++] = frame;
        if (index < items.length) break;
        frame = aggregate(type, items);
        if (--depth > 0) {
          items = openItems[depth - 1];
          index = openIndex[depth - 1];
          type = openType[depth - 1];
          openItems[depth - 1] = NO_ITEMS;
        }
      }
    }
  } catch (e: unknown) {
    dropOpen(depth);
    throw e;
  }
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
