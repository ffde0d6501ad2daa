/** Unit tests of the Origin rules (origin_check.ts). */

import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { originAllowed, parseAllowedHosts } from "./origin_check.ts";

const allowed = (origin: string | null, host: string | null, hosts: string[] = []) =>
  originAllowed({ origin, host, scheme: "http" }, null, hosts);

Deno.test("clients without an Origin and localhost pages on any port are admitted", () => {
  assert(allowed(null, null));
  assert(allowed("http://localhost:5173", "127.0.0.1:6380"));
  assert(allowed("https://127.0.0.1:8443", "127.0.0.1:6380"));
  assert(allowed("http://localhost", null));
});

Deno.test("a page whose Origin matches Host is admitted when the host is an address", () => {
  assert(allowed("http://192.168.1.5:6380", "192.168.1.5:6380"));
  assert(allowed("http://[fe80::1]:6380", "[fe80::1]:6380"));
  assert(allowed("http://localhost:6380", "localhost:6380"));
  assert(allowed("http://10.0.0.2", "10.0.0.2:80")); // default ports compare equal
  assert(!allowed("http://10.0.0.2:6381", "10.0.0.2:6380")); // another port
  assert(!allowed("https://10.0.0.2:6380", "10.0.0.2:6380")); // another scheme
  assert(!allowed("http://10.0.0.3:6380", "10.0.0.2:6380"));
  assert(!allowed("http://10.0.0.2:6380", null));
  assert(
    originAllowed(
      { origin: "https://10.0.0.2:6380", host: "10.0.0.2:6380", scheme: "https" },
      null,
      [],
    ),
  );
});

Deno.test("a name is the server's own only when listed: DNS rebinding is refused", () => {
  assert(!allowed("http://evil.example:6380", "evil.example:6380"));
  assert(!allowed("http://localhost.evil.example", "localhost.evil.example"));
  assert(!allowed("http://127.0.0.1.evil.example:80", "127.0.0.1.evil.example:80"));
  assert(allowed("http://respd.lan:6380", "respd.lan:6380", ["respd.lan"]));
  assert(allowed("http://RESPD.lan:6380", "respd.LAN:6380", ["respd.lan"])); // case-blind
  assert(!allowed("http://other.lan:6380", "other.lan:6380", ["respd.lan"]));
  assert(!allowed("null", "10.0.0.2:6380"));
  assert(!allowed("http://10.0.0.2:6380/path", "10.0.0.2:6380"));
});

Deno.test("--ws-allowed-origins replaces the rules; '*' admits all", () => {
  const req = { origin: "http://127.0.0.1:6380", host: "127.0.0.1:6380", scheme: "http" as const };
  assert(!originAllowed(req, ["https://app.example"], []));
  assert(originAllowed({ ...req, origin: "https://app.example" }, ["https://app.example"], []));
  assert(originAllowed({ ...req, origin: "https://x.example" }, ["*"], []));
});

Deno.test("--ws-allowed-hosts takes plain host names", () => {
  assertEquals(parseAllowedHosts("respd.lan, Box.Example"), ["respd.lan", "box.example"]);
  assertEquals(parseAllowedHosts(""), []);
  assertEquals(parseAllowedHosts("respd.lan:6380"), null);
  assertEquals(parseAllowedHosts("http://respd.lan"), null);
});
