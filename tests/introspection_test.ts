/**
 * SLOWLOG and INFO commandstats / errorstats / latencystats against a real redis-server:
 * the same scripted session goes to both, then what each recorded is compared with the
 * figures that differ by nature masked (ids stay, times and durations are checked for
 * their form, addresses for being the client's own). Byte-exact replies (errors, HELP,
 * CONFIG) are in tests/differential/introspection.ts.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import type { Frame } from "../src/protocol/frame.ts";

const latin1 = new TextDecoder("latin1");

/** A frame as plain data: strings, numbers, arrays. */
function plain(f: Frame): unknown {
  switch (f.kind) {
    case "bulk":
    case "verbatim":
      return latin1.decode(f.value);
    case "simple":
      return f.value;
    case "error":
      return `-${f.value}`;
    case "integer":
      return Number(f.value);
    case "array":
    case "set":
    case "push":
      return f.value.map(plain);
    case "null":
      return null;
    default:
      return JSON.stringify(f);
  }
}

/** The scripted session: named client, writes, errors of each kind, a long argument list. */
async function script(c: RawClient): Promise<void> {
  const send = async (...args: string[]) => {
    await c.sendCommand(...args);
    await c.readFrame();
  };
  await send("CONFIG", "SET", "slowlog-log-slower-than", "0");
  await send("SLOWLOG", "RESET");
  await send("CONFIG", "RESETSTAT");
  await send("CLIENT", "SETNAME", "probe");
  await send("SET", "k", "v");
  await send("GET", "k");
  await send("GET"); // arity: rejected, not logged
  await send("NOSUCH", "a"); // unknown: an ERR, no command counted
  await send("LPUSH", "k", "x"); // WRONGTYPE: failed
  await send("INCR", "k"); // ERR not an integer: failed
  await send("AUTH", "secret"); // an error, and redacted
  await send("MULTI");
  await send("INCR", "n");
  await send("LPUSH", "k", "y");
  await send("EXEC"); // skip_slowlog; its failing command counts, EXEC does not
  await send("SET", "big", "x".repeat(300));
  await send("RPUSH", "list", ...Array.from({ length: 40 }, (_, i) => `e${i}`));
  // -1, not a threshold: a stall on a loaded host must not log the commands that follow
  await send("CONFIG", "SET", "slowlog-log-slower-than", "-1");
}

interface Recorded {
  slowlog: unknown[];
  len: number;
  commandstats: Map<string, string>;
  errorstats: string[];
  latency: Map<string, string>;
  port: number;
}

async function record(port: number): Promise<Recorded> {
  using c = await RawClient.connect(port);
  await script(c);
  await c.sendCommand("SLOWLOG", "GET", "-1");
  const slowlog = plain(await c.readFrame()) as unknown[];
  await c.sendCommand("SLOWLOG", "LEN");
  const len = plain(await c.readFrame()) as number;
  const info = async (section: string) => {
    await c.sendCommand("INFO", section);
    const text = plain(await c.readFrame()) as string;
    return text.split("\r\n").filter((l) => l !== "" && !l.startsWith("#"));
  };
  const fields = (lines: string[]) =>
    new Map(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
  const commandstats = fields(await info("commandstats"));
  const errorstats = (await info("errorstats")).sort();
  const latency = fields(await info("latencystats"));
  return { slowlog, len, commandstats, errorstats, latency, port };
}

/** The command stats that must agree: everything but the times. */
function countsOnly(stats: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of stats) {
    if (name.startsWith("cmdstat_info") || name.startsWith("cmdstat_slowlog")) continue;
    out[name] = value.replace(/usec=\d+,usec_per_call=[\d.]+,/, "");
  }
  return out;
}

Deno.test("SLOWLOG and INFO commandstats/errorstats/latencystats record what Redis records", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const expected = await record(redis.port);
  const actual = await record(respd.port);

  // Slow log: same entries, newest first, with the same arguments (cut and redacted).
  assertEquals(actual.len, expected.len);
  const shape = (entries: unknown[]) =>
    entries.map((e) => {
      const [id, time, usec, args, addr, name] = e as [
        number,
        number,
        number,
        string[],
        string,
        string,
      ];
      assert(Number.isInteger(time) && Math.abs(time - Date.now() / 1000) < 60, `time ${time}`);
      assert(Number.isInteger(usec) && usec >= 0, `usec ${usec}`);
      assert(/^127\.0\.0\.1:\d+$/.test(addr), `addr ${addr}`);
      return { id, args, name };
    });
  // ids count from the server's start: compare them relative to the newest entry
  const relative = (xs: { id: number }[]) => xs.map((x) => ({ ...x, id: xs[0].id - x.id }));
  assertEquals(relative(shape(actual.slowlog)), relative(shape(expected.slowlog)));

  assertEquals(countsOnly(actual.commandstats), countsOnly(expected.commandstats));
  for (const value of actual.commandstats.values()) {
    assert(
      /^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$/.test(
        value,
      ),
      value,
    );
  }
  assertEquals(actual.errorstats, expected.errorstats);
  assertEquals([...actual.latency.keys()].sort(), [...expected.latency.keys()].sort());
  for (const value of actual.latency.values()) {
    assert(/^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/.test(value), value);
  }
});

Deno.test("the slow log keeps slowlog-max-len entries and logs nothing at -1", async () => {
  await using respd = startTestServer();
  using c = await RawClient.connect(respd.port);
  assertEquals(
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "3"),
    "+OK\r\n",
  );
  for (let i = 0; i < 5; i++) await c.call("PING");
  assertEquals(await c.call("SLOWLOG", "LEN"), ":3\r\n");
  assertEquals(await c.call("CONFIG", "SET", "slowlog-max-len", "1"), "+OK\r\n");
  assertEquals(await c.call("SLOWLOG", "LEN"), ":1\r\n");
  assertEquals(
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1", "slowlog-max-len", "9"),
    "+OK\r\n",
  );
  assertEquals(await c.call("SLOWLOG", "RESET"), "+OK\r\n");
  await c.call("PING");
  assertEquals(await c.call("SLOWLOG", "LEN"), ":0\r\n");
});
