/**
 * src/commands/key_specs_data.ts and command_docs_data.ts are what scripts/gen_key_specs.ts
 * and gen_command_docs.ts read from the redis-server on this machine for respd's commands:
 * a new command must regenerate them (`deno task gen:key-specs`, `gen:command-docs`). COMMAND GETKEYS itself is compared with Redis
 * in tests/differential/introspection.ts.
 */

import { assertEquals } from "./support/assert.ts";
import { generate } from "../scripts/gen_key_specs.ts";
import { generate as generateDocs } from "../scripts/gen_command_docs.ts";

Deno.test("the key specifications are Redis's for every command respd has", async () => {
  const current = Deno.readTextFileSync(
    new URL("../src/commands/key_specs_data.ts", import.meta.url),
  );
  assertEquals(current, await generate(), "stale: run deno task gen:key-specs");
});

Deno.test("the command docs are Redis's for every command respd has", async () => {
  const current = Deno.readTextFileSync(
    new URL("../src/commands/command_docs_data.ts", import.meta.url),
  );
  assertEquals(current, await generateDocs(), "stale: run deno task gen:command-docs");
});
