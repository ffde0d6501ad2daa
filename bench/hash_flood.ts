/**
 * Hash flooding: how long a server takes to store keys built to share one hash bucket,
 * against as many random keys, each sent as one pipeline on one connection (BENCHMARKS.md,
 * "Hash flooding"). Run it against any server already listening (respd, redis-server, an
 * older respd checkout):
 *
 *   deno run -A bench/hash_flood.ts --port 6379
 *       [--kind murmur|numeric-ttl|numeric-zadd|numeric-subscribe] [--bits 16] [--random yes]
 *
 * - `murmur`: 2^bits SETs of keys with one MurmurHash3 value under every seed
 *   (tests/support/murmur_multicollision.ts), the hash respd's tables used before key_hash.ts;
 * - `numeric-ttl`: 2^bits `SET <n> v EX 1000`, n the multiples of 2^(32 - bits), which V8
 *   hashes into one bucket of a `Map` (src/store/string_key_map.ts);
 * - `numeric-zadd`: the same names as `ZADD z 1 <n>`;
 * - `numeric-subscribe`: one `SUBSCRIBE` of the same names as channels, then a PING (timed
 *   until its pong).
 *
 * `--random yes` sends random names of the same size instead. It FLUSHALLs first.
 */

import { parseArgs } from "node:util";
import { murmurMulticollision } from "../tests/support/murmur_multicollision.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "6379" },
    kind: { type: "string", default: "murmur" },
    bits: { type: "string", default: "16" },
    random: { type: "string", default: "no" },
  },
});
const BITS = Number(values.bits);
const N = 2 ** BITS;
const RANDOM = values.random === "yes";

function names(): string[] {
  if (values.kind === "murmur") {
    if (!RANDOM) return murmurMulticollision(BITS);
    return Array.from(
      { length: N },
      () => String.fromCharCode(...crypto.getRandomValues(new Uint8Array(8 * BITS))),
    );
  }
  const step = 2 ** (32 - BITS);
  return Array.from(
    { length: N },
    (_, i) => String(RANDOM ? Math.floor(Math.random() * 2 ** 32) : i * step),
  );
}

function request(name: string): string[] {
  if (values.kind === "numeric-zadd") return ["ZADD", "z", "1", name];
  if (values.kind === "numeric-ttl") return ["SET", name, "v", "EX", "1000"];
  return ["SET", name, "x"];
}

function encode(argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}
const SUBSCRIBE = values.kind === "numeric-subscribe";
const text = SUBSCRIBE
  ? encode(["SUBSCRIBE", ...names()]) + encode(["PING"])
  : names().map((name) => encode(request(name))).join("");
const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));

const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(values.port) });
try {
  const buf = new Uint8Array(64 * 1024);
  await conn.write(new TextEncoder().encode("*1\r\n$8\r\nFLUSHALL\r\n"));
  await conn.read(buf);
  const started = performance.now();
  const writing = (async () => {
    for (let w = 0; w < bytes.length;) w += await conn.write(bytes.subarray(w));
  })();
  // every reply here is one line (+OK or :1), or it ends with the PING's pong
  let tail = "";
  for (let lines = 0; SUBSCRIBE ? !tail.includes("pong") : lines < N;) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("the server closed the connection");
    if (SUBSCRIBE) tail = (tail + String.fromCharCode(...buf.subarray(0, n))).slice(-16);
    else for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
  }
  await writing;
  const ms = performance.now() - started;
  console.log(
    `${values.kind}${RANDOM ? " (random)" : ""}: ${N} requests, ${
      (bytes.length / 1e6).toFixed(1)
    } MB, answered in ${ms.toFixed(0)} ms`,
  );
} finally {
  conn.close();
}
