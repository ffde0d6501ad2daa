/**
 * ACL users end to end: a browser page logged in (WebSocket token) as a user limited to
 * `user:42:*` and `chat:42` reaches exactly those keys and that channel, directly and
 * through EVAL, and nothing outside changes; subscribers lose their connection when their
 * user loses a channel, deleted users' clients are disconnected; `--ws-user` gives
 * anonymous pages a user of their own; ioredis and node-redis log in with a username;
 * ACL SAVE / LOAD through `--aclfile`, `user` lines of a config file; ACL CAT lists what
 * Redis lists.
 * (Replies and texts are compared with redis-server in tests/differential/acl.ts.)
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { keyStates } from "./support/key_state.ts";
import { wsAuthProtocol, wsUserProtocol } from "../src/security/credentials.ts";
import type { CommandArg } from "../src/protocol/frame_codec.ts";
import { Redis } from "ioredis";
import { throws } from "node:assert/strict";
import { readConfigFile } from "../src/config_directives.ts";
import { ConfigFileError } from "../src/config_file.ts";
import { DEFAULT_CONFIG } from "../src/config.ts";
import { createClient } from "redis";

const KEY_DENIED =
  "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n";
const CHANNEL_DENIED =
  "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n";
const cmdDenied = (name: string) =>
  `-NOPERM this user has no permissions to run the '${name}' command\r\n`;

/** The page's user: its own keys and channel, reads, writes, pub/sub, scripts. */
const PAGE_RULES = [
  "on",
  ">pw",
  "~user:42:*",
  "&chat:42",
  "-@all",
  "+@read",
  "+@write",
  "+@pubsub",
  "+@connection",
  "+@transaction",
  "+@scripting",
  "-@dangerous",
  "+acl|whoami",
];

async function call(c: WsRawClient | RawClient, ...args: CommandArg[]): Promise<string> {
  await c.sendCommand(...args);
  return await c.readText();
}

/** Every key's state but the page's own. */
async function outside(port: number): Promise<Map<string, string>> {
  const all = await keyStates(port);
  for (const k of [...all.keys()]) if (k.startsWith("0/user:42:")) all.delete(k);
  return all;
}

