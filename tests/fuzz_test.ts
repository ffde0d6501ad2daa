/**
 * Property-based fuzzing of the request path (issue 5) with fast-check: random, valid and
 * mutated RESP/inline byte streams, split at arbitrary points, are fed
 * (a) to ByteReader + RequestParser directly, the way a session reads: they must decode to
 *     argument lists or one ProtocolError, never throw anything else, always progress, and
 *     decode the same however the stream is split (and exactly, for valid requests), with
 *     and without Redis's unauthenticated limits; at least a million frames per run;
 * (b) to a live server over TCP, over WebSocket (each chunk one message), and over TCP
 *     before AUTH: the replies must be whole, well-formed frames, one per decoded request,
 *     ending with Redis's protocol error and a close when the stream is malformed; the
 *     server logs no client failure and another client's binary data survives.
 * The seed is printed (FUZZ_SEED replays a run); so are the frame counts.
 */

import fc from "fast-check";
import { INCOMPLETE } from "../src/protocol/frame.ts";
import { checkFrame, parseFrame } from "../src/protocol/frame_codec.ts";
import { decodeChunks as decodeStreamChunks } from "../src/protocol/_test_streams.ts";
import type { LogLevel } from "../src/config.ts";
import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import {
  concatFrames,
  type Decoded,
  type DecodedWhole,
  decodeWhole,
  expectedPrefix,
  frameArb,
  frameWithBigArb,
  latin1,
  mostlyValidStreamArb,
  split,
  splitArb,
  validFrameArb,
} from "./support/fuzz_frames.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const MAX_BULK = 1024 * 1024;
/** Frames fed to the parser directly, and to the live server, per run. */
const DIRECT_FRAMES = 1_000_000;
const LIVE_FRAMES = 60_000;

console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

/** Feeds chunks through a byte stream into ByteReader + RequestParser, as a session does. */
async function decodeChunks(chunks: Uint8Array[], unauthenticated: boolean): Promise<Decoded> {
  const options = { maxBulkLen: MAX_BULK, unauthenticated, initialSize: 1024 };
  const { requests, error } = await decodeStreamChunks(chunks, options);
  return { requests, error };
}

/**
 * Fails with fast-check's report cut short: a counterexample holding a 60 KB bulk would
 * otherwise flood the log. The seed and path in the first lines replay it.
 */
function reporter<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error
    ? details.errorInstance.message
    : String(details.errorInstance);
  const example = JSON.stringify(
    details.counterexample,
    (_, v) => v instanceof Uint8Array ? String.fromCharCode(...v) : v,
  );
  throw new Error(
    `property failed after ${details.numRuns} runs (seed ${details.seed}, path ` +
      `"${details.counterexamplePath}"${details.interrupted ? ", interrupted" : ""}):\n` +
      `${cause.slice(0, 2000)}\ncounterexample: ${example.slice(0, 2000)}`,
  );
}

function isByteString(s: unknown): boolean {
  if (typeof s !== "string") return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

Deno.test("the request parser decodes any byte stream, however split, to args or one protocol error", async () => {
  let frames = 0;
  const property = fc.asyncProperty(
    fc.array(frameWithBigArb, { minLength: 1, maxLength: 400, size: "max" }),
    splitArb,
    // Before AUTH, Redis's tighter limits apply (10 arguments, 16 KiB bulks).
    fc.boolean(),
    async (stream, sizes, unauthenticated) => {
      frames += stream.length;
      const bytes = concatFrames(stream);
      const whole = decodeWhole(bytes, MAX_BULK, unauthenticated);
      const fed = await decodeChunks(split(bytes, sizes), unauthenticated);
      assertEquals(fed, { requests: whole.requests, error: whole.error });
      for (const args of fed.requests) assert(args.every(isByteString));
      const prefix = expectedPrefix(stream);
      if (!unauthenticated) assertEquals(fed.requests.slice(0, prefix.length), prefix);
      if (fed.error !== null) assert(fed.error.startsWith("Protocol error: "), fed.error);
    },
  );
  // Rounds of 500 runs, each from its own seed derived from SEED, until the count is met.
  for (let round = 0; frames < DIRECT_FRAMES; round++) {
    await fc.assert(property, { seed: SEED + round, numRuns: 500, reporter });
  }
  console.log(`fuzz: ${frames} generated frames fed to ByteReader + RequestParser`);
});

Deno.test("the request parser decodes streams of valid requests exactly, however split", async () => {
  let frames = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(validFrameArb, { minLength: 1, maxLength: 100, size: "max" }),
      splitArb,
      async (stream, sizes) => {
        frames += stream.length;
        const fed = await decodeChunks(split(concatFrames(stream), sizes), false);
        assertEquals(fed, { requests: expectedPrefix(stream), error: null });
      },
    ),
    { seed: SEED, numRuns: 500, reporter },
  );
  console.log(`fuzz: ${frames} valid frames decoded exactly`);
});

