/**
 * `StringKeyMap` against a `Map` model (and `StringKeySet` against a `Set`): random operations on
 * keys that V8 would hash by their numeric value ("0", "131072", "4294967294") and keys it would
 * not ("007", "-1", "4294967295", "a1", ""), the same order in iteration, live iterators under
 * deletions and insertions; and the flood it exists for: keys that share one bucket of a `Map` fill
 * it about as fast as random ones.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { StringKeyMap, StringKeySet } from "./string_key_map.ts";

const key = fc.oneof(
  fc.nat(4_294_967_295).map(String),
  fc.constantFrom("0", "007", "-1", "4294967294", "4294967295", "12345678901", "", "a1", "1a"),
  fc.string({ maxLength: 4 }),
);

Deno.test("StringKeyMap behaves as a Map, iteration order and live iterators included", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom("set", "delete", "step"), key, fc.nat()), {
        maxLength: 200,
      }),
      (ops) => {
        const map = new StringKeyMap<number>();
        const model = new Map<string, number>();
        const iterator = map.entries(), modelIterator = model.entries();
        for (const [op, k, v] of ops) {
          if (op === "set") map.set(k, v) && model.set(k, v);
          else if (op === "delete") assertEquals(map.delete(k), model.delete(k));
          else assertEquals(iterator.next(), modelIterator.next());
          assertEquals([map.get(k), map.has(k), map.size], [
            model.get(k),
            model.has(k),
            model.size,
          ]);
        }
        assertEquals([...map], [...model]);
        assertEquals([...map.keys()], [...model.keys()]);
        assertEquals([...map.values()], [...model.values()]);
        const visited: [string, number][] = [];
        map.forEach((v, k) => visited.push([k, v]));
        assertEquals(visited, [...model]);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("StringKeySet behaves as a Set", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 200 }), (ops) => {
      const set = new StringKeySet();
      const model = new Set<string>();
      for (const [add, k] of ops) {
        if (add) set.add(k) && model.add(k);
        else assertEquals(set.delete(k), model.delete(k));
        assertEquals([set.has(k), set.size], [model.has(k), model.size]);
      }
      assertEquals([...set], [...model]);
      assertEquals([...set.entries()], [...model.entries()]);
      const visited: string[] = [];
      set.forEach((v) => visited.push(v));
      assertEquals(visited, [...model]);
    }),
    { numRuns: 300 },
  );
});

Deno.test("keys a Map puts in one bucket fill a StringKeyMap as fast as random keys", () => {
  const n = 16_384;
  const fill = (keys: string[]) => {
    const map = new StringKeyMap<number>();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) map.set(keys[i], i);
    for (let i = 0; i < n; i++) map.get(keys[i]);
    return performance.now() - t0;
  };
  const step = 2 ** 32 / n;
  const colliding = Array.from({ length: n }, (_, i) => String(i * step));
  const random = Array.from({ length: n }, () => String(Math.floor(Math.random() * 2 ** 32)));
  fill(random); // warm-up
  const [c, r] = [fill(colliding), fill(random)];
  console.log(`${n} colliding keys ${c.toFixed(1)} ms, random ${r.toFixed(1)} ms`);
  // a bare Map: 8,192 such keys 307 ms against 4 ms, 32,768 5.4 s against 39 ms
  assert(c < 10 * r + 50, `colliding keys took ${c.toFixed(0)} ms, random ${r.toFixed(0)} ms`);
});
