/**
 * Microbenchmarks of respd's framing layer next to npm `redis-parser` (the parser ioredis
 * and node-redis 3 use) on the same bytes in the same run. Each group has redis-parser as
 * its baseline, so `deno bench` prints respd's speed as a ratio ("N x faster than").
 *
 *   deno bench -A bench/protocol_bench.ts        (or `deno task bench`)
 *
 * Groups:
 * - request-*: the server's RequestParser on what clients send (command arrays: a
 *   pipeline of 16 SETs as redis-benchmark sends them, the same with a new key in every
 *   request, an MSET of 10 pairs, a SET with a 64 KiB value). redis-parser reads them as
 *   arrays of bulk strings, which they are. Inputs repeated every iteration let respd's
 *   cache of recent arguments (recent_strings.ts) answer, as it does for a hot key; the
 *   new-key input shows the parser without that help.
 * - frame-*: the whole-frame path clients use on replies (an array of 100 integers, an
 *   array nested 8 deep, a 1 MiB bulk, an array of 100 bulks): FrameDecoder, one pass with
 *   bulks as views of the input (as redis-parser returns Buffers that are views of its
 *   input), and checkFrame + parseFrame, which also copies the frame out (owned bytes).
 * - encode-*: ReplyWriter encoding the same replies (no redis-parser counterpart: the
 *   baseline there is encodeFrame, the generic client-side encoder).
 *
 * Both parsers turn bulks into strings (respd: byte strings; redis-parser: UTF-8 text,
 * which is the cheapest mode it has for ASCII data) except for frame-* where respd keeps
 * bulks as bytes, as its clients do, and redis-parser returns Buffers.
 */

import { Buffer } from "node:buffer";
import RedisParser from "redis-parser";
import { RequestParser } from "../src/protocol/request_parser.ts";
import {
  checkFrame,
  encodeCommand,
  encodeFrame,
  FrameDecoder,
  parseFrame,
} from "../src/protocol/frame_codec.ts";
import { ReplyWriter } from "../src/protocol/reply_writer.ts";
import { INCOMPLETE } from "../src/protocol/frame.ts";
import type { Frame } from "../src/protocol/frame.ts";
import { concat } from "../src/protocol/_test_streams.ts";

const encoder = new TextEncoder();
const ascii = (s: string) => encoder.encode(s);

// --- inputs -------------------------------------------------------------------------------

/**
 * Each input is a list of byte strings cycled through, one per iteration: one for a fixed
 * request, 4096 for requests whose keys change every time (as `redis-benchmark -r`), where
 * respd's cache of recent arguments (recent_strings.ts) cannot help.
 */
const requests: Record<string, Uint8Array[]> = {
  "16 pipelined SETs": [concat(
    ...Array.from({ length: 16 }, () => encodeCommand(["SET", "key:__rand_int__", "xxx"])),
  )],
  "16 pipelined SETs, a new key each": Array.from({ length: 4096 }, () =>
    concat(
      ...Array.from({ length: 16 }, () => encodeCommand(["SET", `key:${randomDigits()}`, "xxx"])),
    )),
  "MSET of 10 pairs": [encodeCommand(
    ["MSET", ...Array.from({ length: 10 }, (_, i) => [`key:${i}:__rand__`, "xxx"]).flat()],
  )],
  "SET with a 64 KiB value": [encodeCommand(["SET", "big", "v".repeat(64 * 1024)])],
};

/** redis-benchmark's `__rand_int__` under `-r 1000000`: 12 digits. */
function randomDigits(): string {
  return String(Math.floor(Math.random() * 1_000_000)).padStart(12, "0");
}

function nested(depth: number): Frame {
  let f: Frame = { kind: "integer", value: 42 };
  for (let i = 0; i < depth; i++) {
    f = { kind: "array", value: [f, { kind: "bulk", value: ascii("leaf") }] };
  }
  return f;
}

