/**
 * The large form of sets and hashes, in process and without sockets: `ArenaTable` (bytes in
 * one arena, typed-array index) against `DenseTable` (a JS string per element, a `Map` to
 * positions; what sets and hashes used before, and sorted sets still use). For N elements
 * (`member:<i>`, and `value:<i>` for hashes): memory per element after a full GC (V8 heap
 * plus array buffers), and nanoseconds per add, lookup of a present and of an absent member,
 * and random removal (SPOP) in CPU time, each the best of three rounds (the first warms the
 * JIT).
 *
 *   deno run -A --v8-flags=--expose-gc bench/arena_table_bench.ts [--elements 1000000]
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { ArenaTable } from "../src/store/arena_table.ts";
import { DenseTable } from "../src/store/dense_table.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { elements: { type: "string", default: "1000000" } },
});
const N = Number(values.elements);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

function used(): number {
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

/** The strings a request would bring: built from bytes, not shared with the table. */
const names = Array.from({ length: N }, (_, i) => `member:${i}`);
const absent = Array.from({ length: N }, (_, i) => `absent:${i}`);
const vals = Array.from({ length: N }, (_, i) => `value:${i}`);

/** A new flat string with the bytes of `s`. */
function fresh(s: string): string {
  return Array.from(s).join("");
}

interface Table {
  add(i: number): void;
  has(s: string): boolean;
  pop(): void;
  size: number;
}

function arena(withValues: boolean): Table {
  const t = new ArenaTable(withValues);
  return {
    add: (i) => withValues ? t.set(names[i], vals[i]) : t.add(names[i]),
    has: (s) => t.has(s),
    pop: () => {
      const i = t.randomIndex();
      t.keyAt(i);
      t.removeAt(i);
    },
    get size() {
      return t.size;
    },
  };
}

function dense(withValues: boolean): Table {
  const t = new DenseTable<string>(withValues);
  return {
    // a copy of the name: a request's argument is a new string, which the table then keeps
    add: (i) =>
      withValues ? t.set((" " + names[i]).slice(1), vals[i]) : t.add((" " + names[i]).slice(1)),
    has: (s) => t.has(s),
    pop: () => t.removeAt(t.randomIndex()),
    get size() {
      return t.size;
    },
  };
}

/** The process's CPU time in ms (a loaded host's run-queue wait left out). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Nanoseconds of CPU per call of `f(0..n-1)`. */
function time(n: number, f: (i: number) => void): number {
  const t0 = cpuMs();
  for (let i = 0; i < n; i++) f(i);
  return ((cpuMs() - t0) * 1e6) / n;
}

for (const withValues of [false, true]) {
  for (const [name, make] of [["DenseTable", dense], ["ArenaTable", arena]] as const) {
    let bytes = 0;
    const best = { add: Infinity, hit: Infinity, miss: Infinity, pop: Infinity };
    for (let round = 0; round < 3; round++) {
      const before = used();
      const t = make(withValues);
      best.add = Math.min(best.add, time(N, (i) => t.add(i)));
      if (round === 0) bytes = (used() - before) / N;
      // fresh strings each round, as a request's arguments are: no hash cached in them yet
      const hits = names.map(fresh), misses = absent.map(fresh);
      best.hit = Math.min(best.hit, time(N, (i) => t.has(hits[i])));
      best.miss = Math.min(best.miss, time(N, (i) => t.has(misses[i])));
      best.pop = Math.min(best.pop, time(N, () => t.pop()));
    }
    const ns = (x: number) => `${x.toFixed(0)} ns`;
    console.log(
      `${withValues ? "hash" : "set "} ${name}: ${bytes.toFixed(1)} bytes/element, add ${
        ns(best.add)
      }, hit ${ns(best.hit)}, miss ${ns(best.miss)}, pop ${ns(best.pop)}`,
    );
  }
}
