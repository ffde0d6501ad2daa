/**
 * The keyspace events the list edits, list moves and bit commands signal, in Redis 7.0's
 * order and with its names (what keyspace notifications, WATCH and blocked clients see);
 * run through a `CommandContext`, without a socket.
 */

import { assertEquals } from "./support/assert.ts";
import { TestContext } from "./support/command_context.ts";

function recordEvents(ctx: TestContext): string[] {
  const seen: string[] = [];
  ctx.server.keyspace.events.subscribe((_db, key, event) => seen.push(`${key}:${event}`));
  return seen;
}

Deno.test("list edits signal linsert, lset, lrem, ltrim and the push events, del when emptied", () => {
  const ctx = new TestContext();
  ctx.call("RPUSH", "l", "a", "b", "a");
  const events = recordEvents(ctx);
  assertEquals(ctx.call("LINSERT", "l", "BEFORE", "b", "x"), ":4\r\n");
  assertEquals(ctx.call("LINSERT", "l", "BEFORE", "zz", "x"), ":-1\r\n");
  assertEquals(ctx.call("LSET", "l", "0", "y"), "+OK\r\n");
  assertEquals(ctx.call("LREM", "l", "0", "nothing"), ":0\r\n");
  assertEquals(ctx.call("LREM", "l", "1", "a"), ":1\r\n");
  assertEquals(ctx.call("LPUSHX", "l", "p"), ":4\r\n");
  assertEquals(ctx.call("RPUSHX", "l", "q"), ":5\r\n");
  assertEquals(ctx.call("LPUSHX", "missing", "p"), ":0\r\n");
  assertEquals(ctx.call("LTRIM", "l", "0", "-1"), "+OK\r\n");
  assertEquals(ctx.call("LTRIM", "l", "1", "0"), "+OK\r\n");
  assertEquals(ctx.db.has("l"), false);
  assertEquals(events, [
    "l:linsert",
    "l:lset",
    "l:lrem",
    "l:lpush",
    "l:rpush",
    "l:ltrim",
    "l:ltrim",
    "l:del",
  ]);
});

Deno.test("LMOVE signals the push on the destination, then the pop and del on the source", () => {
  const ctx = new TestContext();
  ctx.call("RPUSH", "src", "a");
  const events = recordEvents(ctx);
  assertEquals(ctx.call("LMOVE", "src", "dst", "LEFT", "RIGHT"), "$1\r\na\r\n");
  assertEquals(ctx.call("RPOPLPUSH", "dst", "dst"), "$1\r\na\r\n");
  assertEquals(
    ctx.call("LMPOP", "2", "src", "dst", "RIGHT"),
    "*2\r\n$3\r\ndst\r\n*1\r\n$1\r\na\r\n",
  );
  assertEquals(events, [
    "dst:new",
    "dst:rpush",
    "src:lpop",
    "src:del",
    "dst:lpush",
    "dst:rpop",
    "dst:rpop",
    "dst:del",
  ]);
});

Deno.test("bit commands signal setbit, and BITOP set or del", () => {
  const ctx = new TestContext();
  const events = recordEvents(ctx);
  assertEquals(ctx.call("SETBIT", "b", "9", "1"), ":0\r\n");
  assertEquals(ctx.call("BITFIELD", "b", "GET", "u8", "0"), "*1\r\n:0\r\n");
  assertEquals(ctx.call("BITFIELD", "b", "INCRBY", "u8", "0", "3"), "*1\r\n:3\r\n");
  assertEquals(ctx.call("BITOP", "NOT", "n", "b"), ":2\r\n");
  assertEquals(ctx.call("BITOP", "AND", "n", "missing"), ":0\r\n");
  assertEquals(ctx.call("BITOP", "AND", "n", "missing"), ":0\r\n");
  assertEquals(events, ["b:new", "b:setbit", "b:setbit", "n:new", "n:set", "n:del"]);
});

Deno.test("SORT ... STORE signals sortstore, or del when nothing is stored", () => {
  const ctx = new TestContext();
  ctx.call("RPUSH", "l", "3", "1", "2");
  ctx.call("SET", "d", "x");
  const events = recordEvents(ctx);
  assertEquals(ctx.call("SORT", "l", "STORE", "d"), ":3\r\n");
  assertEquals(ctx.call("LRANGE", "d", "0", "-1"), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  assertEquals(ctx.call("SORT", "missing", "STORE", "d"), ":0\r\n");
  assertEquals(ctx.call("SORT", "missing", "STORE", "d"), ":0\r\n");
  assertEquals(events, ["d:sortstore", "d:del"]);
});
