/**
 * fast-check generators of client byte streams for the fuzz tests: valid multibulk and
 * inline requests (with the arguments they must decode to), empty requests, mutations of
 * valid requests (flipped, inserted, deleted bytes, truncations, duplications) and raw
 * garbage, plus an oracle that decodes a whole stream at once with the server's own
 * RequestParser. Frames stay well under 64 KiB per line, so a stream's meaning does not
 * depend on how it is split (the inline and count-line limits are not reached).
 */

import fc from "fast-check";
import { INCOMPLETE, ProtocolError } from "../../src/protocol/frame.ts";
import { RequestParser } from "../../src/protocol/request_parser.ts";

/** One generated request: its bytes and, when valid, the arguments it must decode to. */
export interface FuzzFrame {
  bytes: Uint8Array;
  /** The decoded arguments (empty for an empty request); null when mutated or garbage. */
  args: string[] | null;
}

/** Byte-string (one char per byte) to bytes. */
export function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Command names the fuzzer may send to a live server: each answers exactly one reply and
 * none closes the connection, changes the protocol, or touches another client's keys by
 * name (FLUSHALL, QUIT, SUBSCRIBE, HELLO, SELECT are left out on purpose).
 */
export const SAFE_COMMANDS = [
  "PING",
  "ECHO",
  "SET",
  "GET",
  "DEL",
  "EXISTS",
  "INCR",
  "APPEND",
  "STRLEN",
  "MGET",
  "MSET",
  "LPUSH",
  "RPUSH",
  "LRANGE",
  "LLEN",
  "LPOP",
  "TYPE",
  "DBSIZE",
  "EXPIRE",
  "TTL",
  "GETRANGE",
  "SETRANGE",
] as const;

const SPECIAL_BYTES = [..."*$:+-\r\n0123456789\"' \\\x00"].map((c) => c.charCodeAt(0));

const byteString = (maxLength: number) =>
  fc.uint8Array({ maxLength }).map((b) => String.fromCharCode(...b));

/** An argument: a fuzz key, a number, printable text or arbitrary bytes. */
const argArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 9 }).map((i) => `fz:${i}`) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 100000 }).map(String) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: byteString(24) },
  { weight: 1, arbitrary: fc.constant("") },
);

const nameArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SAFE_COMMANDS) },
  { weight: 2, arbitrary: fc.constantFrom(...SAFE_COMMANDS).map((n) => n.toLowerCase()) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((n) => `x${n}`) },
);

/** A command's arguments, name first. */
export const commandArb: fc.Arbitrary<string[]> = fc
  .tuple(nameArb, fc.array(argArb, { maxLength: 5 }))
  .map(([name, rest]) => [name, ...rest]);

/** RESP multibulk encoding of `args` (byte strings). */
export function encodeMultibulk(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

const BARE = /^[A-Za-z0-9_:.\-]+$/;

/** An inline line that `sdssplitargs` splits back into `args`. */
export function encodeInline(args: readonly string[], lf: boolean): string {
  const words = args.map((a) => {
    if (BARE.test(a)) return a;
    let q = '"';
    for (let i = 0; i < a.length; i++) {
      const c = a.charCodeAt(i);
      if (c === 34 || c === 92) q += "\\" + a[i];
      else if (c < 32 || c > 126) q += "\\x" + c.toString(16).padStart(2, "0");
      else q += a[i];
    }
    return q + '"';
  });
  return words.join(" ") + (lf ? "\n" : "\r\n");
}

const validMultibulk: fc.Arbitrary<FuzzFrame> = commandArb.map((args) => ({
  bytes: latin1(encodeMultibulk(args)),
  args,
}));

/** A request with one big bulk, so the read buffer must grow and compact. */
const bigBulk: fc.Arbitrary<FuzzFrame> = fc
  .integer({ min: 17_000, max: 60_000 })
  .map((n) => {
    const args = ["SET", "fz:big", "v".repeat(n)];
    return { bytes: latin1(encodeMultibulk(args)), args };
  });

const validInline: fc.Arbitrary<FuzzFrame> = fc
  .tuple(commandArb, fc.boolean())
  .map(([args, lf]) => ({ bytes: latin1(encodeInline(args, lf)), args }));

const emptyRequest: fc.Arbitrary<FuzzFrame> = fc
  .constantFrom("*0\r\n", "*-1\r\n", "\r\n", "\n", "   \r\n", "\t\n")
  .map((s) => ({ bytes: latin1(s), args: [] }));

type Mutation = { op: number; pos: number; byte: number; len: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.integer({ min: 0, max: 5 }),
  pos: fc.nat(),
  byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...SPECIAL_BYTES)),
  len: fc.integer({ min: 1, max: 16 }),
});

