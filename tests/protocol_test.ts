/**
 * The framing layer over real sockets, against a real redis-server: for every protocol
 * error the same bytes go to Redis and to respd, and what comes back must be identical
 * (the replies of the requests before the error, the error line, then the close), while
 * another client of the same server goes on unaffected. Also pipelining (many requests in
 * one write, all answered), inline lines as Redis splits them, and the proto-max-bulk-len
 * and client-query-buffer-limit limits.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { showBytes } from "./support/differential.ts";
import { type RedisProcess, startRedis, startTestServer } from "./support/servers.ts";
import { Server } from "../src/server.ts";
import type { Transport } from "../src/transport/transport.ts";

const KIB = 1024;

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Sends `input` on a new connection and reads until the server closes it (every case here
 * ends in a close: a protocol error, QUIT or a limit), failing after 10 s of silence.
 */
async function exchange(port: number, input: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const writing = (async () => {
      let written = 0;
      try {
        while (written < input.length) written += await conn.write(input.subarray(written));
      } catch {
        // the server may close before taking everything (as Redis does after an error)
      }
    })();
    let received = "";
    const buf = new Uint8Array(64 * KIB);
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<"quiet">((resolve) => {
        timer = setTimeout(() => resolve("quiet"), 10_000);
      });
      const n = await Promise.race([conn.read(buf).catch(() => null), quiet]);
      clearTimeout(timer);
      if (n === "quiet") throw new Error(`the server went silent without closing: ${received}`);
      if (n === null) {
        await writing;
        return received;
      }
      for (let i = 0; i < n; i++) received += String.fromCharCode(buf[i]);
    }
  } finally {
    conn.close();
  }
}

/** A real Redis and respd with the same limits, and a bystander client on each. */
class Pair implements AsyncDisposable {
  private constructor(
    readonly redis: RedisProcess,
    readonly respd: Server,
    readonly bystanders: RawClient[],
  ) {}

  static async start(
    limits: { protoMaxBulkLen?: number; clientQueryBufferLimit?: number; requirepass?: string } =
      {},
  ) {
    const args: string[] = [];
    if (limits.requirepass) args.push("--requirepass", limits.requirepass);
    if (limits.protoMaxBulkLen) args.push("--proto-max-bulk-len", String(limits.protoMaxBulkLen));
    if (limits.clientQueryBufferLimit) {
      args.push("--client-query-buffer-limit", String(limits.clientQueryBufferLimit));
    }
    const redis = await startRedis(args);
    const respd = startTestServer(limits);
    const bystanders = [
      await RawClient.connect(redis.port),
      await RawClient.connect(respd.port),
    ];
    for (const b of bystanders) {
      if (limits.requirepass) assertEquals(await b.call("AUTH", limits.requirepass), "+OK\r\n");
      assertEquals(await b.call("SET", "bystander", "here"), "+OK\r\n");
    }
    return new Pair(redis, respd, bystanders);
  }

  /** Sends `input` to both; asserts both send the same bytes, then close; returns them. */
  async same(input: Uint8Array): Promise<string> {
    const [a, b] = await Promise.all([
      exchange(this.redis.port, input),
      exchange(this.respd.port, input),
    ]);
    const show = (r: string) => showBytes(bytes(r.slice(0, 300))) + (r.length > 300 ? "…" : "");
    assertEquals(
      b,
      a,
      `for ${showBytes(input.subarray(0, 200))}\n  redis: ${show(a)}\n  respd: ${show(b)}`,
    );
    for (const c of this.bystanders) {
      assertEquals(await c.call("GET", "bystander"), "$4\r\nhere\r\n", "bystander unaffected");
    }
    return b;
  }

  async [Symbol.asyncDispose]() {
    for (const b of this.bystanders) b.close();
    await this.respd.shutdown();
    await this.redis[Symbol.asyncDispose]();
  }
}

const multibulk = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;

