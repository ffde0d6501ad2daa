/**
 * Differential sequences with several connections at once (tests/differential/
 * transactions.ts, blocking.ts, notifications.ts, tracking.ts). Two runs: the sequences
 * against two real redis-servers (they must agree with themselves: this checks the
 * sequences and the harness's named connections, blocked replies and pushes), and against
 * respd for the families it implements. `DIFF_PENDING=1` also runs the families respd does
 * not implement yet; `DIFF_FILTER=text` keeps only sequences whose name contains `text`.
 */

import { assert } from "./support/assert.ts";
import { DifferentialRig, type Sequence } from "./support/differential.ts";
import { listMoves, listPops, pausing, unblocking, zsetPops } from "./differential/blocking.ts";
import { keyMisses, sequences as notifications } from "./differential/notifications.ts";
import { sequences as listBitNotifications } from "./differential/list_bit_notifications.ts";
import { sequences as tracking } from "./differential/tracking.ts";
import { sequences as transactions } from "./differential/transactions.ts";

const families: Record<string, Sequence[]> = {
  transactions,
  listPops,
  unblocking,
  pausing,
  listMoves,
  zsetPops,
  notifications: [...notifications, ...listBitNotifications],
  keyMisses,
  tracking,
};

/** The families respd answers byte for byte today. */
const implemented = new Set<string>([
  "transactions",
  "listPops",
  "unblocking",
  "pausing",
  "listMoves",
  "zsetPops",
  "notifications",
  "keyMisses",
  "tracking",
]);

const filter = Deno.env.get("DIFF_FILTER");
const pending = Deno.env.get("DIFF_PENDING") === "1";
/** `DIFF_FAMILIES=a,b` runs only those families against respd (implemented or not). */
const asked = Deno.env.get("DIFF_FAMILIES")?.split(",");

function chosen(all: Sequence[]): Sequence[] {
  return filter ? all.filter((s) => s.name.includes(filter)) : all;
}

async function runFamilies(rig: DifferentialRig, t: Deno.TestContext, names: string[]) {
  for (const family of names) {
    const list = chosen(families[family]);
    if (list.length === 0) continue;
    await t.step(`${family}: ${list.length} sequences`, async () => {
      const mismatches = await rig.runAll(list);
      const report = mismatches.map((m) => m.report).join("\n");
      assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${report}`);
    });
  }
}

Deno.test("multi-connection sequences agree between two redis-servers", async (t) => {
  await using rig = await DifferentialRig.startRedisPair();
  await runFamilies(rig, t, Object.keys(families));
});

Deno.test("respd answers multi-connection sequences as redis-server does", async (t) => {
  await using rig = await DifferentialRig.start();
  await runFamilies(
    rig,
    t,
    Object.keys(families).filter((f) => asked ? asked.includes(f) : pending || implemented.has(f)),
  );
});
