/**
 * The browser client (src/web/client.ts) driven from Deno: against a scripted WebSocket
 * server, which records how commands were batched into messages and answers with exact
 * frames cut at every byte boundary, and against the real respd (TCP + WebSocket) for
 * commands, errors and pub/sub across transports. Also the committed bundle served at
 * /client.js and the HTTP assets.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { connect, ConnectionError, type PubSubMessage, RedisError } from "../src/web/client.ts";
import { checkFrame, encodeFrame, parseFrame } from "../src/protocol/frame_codec.ts";
import { type Frame, INCOMPLETE } from "../src/protocol/frame.ts";
import { concat } from "../src/protocol/_test_streams.ts";
import { CLIENT_JS } from "../src/web/client_bundle.ts";
import { serveWebAsset } from "../src/web/assets.ts";
import { bundleClient, bundleDemo } from "../scripts/build_client.ts";
import { DEMO_SCRIPT } from "../src/web/demo_bundle.ts";

const enc = new TextEncoder();
const bulk = (s: string | Uint8Array): Frame => ({
  kind: "bulk",
  value: typeof s === "string" ? enc.encode(s) : s,
});

/**
 * A WebSocket server that answers `T <i>` with `replies[i]` (a frame, or raw bytes that may
 * hold several frames or garbage) and (P)SUBSCRIBE with RESP3
 * push confirmations; all replies to one message are sent cut into `chunk`-byte messages.
 * It records how many commands each message it received held.
 */
class ScriptedServer implements AsyncDisposable {
  readonly batches: number[] = [];
  #http: Deno.HttpServer<Deno.NetAddr>;
  #sockets = new Set<WebSocket>();

  constructor(readonly replies: (Frame | Uint8Array)[], chunk = Infinity) {
    this.#http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.binaryType = "arraybuffer";
      this.#sockets.add(socket);
      socket.onclose = () => this.#sockets.delete(socket);
      socket.onmessage = (e: MessageEvent) => {
        const out = this.#answer(new Uint8Array(e.data as ArrayBuffer));
        for (let i = 0; i < out.length; i += chunk) socket.send(out.slice(i, i + chunk));
      };
      return response;
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#http.addr.port}/`;
  }

  #answer(bytes: Uint8Array): Uint8Array {
    const out: (Frame | Uint8Array)[] = [];
    let p = 0;
    while (p < bytes.length) {
      const end = checkFrame(bytes, p, bytes.length);
      assert(end !== INCOMPLETE, "a message held part of a command");
      const frame = parseFrame(bytes, p).frame;
      p = end;
      const args = frame.kind === "array"
        ? frame.value.map((f) => f.kind === "bulk" ? new TextDecoder().decode(f.value) : "")
        : [];
      const name = args[0]?.toLowerCase();
      if (name === "t") out.push(this.replies[Number(args[1])]);
      else if (name === "subscribe" || name === "psubscribe") {
        args.slice(1).forEach((ch, i) =>
          out.push({
            kind: "push",
            value: [bulk(name), bulk(ch), { kind: "integer", value: i + 1 }],
          })
        );
      } else out.push({ kind: "error", value: `ERR scripted server does not know '${name}'` });
    }
    this.batches.push(out.length);
    const encoded = out.map((f) => f instanceof Uint8Array ? f : encodeFrame(f));
    return concat(...encoded);
  }

  /** Sends raw bytes to every connected client (for unsolicited pushes). */
  broadcast(frame: Frame): void {
    for (const s of this.#sockets) s.send(encodeFrame(frame));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#http.shutdown();
  }
}