Deno.test("a page logged in as a user limited to user:42:* and chat:42 reaches only those, directly and through EVAL", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using admin = await RawClient.connect(server.port);
  assertEquals(await admin.call("ACL", "SETUSER", "page", ...PAGE_RULES), "+OK\r\n");
  await admin.call("SET", "other", "secret");
  await admin.call("SET", "user:42:name", "ann");
  await admin.call("HSET", "user:43:h", "f", "v");
  await admin.call("RPUSH", "user:43:l", "a", "b");
  await admin.call("SADD", "user:43:s", "m");
  using sub = await RawClient.connect(server.port);
  assertEquals(
    await sub.call("SUBSCRIBE", "chat:42"),
    "*3\r\n$9\r\nsubscribe\r\n$7\r\nchat:42\r\n:1\r\n",
  );
  const before = await outside(server.port);

  await using page = await WsRawClient.connect(server.wsPort, [
    "respd",
    wsUserProtocol("page"),
    wsAuthProtocol("pw"),
  ]);
  assertEquals(await call(page, "ACL", "WHOAMI"), "$4\r\npage\r\n");

  // Allowed: its own keys and channel.
  assertEquals(await call(page, "GET", "user:42:name"), "$3\r\nann\r\n");
  assertEquals(await call(page, "SET", "user:42:x", "1"), "+OK\r\n");
  assertEquals(await call(page, "INCR", "user:42:n"), ":1\r\n");
  assertEquals(await call(page, "HSET", "user:42:h", "f", "v"), ":1\r\n");
  assertEquals(
    await call(page, "MGET", "user:42:name", "user:42:x"),
    "*2\r\n$3\r\nann\r\n$1\r\n1\r\n",
  );
  assertEquals(await call(page, "DEL", "user:42:x"), ":1\r\n");
  assertEquals(await call(page, "PUBLISH", "chat:42", "hi"), ":1\r\n");
  assertEquals(
    await sub.readText(),
    "*3\r\n$7\r\nmessage\r\n$7\r\nchat:42\r\n$2\r\nhi\r\n",
    "the TCP subscriber got it",
  );
  assertEquals(
    await call(page, "EVAL", "return redis.call('GET', KEYS[1])", "1", "user:42:name"),
    "$3\r\nann\r\n",
  );
  assertEquals(
    await call(page, "EVAL", "return redis.call('SET', 'user:42:e', 'x')", "0"),
    "+OK\r\n",
  );

  // Refused: every other key, whatever the command, and the commands it lacks.
  for (
    const args of [
      ["GET", "other"],
      ["GET", "user:43:h"],
      ["MGET", "user:42:name", "other"],
      ["SET", "other", "x"],
      ["SET", "user:43:new", "x"],
      ["DEL", "other"],
      ["DEL", "user:42:name", "other"],
      ["UNLINK", "user:43:l"],
      ["HSET", "user:43:h", "f", "x"],
      ["HGETALL", "user:43:h"],
      ["LPOP", "user:43:l"],
      ["LMOVE", "user:43:l", "user:42:l", "LEFT", "LEFT"],
      ["RENAME", "user:42:name", "other"],
      ["COPY", "user:42:name", "user:43:copy"],
      ["SUNIONSTORE", "user:42:s", "user:43:s"],
      ["EXPIRE", "other", "1"],
      ["EVAL", "return 1", "1", "other"],
    ]
  ) {
    assertEquals(await call(page, ...args), KEY_DENIED, args.join(" "));
  }
  for (
    const [args, name] of [
      [["FLUSHALL"], "flushall"],
      [["FLUSHDB"], "flushdb"],
      [["KEYS", "*"], "keys"],
      [["CONFIG", "SET", "maxmemory", "1"], "config|set"],
      [["ACL", "SETUSER", "page", "allkeys"], "acl|setuser"],
      [["CLIENT", "KILL", "ID", "1"], "client|kill"],
    ] as const
  ) {
    assertEquals(await call(page, ...args), cmdDenied(name), args.join(" "));
  }
  assertEquals(await call(page, "PUBLISH", "chat:43", "x"), CHANNEL_DENIED);
  assertEquals(await call(page, "SUBSCRIBE", "chat:43"), CHANNEL_DENIED);
  assertEquals(await call(page, "PSUBSCRIBE", "chat:*"), CHANNEL_DENIED);
  // Inside scripts the same user is checked, with the script wording.
  const script = await call(page, "EVAL", "return redis.call('SET', 'other', 'x')", "0");
  assert(
    script.startsWith(
      "-ERR The user executing the script can't access at least one of the keys mentioned",
    ),
    script,
  );
  assert(
    (await call(page, "EVAL", "return redis.call('FLUSHALL')", "0")).startsWith(
      "-ERR The user executing the script can't run this command or subcommand",
    ),
  );
  assertEquals(
    await call(page, "EVAL", "return redis.pcall('GET', 'other')", "0"),
    "-ERR The user executing the script can't access at least one of the keys mentioned in " +
      "the command arguments\r\n",
  );
  // A transaction with a refused command is discarded whole.
  assertEquals(await call(page, "MULTI"), "+OK\r\n");
  assertEquals(await call(page, "SET", "user:42:t", "1"), "+QUEUED\r\n");
  assertEquals(await call(page, "SET", "other", "2"), KEY_DENIED);
  assert((await call(page, "EXEC")).startsWith("-EXECABORT"));

  assertEquals(await outside(server.port), before, "nothing outside user:42:* changed");
  const log = await admin.call("ACL", "LOG", "1");
  assert(log.includes("$8\r\nusername\r\n$4\r\npage\r\n"), log);
});

Deno.test("a subscriber whose user loses its channel is disconnected, others keep theirs", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using admin = await RawClient.connect(server.port);
  await admin.call("ACL", "SETUSER", "page", ...PAGE_RULES, "&chat:7");
  const protocols = ["respd", wsUserProtocol("page"), wsAuthProtocol("pw")];
  await using a = await WsRawClient.connect(server.wsPort, protocols);
  await using b = await WsRawClient.connect(server.wsPort, protocols);
  assertEquals(
    await call(a, "SUBSCRIBE", "chat:42"),
    "*3\r\n$9\r\nsubscribe\r\n$7\r\nchat:42\r\n:1\r\n",
  );
  assertEquals(
    await call(b, "SUBSCRIBE", "chat:7"),
    "*3\r\n$9\r\nsubscribe\r\n$6\r\nchat:7\r\n:1\r\n",
  );
  // More channels: nobody loses anything.
  assertEquals(await admin.call("ACL", "SETUSER", "page", "&chat:8"), "+OK\r\n");
  assertEquals(await admin.call("PUBLISH", "chat:42", "still"), ":1\r\n");
  assertEquals(await a.readText(), "*3\r\n$7\r\nmessage\r\n$7\r\nchat:42\r\n$5\r\nstill\r\n");
  // chat:42 goes: its subscriber is disconnected, chat:7's stays.
  assertEquals(
    await admin.call("ACL", "SETUSER", "page", "resetchannels", "&chat:7"),
    "+OK\r\n",
  );
  assert(await a.closedByPeer(), "the chat:42 subscriber was disconnected");
  assertEquals(await admin.call("PUBLISH", "chat:7", "hi"), ":1\r\n");
  assertEquals(await b.readText(), "*3\r\n$7\r\nmessage\r\n$6\r\nchat:7\r\n$2\r\nhi\r\n");
  // Deleting the user disconnects its clients.
  assertEquals(await admin.call("ACL", "DELUSER", "page"), ":1\r\n");
  assert(await b.closedByPeer(), "the deleted user's client was disconnected");
});

