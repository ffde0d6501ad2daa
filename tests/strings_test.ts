/**
 * String commands over raw TCP: exact reply bytes and error texts (each checked against
 * redis-server 7.0.15), binary values, 64-bit edges, RESP3 nulls, and INCRBYFLOAT's
 * long-double arithmetic compared with a real redis-server on random operands.
 */

import { assertEquals } from "./support/assert.ts";
import { expectReplies, RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const SYNTAX = "-ERR syntax error\r\n";

/** Bytes of a byte string, for binary arguments. */
const bin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** A byte string of reply bytes. */
const text = (b: Uint8Array) => String.fromCharCode(...b);

Deno.test("SET honours NX, XX and GET, and refuses conflicting options", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SET", "k", "v1", "NX"], "+OK\r\n"],
    [["SET", "k", "v2", "NX"], "$-1\r\n"],
    [["SET", "k", "v3", "XX"], "+OK\r\n"],
    [["SET", "nokey", "v", "XX"], "$-1\r\n"],
    [["SET", "k", "v4", "GET"], "$2\r\nv3\r\n"],
    [["SET", "new", "v", "GET"], "$-1\r\n"],
    [["SET", "k", "v5", "NX", "GET"], "$2\r\nv4\r\n"],
    [["GET", "k"], "$2\r\nv4\r\n"],
    [["SET", "k", "v", "NX", "XX"], SYNTAX],
    [["SET", "k", "v", "XX", "NX"], SYNTAX],
    [["SET", "k", "v", "EX", "10", "PX", "100"], SYNTAX],
    [["SET", "k", "v", "KEEPTTL", "EX", "1"], SYNTAX],
    [["SET", "k", "v", "EX"], SYNTAX],
    [["SET", "k", "v", "PERSIST"], SYNTAX],
    [["SET", "k", "v", "EX", "abc"], NOT_INTEGER],
    [["SET", "k", "v", "EX", "0"], "-ERR invalid expire time in 'set' command\r\n"],
    [["SET", "k", "v", "PX", "-5"], "-ERR invalid expire time in 'set' command\r\n"],
    [["SET", "k", "v", "EX", "9223372036854775"], "-ERR invalid expire time in 'set' command\r\n"],
    [["SET", "k", "v", "EX", "abc", "FOO"], SYNTAX],
    [["set", "k", "v", "ex", "10", "ex", "20"], "+OK\r\n"],
    [["TTL", "k"], ":20\r\n"],
    [["SET", "k"], "-ERR wrong number of arguments for 'set' command\r\n"],
  ]);
});

Deno.test("SET's expiry options set, keep or clear the TTL by the injected clock", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  const nowS = Math.floor(clock.time / 1000);
  await expectReplies(c, [
    [["SET", "a", "1", "EX", "100"], "+OK\r\n"],
    [["PTTL", "a"], ":100000\r\n"],
    [["SET", "a", "2", "KEEPTTL"], "+OK\r\n"],
    [["PTTL", "a"], ":100000\r\n"],
    [["SET", "a", "3"], "+OK\r\n"],
    [["TTL", "a"], ":-1\r\n"],
    [["SET", "b", "1", "PX", "1500"], "+OK\r\n"],
    [["TTL", "b"], ":2\r\n"],
    [["SET", "c", "1", "EXAT", String(nowS + 50)], "+OK\r\n"],
    [["EXPIRETIME", "c"], `:${nowS + 50}\r\n`],
    [["SET", "d", "1", "PXAT", String(clock.time + 7)], "+OK\r\n"],
    [["PTTL", "d"], ":7\r\n"],
    [["SET", "e", "1", "PXAT", String(clock.time - 1)], "+OK\r\n"],
    [["GET", "e"], "$-1\r\n"],
  ]);
  clock.advance(1500);
  assertEquals(await c.call("GET", "b"), "$-1\r\n");
  assertEquals(await c.call("GET", "a"), "$1\r\n3\r\n");
});

