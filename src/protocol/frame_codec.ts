/**
 * Whole-frame check, decode and encode for every RESP2/RESP3 type. Clients use it to read
 * replies (the browser client, tests, the benchmark tools); the server uses only the
 * request parser. Two ways to read, both with "not all there yet" as a return value:
 *
 * - `FrameDecoder`: one pass that checks and builds at once. Bulks are views of the
 *   caller's buffer, valid while those bytes are (see its comment); the fast path.
 * - `checkFrame`, then `parseFrame`: the check walks a frame without allocating and tells
 *   where it ends; the parse copies those bytes out once and decodes the copy (with a
 *   `FrameDecoder`), so the frame owns its bytes. For callers that keep frames while their
 *   buffer is reused.
 *
 * A client reading a stream can do both: check every whole frame in the read buffer,
 * copy them out in one piece, then decode each from the copy (src/web/client.ts).
 * Nothing here keeps state between calls outside a `FrameDecoder`.
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

/** An integer reply whose text is not plain 1–15 digits: past 2^53 (a bigint), or invalid. */
function longInteger(buf: Uint8Array, start: number, cr: number): number | bigint {
  if (parseLength(buf, start, cr) === null) throw new ProtocolError("invalid integer");
  const text = lineText(buf, start, cr);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
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

/** A `!` bulk error's or `=` verbatim string's value, from its body `bytes`. */
function textBodyFrame(type: number, bytes: Uint8Array): Frame {
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
const NO_ITEMS: Frame[] = [];

/** The smallest frame is 3 bytes (`_\r\n`, `+\r\n`): an aggregate of n needs 3n more. */
const MIN_FRAME = 3;

/** How deep `FrameDecoder` calls itself for nested aggregates before its explicit stack. */
const MAX_RECURSION = 16;

/**
 * Reads whole frames in one pass: each call checks and builds at once, and a frame that
 * is not all buffered yet is the return value `INCOMPLETE`, and what was built is dropped.
 * That stays cheap: a bulk's body is not looked at before all of it is there (a large bulk
 * arriving over many reads costs its header per read), and an aggregate announcing more
 * elements than the bytes buffered could hold is incomplete at once (which also bounds
 * the array made for it). Every call starts from scratch; what the decoder keeps between
 * calls is `end` and the allocations it reuses.
 *
 * One method, `#frame`, reads every type. Integers, lengths and counts all go through its
 * one digit loop, which takes plain lines (an optional `-`, 1 to 15 digits, no leading
 * zero); anything else goes through `parseLength`, which knows every rule. A run of plain
 * integers inside an aggregate stays in that loop, element after element (the commonest
 * reply of many elements). An aggregate inside another is read by a call of its own while
 * the calls are less than `MAX_RECURSION` deep (a call costs less than pushing and popping
 * a stack); past that, the deepest call keeps the open aggregates on an explicit stack,
 * so no nesting depth can overflow the call stack.
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
  // `buf.buffer` is a getter costing about a third of making a view (measured, see
  // BENCHMARKS.md): read once per buffer, not once per call or per bulk.
  #lastBuf: Uint8Array = NO_BYTES;
  #memory: ArrayBufferLike = NO_BYTES.buffer;
  #offset = 0;
  // The deepest call's open aggregates around its innermost one; emptied as they close,
  // and when a call returns INCOMPLETE or throws, so no frame outlives its call here.
  #openItems: Frame[][] = [];
  #openIndex: number[] = [];
  #openType: number[] = [];

  /** The frame at `buf[start]`, whose bytes are buffered up to `end`, or `INCOMPLETE`. */
  decode(buf: Uint8Array, start: number, end: number): Frame | typeof INCOMPLETE {
    if (buf !== this.#lastBuf) {
      this.#lastBuf = buf;
      this.#memory = buf.buffer;
      this.#offset = buf.byteOffset;
    }
    return this.#frame(buf, start, end, 0);
  }

  /** `#frame` at the deepest level, the only one that uses the explicit stack. */
  #deepest(buf: Uint8Array, start: number, end: number): Frame | typeof INCOMPLETE {
    try {
      return this.#frame(buf, start, end, MAX_RECURSION);
    } catch (e: unknown) {
      this.#openItems.fill(NO_ITEMS);
      throw e;
    }
  }

  /**
   * The one pass (see the class comment) over the frame at `buf[start]`, `level` calls
   * deep; sets `end`. Elements go straight into an array sized from the count. A null aggregate (`*-1`, and `%-1`, `~-1`, `>-1` alike) is the
   * null frame; an attribute (`|`) is read as a map followed by the value it annotates.
   */
  #frame(buf: Uint8Array, start: number, end: number, level: number): Frame | typeof INCOMPLETE {
    const memory = this.#memory;
    const offset = this.#offset;
    let items = NO_ITEMS; // the innermost open aggregate's elements, `index` of them read
    let index = 0;
    let type = 0; // its type byte
    let depth = 0; // how many aggregates are open
    let p = start;
    for (;;) {
      if (p >= end) return this.#incomplete(depth);
      const t = buf[p];
      let frame: Frame;
      read: if (
        depth > 0 && level < MAX_RECURSION &&
        (t === 42 || t === 37 || t === 126 || t === 62 || t === 124)
      ) {
        // an aggregate inside one: a call of its own reads it, which costs less than the
        // explicit stack, while the calls are not too deep
        const inner = level + 1 < MAX_RECURSION
          ? this.#frame(buf, p, end, level + 1)
          : this.#deepest(buf, p, end);
        if (inner === INCOMPLETE) return this.#incomplete(depth);
        frame = inner;
        p = this.end;
      } else if (
        t === 58 || t === 36 || t === 42 || t === 37 || t === 126 || t === 62 || t === 124 ||
        t === 33 || t === 61
      ) {
        // An integer, or a length or count: the digit loop, once for them all. It takes
        // plain lines only: an optional `-`, 1 to 15 digits without a leading zero (or `0`
        // alone), CRLF; anything else (16 digits or more, `+`, `-0`, garbage, a line not
        // all there) goes the long way, through parseLength, which knows every rule.
        let line = p + 1;
        let n = 0;
        plain: {
          for (;;) { // round again for each plain integer of a run inside one aggregate
            const negative = buf[line] === 45;
            const first = negative ? line + 1 : line;
            let q = first;
            let c = 0;
            n = 0;
            while (q < end) {
              c = buf[q];
              const d = c ^ 48; // 0-9 for the digits, and only for them: one comparison
              if (d > 9) break;
              n = n * 10 + d;
              q++;
            }
            const digits = q - first;
            if (
              c !== CR || q + 1 >= end || buf[q + 1] !== 10 || digits === 0 || digits > 15 ||
              (buf[first] === 48 && (digits > 1 || negative))
            ) break; // not plain: the long way below
            if (negative) n = -n;
            p = q + 2;
            if (t !== 58) break plain; // a length or count, read
            // : integer
            if (index + 1 < items.length && p < end && buf[p] === 58) {
              items[index++] = { kind: "integer", value: n };
              line = p + 1;
              continue;
            }
            frame = { kind: "integer", value: n };
            break read;
          }
          const cr = lineEnd(buf, line, end);
          if (cr < 0) return this.#incomplete(depth);
          p = cr + 2;
          if (t === 58) { // : integer past 15 digits (signed 64-bit as Redis writes it), or bad
            frame = { kind: "integer", value: longInteger(buf, line, cr) };
            break read;
          }
          n = lengthOf(buf, line, cr, t === 36 || t === 33 || t === 61 ? "bulk" : "multibulk");
        }
        if (t === 36 || t === 33 || t === 61) { // $ bulk, ! bulk error, = verbatim
          if (n < 0) {
            if (n < -1) throw new ProtocolError("invalid bulk length");
            frame = { kind: "null" };
          } else {
            if (end - p < n + 2) return this.#incomplete(depth);
            const value = new Uint8Array(memory, offset + p, n);
            frame = t === 36 ? { kind: "bulk", value } : textBodyFrame(t, value);
            p += n + 2;
          }
        } else { // * array, % map, ~ set, > push, | attribute
          if (n < -1) throw new ProtocolError("invalid multibulk length");
          // a map holds 2 frames a pair; an attribute, its pairs and then the value annotated
          const size = t === 37 ? 2 * n : t === 124 ? 2 * Math.max(n, 0) + 1 : n;
          if (n < 0 && t !== 124) {
            frame = { kind: "null" };
          } else if (size === 0) {
            frame = aggregate(t, []);
          } else {
            // surely not all there yet: say so now (this also bounds the array made here)
            if (end - p < MIN_FRAME * size) return this.#incomplete(depth);
            if (depth > 0) {
              this.#openItems[depth - 1] = items;
              this.#openIndex[depth - 1] = index;
              this.#openType[depth - 1] = type;
            }
            depth++;
            items = new Array(size);
            index = 0;
            type = t;
            continue;
          }
        }
      } else {
        const cr = lineEnd(buf, p + 1, end);
        if (cr < 0) return this.#incomplete(depth);
        frame = lineFrame(buf, t, p, cr);
        p = cr + 2;
      }
      // hand the frame to the innermost aggregate, closing each one it completes
      for (;;) {
        if (depth === 0) {
          this.end = p;
          return frame;
        }
        items[index++] = frame;
        if (index < items.length) break;
        frame = aggregate(type, items);
        if (--depth > 0) {
          items = this.#openItems[depth - 1];
          index = this.#openIndex[depth - 1];
          type = this.#openType[depth - 1];
          this.#openItems[depth - 1] = NO_ITEMS;
        }
      }
    }
  }

  /** Drops the references the stack holds for `depth` open aggregates (none is returned). */
  #incomplete(depth: number): typeof INCOMPLETE {
    for (let i = 0; i < depth - 1; i++) this.#openItems[i] = NO_ITEMS;
    return INCOMPLETE;
  }
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
  const decoder = new FrameDecoder();
  const frame = decoder.decode(buf.slice(start, stop), 0, stop - start);
  if (frame === INCOMPLETE || decoder.end !== stop - start) {
    throw new RangeError("parseFrame: the end given is not the frame's end");
  }
  return { frame, end: stop };
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
