/**
 * BZPOPMIN / BZPOPMAX with two clients, against redis-server and respd alike: a waiting
 * client is woken by another client's ZADD and gets the lowest (highest) entry, the earliest
 * waiter first; a timeout answers a null array after its time.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";

Deno.test("BZPOPMIN and BZPOPMAX wait for a ZADD from another client, as redis-server", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  for (const [target, port] of [["redis", redis.port], ["respd", server.port]] as const) {
    using first = await RawClient.connect(port);
    using second = await RawClient.connect(port);
    using writer = await RawClient.connect(port);
    await first.sendCommand("BZPOPMIN", "z", "other", "0");
    await new Promise((r) => setTimeout(r, 50));
    await second.sendCommand("BZPOPMAX", "z", "0");
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(await writer.call("ZADD", "z", "1", "a", "2", "b", "3", "c"), ":3\r\n", target);
    assertEquals(await first.readText(), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", target);
    assertEquals(await second.readText(), "*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n", target);
    assertEquals(await writer.call("ZRANGE", "z", "0", "-1"), "*1\r\n$1\r\nb\r\n", target);
    const started = performance.now();
    assertEquals(await writer.call("BZPOPMIN", "empty", "0.2"), "*-1\r\n", target);
    assert(performance.now() - started >= 150, `${target}: the timeout waited`);
    await writer.call("DEL", "z");
  }
});