/** Applies one mutation: overwrite, insert, delete, truncate, duplicate or swap a digit. */
function mutate(b: Uint8Array, m: Mutation): Uint8Array {
  if (b.length === 0) return Uint8Array.of(m.byte);
  const i = m.pos % b.length;
  const out = Array.from(b);
  switch (m.op) {
    case 0:
      out[i] = m.byte;
      break;
    case 1:
      out.splice(i, 0, m.byte);
      break;
    case 2:
      out.splice(i, m.len);
      break;
    case 3:
      out.length = i;
      break;
    case 4:
      out.splice(i, 0, ...out.slice(i, i + m.len));
      break;
    default: {
      // A length digit changed: the commonest way a real client corrupts framing.
      const digit = out.findIndex((c, j) => j >= i && c >= 48 && c <= 57);
      if (digit >= 0) out[digit] = 48 + (m.byte % 10);
      else out[i] = m.byte;
    }
  }
  return Uint8Array.from(out);
}

const mutated: fc.Arbitrary<FuzzFrame> = fc
  .tuple(
    fc.oneof(validMultibulk, validInline),
    fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  )
  .map(([frame, ms]) => ({ bytes: ms.reduce(mutate, frame.bytes), args: null }));

const garbage: fc.Arbitrary<FuzzFrame> = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc.array(fc.constantFrom(...SPECIAL_BYTES), { minLength: 1, maxLength: 24 }).map((a) =>
      Uint8Array.from(a)
    ),
  )
  .map((bytes) => ({ bytes, args: null }));

/** Any one request, mostly valid, often broken. */
export const frameArb: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 10, arbitrary: validMultibulk },
  { weight: 4, arbitrary: validInline },
  { weight: 1, arbitrary: emptyRequest },
  { weight: 4, arbitrary: mutated },
  { weight: 1, arbitrary: garbage },
);

/** Mostly-valid streams: valid requests, perhaps one broken request at the end. */
export const mostlyValidStreamArb = (maxLength: number): fc.Arbitrary<FuzzFrame[]> =>
  fc.tuple(
    fc.array(validFrameArb, { minLength: 1, maxLength, size: "max" }),
    fc.option(fc.oneof(mutated, garbage), { nil: undefined }),
  ).map(([valid, last]) => last === undefined ? valid : [...valid, last]);

/** Streams with big bulks now and then, for the read buffer's growth. */
export const frameWithBigArb: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 500, arbitrary: frameArb },
  { weight: 1, arbitrary: bigBulk },
);

/** Only valid requests (for checking exact decoding of whole streams). */
export const validFrameArb: fc.Arbitrary<FuzzFrame> = fc.oneof(
  { weight: 10, arbitrary: validMultibulk },
  { weight: 4, arbitrary: validInline },
  { weight: 1, arbitrary: emptyRequest },
);

/** Concatenates frames into one stream. */
export function concatFrames(frames: readonly FuzzFrame[]): Uint8Array {
  let n = 0;
  for (const f of frames) n += f.bytes.length;
  const out = new Uint8Array(n);
  let p = 0;
  for (const f of frames) {
    out.set(f.bytes, p);
    p += f.bytes.length;
  }
  return out;
}

/** The non-empty requests the valid frames before the first broken one must decode to. */
export function expectedPrefix(frames: readonly FuzzFrame[]): string[][] {
  const out: string[][] = [];
  for (const f of frames) {
    if (f.args === null) break;
    if (f.args.length > 0) out.push(f.args);
  }
  return out;
}

/** What a stream decodes to: its non-empty requests up to the first protocol error. */
export interface Decoded {
  requests: string[][];
  error: string | null;
}

/** A whole-stream decoding, with where the last whole request ended. */
export interface DecodedWhole extends Decoded {
  /** Bytes up to the end of the last whole request (the rest is an unfinished one). */
  consumed: number;
}

/** Decodes a whole stream in one buffer with the server's parser (the oracle). */
export function decodeWhole(
  bytes: Uint8Array,
  maxBulkLen: number,
  unauthenticated = false,
): DecodedWhole {
  const parser = new RequestParser();
  parser.maxBulkLen = maxBulkLen;
  parser.unauthenticated = unauthenticated;
  const requests: string[][] = [];
  let pos = 0;
  try {
    for (;;) {
      const next = parser.parse(bytes, pos, bytes.length);
      if (next === INCOMPLETE) break;
      if (next <= pos) throw new Error(`parser made no progress at ${pos}`);
      pos = next;
      if (parser.args.length !== 0) requests.push(parser.args);
    }
  } catch (e: unknown) {
    if (e instanceof ProtocolError) return { requests, error: e.message, consumed: pos };
    throw e;
  }
  return { requests, error: null, consumed: pos };
}

/** Splits `bytes` into chunks whose sizes cycle through `sizes` (each copied: byte streams transfer). */
export function split(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let p = 0;
  for (let i = 0; p < bytes.length; i++) {
    const n = sizes.length === 0 ? bytes.length : sizes[i % sizes.length];
    chunks.push(bytes.slice(p, p + n));
    p += n;
  }
  return chunks;
}

/**
 * Chunk sizes: tiny ones (so over many runs every boundary is cut), typical read sizes,
 * and large ones. Kept from being all tiny so a million frames feed in seconds.
 */
export const splitArb: fc.Arbitrary<number[]> = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 300 }) },
    { weight: 2, arbitrary: fc.integer({ min: 300, max: 20_000 }) },
  ),
  { minLength: 1, maxLength: 12 },
);
