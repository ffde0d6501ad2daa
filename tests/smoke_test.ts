/** The smallest end-to-end check: respd on port 0 answers PING over raw TCP. */

import { assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";

Deno.test("a server on port 0 answers PING and SET/GET over TCP", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("PING"), "+PONG\r\n");
  assertEquals(await c.call("SET", "k", "v"), "+OK\r\n");
  assertEquals(await c.call("GET", "k"), "$1\r\nv\r\n");
});