const replies: Record<string, Frame> = {
  "100 integers": {
    kind: "array",
    value: Array.from({ length: 100 }, (_, i) => ({ kind: "integer", value: i * 1000 })),
  },
  "array nested 8 deep": nested(8),
  "1 MiB bulk": { kind: "bulk", value: new Uint8Array(1024 * 1024).fill(97) },
  "100 bulks": {
    kind: "array",
    value: Array.from({ length: 100 }, (_, i) => ({ kind: "bulk", value: ascii(`value:${i}`) })),
  },
};

// --- parsers under test -------------------------------------------------------------------

let sink = 0;

function redisParserFor(returnBuffers: boolean) {
  return new RedisParser({
    returnBuffers,
    returnReply(reply: unknown) {
      sink += Array.isArray(reply) ? reply.length : 1;
    },
    returnError(err: Error) {
      throw err;
    },
  });
}

/** Parses every request in `bytes` with respd's server parser. */
function respdRequests(parser: RequestParser, bytes: Uint8Array): void {
  let pos = 0;
  while (pos < bytes.length) {
    const next = parser.parse(bytes, pos, bytes.length);
    if (next === INCOMPLETE) throw new Error("incomplete request in benchmark input");
    sink += parser.args.length;
    pos = next;
  }
}

/** Decodes every frame in `bytes` in one pass (bulks are views of `bytes`). */
function respdDecode(decoder: FrameDecoder, bytes: Uint8Array): void {
  let pos = 0;
  while (pos < bytes.length) {
    if (decoder.decode(bytes, pos, bytes.length) === INCOMPLETE) {
      throw new Error("incomplete frame");
    }
    sink++;
    pos = decoder.end;
  }
}

/** Checks, then parses (copying out) every frame in `bytes`. */
function respdFrames(bytes: Uint8Array): void {
  let pos = 0;
  while (pos < bytes.length) {
    const end = checkFrame(bytes, pos, bytes.length);
    if (end === INCOMPLETE) throw new Error("incomplete frame");
    parseFrame(bytes, pos, end);
    sink++;
    pos = end;
  }
}

/** Encodes `frame` through ReplyWriter, the server's reply encoder. */
function writeFrame(w: ReplyWriter, f: Frame): void {
  switch (f.kind) {
    case "integer":
      return w.integer(f.value);
    case "bulk":
      return w.bulkBytes(f.value);
    case "array":
      w.array(f.value.length);
      for (const child of f.value) writeFrame(w, child);
      return;
    default:
      throw new Error(`no ReplyWriter case for ${f.kind} in this benchmark`);
  }
}

// --- benchmarks ---------------------------------------------------------------------------

for (const [name, inputs] of Object.entries(requests)) {
  const group = `request: ${name}`;
  const buffers = inputs.map((bytes) => Buffer.from(bytes));
  const theirs = redisParserFor(false);
  const ours = new RequestParser();
  let i = 0, j = 0;
  Deno.bench("redis-parser", { group, baseline: true }, () => {
    theirs.execute(buffers[i++ % buffers.length]);
  });
  Deno.bench("respd RequestParser", { group }, () => {
    respdRequests(ours, inputs[j++ % inputs.length]);
  });
}

for (const [name, frame] of Object.entries(replies)) {
  const group = `frame: ${name}`;
  const bytes = encodeFrame(frame);
  const buffer = Buffer.from(bytes);
  const theirs = redisParserFor(true);
  Deno.bench("redis-parser", { group, baseline: true }, () => theirs.execute(buffer));
  const decoder = new FrameDecoder();
  Deno.bench("respd FrameDecoder", { group }, () => respdDecode(decoder, bytes));
  Deno.bench("respd check+parse (copy)", { group }, () => respdFrames(bytes));
}

for (const [name, frame] of Object.entries(replies)) {
  const group = `encode: ${name}`;
  const writer = new ReplyWriter();
  Deno.bench("encodeFrame (generic)", { group, baseline: true }, () => {
    sink += encodeFrame(frame).length;
  });
  Deno.bench("respd ReplyWriter", { group }, () => {
    writeFrame(writer, frame);
    sink += writer.bytes().length;
    writer.clear();
  });
}

/** Keeps the results observable so no work is optimised away. */
export function benchSink(): number {
  return sink;
}