const protocolErrors: [string, string][] = [
  ["a non-numeric multibulk count", "*x\r\n"],
  ["an empty multibulk count", "*\r\n"],
  ["a multibulk count with a plus sign", "*+1\r\n"],
  ["a multibulk count with a leading zero", "*01\r\n"],
  ["a multibulk count over INT_MAX", "*2147483648\r\n"],
  ["a multibulk count below the 64-bit range", "*-9223372036854775809\r\n"],
  ["a non-numeric bulk length", "*1\r\n$x\r\n"],
  ["a negative bulk length", "*1\r\n$-1\r\n"],
  ["a bulk length of minus zero", "*1\r\n$-0\r\n"],
  ["a bulk length over proto-max-bulk-len", "*1\r\n$536870913\r\n"],
  ["a bulk length past 64 bits", "*1\r\n$99999999999999999999\r\n"],
  ["a simple string where a bulk is expected", "*1\r\n+PING\r\n"],
  ["an integer where a bulk is expected", "*2\r\n$4\r\nECHO\r\n:1\r\n"],
  ["an empty line where a bulk is expected", "*1\r\n\r\n"],
  ["a high byte where a bulk is expected", "*1\r\n\xff\r\n"],
  ["an unbalanced double quote", 'ECHO "hello\r\n'],
  ["an unbalanced single quote", "ECHO 'hello\r\n"],
  ["a closing quote followed by a letter", 'ECHO "a"b\r\n'],
  ["a request after good ones", "PING\r\nSET k v\r\n" + multibulk("GET", "k") + "*1\r\n$q\r\n"],
  ["an error in the middle of a batch", "PING\r\n*1\r\n!\r\nPING\r\n"],
  ["an error after an inline command with quotes", `ECHO "a b"\r\n*1\r\n$-5\r\n`],
];

Deno.test("raw protocol errors get Redis's exact reply, after earlier requests, then a close", async (t) => {
  await using pair = await Pair.start();
  for (const [name, input] of protocolErrors) {
    await t.step(name, async () => {
      const received = await pair.same(bytes(input));
      assert.ok(received.includes("-ERR Protocol error: "), received);
    });
  }
});

Deno.test("the too-big errors for inline, multibulk count and bulk count lines match Redis", async (t) => {
  await using pair = await Pair.start();
  const big = "1".repeat(70 * KIB);
  const cases: [string, string][] = [
    ["an inline request over 64 KiB", "PING\r\nECHO " + "x".repeat(70 * KIB)],
    ["a multibulk count line over 64 KiB", "PING\r\n*" + big],
    ["a bulk count line over 64 KiB", "PING\r\n*1\r\n$" + big],
  ];
  for (const [name, input] of cases) {
    await t.step(name, async () => {
      const received = await pair.same(bytes(input));
      assert.ok(received.includes("too big"), received);
    });
  }
});

Deno.test("a NUL byte before the end of a line stalls the request as in Redis, until 64 KiB", async (t) => {
  // Redis scans lines with strchr, which stops at NUL: the line never ends, nothing after
  // it is answered, and once more than 64 KiB wait the request is too big. The flood
  // after each input makes that end certain, so no step waits for silence.
  await using pair = await Pair.start();
  const flood = "PING\r\n".repeat(12000);
  const cases: [string, string][] = [
    ["PING\r\nECHO a\x00b\r\nPING\r\n", "+PONG\r\n-ERR Protocol error: too big inline request\r\n"],
    ["PING\r\n*1\x00\r\n", "+PONG\r\n-ERR Protocol error: too big mbulk count string\r\n"],
    ["*1\r\n$4\x00\r\nPING\r\n", "-ERR Protocol error: too big bulk count string\r\n"],
  ];
  for (const [input, expected] of cases) {
    await t.step(`${JSON.stringify(input)} waits, then is too big`, async () => {
      const received = await pair.same(bytes(input + flood));
      assertEquals(received, expected);
    });
  }
});

