/**
 * The cost of ZADD, ZRANGE and ZRANK on sorted sets of 10k, 100k and 1M members, measured
 * on the value itself (store/types/zset.ts), without sockets: each should grow as log N.
 * ZADD moves an existing member to a new score (delete + insert in the tree); ZRANGE reads
 * 10 members from a random rank; ZRANK finds a random member's rank.
 *
 *   deno bench -A bench/zset_bench.ts
 */

import { SortedSetValue } from "../src/store/types/zset.ts";

for (const n of [10_000, 100_000, 1_000_000]) {
  const z = new SortedSetValue(0, {
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
  });
  for (let i = 0; i < n; i++) z.set(`member:${i}`, (i * 7919) % n);
  let seed = 1;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;

  Deno.bench(`ZADD (update) ${n}`, { group: "zadd", baseline: n === 10_000 }, () => {
    const i = next();
    z.set(`member:${i}`, next());
  });
  Deno.bench(
    `ZRANGE 10 from a random rank ${n}`,
    { group: "zrange", baseline: n === 10_000 },
    () => {
      const from = next() % (n - 10);
      let total = 0;
      z.tree.forEach(from, from + 9, (s) => (total += s));
    },
  );
  Deno.bench(`ZRANK ${n}`, { group: "zrank", baseline: n === 10_000 }, () => {
    const m = `member:${next()}`;
    z.tree.rank(z.score(m)!, m);
  });
}
