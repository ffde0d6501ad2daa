/**
 * The demo console opened from another machine, in a real Chromium (Debian's, driven by
 * playwright-core): the server is bound to 0.0.0.0 and the page is loaded from 127.0.0.2,
 * standing in for the machine's LAN address, so its WebSocket's Origin is the page's own
 * (http://127.0.0.2:PORT), not localhost; the console must connect and run commands.
 */

import { assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { launchChromium, TIMEOUT_MS } from "./support/chromium.ts";

Deno.test("the console loaded from a non-loopback address connects and runs commands", async () => {
  await using browser = await launchChromium();
  await using server = startTestServer({ wsPort: 0, bind: "0.0.0.0" });
  using tcp = await RawClient.connect(server.port);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  await page.goto(`http://127.0.0.2:${server.wsPort}/`);
  await page.locator('#status[data-state="open"]').waitFor();
  const command = page.getByRole("textbox", { name: "Command", exact: true });
  await command.fill("SET remote-console works");
  await command.press("Enter");
  const reply = page.locator('#log > li:nth-child(1) .reply[data-type="simple"] .t-simple');
  assertEquals(await reply.textContent(), "OK");
  assertEquals(await tcp.call("GET", "remote-console"), "$5\r\nworks\r\n");
});