const TYPED_REPLIES: [Frame, unknown][] = [
  [{ kind: "simple", value: "OK" }, "OK"],
  [bulk("hello"), "hello"],
  [bulk("héllo ✓"), "héllo ✓"],
  [bulk(""), ""],
  [{ kind: "integer", value: 42 }, 42],
  [{ kind: "integer", value: -7 }, -7],
  [{ kind: "integer", value: 9007199254740993n }, 9007199254740993n],
  [{ kind: "null" }, null],
  [{ kind: "double", value: 3.5 }, 3.5],
  [{ kind: "double", value: -Infinity }, -Infinity],
  [{ kind: "boolean", value: true }, true],
  [{ kind: "boolean", value: false }, false],
  [{ kind: "bignum", value: 123456789012345678901234567890n }, 123456789012345678901234567890n],
  [{ kind: "verbatim", format: "txt", value: enc.encode("Some string") }, "Some string"],
  [{ kind: "array", value: [] }, []],
  [{ kind: "array", value: [bulk("a"), { kind: "integer", value: 1 }, { kind: "null" }] }, [
    "a",
    1,
    null,
  ]],
  [{ kind: "set", value: [bulk("x"), bulk("y")] }, ["x", "y"]],
  [
    {
      kind: "map",
      value: [[bulk("server"), bulk("respd")], [{ kind: "simple", value: "nested" }, {
        kind: "array",
        value: [{ kind: "integer", value: 2 }],
      }]],
    },
    { server: "respd", nested: [2] },
  ],
  [{ kind: "map", value: [[bulk("__proto__"), bulk("safe")]] }, JSON.parse('{"__proto__":"safe"}')],
];

/** A reply preceded by a pub/sub push, in one write: the push must not take its place. */
const PUSH_THEN_REPLY = Uint8Array.from([
  ...encodeFrame({ kind: "push", value: [bulk("message"), bulk("news"), bulk("pushed")] }),
  ...encodeFrame(bulk("after the push")),
]);

async function decodedReplies(chunk: number): Promise<{ replies: unknown[]; pushed: string[] }> {
  const frames = [...TYPED_REPLIES.map(([f]) => f), PUSH_THEN_REPLY];
  await using server = new ScriptedServer(frames, chunk);
  const db = await connect(server.url, { protocol: 2 });
  const pushed: string[] = [];
  try {
    await db.subscribe("news", (m) => pushed.push(m.message));
    const replies = await Promise.all(frames.map((_, i) => db.send("T", i)));
    return { replies, pushed };
  } finally {
    await db.close();
  }
}

Deno.test("replies of every RESP type decode to JS values, whole or split at every byte", async () => {
  const expected = [...TYPED_REPLIES.map(([, v]) => v), "after the push"];
  for (const chunk of [Infinity, 1, 3, 7]) {
    assertEquals(
      await decodedReplies(chunk),
      { replies: expected, pushed: ["pushed"] },
      `replies sent in ${chunk}-byte messages`,
    );
  }
});

Deno.test("a malformed reply closes the connection and rejects what is pending", async () => {
  await using server = new ScriptedServer([bulk("fine"), enc.encode("?garbage\r\n")]);
  const db = await connect(server.url, { protocol: 2 });
  const [fine, bad, after] = await Promise.allSettled([
    db.send("T", 0),
    db.send("T", 1),
    db.send("T", 0),
  ]);
  assertEquals(fine, { status: "fulfilled", value: "fine" });
  assert(bad.status === "rejected" && after.status === "rejected");
  assertEquals(bad.reason.message, "Protocol error: invalid type byte '?'");
  assertEquals(bad.reason, after.reason);
  assertEquals((await db.closed).code, 1002);
  assert(!db.open);
});

Deno.test("commands issued in the same tick leave in one WebSocket message", async () => {
  await using server = new ScriptedServer([{ kind: "simple", value: "OK" }]);
  const db = await connect(server.url, { protocol: 2 });
  try {
    const replies = await Promise.all(Array.from({ length: 16 }, () => db.send("T", 0)));
    assertEquals(replies.length, 16);
    await db.send("T", 0);
    await db.send("T", 0);
    assertEquals(server.batches, [16, 1, 1]);
  } finally {
    await db.close();
  }
});

