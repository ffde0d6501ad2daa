/**
 * Test support for the protocol units (not imported by respd itself): byte streams made of
 * given chunks, the ways to split an input, and a decoder loop that drives ByteReader and
 * RequestParser exactly as the session does, so the units are tested the way they run.
 */

import { ByteReader } from "./byte_reader.ts";
import { INCOMPLETE, ProtocolError } from "./frame.ts";
import { QueryBufferLimitError, RequestParser } from "./request_parser.ts";

/** Bytes of a byte string (one char per byte). */
export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** A byte stream (BYOB-capable) that yields `chunks` one read at a time, then ends. */
export function byteStream(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++].slice());
      else {
        // a BYOB read pending at the end resolves only once its request is answered
        controller.close();
        controller.byobRequest?.respond(0);
      }
    },
  });
}

/** Every way to cut `input` in two, then byte by byte: [[a, b], ..., [x0, x1, ...]]. */
export function* splits(input: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 1; i < input.length; i++) yield [input.subarray(0, i), input.subarray(i)];
  if (input.length > 2) yield Array.from(input, (b) => Uint8Array.of(b));
}

/** Every way to cut `input` in three (for short inputs: quadratic). */
export function* threeWaySplits(input: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 1; i < input.length; i++) {
    for (let j = i + 1; j < input.length; j++) {
      yield [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
    }
  }
}

/** What a connection's bytes decode to: the requests, then the protocol error if any. */
export interface Decoded {
  requests: string[][];
  error: string | null;
  /** Bytes left unconsumed when the stream ended (an incomplete request). */
  leftover: number;
}

/** Options of the parser under test. */
export interface ParserOptions {
  maxBulkLen?: number;
  unauthenticated?: boolean;
  queryBufferLimit?: number;
  /** The ByteReader's initial size, and the size it shrinks back to between reads. */
  initialSize?: number;
}

/**
 * Decodes a stream as the session loop does: fill, parse every whole request, consume,
 * shrink back to the initial size. A parse step that does not advance is a failure.
 */
export async function decodeStream(
  stream: ReadableStream<Uint8Array>,
  options: ParserOptions = {},
): Promise<Decoded> {
  const reader = new ByteReader(stream, options.initialSize);
  const parser = new RequestParser();
  if (options.maxBulkLen !== undefined) parser.maxBulkLen = options.maxBulkLen;
  parser.unauthenticated = options.unauthenticated ?? false;
  if (options.queryBufferLimit !== undefined) parser.queryBufferLimit = options.queryBufferLimit;
  const requests: string[][] = [];
  try {
    while (await reader.fill(parser.bytesWanted)) {
      let pos = reader.start;
      try {
        for (;;) {
          const next = parser.parse(reader.buf, pos, reader.end);
          if (next === INCOMPLETE) break;
          if (next <= pos) throw new Error(`parser made no progress at ${pos}`);
          pos = next;
          if (parser.args.length !== 0) requests.push(parser.args);
        }
      } catch (e: unknown) {
        if (e instanceof ProtocolError || e instanceof QueryBufferLimitError) {
          return { requests, error: e.message, leftover: 0 };
        }
        throw e;
      } finally {
        reader.consume(pos);
      }
      reader.shrink(options.initialSize);
    }
    return { requests, error: null, leftover: reader.buffered };
  } finally {
    await reader.cancel();
  }
}

/** Decodes `chunks` as one connection's reads. */
export function decodeChunks(
  chunks: readonly Uint8Array[],
  options?: ParserOptions,
): Promise<Decoded> {
  return decodeStream(byteStream(chunks), options);
}
