/**
 * Database commands (DBSIZE FLUSHDB FLUSHALL SWAPDB MOVE) over raw TCP, with exact
 * replies and error texts checked against redis-server 7.0.15.
 */

import { assertEquals } from "./support/assert.ts";
import { expectReplies, RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";

const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";

Deno.test("DBSIZE, FLUSHDB and FLUSHALL work per database and across all of them", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["MSET", "a", "1", "b", "2"], "+OK\r\n"],
    [["SELECT", "3"], "+OK\r\n"],
    [["SET", "c", "3"], "+OK\r\n"],
    [["DBSIZE"], ":1\r\n"],
    [["FLUSHDB"], "+OK\r\n"],
    [["DBSIZE"], ":0\r\n"],
    [["SET", "c", "3"], "+OK\r\n"],
    [["SELECT", "0"], "+OK\r\n"],
    [["DBSIZE"], ":2\r\n"],
    [["FLUSHDB", "ASYNC"], "+OK\r\n"],
    [["DBSIZE"], ":0\r\n"],
    [["FLUSHALL", "sync"], "+OK\r\n"],
    [["SELECT", "3"], "+OK\r\n"],
    [["DBSIZE"], ":0\r\n"],
    [["FLUSHDB", "x"], "-ERR syntax error\r\n"],
    [["FLUSHALL", "SYNC", "extra"], "-ERR syntax error\r\n"],
    [["DBSIZE", "x"], "-ERR wrong number of arguments for 'dbsize' command\r\n"],
  ]);
});

Deno.test("SWAPDB swaps contents under every client, with Redis's errors", async () => {
  await using server = startTestServer();
  using a = await RawClient.connect(server.port);
  using b = await RawClient.connect(server.port);
  await a.call("SET", "k", "in0");
  await b.call("SELECT", "1");
  await b.call("SET", "k", "in1");
  await expectReplies(a, [
    [["SWAPDB", "0", "1"], "+OK\r\n"],
    [["GET", "k"], "$3\r\nin1\r\n"],
    [["SWAPDB", "0", "0"], "+OK\r\n"],
    [["SWAPDB", "a", "1"], "-ERR invalid first DB index\r\n"],
    [["SWAPDB", "1", "b"], "-ERR invalid second DB index\r\n"],
    [["SWAPDB", "99999999999", "1"], "-ERR invalid first DB index\r\n"],
    [["SWAPDB", "-1", "1"], "-ERR DB index is out of range\r\n"],
    [["SWAPDB", "1", "16"], "-ERR DB index is out of range\r\n"],
  ]);
  assertEquals(await b.call("GET", "k"), "$3\r\nin0\r\n");
});

Deno.test("MOVE moves a key and its TTL to another database unless it is there", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SET", "k", "v", "PX", "4000"], "+OK\r\n"],
    [["MOVE", "k", "0"], "-ERR source and destination objects are the same\r\n"],
    [["MOVE", "k", "16"], "-ERR DB index is out of range\r\n"],
    [["MOVE", "k", "abc"], NOT_INTEGER],
    [
      ["MOVE", "k", "99999999999"],
      "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    ],
    [["MOVE", "nokey", "1"], ":0\r\n"],
    [["MOVE", "k", "1"], ":1\r\n"],
    [["EXISTS", "k"], ":0\r\n"],
    [["SET", "k", "again"], "+OK\r\n"],
    [["MOVE", "k", "1"], ":0\r\n"],
    [["SELECT", "1"], "+OK\r\n"],
    [["GET", "k"], "$1\r\nv\r\n"],
    [["PTTL", "k"], ":4000\r\n"],
  ]);
});