Deno.test("the RESP3 opening HELLO is sent before any command, in its own message", async () => {
  await using server = new ScriptedServer([]);
  // the scripted server answers HELLO with an error: connect rejects with its text
  const failed = await connect(server.url, { protocol: 3 }).catch((e: unknown) => e);
  assert(failed instanceof RedisError);
  assertEquals(failed.message, "ERR scripted server does not know 'hello'");
  assertEquals(failed.code, "ERR");
  assertEquals(server.batches, [1]);
});

Deno.test("sendBytes keeps bulk strings as bytes, sendFrame gives the frame itself", async () => {
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  await using server = new ScriptedServer([bulk(binary), { kind: "double", value: 2 }]);
  const db = await connect(server.url, { protocol: 2, maps: "map" });
  try {
    assertEquals(await db.sendBytes("T", 0), binary);
    assertEquals(await db.sendFrame("T", 1), { kind: "double", value: 2 });
  } finally {
    await db.close();
  }
});

Deno.test("error replies reject; errors inside arrays stay values", async () => {
  await using server = new ScriptedServer([
    { kind: "error", value: "WRONGTYPE Operation against a key holding the wrong kind of value" },
    { kind: "array", value: [{ kind: "simple", value: "OK" }, { kind: "error", value: "ERR x" }] },
  ]);
  const db = await connect(server.url, { protocol: 2 });
  try {
    const [rejected, exec] = await Promise.allSettled([db.send("T", 0), db.send("T", 1)]);
    assert(rejected.status === "rejected" && rejected.reason instanceof RedisError);
    assertEquals(rejected.reason.code, "WRONGTYPE");
    assert(exec.status === "fulfilled" && Array.isArray(exec.value));
    assertEquals(exec.value[0], "OK");
    assert(exec.value[1] instanceof RedisError && exec.value[1].message === "ERR x");
  } finally {
    await db.close();
  }
});

Deno.test("RESP3 pushes go to subscription callbacks, other pushes to onPush", async () => {
  await using server = new ScriptedServer([]);
  const others: unknown[] = [];
  const db = await connect(server.url, { protocol: 2, onPush: (data) => others.push(data) });
  try {
    const got: PubSubMessage[] = [];
    const arrived = Promise.withResolvers<void>();
    const push = (items: Frame[]): Frame => ({ kind: "push", value: items });
    await db.subscribe(["news", "other"], (m) => got.push(m));
    await db.psubscribe("n*", (m) => {
      got.push(m);
      arrived.resolve();
    });
    server.broadcast(push([bulk("invalidate"), { kind: "array", value: [bulk("k")] }]));
    server.broadcast(push([bulk("message"), bulk("news"), bulk("héllo")]));
    server.broadcast(push([bulk("message"), bulk("nobody"), bulk("dropped")]));
    server.broadcast(push([bulk("pmessage"), bulk("n*"), bulk("news"), bulk("p")]));
    await arrived.promise;
    assertEquals(got, [
      { channel: "news", message: "héllo", bytes: enc.encode("héllo") },
      { channel: "news", message: "p", bytes: enc.encode("p"), pattern: "n*" },
    ]);
    assertEquals(others, [["invalidate", ["k"]]]);
  } finally {
    await db.close();
  }
});

Deno.test("a closed client rejects pending and later commands with a ConnectionError", async () => {
  await using server = new ScriptedServer([{ kind: "simple", value: "OK" }]);
  const db = await connect(server.url, { protocol: 2 });
  assert(db.open);
  const info = await db.close();
  assertEquals(info.code, 1000);
  assert(!db.open);
  const late = await db.send("T", 0).catch((e: unknown) => e);
  assert(late instanceof ConnectionError);
});

Deno.test("connecting to a port that does not answer rejects", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const e = await connect(`ws://127.0.0.1:${port}/ws`).catch((e: unknown) => e);
  assert(e instanceof ConnectionError);
});

