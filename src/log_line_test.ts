/** Log lines: Redis's format (local time, level marks, role) and the JSON form. */

import { assertEquals } from "../tests/support/assert.ts";
import { formatLogLine } from "./log_line.ts";

const AT = new Date(2026, 11, 4, 9, 5, 7, 42); // local time, as Redis logs it

Deno.test("lines are Redis's: pid:role, day month year, time with ms, the level's mark", () => {
  assertEquals(
    formatLogLine("redis", "notice", "Ready to accept connections", AT, 4242),
    "4242:M 04 Dec 2026 09:05:07.042 * Ready to accept connections",
  );
  assertEquals(
    formatLogLine("redis", "warning", "x", AT, 1, "C"),
    "1:C 04 Dec 2026 09:05:07.042 # x",
  );
  assertEquals(formatLogLine("redis", "verbose", "x", AT, 1).split(" ")[5], "-");
  assertEquals(formatLogLine("redis", "debug", "x", AT, 1).split(" ")[5], ".");
});

Deno.test("JSON lines are one object each, with an ISO time and the message as given", () => {
  const line = formatLogLine("json", "warning", 'a "quoted"\nline', AT, 7);
  assertEquals(JSON.parse(line), {
    time: AT.toISOString(),
    pid: 7,
    role: "master",
    level: "warning",
    message: 'a "quoted"\nline',
  });
  assertEquals(line.includes("\n"), false);
});