const inlineLines = [
  `RPUSH l a b c`,
  `RPUSH l "a b" 'c d'`,
  `RPUSH l "\\x41\\x4A\\xff\\x00z" "\\n\\r\\t\\b\\a\\q\\\\\\""`,
  `RPUSH l '\\'' '\\n' "'" '"'`,
  `RPUSH l "" '' x`,
  `RPUSH l ab"cd ef" gh'i j'`,
  `RPUSH l \t spaced\t\ttabs\x0bvt\x0cff `,
  `RPUSH l "\\x4" "\\xZZ" "\\x"`,
  `RPUSH l \xff\xfe "\xc3\xa9"`,
  `RPUSH l "a"\tb`,
  `RPUSH l a\rb`,
  `   RPUSH l *1 $3`,
  `RPUSH l a\r`,
];

Deno.test("top-level frames other than arrays are inline lines, as in Redis", async () => {
  await using pair = await Pair.start();
  const input = "$3\r\nfoo\r\n:1\r\n+PING\r\n%1\r\n>2\r\n _\r\n *1\r\n\r\r\n\rPING\r\nQUIT\r\n";
  const received = await pair.same(bytes(input));
  assert.ok(received.endsWith("+PONG\r\n+OK\r\n"));
});

Deno.test("inline arguments split exactly as Redis splits them", async (t) => {
  await using pair = await Pair.start();
  for (const line of inlineLines) {
    await t.step(JSON.stringify(line), async () => {
      // every inline line appends to the list; LRANGE shows how it was split; then QUIT
      const input = `DEL l\r\n${line}\r\nLRANGE l 0 -1\r\nQUIT\r\n`;
      const received = await pair.same(bytes(input));
      assert.ok(received.endsWith("+OK\r\n"));
    });
  }
});

Deno.test("a pipeline of thousands of requests in one write gets every reply, in order", async () => {
  await using pair = await Pair.start();
  const parts: string[] = [];
  for (let i = 0; i < 3000; i++) {
    switch (i % 5) {
      case 0:
        parts.push(multibulk("SET", `k${i % 97}`, `v${i}`));
        break;
      case 1:
        parts.push(multibulk("GET", `k${(i - 1) % 97}`));
        break;
      case 2:
        parts.push(`INCR n\r\n`);
        break;
      case 3:
        parts.push(multibulk("MGET", `k${i % 97}`, "missing", "n"));
        break;
      case 4:
        parts.push(`PING\r\n`);
        break;
    }
  }
  parts.push("QUIT\r\n");
  const received = await pair.same(bytes(parts.join("")));
  assertEquals(received.split("+PONG").length - 1, 600);
});

Deno.test("a pipeline sent one byte per write gets every reply", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const input = bytes(multibulk("SET", "k", "v") + "GET k\r\n" + multibulk("ECHO", "\r\n"));
  for (const b of input) await c.send(Uint8Array.of(b));
  assertEquals(await c.readText(), "+OK\r\n");
  assertEquals(await c.readText(), "$1\r\nv\r\n");
  assertEquals(await c.readText(), "$2\r\n\r\n\r\n");
});

