/**
 * The demo console opened from another machine, in a real Chromium (Debian's, driven by
 * playwright-core): the server is bound to 0.0.0.0 and the page is loaded from 127.0.0.2,
 * standing in for the machine's LAN address, so its WebSocket's Origin is the page's own
 * (http://127.0.0.2:PORT), not localhost; the console must connect and run commands.
 * Then the same over https:// and wss:// (`wsTls`), with a certificate from the test's own
 * CA (support/tls_certs.ts) that Chromium is told to trust by its key's SPKI hash
 * (`--ignore-certificate-errors-spki-list`), not by ignoring certificate errors at large.
 */

import { assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { launchChromium, TIMEOUT_MS } from "./support/chromium.ts";
import { makeTestCerts } from "./support/tls_certs.ts";

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

Deno.test("the console served over https connects its WebSocket over wss", async () => {
  await using certs = await makeTestCerts();
  await using browser = await launchChromium([
    `--ignore-certificate-errors-spki-list=${certs.serverSpki}`,
  ]);
  await using server = startTestServer({
    wsPort: 0,
    wsTls: true,
    tlsCertFile: certs.serverCert,
    tlsKeyFile: certs.serverKey,
  });
  await server.listening;
  using tcp = await RawClient.connect(server.port);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const response = await page.goto(`https://localhost:${server.wsPort}/`);
  assertEquals(response?.status(), 200);
  assertEquals(new URL(page.url()).protocol, "https:");
  await page.locator('#status[data-state="open"]').waitFor();
  assertEquals(sockets, [`wss://localhost:${server.wsPort}/ws`]);
  const command = page.getByRole("textbox", { name: "Command", exact: true });
  await command.fill("SET secure-console yes");
  await command.press("Enter");
  const reply = page.locator('#log > li:nth-child(1) .reply[data-type="simple"] .t-simple');
  assertEquals(await reply.textContent(), "OK");
  assertEquals(await tcp.call("GET", "secure-console"), "$3\r\nyes\r\n");
  // a page over plain http on the TLS port gets nothing
  const plain = await fetch(`http://127.0.0.1:${server.wsPort}/`).then(
    (r) => r.status,
    () => "refused",
  );
  assertEquals(plain, "refused");
});