Deno.test("--ws-user gives pages without credentials a user of their own; TCP clients stay default", async () => {
  await using server = startTestServer({ wsPort: 0, wsUser: "guest" });
  using admin = await RawClient.connect(server.port);
  {
    // No such user yet: a page must log in.
    await using ws = await WsRawClient.connect(server.wsPort);
    assertEquals(await call(ws, "GET", "public:x"), "-NOAUTH Authentication required.\r\n");
  }
  await admin.call("ACL", "SETUSER", "guest", "on", "nopass", "~public:*", "+get", "+acl|whoami");
  await admin.call("SET", "public:x", "1");
  await using ws = await WsRawClient.connect(server.wsPort);
  assertEquals(await call(ws, "ACL", "WHOAMI"), "$5\r\nguest\r\n");
  assertEquals(await call(ws, "GET", "public:x"), "$1\r\n1\r\n");
  assertEquals(await call(ws, "GET", "secret"), KEY_DENIED);
  assertEquals(await call(ws, "SET", "public:x", "2"), cmdDenied("set"));
  // AUTH still switches user (the default user has no password here).
  assertEquals(await call(ws, "AUTH", "default", "x"), "+OK\r\n");
  assertEquals(await call(ws, "ACL", "WHOAMI"), "$7\r\ndefault\r\n");
  assertEquals(await admin.call("ACL", "WHOAMI"), "$7\r\ndefault\r\n");
});

Deno.test("ioredis and node-redis log in with a username and password", async () => {
  await using server = startTestServer();
  using admin = await RawClient.connect(server.port);
  await admin.call("ACL", "SETUSER", "app", "on", ">s3cret", "~app:*", "+@all");
  await admin.call("SET", "other", "x");
  const io = new Redis({
    port: server.port,
    host: "127.0.0.1",
    username: "app",
    password: "s3cret",
    lazyConnect: true,
  });
  await io.connect();
  try {
    assertEquals(await io.call("ACL", "WHOAMI"), "app");
    assertEquals(await io.set("app:k", "v"), "OK");
    assertEquals(await io.get("app:k"), "v");
    const err = await io.get("other").then(() => null, (e: Error) => e.message);
    assertEquals(
      err,
      "NOPERM this user has no permissions to access one of the keys used as arguments",
    );
  } finally {
    io.disconnect();
  }
  const nr = createClient({
    socket: { port: server.port, host: "127.0.0.1" },
    username: "app",
    password: "s3cret",
  });
  await nr.connect();
  try {
    assertEquals(await nr.sendCommand(["ACL", "WHOAMI"]), "app");
    assertEquals(await nr.get("app:k"), "v");
    const err = await nr.get("other").then(() => null, (e: Error) => e.message);
    assert(err?.startsWith("NOPERM"), String(err));
  } finally {
    await nr.close();
  }
  const wrong = createClient({
    socket: { port: server.port, host: "127.0.0.1", reconnectStrategy: false },
    username: "app",
    password: "nope",
  });
  const refused = await wrong.connect().then(() => null, (e: Error) => e.message);
  assert(refused?.includes("WRONGPASS"), String(refused));
});