/** Reads until the server closes; returns every byte it sent. */
async function readAll(conn: Deno.TcpConn, timeoutMs: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    for (;;) {
      const chunk = new Uint8Array(64 * 1024);
      const n = await Promise.race([conn.read(chunk).catch(() => null), timeout]);
      if (n === "timeout") throw new Error(`server did not close within ${timeoutMs} ms`);
      if (n === null) break;
      parts.push(chunk.subarray(0, n));
      total += n;
    }
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Splits a reply stream into frames; throws if any byte is not part of a well-formed frame. */
function replyFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let p = 0;
  while (p < bytes.length) {
    const end = checkFrame(bytes, p, bytes.length);
    if (end === INCOMPLETE) throw new Error(`truncated reply at byte ${p} of ${bytes.length}`);
    parseFrame(bytes, p);
    frames.push(bytes.subarray(p, end));
    p = end;
  }
  return frames;
}

/** The fuzzer's streams for a live server: anything, or valid with perhaps a broken end. */
const liveStreamArb = (maxLength: number) =>
  fc.oneof(
    fc.array(frameArb, { minLength: 1, maxLength, size: "max" }),
    mostlyValidStreamArb(maxLength),
  );

/** Checks the replies to one stream against what the oracle decoded from it. */
function checkReplies(replies: Uint8Array[], expected: DecodedWhole, extra: string[] = []): void {
  const want = expected.requests.length + (expected.error === null ? extra.length : 1);
  assertEquals(replies.length, want, `replies for ${expected.requests.length} requests`);
  if (expected.error !== null) {
    assertEquals(replies[replies.length - 1], latin1(`-ERR ${expected.error}\r\n`));
  } else {
    const tail = replies.slice(replies.length - extra.length);
    assertEquals(tail, extra.map(latin1));
  }
}

/** One stream over TCP, written in chunks; then EOF from our side unless an error is due. */
async function fuzzTcp(
  port: number,
  bytes: Uint8Array,
  sizes: number[],
  unauthenticated = false,
): Promise<void> {
  const expected = decodeWhole(bytes, MAX_BULK, unauthenticated);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const reading = readAll(conn, 10_000);
    try {
      // Few, larger writes: the kernel coalesces tiny ones anyway.
      for (const chunk of split(bytes, sizes.map((n) => n * 64))) {
        let w = 0;
        while (w < chunk.length) w += await conn.write(chunk.subarray(w));
      }
      // With no protocol error coming, end our side so the server sees EOF and closes;
      // with one, the server must close by itself.
      if (expected.error === null) await conn.closeWrite();
    } catch (e: unknown) {
      // The server may close while we still write, after a protocol error only.
      if (expected.error === null) throw e;
    }
    checkReplies(replyFrames(await reading), expected);
  } finally {
    conn.close();
  }
}

const SENTINEL = latin1("*1\r\n$4\r\nPING\r\n");

/**
 * One stream over WebSocket, each chunk one binary message (so frames span messages). A
 * WebSocket cannot half-close, so a stream with no error due ends with a PING whose PONG
 * must come last (an unfinished request at the end is dropped first, else it would
 * swallow the PING); with an error due, the server must close the socket.
 */