// ---- against the real respd ----

async function withRespd(
  fn: (url: string, tcpPort: number) => Promise<void>,
): Promise<void> {
  await using server = startTestServer({ wsPort: 0 });
  await fn(`ws://127.0.0.1:${server.wsPort}/ws`, server.port);
}

Deno.test("respd over WebSocket: commands, RESP3 types and exact error texts", async () => {
  await withRespd(async (url, tcpPort) => {
    await using db = await connect(url, { protocol: 3 });
    assertEquals(db.protocol, 3);
    assertEquals(await db.send("SET", "greeting", "héllo"), "OK");
    assertEquals(await db.send("GET", "greeting"), "héllo");
    assertEquals(await db.send("GET", "missing"), null);
    assertEquals(await Promise.all([db.send("INCR", "n"), db.send("INCR", "n")]), [1, 2]);
    assertEquals(await db.send("MGET", "greeting", "missing"), ["héllo", null]);
    const hello = await db.send("HELLO", 3) as Record<string, unknown>;
    assertEquals([hello.server, hello.proto], ["redis", 3]);
    const e = await db.send("NOPE", "x").catch((e: unknown) => e);
    assert(e instanceof RedisError);
    assertEquals(e.message, "ERR unknown command 'NOPE', with args beginning with: 'x' ");
    const notInt = await db.send("INCR", "greeting").catch((e: unknown) => e);
    assert(notInt instanceof RedisError);
    assertEquals(notInt.message, "ERR value is not an integer or out of range");
    // the same store as TCP
    using tcp = await RawClient.connect(tcpPort);
    assertEquals(await tcp.call("GET", "greeting"), "$6\r\nhéllo\r\n");
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    assertEquals(await db.send("SET", "bin", binary), "OK");
    assertEquals(await db.sendBytes("GET", "bin"), binary);
  });
});

Deno.test("respd: the opening HELLO authenticates and names the connection", async () => {
  await using server = startTestServer({ wsPort: 0, requirepass: "s3cret" });
  const url = `ws://127.0.0.1:${server.wsPort}/ws`;
  await using anonymous = await connect(url, { protocol: 2 });
  const refused = await anonymous.send("GET", "k").catch((e: unknown) => e);
  assert(refused instanceof RedisError && refused.code === "NOAUTH");
  const wrong = await connect(url, { password: "nope" }).catch((e: unknown) => e);
  assert(wrong instanceof RedisError);
  assertEquals(wrong.message, "WRONGPASS invalid username-password pair or user is disabled.");
  await using db = await connect(url, { password: "s3cret", name: "browser" });
  assertEquals(await db.send("CLIENT", "GETNAME"), "browser");
  assertEquals(await db.send("GET", "k"), null);
});

async function receiveFromTcp(protocol: 2 | 3): Promise<void> {
  await withRespd(async (url, tcpPort) => {
    await using db = await connect(url, { protocol });
    using tcp = await RawClient.connect(tcpPort);
    const got: PubSubMessage[] = [];
    let wake = Promise.withResolvers<void>();
    const onMessage = (m: PubSubMessage) => {
      got.push(m);
      wake.resolve();
    };
    await db.subscribe("news", onMessage);
    await db.psubscribe("sport.*", onMessage);
    assertEquals(await tcp.call("PUBLISH", "news", "from tcp"), ":1\r\n");
    await wake.promise;
    wake = Promise.withResolvers();
    assertEquals(await tcp.call("PUBLISH", "sport.tennis", "ace"), ":1\r\n");
    await wake.promise;
    assertEquals(got, [
      { channel: "news", message: "from tcp", bytes: enc.encode("from tcp") },
      { channel: "sport.tennis", message: "ace", bytes: enc.encode("ace"), pattern: "sport.*" },
    ]);
    if (protocol === 2) {
      // subscribed RESP2 mode: PING answers as an array, other commands are refused
      assertEquals(await db.send("PING"), ["pong", ""]);
      assert((await db.send("GET", "k").catch((e: unknown) => e)) instanceof RedisError);
    }
    await db.unsubscribe();
    await db.punsubscribe();
    await db.unsubscribe(); // subscribed to nothing: one confirmation, still answered
    assertEquals(await tcp.call("PUBLISH", "news", "nobody"), ":0\r\n");
    assertEquals(await db.send("PING"), "PONG");
  });
}