Deno.test("SETNX, SETEX, PSETEX, GETSET and GETDEL answer as Redis", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SETNX", "k", "a"], ":1\r\n"],
    [["SETNX", "k", "b"], ":0\r\n"],
    [["SETEX", "k", "10", "c"], "+OK\r\n"],
    [["TTL", "k"], ":10\r\n"],
    [["SETEX", "k", "0", "c"], "-ERR invalid expire time in 'setex' command\r\n"],
    [["SETEX", "k", "abc", "c"], NOT_INTEGER],
    [["PSETEX", "k", "-1", "c"], "-ERR invalid expire time in 'psetex' command\r\n"],
    [["PSETEX", "k", "2500", "d"], "+OK\r\n"],
    [["PTTL", "k"], ":2500\r\n"],
    [["GETSET", "k", "e"], "$1\r\nd\r\n"],
    [["TTL", "k"], ":-1\r\n"],
    [["GETSET", "new", "x"], "$-1\r\n"],
    [["GETDEL", "k"], "$1\r\ne\r\n"],
    [["GETDEL", "k"], "$-1\r\n"],
    [["EXISTS", "k"], ":0\r\n"],
    [["RPUSH", "list", "x"], ":1\r\n"],
    [["GETSET", "list", "v"], WRONGTYPE],
    [["GETDEL", "list"], WRONGTYPE],
    [["SETNX", "list", "v"], ":0\r\n"],
  ]);
});

Deno.test("GETEX sets, replaces or removes the TTL, and deletes for a time already past", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SET", "k", "v"], "+OK\r\n"],
    [["GETEX", "k"], "$1\r\nv\r\n"],
    [["GETEX", "k", "EX", "100"], "$1\r\nv\r\n"],
    [["TTL", "k"], ":100\r\n"],
    [["GETEX", "k", "PX", "10", "PX", "20"], "$1\r\nv\r\n"],
    [["PTTL", "k"], ":20\r\n"],
    [["GETEX", "k", "PERSIST"], "$1\r\nv\r\n"],
    [["TTL", "k"], ":-1\r\n"],
    [["GETEX", "k", "PERSIST", "EX", "10"], SYNTAX],
    [["GETEX", "k", "NX"], SYNTAX],
    [["GETEX", "k", "EX"], SYNTAX],
    [["GETEX", "k", "EX", "0"], "-ERR invalid expire time in 'getex' command\r\n"],
    [["GETEX", "nokey", "EX", "abc"], "$-1\r\n"],
    [["GETEX", "k", "PXAT", "1"], "$1\r\nv\r\n"],
    [["EXISTS", "k"], ":0\r\n"],
  ]);
});

Deno.test("INCR and friends work on 64-bit integers and refuse overflow and non-integers", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["INCR", "n"], ":1\r\n"],
    [["INCRBY", "n", "41"], ":42\r\n"],
    [["DECR", "n"], ":41\r\n"],
    [["DECRBY", "n", "-9"], ":50\r\n"],
    [["SET", "n", "9223372036854775806"], "+OK\r\n"],
    [["INCR", "n"], ":9223372036854775807\r\n"],
    [["INCR", "n"], "-ERR increment or decrement would overflow\r\n"],
    [["SET", "n", "-9223372036854775808"], "+OK\r\n"],
    [["DECR", "n"], "-ERR increment or decrement would overflow\r\n"],
    [["INCRBY", "n", "9223372036854775807"], ":-1\r\n"],
    [["DECRBY", "n", "-9223372036854775808"], "-ERR decrement would overflow\r\n"],
    [["INCRBY", "n", "9223372036854775808"], NOT_INTEGER],
    [["INCRBY", "n", "1.5"], NOT_INTEGER],
    [["SET", "s", "012"], "+OK\r\n"],
    [["INCR", "s"], NOT_INTEGER],
    [["SET", "s", " 1"], "+OK\r\n"],
    [["INCR", "s"], NOT_INTEGER],
    [["SET", "s", "abc"], "+OK\r\n"],
    [["INCR", "s"], NOT_INTEGER],
    [["RPUSH", "list", "x"], ":1\r\n"],
    [["INCR", "list"], WRONGTYPE],
    [["SET", "t", "10", "EX", "100"], "+OK\r\n"],
    [["INCR", "t"], ":11\r\n"],
    [["TTL", "t"], ":100\r\n"],
    [["GET", "t"], "$2\r\n11\r\n"],
  ]);
});

