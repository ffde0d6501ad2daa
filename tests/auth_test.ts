/**
 * --requirepass: AUTH, HELLO AUTH, NOAUTH for everything else, Redis's unauthenticated
 * protocol limits, and the WebSocket password token. Replies are compared byte for byte
 * with a real redis-server started with the same password.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { run, startRedis, startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import {
  passwordMatches,
  wsAuthProtocol,
  wsHandshakeAuth,
  wsUserProtocol,
} from "../src/security/credentials.ts";
import { AclRegistry } from "../src/acl/acl_registry.ts";
import { fromText } from "../src/protocol/latin1.ts";

const PASSWORD = "s3cret";

Deno.test("unauthenticated clients get Redis's NOAUTH replies, byte for byte", async () => {
  await using redis = await startRedis(["--requirepass", PASSWORD]);
  await using server = startTestServer({ requirepass: PASSWORD });
  // Each script ends authenticated, so the closing ECHO marks the end of its replies.
  const scripts = [
    "GET a\r\nSET a b\r\nCLIENT LIST\r\nAUTH s3cret\r\n",
    "FOO bar\r\nGET\r\nAUTH wrong\r\nAUTH default wrong\r\nAUTH nobody s3cret\r\nAUTH s3cret\r\n",
    "AUTH a b c\r\nAUTH\r\nHELLO 3 SETNAME x\r\nHELLO\r\nHELLO 2\r\nHELLO 4\r\nAUTH default s3cret\r\n",
    "HELLO 3 AUTH default wrong\r\nPING\r\nAUTH s3cret\r\nPING\r\nGET a\r\n",
    "AUTH s3cret\r\nRESET\r\nGET a\r\nAUTH s3cret\r\nAUTH wrong\r\nGET a\r\n",
    "*10\r\n$3\r\nGET\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n" +
    "$1\r\na\r\n$1\r\na\r\nAUTH s3cret\r\n",
  ];
  for (const script of scripts) {
    const replies: string[] = [];
    for (const port of [redis.port, server.port]) {
      using c = await RawClient.connect(port);
      await c.send(script);
      await c.sendCommand("ECHO", "end");
      let text = "";
      for (let reply = await c.readText(); reply !== "$3\r\nend\r\n"; reply = await c.readText()) {
        text += reply;
      }
      replies.push(text);
    }
    assertEquals(replies[1], replies[0], `script ${JSON.stringify(script)}`);
  }
});

Deno.test("over-long requests before AUTH are protocol errors that close, as in Redis", async () => {
  await using redis = await startRedis(["--requirepass", PASSWORD]);
  await using server = startTestServer({ requirepass: PASSWORD });
  const cases = [
    "*11\r\n",
    `*1\r\n$16385\r\n`,
    "PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$99999\r\n",
  ];
  for (const script of cases) {
    const seen: string[] = [];
    for (const port of [redis.port, server.port]) {
      using c = await RawClient.connect(port);
      await c.send(script);
      let text = "";
      try {
        for (;;) text += await c.readText();
      } catch (e: unknown) {
        if (!(e instanceof Error) || !e.message.includes("closed")) throw e;
      }
      seen.push(text);
    }
    assertEquals(seen[1], seen[0], `script ${JSON.stringify(script)}`);
    assert(seen[1].includes("-ERR Protocol error: unauthenticated"), seen[1]);
  }
});

Deno.test("after AUTH the unauthenticated limits no longer apply", async () => {
  await using server = startTestServer({ requirepass: PASSWORD });
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("AUTH", PASSWORD), "+OK\r\n");
  const pairs = Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]).flat();
  assertEquals(await c.call("MSET", ...pairs), "+OK\r\n");
  const big = "x".repeat(20000);
  assertEquals(await c.call("SET", "big", big), "+OK\r\n");
  assertEquals(await c.call("GET", "big"), `$20000\r\n${big}\r\n`);
});

Deno.test("AUTH without a configured password answers as Redis does", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  for (const args of [["AUTH", "x"], ["AUTH", "default", "x"], ["AUTH", "someone", "x"]]) {
    using a = await RawClient.connect(redis.port);
    using b = await RawClient.connect(server.port);
    assertEquals(await b.call(...args), await a.call(...args), args.join(" "));
  }
});

Deno.test("HELLO 3 AUTH authenticates and switches protocol in one command", async () => {
  await using server = startTestServer({ requirepass: PASSWORD });
  using c = await RawClient.connect(server.port);
  const hello = await c.call("HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "app");
  assert(hello.startsWith("%7\r\n$6\r\nserver\r\n"), hello);
  assertEquals(await c.call("CLIENT", "GETNAME"), "$3\r\napp\r\n");
  assertEquals(await c.call("GET", "missing"), "_\r\n");
});

Deno.test("a password given as UTF-8 text on the command line matches the same bytes sent", async () => {
  const text = "pässwörd✓";
  await using server = startTestServer({ requirepass: text });
  using c = await RawClient.connect(server.port);
  await c.sendCommand("AUTH", new TextEncoder().encode(text));
  assertEquals(await c.readText(), "+OK\r\n");
  assert(passwordMatches(fromText(text), text));
  assert(!passwordMatches(text, text), "the UTF-16 string is not the UTF-8 bytes");
  assert(!passwordMatches("", "x") && !passwordMatches("x", "") && passwordMatches("", ""));
});

Deno.test("redis-cli -a authenticates against respd", async () => {
  await using server = startTestServer({ requirepass: PASSWORD });
  const ok = await run("redis-cli", [
    "-p",
    String(server.port),
    "-a",
    PASSWORD,
    "--no-auth-warning",
    "PING",
  ]);
  assertEquals(ok.stdout.trim(), "PONG");
  const refused = await run("redis-cli", ["-p", String(server.port), "PING"]);
  assertEquals(refused.stdout.trim(), "NOAUTH Authentication required.");
});

Deno.test("the WebSocket handshake decides on the password token without echoing it", () => {
  const token = wsAuthProtocol(PASSWORD);
  assertEquals(token, "respd.auth.czNjcmV0");
  const acl = new AclRegistry(PASSWORD, () => 128);
  const open = new AclRegistry(null, () => 128);
  assertEquals(wsHandshakeAuth(`respd, ${token}`, acl), {
    protocol: "respd",
    user: acl.defaultUser,
  });
  assertEquals(wsHandshakeAuth(null, acl), { protocol: undefined, user: null });
  assertEquals(wsHandshakeAuth("respd", open), { protocol: "respd", user: null });
  assertEquals(wsHandshakeAuth(`respd, ${wsAuthProtocol("wrong")}`, acl), null);
  assertEquals(wsHandshakeAuth("respd, respd.auth.not*base64", acl), null);
  assertEquals(wsHandshakeAuth(`respd, ${token}`, open), null, "a token with no password set");
  assertEquals(wsHandshakeAuth(`respd, ${token}, ${token}`, acl), null, "two tokens");
  // An ACL user: its name in a second token.
  acl.setUser("page", ["on", ">pw", "~page:*", "+get"]);
  const page = acl.get("page")!;
  const pageTokens = `respd, ${wsUserProtocol("page")}, ${wsAuthProtocol("pw")}`;
  assertEquals(wsHandshakeAuth(pageTokens, acl), { protocol: "respd", user: page });
  assertEquals(wsHandshakeAuth(`respd, ${wsUserProtocol("page")}, ${token}`, acl), null);
  assertEquals(wsHandshakeAuth(`respd, ${wsUserProtocol("nobody")}, ${token}`, acl), null);
  acl.setUser("anon", ["on", "nopass", "+ping"]);
  assertEquals(wsHandshakeAuth(`respd, ${wsUserProtocol("anon")}`, acl), {
    protocol: "respd",
    user: acl.get("anon")!,
  });
});

/** Opens a WebSocket offering `protocols`; resolves with it once open, or null on failure. */
function openWebSocket(port: number, protocols: string[]): Promise<WebSocket | null> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols);
  return new Promise((resolve) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = () => resolve(null);
  });
}

