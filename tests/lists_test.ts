/**
 * List commands (LPUSH RPUSH LPOP RPOP LLEN LRANGE LINDEX) over raw TCP, with exact
 * replies and error texts checked against redis-server 7.0.15, RESP3 nulls included.
 */

import { assertEquals } from "./support/assert.ts";
import { expectReplies, RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const NOT_POSITIVE = "-ERR value is out of range, must be positive\r\n";

Deno.test("LPUSH and RPUSH build a list that LRANGE, LINDEX and LLEN read", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["RPUSH", "l", "c", "d"], ":2\r\n"],
    [["LPUSH", "l", "b", "a"], ":4\r\n"],
    [["LLEN", "l"], ":4\r\n"],
    [["LRANGE", "l", "0", "-1"], "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"],
    [["LRANGE", "l", "-2", "100"], "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"],
    [["LRANGE", "l", "-100", "0"], "*1\r\n$1\r\na\r\n"],
    [["LRANGE", "l", "2", "1"], "*0\r\n"],
    [["LRANGE", "l", "4", "10"], "*0\r\n"],
    [["LRANGE", "l", "0", "-5"], "*0\r\n"],
    [
      ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
      "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    ],
    [["LRANGE", "nokey", "0", "-1"], "*0\r\n"],
    [["LRANGE", "nokey", "a", "1"], NOT_INTEGER],
    [["LINDEX", "l", "0"], "$1\r\na\r\n"],
    [["LINDEX", "l", "-1"], "$1\r\nd\r\n"],
    [["LINDEX", "l", "4"], "$-1\r\n"],
    [["LINDEX", "l", "-5"], "$-1\r\n"],
    [["LINDEX", "l", "abc"], NOT_INTEGER],
    [["LINDEX", "l", "9223372036854775808"], NOT_INTEGER],
    [["LINDEX", "nokey", "abc"], "$-1\r\n"],
    [["LLEN", "nokey"], ":0\r\n"],
    [["LPUSH", "l"], "-ERR wrong number of arguments for 'lpush' command\r\n"],
  ]);
});

Deno.test("LPOP and RPOP pop one or count elements, and delete the emptied list", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["RPUSH", "l", "a", "b", "c", "d", "e"], ":5\r\n"],
    [["LPOP", "l"], "$1\r\na\r\n"],
    [["RPOP", "l"], "$1\r\ne\r\n"],
    [["RPOP", "l", "2"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"],
    [["LPOP", "l", "0"], "*0\r\n"],
    [["LPOP", "l", "10"], "*1\r\n$1\r\nb\r\n"],
    [["EXISTS", "l"], ":0\r\n"],
    [["LPOP", "l"], "$-1\r\n"],
    [["LPOP", "l", "2"], "*-1\r\n"],
    [["LPOP", "l", "0"], "*-1\r\n"],
    [["LPOP", "l", "-1"], NOT_POSITIVE],
    [["LPOP", "l", "abc"], NOT_POSITIVE],
    [["RPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'rpop' command\r\n"],
    [["RPUSH", "one", "x"], ":1\r\n"],
    [["RPOP", "one"], "$1\r\nx\r\n"],
    [["TYPE", "one"], "+none\r\n"],
  ]);
  await c.call("HELLO", "3");
  await expectReplies(c, [
    [["LPOP", "nokey"], "_\r\n"],
    [["LPOP", "nokey", "3"], "_\r\n"],
    [["LINDEX", "nokey", "0"], "_\r\n"],
  ]);
});

Deno.test("list commands refuse keys of another type", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("SET", "s", "v");
  for (
    const cmd of [
      ["LPUSH", "s", "x"],
      ["RPUSH", "s", "x"],
      ["LPOP", "s"],
      ["RPOP", "s", "2"],
      ["LLEN", "s"],
      ["LRANGE", "s", "0", "-1"],
      ["LINDEX", "s", "0"],
    ]
  ) {
    assertEquals(await c.call(...cmd), WRONGTYPE, cmd.join(" "));
  }
  await c.call("RPUSH", "l", "x");
  assertEquals(await c.call("GET", "l"), WRONGTYPE);
});

Deno.test("binary elements round-trip through a list", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const element = Uint8Array.from([0, 255, 13, 10, 128]);
  await c.sendCommand("RPUSH", "l", element, "");
  assertEquals(await c.readText(), ":2\r\n");
  await c.sendCommand("LRANGE", "l", "0", "-1");
  assertEquals(
    Array.from(await c.readReplyBytes()),
    Array.from(new TextEncoder().encode("*2\r\n$5\r\n")).concat([0, 255, 13, 10, 128], [
      13,
      10,
      ...new TextEncoder().encode("$0\r\n\r\n"),
    ]),
  );
});