Deno.test("INCRBYFLOAT prints results as Redis's long double arithmetic does", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SET", "f", "10.5"], "+OK\r\n"],
    [["INCRBYFLOAT", "f", "0.1"], "$4\r\n10.6\r\n"],
    [["INCRBYFLOAT", "f", "10000000000.1"], "$29\r\n10000000010.69999999925494194\r\n"],
    [["SET", "f", "3"], "+OK\r\n"],
    [["INCRBYFLOAT", "f", "-3"], "$1\r\n0\r\n"],
    [["INCRBYFLOAT", "f", "0x10"], "$2\r\n16\r\n"],
    [["INCRBYFLOAT", "f", "1.5e-5"], "$9\r\n16.000015\r\n"],
    [["INCRBYFLOAT", "f", "inf"], "-ERR increment would produce NaN or Infinity\r\n"],
    [["INCRBYFLOAT", "f", "abc"], "-ERR value is not a valid float\r\n"],
    [["INCRBYFLOAT", "f", ""], "-ERR value is not a valid float\r\n"],
    [["INCRBYFLOAT", "f", " 1"], "-ERR value is not a valid float\r\n"],
    [["INCRBYFLOAT", "f", "1e5000"], "-ERR value is not a valid float\r\n"],
    [["INCRBYFLOAT", "g", "-1e-400"], "$1\r\n0\r\n"],
    [["SET", "s", "abc"], "+OK\r\n"],
    [["INCRBYFLOAT", "s", "1"], "-ERR value is not a valid float\r\n"],
    [["RPUSH", "list", "x"], ":1\r\n"],
    [["INCRBYFLOAT", "list", "1"], WRONGTYPE],
  ]);
  // RESP3 does not change the reply: INCRBYFLOAT answers with a bulk string.
  await c.call("HELLO", "3");
  assertEquals(await c.call("INCRBYFLOAT", "h", "2.5"), "$3\r\n2.5\r\n");
});

Deno.test("INCRBYFLOAT matches a real redis-server on random operands", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  using real = await RawClient.connect(redis.port);
  using ours = await RawClient.connect(server.port);
  const seed = Date.now() % 100000;
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const sign = () => ["", "-", "+"][rnd(3)];
  const operand = () => {
    switch (rnd(6)) {
      case 0:
        return sign() + rnd(100000);
      case 1:
        return `${sign()}${rnd(1000)}.${rnd(100000)}`;
      case 2:
        return `${sign()}${rnd(10)}.${rnd(1000)}e${rnd(80) - 40}`;
      case 3:
        return `${sign()}0x${rnd(65536).toString(16)}p${rnd(40) - 20}`;
      case 4:
        return sign() + String(Math.random() * 10 ** (rnd(40) - 15));
      default:
        return `${sign()}${rnd(10)}e${rnd(9800) - 4900}`;
    }
  };
  for (let i = 0; i < 300; i++) {
    const start = operand();
    const increment = operand();
    const replies: string[] = [];
    for (const c of [real, ours]) {
      await c.call("SET", "f", start);
      replies.push(await c.call("INCRBYFLOAT", "f", increment));
    }
    assertEquals(
      replies[1],
      replies[0],
      `seed ${seed}: SET f ${start}; INCRBYFLOAT f ${increment}`,
    );
  }
});

Deno.test("MGET, MSET and MSETNX answer as Redis", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["MSET", "a", "1", "b", "2"], "+OK\r\n"],
    [["MSET", "a"], "-ERR wrong number of arguments for 'mset' command\r\n"],
    [["MSET", "a", "1", "b"], "-ERR wrong number of arguments for 'mset' command\r\n"],
    [["RPUSH", "list", "x"], ":1\r\n"],
    [["MGET", "a", "nokey", "list", "b"], "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n2\r\n"],
    [["MSETNX", "c", "3", "a", "9"], ":0\r\n"],
    [["GET", "c"], "$-1\r\n"],
    [["MSETNX", "c", "3", "d", "4"], ":1\r\n"],
    [["MSETNX", "c", "3", "d"], "-ERR wrong number of arguments for 'msetnx' command\r\n"],
    [["MGET", "c", "d"], "*2\r\n$1\r\n3\r\n$1\r\n4\r\n"],
  ]);
});