Deno.test("respd: a RESP3 subscriber gets what a TCP client publishes", () => receiveFromTcp(3));
Deno.test("respd: a RESP2 subscriber gets what a TCP client publishes", () => receiveFromTcp(2));

Deno.test("respd: a TCP subscriber gets what the WebSocket client publishes", async () => {
  await withRespd(async (url, tcpPort) => {
    await using db = await connect(url);
    using tcp = await RawClient.connect(tcpPort);
    assertEquals(
      await tcp.call("SUBSCRIBE", "news"),
      "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
    );
    assertEquals(await db.send("PUBLISH", "news", "from ws"), 1);
    assertEquals(await tcp.readText(), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$7\r\nfrom ws\r\n");
  });
});

// ---- the served assets ----

Deno.test("the committed client bundle is up to date (else run deno task build:client)", async () => {
  const fresh = await bundleClient();
  assert(
    fresh === CLIENT_JS,
    "src/web/client_bundle.ts is stale (src/web/client.ts or src/protocol/ changed): " +
      "run `deno task build:client`",
  );
});

Deno.test("the committed demo bundle is up to date (else run deno task build:client)", async () => {
  const fresh = await bundleDemo();
  assert(
    fresh === DEMO_SCRIPT,
    "src/web/demo_bundle.ts is stale (src/web/demo.ts changed): run `deno task build:client`",
  );
  // the page's script takes the client from /client.js, not a copy of its own
  assert(DEMO_SCRIPT.includes(`import { connect } from "/client.js";`));
  assert(!DEMO_SCRIPT.includes("class Client"));
});

Deno.test("/ and /client.js are served with types, ETags and 304s; other paths are not ours", () => {
  const get = (path: string, headers: HeadersInit = {}, method = "GET") =>
    serveWebAsset(new Request(`http://127.0.0.1:6380${path}`, { method, headers }));
  const page = get("/")!;
  assertEquals(page.status, 200);
  assertEquals(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert(page.headers.get("content-security-policy")?.includes("connect-src 'self'"));
  const js = get("/client.js")!;
  assertEquals(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assertEquals(js.headers.get("access-control-allow-origin"), "*");
  assertEquals(js.headers.get("cache-control"), "no-cache");
  const etag = js.headers.get("etag")!;
  assertEquals(get("/client.js", { "if-none-match": etag })!.status, 304);
  assertEquals(get("/client.js", { "if-none-match": '"other"' })!.status, 200);
  const head = get("/client.js", {}, "HEAD")!;
  assertEquals([head.status, head.body], [200, null]);
  assertEquals(head.headers.get("content-length"), String(enc.encode(CLIENT_JS).length));
  assertEquals(get("/", {}, "POST")!.status, 405);
  assertEquals(get("/nope"), null);
  assertEquals(get("/client.ts"), null);
  for (const r of [page, js]) r.body?.cancel();
});

Deno.test("respd's HTTP server serves the client module that the page imports", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const base = `http://127.0.0.1:${server.wsPort}`;
  const js = await fetch(`${base}/client.js`);
  assertEquals(await js.text(), CLIENT_JS);
  const page = await fetch(`${base}/`);
  const html = await page.text();
  assert(html.includes('from "/client.js"'));
  const missing = await fetch(`${base}/missing`);
  assertEquals(missing.status, 404);
  await missing.body?.cancel();
});
