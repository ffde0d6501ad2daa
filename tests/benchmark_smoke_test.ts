/**
 * redis-benchmark against respd as a smoke test (not a timing): the standard tests, with
 * and without pipelining, run to completion with every reply accepted and no error reply
 * (redis-benchmark 7.0 exits non-zero at the first error reply or malformed reply).
 * redis-benchmark also reads `CONFIG GET save` / `appendonly` at start, so its "could not
 * fetch server CONFIG" warning must not appear. Throughput is bench/'s job (issue 4).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { run, startTestServer } from "./support/servers.ts";

const TESTS = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "MSET (10 keys)"];

for (const pipeline of [1, 16]) {
  Deno.test(`redis-benchmark -P ${pipeline} completes every test with no error`, async () => {
    await using server = startTestServer();
    const r = await run("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(server.port),
      "-t",
      "ping,set,get,incr,lpush,mset",
      "-P",
      String(pipeline),
      "-n",
      "2000",
      "-c",
      "8",
      "-r",
      "1000",
      "--csv",
    ]);
    assertEquals(r.code, 0, r.stderr);
    assert(!/error|WARNING|Could not/i.test(r.stdout + r.stderr), r.stdout + r.stderr);
    const rows = new Map<string, number>();
    for (const line of r.stdout.trim().split("\n").slice(1)) {
      const [name, rps] = JSON.parse(`[${line}]`) as [string, string];
      rows.set(name, Number(rps));
    }
    for (const test of TESTS) {
      assert((rows.get(test) ?? 0) > 0, `${test} ran: ${r.stdout}`);
    }
    // The keys the write tests made are really there.
    assert(server.keyspace.dbs[0].size > 0);
  });
}