Deno.test("proto-max-bulk-len and client-query-buffer-limit act as in Redis", async (t) => {
  const MB = 1024 * 1024;
  await using pair = await Pair.start({ protoMaxBulkLen: MB, clientQueryBufferLimit: MB });
  const set = (len: number) =>
    `PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${len}\r\n${"x".repeat(len)}\r\n`;
  await t.step("a bulk one byte over proto-max-bulk-len is a protocol error", async () => {
    const received = await pair.same(bytes(`PING\r\n*1\r\n$${MB + 1}\r\n`));
    assertEquals(received, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  });
  await t.step("a bulk that fits the query buffer is stored", async () => {
    const received = await pair.same(bytes(set(MB - 2) + "QUIT\r\n"));
    assertEquals(received, "+PONG\r\n+OK\r\n+OK\r\n");
  });
  await t.step("a bulk whose query buffer passes the limit closes without a reply", async () => {
    const received = await pair.same(bytes(set(MB - 1)));
    assertEquals(received, "+PONG\r\n");
  });
  await t.step("a bulk over the limit arriving slowly is cut off once past the limit", async () => {
    const received = await pair.same(bytes(set(MB).slice(0, -1)));
    assertEquals(received, "+PONG\r\n");
  });
  await t.step("a request of many small arguments past the limit is served", async () => {
    // Redis's query buffer keeps only what is not parsed yet: parsed arguments do not count
    const args = Array.from({ length: 120_000 }, (_, i) => `a${i}`);
    const received = await pair.same(bytes("PING\r\n" + multibulk("MSET", ...args) + "QUIT\r\n"));
    assertEquals(received, "+PONG\r\n+OK\r\n+OK\r\n");
  });

  await t.step("a pipeline of small requests larger than the limit is served", async () => {
    const received = await pair.same(bytes("PING\r\n".repeat(200_000) + "QUIT\r\n"));
    assertEquals(received.length, 7 * 200_000 + 5);
  });
});

Deno.test("before AUTH, Redis's smaller request limits apply, with its exact errors", async (t) => {
  await using pair = await Pair.start({ requirepass: "secret" });
  const args = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
  const cases: [string, string, string][] = [
    ["a command is refused without closing", "GET k\r\nPING\r\nQUIT\r\n", "-NOAUTH"],
    ["ten arguments are allowed", multibulk("DEL", ...args(9)) + "QUIT\r\n", "-NOAUTH"],
    [
      "eleven arguments are a protocol error",
      "PING\r\n" + multibulk("DEL", ...args(10)),
      "unauthenticated multibulk length",
    ],
    ["a 16 KiB bulk is allowed", multibulk("ECHO", "x".repeat(16 * KIB)) + "QUIT\r\n", "-NOAUTH"],
    [
      "a bulk over 16 KiB is a protocol error",
      "PING\r\n" + multibulk("ECHO", "x".repeat(16 * KIB + 1)),
      "unauthenticated bulk length",
    ],
    ["a wrong password", multibulk("AUTH", "wrong") + "PING\r\nQUIT\r\n", "-WRONGPASS"],
    [
      "after AUTH the limits are lifted",
      multibulk("AUTH", "secret") + multibulk("ECHO", "x".repeat(20 * KIB)) +
      multibulk("DEL", ...args(20)) + "QUIT\r\n",
      "+OK\r\n$20480\r\n",
    ],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, async () => {
      const received = await pair.same(bytes(input));
      assert.ok(received.includes(expected), received.slice(0, 200));
    });
  }
});

/** A transport over given request chunks that records each write the session makes. */
function recordingTransport(chunks: Uint8Array[]) {
  const writes: string[] = [];
  let i = 0;
  let closed!: () => void;
  const done = new Promise<void>((resolve) => closed = resolve);
  let wrote: (() => void) | null = null;
  const transport: Transport = {
    kind: "tcp",
    abort() {},
    closed: Promise.resolve(),
    readable: new ReadableStream({
      type: "bytes",
      async pull(controller) {
        // the next chunk only once the replies to the previous one are written
        if (writes.length < i) await new Promise<void>((resolve) => wrote = resolve);
        if (i < chunks.length) controller.enqueue(chunks[i++].slice());
        else {
          controller.close();
          controller.byobRequest?.respond(0);
        }
      },
    }),
    write(b: Uint8Array) {
      writes.push(String.fromCharCode(...b));
      wrote?.();
      wrote = null;
      return Promise.resolve();
    },
    close: () => closed(),
    remoteAddress: "test:1",
    localAddress: "test:2",
  };
  return { transport, writes, done };
}

Deno.test("all replies to one read batch leave in one write", async () => {
  await using server = new Server({ wsPort: null });
  const batch = (n: number, from: number) =>
    bytes(Array.from({ length: n }, (_, j) => multibulk("INCR", `c${(from + j) % 3}`)).join(""));
  const { transport, writes, done } = recordingTransport([
    // Each batch fits one read of a new session's buffer (4 KiB).
    batch(150, 0),
    batch(100, 150),
    bytes("PING\r\n"),
  ]);
  server.accept(transport);
  await done;
  assertEquals(writes.length, 3, "one write per read");
  assertEquals(writes[0].split(":").length - 1, 150);
  assertEquals(writes[1].split(":").length - 1, 100);
  assertEquals(writes[1].endsWith(":84\r\n"), true);
  assertEquals(writes[2], "+PONG\r\n");
});