async function closeWebSocket(ws: WebSocket): Promise<void> {
  const closed = new Promise((resolve) => ws.onclose = resolve);
  ws.close();
  await closed;
}

Deno.test("a browser can authenticate through the Sec-WebSocket-Protocol token", async () => {
  await using server = startTestServer({ requirepass: PASSWORD, wsPort: 0 });
  const ws = await openWebSocket(server.wsPort, ["respd", wsAuthProtocol(PASSWORD)]);
  assert(ws !== null, "the upgrade with the right token succeeds");
  assertEquals(ws.protocol, "respd");
  await closeWebSocket(ws);

  const refused = await openWebSocket(server.wsPort, ["respd", wsAuthProtocol("nope")]);
  assertEquals(refused, null, "a wrong token is refused before the upgrade");

  await using authed = await WsRawClient.connect(server.wsPort, [
    "respd",
    wsAuthProtocol(PASSWORD),
  ]);
  await authed.sendCommand("SET", "k", "v");
  assertEquals(new TextDecoder().decode(await authed.readReplyBytes()), "+OK\r\n");
});

Deno.test("a WebSocket without a token must AUTH first, like a TCP client", async () => {
  await using server = startTestServer({ requirepass: PASSWORD, wsPort: 0 });
  await using c = await WsRawClient.connect(server.wsPort);
  const read = async () => new TextDecoder().decode(await c.readReplyBytes());
  await c.sendCommand("GET", "k");
  assertEquals(await read(), "-NOAUTH Authentication required.\r\n");
  await c.sendCommand("AUTH", PASSWORD);
  assertEquals(await read(), "+OK\r\n");
  await c.sendCommand("GET", "k");
  assertEquals(await read(), "$-1\r\n");
});

