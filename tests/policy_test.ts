/**
 * --ws-commands: the allow-list that WebSocket sessions run under (names, parents of
 * subcommands, @categories), with Redis 7.0's NOPERM text, checked against a real
 * redis-server whose default user is denied the same commands through ACL.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { CommandPolicy, PolicyError } from "../src/security/policy.ts";
import { lookupCommand } from "../src/commands/registry.ts";
import { resolveCommand } from "../src/commands/pipeline.ts";

const decoder = new TextDecoder();

async function wsCall(c: WsRawClient, ...args: string[]): Promise<string> {
  await c.sendCommand(...args);
  return decoder.decode(await c.readReplyBytes());
}

Deno.test("a WebSocket client may run only the commands the policy lists", async () => {
  await using server = startTestServer({
    wsPort: 0,
    wsCommands: ["@read", "@pubsub", "ping", "client|id", "command"],
  });
  await using ws = await WsRawClient.connect(server.wsPort);
  assertEquals(await wsCall(ws, "GET", "k"), "$-1\r\n");
  assertEquals(await wsCall(ws, "PING"), "+PONG\r\n");
  assert((await wsCall(ws, "CLIENT", "ID")).startsWith(":"), "client|id is listed");
  assert((await wsCall(ws, "COMMAND", "COUNT")).startsWith(":"), "a listed parent allows its subs");
  assertEquals(
    await wsCall(ws, "SET", "k", "v"),
    "-NOPERM this user has no permissions to run the 'set' command\r\n",
  );
  assertEquals(
    await wsCall(ws, "FLUSHALL"),
    "-NOPERM this user has no permissions to run the 'flushall' command\r\n",
  );
  assertEquals(
    await wsCall(ws, "CLIENT", "SETNAME", "x"),
    "-NOPERM this user has no permissions to run the 'client|setname' command\r\n",
  );
  // Unknown commands and arity errors are reported first, as Redis does.
  assert((await wsCall(ws, "NOPE")).startsWith("-ERR unknown command 'NOPE'"));
  assertEquals(
    await wsCall(ws, "SET", "k"),
    "-ERR wrong number of arguments for 'set' command\r\n",
  );
  // AUTH, HELLO, QUIT and RESET are always allowed (no_auth), as for every ACL user.
  assertEquals(await wsCall(ws, "RESET"), "+RESET\r\n");

  using tcp = await RawClient.connect(server.port);
  assertEquals(await tcp.call("SET", "k", "v"), "+OK\r\n", "TCP clients are not restricted");
  assertEquals(await wsCall(ws, "GET", "k"), "$1\r\nv\r\n");
});

Deno.test("NOPERM replies match Redis 7.0's ACL errors byte for byte", async () => {
  await using redis = await startRedis();
  await using server = startTestServer({ wsPort: 0, wsCommands: ["@read", "@connection"] });
  using admin = await RawClient.connect(redis.port);
  assertEquals(
    await admin.call(
      "ACL",
      "SETUSER",
      "limited",
      "on",
      "nopass",
      "~*",
      "-@all",
      "+@read",
      "+@connection",
    ),
    "+OK\r\n",
  );
  using limited = await RawClient.connect(redis.port);
  assertEquals(await limited.call("AUTH", "limited", "any"), "+OK\r\n");
  await using ws = await WsRawClient.connect(server.wsPort);
  for (
    const args of [["SET", "a", "b"], ["FLUSHDB"], ["CLIENT", "KILL", "ID", "1"], ["GET", "a"]]
  ) {
    assertEquals(await wsCall(ws, ...args), await limited.call(...args), args.join(" "));
  }
});

Deno.test("NOAUTH comes before NOPERM for an unauthenticated WebSocket", async () => {
  await using server = startTestServer({ wsPort: 0, requirepass: "pw", wsCommands: ["get"] });
  await using ws = await WsRawClient.connect(server.wsPort);
  assertEquals(await wsCall(ws, "SET", "k", "v"), "-NOAUTH Authentication required.\r\n");
  assertEquals(await wsCall(ws, "AUTH", "pw"), "+OK\r\n");
  assertEquals(
    await wsCall(ws, "SET", "k", "v"),
    "-NOPERM this user has no permissions to run the 'set' command\r\n",
  );
});

Deno.test("an unknown command or category in --ws-commands stops the server from starting", () => {
  for (const bad of [["nosuchcommand"], ["@nosuchcategory"], ["client|nosuch"]]) {
    let error: unknown = null;
    try {
      new CommandPolicy(bad);
    } catch (e: unknown) {
      error = e;
    }
    assert(error instanceof PolicyError, `${bad} is rejected`);
  }
  let startError: unknown = null;
  try {
    startTestServer({ wsCommands: ["flushal"] });
  } catch (e: unknown) {
    startError = e;
  }
  assert(startError instanceof PolicyError && startError.message.includes("'flushal'"));
});

Deno.test("@all and case-insensitive entries are understood", () => {
  const all = new CommandPolicy(["@ALL"]);
  const some = new CommandPolicy(["GET", "@PubSub"]);
  const get = lookupCommand("get")!;
  const set = lookupCommand("set")!;
  const publish = lookupCommand("publish")!;
  assert(all.allows(set) && some.allows(get) && some.allows(publish) && !some.allows(set));
  assert(some.allows(resolveCommand(["HELLO"])), "no_auth commands are always allowed");
});
