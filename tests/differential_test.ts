/**
 * Differential test: every sequence in tests/differential/ goes to a real redis-server and
 * to respd, in RESP2 and after HELLO 3, and every reply must be byte-identical (within the
 * few relaxations a step declares, see tests/support/differential.ts). One step per family,
 * each listing every sequence that differed, with both replies. `DIFF_FILTER=text` runs
 * only the sequences whose name contains `text`.
 */

import { assert } from "./support/assert.ts";
import { DifferentialRig, type Sequence } from "./support/differential.ts";
import { sequences as acl } from "./differential/acl.ts";
import { sequences as binary } from "./differential/binary.ts";
import { sequences as connection } from "./differential/connection.ts";
import { sequences as databases } from "./differential/databases.ts";
import {
  clientState,
  numberForms,
  repeatedOptions,
  sequences as edge,
} from "./differential/edge.ts";
import { sequences as errors } from "./differential/errors.ts";
import { sequences as expiry } from "./differential/expiry.ts";
import { sequences as keyspace } from "./differential/keyspace.ts";
import { sequences as lists } from "./differential/lists.ts";
import { objectSequences, sequences as listEdits } from "./differential/list_edits.ts";
import { sequences as bitmaps } from "./differential/bitmaps.ts";
import { sequences as lcs } from "./differential/lcs.ts";
import { onOtherTypes as sortOtherTypes, sequences as sort } from "./differential/sort.ts";
import { sequences as pipelines } from "./differential/pipelines.ts";
import { sequences as persistence } from "./differential/persistence.ts";
import { sequences as pubsub } from "./differential/pubsub.ts";
import { sequences as strings } from "./differential/strings.ts";
import { sequences as hashes } from "./differential/hashes.ts";
import { sequences as sets } from "./differential/sets.ts";
import { sequences as zsets } from "./differential/zsets.ts";
import { sequences as random } from "./differential/random.ts";
import { sequences as scripting } from "./differential/scripting.ts";
import { sequences as zsetBlocking } from "./differential/zset_blocking.ts";
import { sequences as streams } from "./differential/streams.ts";
import { sequences as introspection } from "./differential/introspection.ts";
import { sequences as keyAccess } from "./differential/key_access.ts";
import { sequences as packed } from "./differential/packed.ts";

const families: Record<string, Sequence[]> = {
  strings,
  keyspace,
  expiry,
  databases,
  lists,
  hashes,
  sets,
  zsets,
  random,
  listEdits: [...listEdits, ...objectSequences],
  bitmaps,
  lcs,
  sort: [...sort, ...sortOtherTypes],
  connection,
  errors,
  binary,
  edge: [...edge, ...repeatedOptions, ...numberForms, ...clientState],
  pipelines,
  pubsub,
  scripting,
  introspection,
  zsetBlocking,
  streams,
  persistence,
  acl,
  keyAccess,
  packed,
};

const filter = Deno.env.get("DIFF_FILTER");

Deno.test("the differential suite has at least 300 distinct sequences", () => {
  const all = Object.values(families).flat();
  const names = new Set(all.map((s) => s.name));
  const duplicates = all.filter((s, i) => all.findIndex((t) => t.name === s.name) !== i);
  assert.deepEqual(duplicates.map((s) => s.name), []);
  assert.ok(names.size >= 300, `only ${names.size} sequences`);
});

Deno.test("respd answers every sequence byte for byte as redis-server does, in RESP2 and RESP3", async (t) => {
  await using rig = await DifferentialRig.start();
  for (const [family, all] of Object.entries(families)) {
    const chosen = filter ? all.filter((s) => s.name.includes(filter)) : all;
    if (chosen.length === 0) continue;
    await t.step(`${family}: ${chosen.length} sequences`, async () => {
      const mismatches = await rig.runAll(chosen);
      const report = mismatches.map((m) => m.report).join("\n");
      assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${report}`);
    });
  }
});