Deno.test("an unauthenticated WebSocket message may not exceed 1 MiB; after AUTH it may", async () => {
  const logs: string[] = [];
  await using server = startTestServer({
    requirepass: PASSWORD,
    wsPort: 0,
    logger: (_level, message) => logs.push(message),
  });
  const flood = new TextEncoder().encode("PING\r\n".repeat(350_000)); // 2.1 MB, one message
  const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/ws`);
  await new Promise((resolve) => ws.onopen = resolve);
  const closed = new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
  ws.send(flood);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => timer = setTimeout(resolve, 10_000, null));
  const event = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  if (event === null) {
    ws.close();
    await closed;
  }
  assertEquals(
    [event?.code, event?.reason],
    [1009, "message too big"],
    "closed for the unauthenticated message bound, not a protocol error",
  );
  assert(logs.some((l) => l.includes("message too big (code 1009)")), logs.join("\n"));

  await using authed = await WsRawClient.connect(server.wsPort, [
    "respd",
    wsAuthProtocol(PASSWORD),
  ]);
  const value = "v".repeat(2_000_000);
  await authed.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n${value}\r\n`);
  assertEquals(new TextDecoder().decode(await authed.readReplyBytes()), "+OK\r\n");
});

Deno.test("a wrong token gets HTTP 401, and a right token does not bypass the Origin check", async () => {
  await using server = startTestServer({ requirepass: PASSWORD, wsPort: 0 });
  const refusal = async (headers: Record<string, string>) => {
    try {
      using _ws = await RawWebSocket.connect(server.wsPort, headers);
      return "accepted";
    } catch (e: unknown) {
      if (e instanceof Error && e.message.startsWith("handshake refused")) return e.message;
      throw e;
    }
  };
  const wrong = await refusal({ "Sec-WebSocket-Protocol": `respd, ${wsAuthProtocol("x")}` });
  assert(wrong.includes("HTTP/1.1 401"), wrong);
  const foreign = await refusal({
    "Sec-WebSocket-Protocol": `respd, ${wsAuthProtocol(PASSWORD)}`,
    Origin: "http://evil.example",
  });
  assert(foreign.includes("HTTP/1.1 403"), foreign);
  assertEquals(
    await refusal({ "Sec-WebSocket-Protocol": `respd, ${wsAuthProtocol(PASSWORD)}` }),
    "accepted",
  );
  assertEquals(server.stats.connections, 1, "refused handshakes never made a session");
});
