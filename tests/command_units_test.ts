/**
 * Commands run through a `CommandContext` without a socket (tests/support/command_context.ts):
 * the model for unit tests of a command family. Replies are Redis's RESP bytes; what the
 * command did to the keyspace and which change events it signalled are read directly.
 */

import { assertEquals } from "./support/assert.ts";
import { TestContext } from "./support/command_context.ts";

/** Records every keyspace change as "db:key:event" ("db::event" for whole databases). */
function recordEvents(ctx: TestContext): string[] {
  const seen: string[] = [];
  ctx.server.keyspace.events.subscribe((db, key, event) =>
    seen.push(`${db.id}:${key ?? ""}:${event}`)
  );
  return seen;
}

Deno.test("list commands answer and signal through the context", () => {
  const ctx = new TestContext();
  const events = recordEvents(ctx);
  assertEquals(ctx.call("LPUSH", "l", "a", "b"), ":2\r\n");
  assertEquals(ctx.call("RPUSH", "l", "c"), ":3\r\n");
  assertEquals(ctx.call("LRANGE", "l", "0", "-1"), "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
  assertEquals(ctx.call("LPOP", "l", "3"), "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n");
  assertEquals(ctx.db.has("l"), false, "an emptied list is deleted");
  // "new" first, as Redis's dbAdd notifies it before the command's own event
  assertEquals(events, ["0:l:new", "0:l:lpush", "0:l:rpush", "0:l:lpop", "0:l:del"]);
  ctx.call("SET", "s", "x");
  assertEquals(
    ctx.call("LPUSH", "s", "a"),
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
  );
});

Deno.test("string commands answer and signal through the context", () => {
  const ctx = new TestContext();
  const events = recordEvents(ctx);
  assertEquals(ctx.call("SET", "k", "v", "EX", "10"), "+OK\r\n");
  assertEquals(ctx.call("INCR", "n"), ":1\r\n");
  assertEquals(ctx.call("GET", "k"), "$1\r\nv\r\n");
  ctx.clock.advance(10_000);
  assertEquals(ctx.call("GET", "k"), "$-1\r\n");
  assertEquals(events, [
    "0:k:new",
    "0:k:set",
    "0:k:expire",
    "0:n:new",
    "0:n:incrby",
    "0:k:expired",
  ]);
});

Deno.test("keyspace commands signal Redis's events, whole-database ones with no key", () => {
  const ctx = new TestContext();
  const events = recordEvents(ctx);
  ctx.call("SET", "a", "1");
  assertEquals(ctx.call("RENAME", "a", "b"), "+OK\r\n");
  assertEquals(ctx.call("MOVE", "b", "3"), ":1\r\n");
  assertEquals(ctx.call("SWAPDB", "0", "3"), "+OK\r\n");
  assertEquals(ctx.call("GET", "b"), "$1\r\n1\r\n", "database 0 now holds what 3 held");
  assertEquals(ctx.call("FLUSHDB"), "+OK\r\n");
  assertEquals(events, [
    "0:a:new",
    "0:a:set",
    "0:b:new",
    "0:a:rename_from",
    "0:b:rename_to",
    "3:b:new",
    "0:b:move_from",
    "3:b:move_to",
    "0::swapdb",
    "3::swapdb",
    "0::flushdb",
  ]);
});

Deno.test("client state changes stay on the context's client", () => {
  const ctx = new TestContext();
  assertEquals(ctx.call("SELECT", "2"), "+OK\r\n");
  assertEquals(ctx.client.dbIndex, 2);
  assertEquals(ctx.call("CLIENT", "SETNAME", "worker"), "+OK\r\n");
  assertEquals(ctx.call("CLIENT", "GETNAME"), "$6\r\nworker\r\n");
  assertEquals(ctx.call("HELLO", "3").startsWith("%7\r\n"), true);
  assertEquals(ctx.call("QUIT"), "+OK\r\n");
  assertEquals(ctx.client.closing, true);
});