async function fuzzWebSocket(
  port: number,
  bytes: Uint8Array,
  sizes: number[],
  _unauthenticated = false,
): Promise<void> {
  let expected = decodeWhole(bytes, MAX_BULK);
  if (expected.error === null) {
    const body = bytes.subarray(0, expected.consumed);
    bytes = new Uint8Array(body.length + SENTINEL.length);
    bytes.set(body);
    bytes.set(SENTINEL, body.length);
    expected = decodeWhole(bytes, MAX_BULK);
    expected.requests.pop();
  }
  const ws = await WsRawClient.connect(port);
  try {
    for (const chunk of split(bytes, sizes)) await ws.send(chunk);
    const replies: Uint8Array[] = [];
    const want = expected.requests.length + 1;
    while (replies.length < want) replies.push(await ws.readReplyBytes(10_000));
    checkReplies(replies, expected, ["+PONG\r\n"]);
    if (expected.error !== null) assert(await ws.closedByPeer(10_000));
  } finally {
    await ws.end();
  }
}

/**
 * Each transport, plus TCP before AUTH on a server with a password: there every request
 * gets -NOAUTH (still one reply each) and the parser applies Redis's unauthenticated limits.
 */
const LIVE = [
  { transport: "tcp", name: "TCP", runs: 500, requirepass: null },
  { transport: "ws", name: "WebSocket", runs: 250, requirepass: null },
  { transport: "tcp", name: "unauthenticated TCP", runs: 150, requirepass: "fuzz-secret" },
] as const;

for (const { transport, name, runs, requirepass } of LIVE) {
  Deno.test(`a live server answers fuzzed ${name} streams with whole replies or a protocol error and a close`, async () => {
    const problems: string[] = [];
    // The last log lines, to show with a failure (why the server closed a connection).
    const recent: string[] = [];
    const logger = (level: LogLevel, message: string) => {
      if (level === "warning") problems.push(message);
      recent.push(`${level}: ${message}`);
      if (recent.length > 6) recent.shift();
    };
    await using server = startTestServer({
      protoMaxBulkLen: MAX_BULK,
      logger,
      loglevel: "verbose",
      wsPort: 0,
      requirepass,
    });
    using victim = await RawClient.connect(server.port);
    if (requirepass !== null) assertEquals(await victim.call("AUTH", requirepass), "+OK\r\n");
    const precious = Array.from({ length: 20 }, (_, i) => [
      `victim:${i}`,
      String.fromCharCode(...Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) % 256)),
    ]);
    for (const [k, v] of precious) {
      await victim.sendCommand("SET", k, latin1(v));
      assertEquals(await victim.readText(), "+OK\r\n");
    }

    let frames = 0;
    let protocolErrors = 0;
    const port = transport === "tcp" ? server.port : server.wsPort;
    const unauthenticated = requirepass !== null;
    const feed = transport === "tcp" ? fuzzTcp : fuzzWebSocket;
    await fc.assert(
      fc.asyncProperty(
        liveStreamArb(Math.round(2 * LIVE_FRAMES / 900)),
        splitArb,
        async (stream, sizes) => {
          frames += stream.length;
          const bytes = concatFrames(stream);
          if (decodeWhole(bytes, MAX_BULK, unauthenticated).error !== null) protocolErrors++;
          recent.length = 0;
          try {
            await feed(port, bytes, sizes, unauthenticated);
          } catch (e: unknown) {
            const message = e instanceof Error ? e.message : String(e);
            throw new Error(`${message}\nserver log:\n  ${recent.join("\n  ")}`);
          }
        },
      ),
      // Shrinking re-runs against the server, where a failure may mean a 10 s timeout per
      // run: bound the whole search, and report the smallest case found by then.
      {
        seed: SEED,
        numRuns: runs,
        reporter,
        interruptAfterTimeLimit: 90_000,
        markInterruptAsFailure: true,
      },
    );
    console.log(
      `fuzz: ${frames} generated frames sent over ${name} to a live server in ${runs} ` +
        `connections (${protocolErrors} ended in a protocol error)`,
    );
    assertEquals(problems, []);
    assertEquals(await victim.call("PING"), "+PONG\r\n");
    for (const [k, v] of precious) {
      await victim.sendCommand("GET", k);
      assertEquals(await victim.readReplyBytes(), latin1(`$${v.length}\r\n${v}\r\n`));
    }
    // Only the victim is left: every fuzzing connection was closed and forgotten.
    for (let i = 0; i < 200 && server.sessions.size > 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(server.sessions.size, 1);
  });
}