Deno.test("APPEND, STRLEN, GETRANGE and SETRANGE handle ranges, padding and limits", async () => {
  await using server = startTestServer({ protoMaxBulkLen: 100 });
  using c = await RawClient.connect(server.port);
  const tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
  await expectReplies(c, [
    [["APPEND", "k", "Hello"], ":5\r\n"],
    [["APPEND", "k", " World"], ":11\r\n"],
    [["STRLEN", "k"], ":11\r\n"],
    [["STRLEN", "nokey"], ":0\r\n"],
    [["GETRANGE", "k", "0", "4"], "$5\r\nHello\r\n"],
    [["GETRANGE", "k", "-5", "-1"], "$5\r\nWorld\r\n"],
    [["GETRANGE", "k", "-100", "-50"], "$1\r\nH\r\n"],
    [["GETRANGE", "k", "-1", "-2"], "$0\r\n\r\n"],
    [["GETRANGE", "k", "5", "1"], "$0\r\n\r\n"],
    [["GETRANGE", "k", "0", "9223372036854775807"], "$11\r\nHello World\r\n"],
    [["GETRANGE", "k", "9223372036854775807", "-9223372036854775808"], "$0\r\n\r\n"],
    [["GETRANGE", "nokey", "0", "-1"], "$0\r\n\r\n"],
    [["GETRANGE", "k", "a", "1"], NOT_INTEGER],
    [["SETRANGE", "k", "6", "Redis"], ":11\r\n"],
    [["GET", "k"], "$11\r\nHello Redis\r\n"],
    [["SETRANGE", "k", "1", ""], ":11\r\n"],
    [["SETRANGE", "nokey", "0", ""], ":0\r\n"],
    [["EXISTS", "nokey"], ":0\r\n"],
    [["SETRANGE", "pad", "3", "x"], ":4\r\n"],
    [["GET", "pad"], "$4\r\n\x00\x00\x00x\r\n"],
    [["SETRANGE", "k", "-1", "x"], "-ERR offset is out of range\r\n"],
    [["SETRANGE", "k", "abc", "x"], NOT_INTEGER],
    [["SETRANGE", "k", "100", "x"], tooBig],
    [["SETRANGE", "k", "9223372036854775807", "x"], tooBig],
    [["SETRANGE", "k", "99", "x"], ":100\r\n"],
    [["APPEND", "k", "y"], tooBig],
    [["APPEND", "k", ""], ":100\r\n"],
    [["RPUSH", "list", "x"], ":1\r\n"],
    [["APPEND", "list", "x"], WRONGTYPE],
    [["STRLEN", "list"], WRONGTYPE],
    [["GETRANGE", "list", "0", "1"], WRONGTYPE],
    [["SETRANGE", "list", "0", ""], WRONGTYPE],
  ]);
});

Deno.test("values are binary-safe: NUL, 0xff and CRLF bytes round-trip", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const value = "\x00\xff\r\n\x80\x9f bytes \x00";
  const key = "k\x00\xfe";
  await c.sendCommand(bin("SET"), bin(key), bin(value));
  assertEquals(await c.readText(), "+OK\r\n");
  await c.sendCommand(bin("GET"), bin(key));
  assertEquals(text(await c.readReplyBytes()), `$${value.length}\r\n${value}\r\n`);
  await c.sendCommand(bin("APPEND"), bin(key), bin("\xff"));
  assertEquals(await c.readText(), `:${value.length + 1}\r\n`);
  await c.sendCommand(bin("GETRANGE"), bin(key), bin("0"), bin("1"));
  assertEquals(text(await c.readReplyBytes()), "$2\r\n\x00\xff\r\n");
  await c.sendCommand(bin("STRLEN"), bin(key));
  assertEquals(await c.readText(), `:${value.length + 1}\r\n`);
});

Deno.test("in RESP3 a missing value or an aborted SET is the null type", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("HELLO", "3");
  await expectReplies(c, [
    [["GET", "nokey"], "_\r\n"],
    [["SET", "k", "v"], "+OK\r\n"],
    [["SET", "k", "v", "NX"], "_\r\n"],
    [["MGET", "k", "nokey"], "*2\r\n$1\r\nv\r\n_\r\n"],
    [["GETDEL", "nokey"], "_\r\n"],
  ]);
});
