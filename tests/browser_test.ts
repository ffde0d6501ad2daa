/**
 * A real browser: Debian's Chromium (never a downloaded one), driven by playwright-core,
 * opens the demo console that respd serves (in RESP3, then RESP2), types SET/GET into it,
 * subscribes in the pub/sub panel and sees messages that a TCP client publishes arrive;
 * then logs in to a server with requirepass (also as an ACL user), and a page runs Lua scripts (EVAL, EVALSHA)
 * through /client.js; then a page follows a stream with XREAD BLOCK (its own script, and
 * the console's Streams panel) while a TCP client appends to it. A screenshot is saved as
 * tests/artifacts/browser_demo.png (look at it after UI changes). Chromium is installed by scripts/test.sh; the
 * test fails, rather than skips, when it is missing, so CI cannot pass without it.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { until } from "./support/eventually.ts";
import { launchChromium, TIMEOUT_MS } from "./support/chromium.ts";

const ARTIFACTS = new URL("./artifacts/", import.meta.url);

Deno.test("the demo page served by respd works in Chromium", async (t) => {
  await using browser = await launchChromium();
  await t.step("it runs SET/GET and shows messages a TCP client publishes", async () => {
    await using server = startTestServer({ wsPort: 0 });
    using tcp = await RawClient.connect(server.port);
    for (const protocol of [3, 2]) {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
      });

      await page.goto(`http://127.0.0.1:${server.wsPort}/?protocol=${protocol}`);
      await page.locator('#status[data-state="open"]').waitFor();
      assert((await page.locator("#status-text").textContent())?.includes(`RESP${protocol}`));

      // the console: type commands, replies are rendered by type
      const command = page.getByRole("textbox", { name: "Command", exact: true });
      const reply = (n: number, type: string) =>
        page.locator(`#log > li:nth-child(${n}) .reply[data-type="${type}"] .t-${type}`);
      await command.fill(`SET greeting "hello from chromium ${protocol}"`);
      await command.press("Enter");
      assertEquals(await reply(1, "simple").textContent(), "OK");
      await command.fill("GET greeting");
      await command.press("Enter");
      assertEquals(await reply(2, "bulk").textContent(), `"hello from chromium ${protocol}"`);
      await command.fill("INCR greeting");
      await command.press("Enter");
      assertEquals(
        await reply(3, "error").textContent(),
        "(error) ERR value is not an integer or out of range",
      );

      // the same store over TCP
      assertEquals(await tcp.call("GET", "greeting"), `$21\r\nhello from chromium ${protocol}\r\n`);

      // the pub/sub panel: a channel from its form, a pattern typed in the console
      await page.getByRole("textbox", { name: "Channel or pattern" }).fill("news");
      await page.getByRole("button", { name: "Subscribe", exact: true }).click();
      await command.fill("PSUBSCRIBE sport.*");
      await command.press("Enter");
      await page.locator('#subscriptions li[data-state="active"]').nth(1).waitFor();
      assertEquals(await tcp.call("PUBLISH", "news", "published over TCP"), ":1\r\n");
      assertEquals(await tcp.call("PUBLISH", "sport.tennis", "ace"), ":1\r\n");
      const news = page.locator('#messages li[data-channel="news"] .msg-body');
      // delivery is asynchronous: wait for the text, then check it exactly
      await news.filter({ hasText: "published over TCP" }).waitFor();
      assertEquals(await news.textContent(), '"published over TCP"');
      const sport = page.locator('#messages li[data-channel="sport.tennis"]');
      await sport.filter({ hasText: "ace" }).waitFor();
      assert((await sport.textContent())?.includes("(sport.*)"));
      // in RESP2 the console still answers while the panel is subscribed (its own connection)
      await command.fill("PING");
      await command.press("Enter");
      assertEquals(await reply(5, "simple").textContent(), "PONG");
      await command.fill("MGET greeting missing");
      await command.press("Enter");
      const items = page.locator('#log > li:nth-child(6) .reply[data-type="array"] li');
      await items.nth(1).waitFor(); // allTextContents() does not wait for the reply
      assertEquals(await items.allTextContents(), [
        `1) "hello from chromium ${protocol}"`,
        "2) (nil)",
      ]);

      // hashes, sorted sets and sets: a map, a double and a set in RESP3, arrays and bulks in RESP2
      const run = async (text: string) => {
        await command.fill(text);
        await command.press("Enter");
      };
      const listed = async (n: number, type: string) => {
        const lis = page.locator(`#log > li:nth-child(${n}) .reply[data-type="${type}"] li`);
        await lis.first().waitFor();
        return await lis.allTextContents();
      };
      await run("HSET h field value");
      await run("HGETALL h");
      assertEquals(
        await listed(8, protocol === 3 ? "map" : "array"),
        protocol === 3 ? ['1# "field" => "value"'] : ['1) "field"', '2) "value"'],
      );
      await run("ZADD z 1.5 m");
      await run("ZSCORE z m");
      if (protocol === 3) assertEquals(await reply(10, "double").textContent(), "(double) 1.5");
      else assertEquals(await reply(10, "bulk").textContent(), '"1.5"');
      await run("SADD s x");
      await run("SMEMBERS s");
      assertEquals(
        await listed(12, protocol === 3 ? "set" : "array"),
        protocol === 3 ? ['1~ "x"'] : ['1) "x"'],
      );

      if (protocol === 3) {
        await Deno.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: new URL("browser_demo.png", ARTIFACTS).pathname });
      }
      assertEquals(problems, []);
      await page.close();
    }
  });

  await t.step("it asks for the password of a server with requirepass", async () => {
    await using server = startTestServer({ wsPort: 0, requirepass: "s3cret" });
    const page = await browser.context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await page.goto(`http://127.0.0.1:${server.wsPort}/`);
    const password = page.getByLabel("Password");
    await password.waitFor();
    await page.locator("#status-text", { hasText: "NOAUTH" }).waitFor();
    assert((await page.locator("#status-text").textContent())?.startsWith("NOAUTH"));
    await password.fill("wrong");
    await password.press("Enter");
    await page.locator("#status-text", { hasText: "WRONGPASS" }).waitFor();
    await password.fill("s3cret");
    await password.press("Enter");
    await page.locator('#status[data-state="open"]').waitFor();
    const command = page.getByRole("textbox", { name: "Command", exact: true });
    await command.fill("DBSIZE");
    await command.press("Enter");
    assertEquals(await page.locator("#log .t-integer").textContent(), "(integer) 0");
    await page.close();
  });

  await t.step("the console logs in as an ACL user and gets that user's reach", async () => {
    await using server = startTestServer({ wsPort: 0, requirepass: "admin" });
    using tcp = await RawClient.connect(server.port);
    await tcp.call("AUTH", "admin");
    await tcp.call("ACL", "SETUSER", "page", "on", ">pw", "~user:42:*", "+@all", "-@dangerous");
    const page = await browser.context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await page.goto(`http://127.0.0.1:${server.wsPort}/`);
    await page.locator("#status-text", { hasText: "NOAUTH" }).waitFor();
    await page.getByLabel("User").fill("page");
    await page.getByLabel("Password").fill("pw");
    await page.getByLabel("Password").press("Enter");
    await page.locator("#status-text", { hasText: "user page" }).waitFor();
    const command = page.getByRole("textbox", { name: "Command", exact: true });
    await command.fill("SET user:42:name ann");
    await command.press("Enter");
    await page.locator("#log > li:nth-child(1) .t-simple").waitFor();
    await command.fill("GET other");
    await command.press("Enter");
    assertEquals(
      await page.locator("#log > li:nth-child(2) .t-error").textContent(),
      "(error) NOPERM this user has no permissions to access one of the keys used as arguments",
    );
    assertEquals(await tcp.call("GET", "user:42:name"), "$3\r\nann\r\n");
    await page.close();
  });

  await t.step("a page runs Lua scripts through /client.js", async () => {
    await using server = startTestServer({ wsPort: 0 });
    const page = await browser.context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    await page.goto(`http://127.0.0.1:${server.wsPort}/`);
    const results = await page.evaluate(async (port: number) => {
      const { connect } = await import(`http://127.0.0.1:${port}/client.js`);
      const out: unknown[] = [];
      for (const protocol of [3, 2]) {
        const db = await connect(`ws://127.0.0.1:${port}/ws`, { protocol });
        out.push(await db.send("EVAL", "return redis.call('INCR', KEYS[1])", 1, "visits"));
        out.push(await db.send("EVAL", "return {1, 'two', {ok='three'}, ARGV[1]}", 0, "four"));
        const sha = await db.send("SCRIPT", "LOAD", "return KEYS[1] .. '=' .. ARGV[1]");
        out.push(await db.send("EVALSHA", sha, 1, "k", "v"));
        out.push(await db.send("EVAL", "error('boom')", 0).catch((e: Error) => e.message));
        await db.close();
      }
      return out;
    }, server.wsPort);
    assertEquals(results, [
      1,
      [1, "two", "three", "four"],
      "k=v",
      "ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1.",
      2,
      [1, "two", "three", "four"],
      "k=v",
      "ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1.",
    ]);
    await page.close();
  });

  await t.step("a page follows a stream with XREAD BLOCK while a TCP client appends", async () => {
    await using server = startTestServer({ wsPort: 0 });
    using tcp = await RawClient.connect(server.port);
    for (const protocol of [3, 2]) {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      await page.goto(`http://127.0.0.1:${server.wsPort}/?protocol=${protocol}`);
      await page.locator('#status[data-state="open"]').waitFor();
      // The page's own follower: XREAD BLOCK 0 from `$`, then from the last id it saw.
      await page.evaluate(async ([wsPort, protocol]) => {
        const url = `http://127.0.0.1:${wsPort}/client.js`;
        const { connect } = await import(url);
        const db = await connect(`ws://127.0.0.1:${wsPort}/ws`, { protocol });
        const seen: string[] = [];
        (globalThis as unknown as { seen: string[] }).seen = seen;
        (async () => {
          let last = "$";
          for (;;) {
            const reply = await db.send("XREAD", "BLOCK", "0", "STREAMS", "feed", last);
            const entries = protocol === 3 ? reply.feed : reply[0][1];
            for (const [id, fields] of entries) {
              seen.push(`${id} ${fields.join(" ")}`);
              last = id;
            }
          }
        })();
      }, [server.wsPort, protocol] as const);
      const seen = () => page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
      for (let i = 1; i <= 3; i++) {
        await until(() => server.blocking.blockedCount === 1, "the page's reader to block");
        assertEquals(await tcp.call("XADD", "feed", "*", "n", String(i)).then((r) => r[0]), "$");
        await page.waitForFunction(
          (n) => (globalThis as unknown as { seen: string[] }).seen.length === n,
          i,
        );
      }
      // the demo console's Streams panel follows another stream the same way
      await page.getByRole("textbox", { name: "Stream key" }).fill("panel");
      await page.getByRole("button", { name: "Follow", exact: true }).click();
      await until(() => server.blocking.blockedCount === 2, "the panel's reader to block");
      assertEquals(await tcp.call("XADD", "panel", "7-1", "city", "Lyon"), "$3\r\n7-1\r\n");
      const shown = page.locator('#stream-entries li[data-id="7-1"]');
      await shown.waitFor();
      assertEquals(await shown.textContent(), '7-1 "city"="Lyon"');
      if (protocol === 3) {
        await page.screenshot({ path: new URL("browser_streams.png", ARTIFACTS).pathname });
      }
      const lines = await seen();
      assertEquals(lines.map((l) => l.split(" ").slice(1).join(" ")), ["n 1", "n 2", "n 3"]);
      assertEquals(
        lines.map((l) => l.split(" ")[0]),
        (await tcp.call("XRANGE", "feed", "-", "+")).match(/\d+-\d+/g)!.slice(-3),
      );
      await page.close();
      await tcp.call("DEL", "feed", "panel");
    }
  });
});
