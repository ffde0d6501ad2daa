/**
 * src/commands/key_specs_data.ts is what scripts/gen_key_specs.ts reads from the
 * redis-server on this machine for respd's commands: a new command, or a changed one, must
 * regenerate it (`deno task gen:key-specs`). COMMAND GETKEYS itself is compared with Redis
 * in tests/differential/introspection.ts.
 */

import { assertEquals } from "./support/assert.ts";
import { generate } from "../scripts/gen_key_specs.ts";

Deno.test("the key specifications are Redis's for every command respd has", async () => {
  const current = Deno.readTextFileSync(
    new URL("../src/commands/key_specs_data.ts", import.meta.url),
  );
  assertEquals(current, await generate(), "stale: run deno task gen:key-specs");
});
