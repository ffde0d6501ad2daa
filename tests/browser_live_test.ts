/**
 * A real Chromium page (tests/support/chromium.ts) using respd's browser client, served at
 * /client.js, against changes made by a TCP client: the local cache (`db.cached`) answers
 * the second read without the server and drops the entry when a TCP client changes the
 * key; keyspace notifications reach a page's subscription; MULTI/EXEC runs from the page.
 */

import { assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { launchChromium, TIMEOUT_MS } from "./support/chromium.ts";
import { parseNotifyClasses } from "../src/pubsub/keyspace_events.ts";
import type { Client } from "../src/web/client.ts";

/** What the page keeps on its global object. */
interface Page {
  db: Client;
  events: string[];
}

Deno.test("a page's cache, notifications and transactions follow TCP clients' writes", async (t) => {
  await using server = startTestServer({
    wsPort: 0,
    notifyKeyspaceEvents: parseNotifyClasses("KEA")!,
  });
  await using browser = await launchChromium();
  using tcp = await RawClient.connect(server.port);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  await page.goto(`http://127.0.0.1:${server.wsPort}/`);
  const ws = `ws://127.0.0.1:${server.wsPort}/ws`;
  await page.evaluate(async (url) => {
    const { connect } = await import("/client.js");
    const w = globalThis as unknown as Page;
    w.db = await connect(url);
    w.events = [];
  }, ws);

  await t.step("the second read is served locally until a TCP write invalidates it", async () => {
    assertEquals(await tcp.call("SET", "greeting", "hello"), "+OK\r\n");
    const first = await page.evaluate(async () => {
      const db = (globalThis as unknown as Page).db;
      const a = await db.cached("GET", "greeting");
      const b = await db.cached("GET", "greeting");
      return { a, b, stats: db.cacheStats() };
    });
    assertEquals(first.a, "hello");
    assertEquals(first.b, "hello");
    assertEquals([first.stats.hits, first.stats.misses], [1, 1]);
    assertEquals(first.stats.entries, [{ command: "GET greeting", keys: ["greeting"], hits: 1 }]);
    // the server counts one GET: the second read never left the page
    const info = await tcp.call("INFO", "stats");
    const before = Number(/total_commands_processed:(\d+)/.exec(info)![1]);
    assertEquals(
      await page.evaluate(() => (globalThis as unknown as Page).db.cached("GET", "greeting")),
      "hello",
    );
    const after = Number(
      /total_commands_processed:(\d+)/.exec(await tcp.call("INFO", "stats"))![1],
    );
    assertEquals(after - before, 1, "only the INFO itself ran on the server");
    assertEquals(await tcp.call("SET", "greeting", "bonjour"), "+OK\r\n");
    await page.waitForFunction(() =>
      (globalThis as unknown as Page).db.cacheStats().invalidations >= 1
    );
    const second = await page.evaluate(async () => {
      const db = (globalThis as unknown as Page).db;
      return { value: await db.cached("GET", "greeting"), stats: db.cacheStats() };
    });
    assertEquals(second.value, "bonjour");
    assertEquals(second.stats.misses, 2);
  });

  await t.step("keyspace notifications reach the page", async () => {
    await page.evaluate(async () => {
      const w = globalThis as unknown as Page;
      await w.db.psubscribe(
        "__keyspace@0__:*",
        (m: { channel: string; message: string }) => w.events.push(`${m.channel} ${m.message}`),
      );
    });
    assertEquals(await tcp.call("RPUSH", "jobs", "a"), ":1\r\n");
    assertEquals(await tcp.call("DEL", "jobs"), ":1\r\n");
    await page.waitForFunction(() => (globalThis as unknown as Page).events.length >= 2);
    assertEquals(await page.evaluate(() => (globalThis as unknown as Page).events), [
      "__keyspace@0__:jobs rpush",
      "__keyspace@0__:jobs del",
    ]);
  });

  await t.step("MULTI/EXEC runs from the page, WATCH sees a TCP write", async () => {
    const replies = await page.evaluate(async () => {
      const db = (globalThis as unknown as Page).db;
      await db.send("WATCH", "stock");
      await db.send("MULTI");
      await db.send("INCR", "stock");
      return await db.send("EXEC");
    });
    assertEquals(replies, [1]);
    await page.evaluate(() => (globalThis as unknown as Page).db.send("WATCH", "stock"));
    assertEquals(await tcp.call("SET", "stock", "100"), "+OK\r\n");
    const aborted = await page.evaluate(async () => {
      const db = (globalThis as unknown as Page).db;
      await db.send("MULTI");
      await db.send("INCR", "stock");
      return await db.send("EXEC");
    });
    assertEquals(aborted, null);
  });
  await page.close();

  await t.step("the demo console shows a cached key and its hit count live", async () => {
    const demo = await browser.context.newPage();
    demo.setDefaultTimeout(TIMEOUT_MS);
    await demo.goto(`http://127.0.0.1:${server.wsPort}/`);
    await demo.locator('#status[data-state="open"]').waitFor();
    const key = demo.getByRole("textbox", { name: "Key to read through the cache" });
    const read = demo.getByRole("button", { name: "GET (cached)" });
    await key.fill("greeting");
    await read.click();
    await demo.locator('#cache-entries li[data-command="GET greeting"]').waitFor();
    await key.fill("greeting");
    await read.click();
    const hits = demo.locator('#cache-entries li[data-command="GET greeting"] .hits');
    await demo.locator("#cache-entries .hits", { hasText: "1 hits" }).waitFor();
    assertEquals(await hits.textContent(), "1 hits");
    await demo.screenshot({ path: new URL("browser_cache.png", ARTIFACTS).pathname });
    assertEquals(await tcp.call("SET", "greeting", "hola"), "+OK\r\n");
    await demo.locator("#cache-summary", { hasText: "1 invalidations" }).waitFor();
    assertEquals(await demo.locator("#cache-entries li").count(), 0);
    await demo.close();
  });
});

const ARTIFACTS = new URL("./artifacts/", import.meta.url);