Deno.test("ACL SAVE writes the ACL file, ACL LOAD and a restart read it back", async () => {
  const dir = await Deno.makeTempDir();
  const aclfile = `${dir}/users.acl`;
  try {
    await Deno.writeTextFile(aclfile, "user default on nopass ~* &* +@all\n");
    {
      await using server = startTestServer({ aclfile });
      using c = await RawClient.connect(server.port);
      await c.call("ACL", "SETUSER", "page", ...PAGE_RULES);
      assertEquals(await c.call("ACL", "SAVE"), "+OK\r\n");
      const text = await Deno.readTextFile(aclfile);
      assert(text.startsWith("user default on nopass ~* &* +@all\nuser page on #"), text);
      await c.call("ACL", "DELUSER", "page");
      assertEquals(await c.call("ACL", "LOAD"), "+OK\r\n");
      assertEquals(await c.call("ACL", "USERS"), "*2\r\n$7\r\ndefault\r\n$4\r\npage\r\n");
      await Deno.writeTextFile(aclfile, "user other on bogus\n", { append: true });
      assertEquals(
        await c.call("ACL", "LOAD"),
        `-ERR ${aclfile}:3: Syntax error. WARNING: ACL errors detected, no change to the ` +
          "previously active ACL rules was performed\r\n",
      );
      assertEquals(await c.call("ACL", "USERS"), "*2\r\n$7\r\ndefault\r\n$4\r\npage\r\n");
    }
    await Deno.writeTextFile(
      aclfile,
      "user default on nopass ~* &* +@all\nuser page on >pw ~p:* +get\n",
    );
    await using again = startTestServer({ aclfile });
    using c = await RawClient.connect(again.port);
    assertEquals(await c.call("AUTH", "page", "pw"), "+OK\r\n");
    assertEquals(await c.call("GET", "q"), KEY_DENIED);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("requirepass is the default user's password, also after CONFIG SET", async () => {
  await using server = startTestServer({ requirepass: "one" });
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("PING"), "-NOAUTH Authentication required.\r\n");
  assertEquals(await c.call("AUTH", "default", "one"), "+OK\r\n");
  assertEquals(await c.call("CONFIG", "SET", "requirepass", "two"), "+OK\r\n");
  using d = await RawClient.connect(server.port);
  assertEquals(
    await d.call("AUTH", "one"),
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
  );
  assertEquals(await d.call("AUTH", "two"), "+OK\r\n");
  assertEquals(await c.call("CONFIG", "SET", "requirepass", ""), "+OK\r\n");
  using e = await RawClient.connect(server.port);
  assertEquals(await e.call("PING"), "+PONG\r\n");
});

/** Bulk strings of an array reply, as a sorted list. */
function names(reply: string): string[] {
  return [...reply.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((m) => m[1]).sort();
}

Deno.test("ACL CAT lists, for every category, the commands Redis lists that respd has", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  using r = await RawClient.connect(redis.port);
  using c = await RawClient.connect(server.port);
  const ours = new Set<string>();
  for (const cat of names(await c.call("ACL", "CAT"))) {
    for (const n of names(await c.call("ACL", "CAT", cat))) ours.add(n);
  }
  const redisHas = new Set<string>();
  const theirs = new Map<string, string[]>();
  for (const cat of names(await r.call("ACL", "CAT"))) {
    const list = names(await r.call("ACL", "CAT", cat));
    for (const n of list) redisHas.add(n);
    theirs.set(cat, list.filter((n) => ours.has(n)));
  }
  assertEquals(names(await c.call("ACL", "CAT")), [...theirs.keys()]);
  for (const [cat, list] of theirs) {
    // respd's Redis 7.2 additions (CLIENT SETINFO) are not in 7.0's lists.
    const mine = names(await c.call("ACL", "CAT", cat)).filter((n) => redisHas.has(n));
    assertEquals(mine, list, `@${cat}`);
  }
});

Deno.test("user lines of a config file create ACL users at start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/respd.conf`;
    await Deno.writeTextFile(
      path,
      "user page on >pw ~user:42:* &chat:42 +@all -@dangerous\nuser guest on nopass ~public:* +get\n",
    );
    const { config } = readConfigFile(path, DEFAULT_CONFIG);
    await using server = startTestServer({ aclUsers: config.aclUsers });
    using c = await RawClient.connect(server.port);
    assertEquals(
      await c.call("ACL", "USERS"),
      "*3\r\n$7\r\ndefault\r\n$5\r\nguest\r\n$4\r\npage\r\n",
    );
    assertEquals(await c.call("AUTH", "page", "pw"), "+OK\r\n");
    assertEquals(await c.call("GET", "other"), KEY_DENIED);
    // Redis's checks while reading the file.
    await Deno.writeTextFile(path, "user page on %X~k\n");
    throws(() => readConfigFile(path, DEFAULT_CONFIG), ConfigFileError);
    await Deno.writeTextFile(path, "user a on\nuser a off\n");
    throws(() => readConfigFile(path, DEFAULT_CONFIG), ConfigFileError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
