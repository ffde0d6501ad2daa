/**
 * The partial quicksort Redis's SORT uses when BY and LIMIT are both given (Redis's
 * pqsort.c: Bentley & McIlroy's quicksort as in NetBSD's libc, skipping the partitions
 * that lie wholly outside the wanted range). It is not stable, so elements that compare
 * equal (ALPHA weights that tie) come out in the order this exact algorithm leaves them;
 * respd reproduces the algorithm step for step so that such ties order as in Redis.
 *
 * Positions are element indexes; the C code's byte-address range tests are kept in their
 * byte form (`ELEMENT` bytes per element) so the boundary cases are the same.
 */

/** sizeof(redisSortObject) on 64-bit: any size > 1 gives the same decisions. */
const ELEMENT = 16;

/** Sorts `items[start..end]` (inclusive) into place as Redis's pqsort would. */
export function partialSort<T>(
  items: T[],
  cmp: (a: T, b: T) => number,
  start: number,
  end: number,
): void {
  const lrange = start * ELEMENT, rrange = (end + 1) * ELEMENT - 1;
  const swap = (i: number, j: number) => {
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  };
  const vecswap = (i: number, j: number, n: number) => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number) => cmp(items[i], items[j]);
  const med3 = (a: number, b: number, d: number) =>
    c(a, b) < 0 ? (c(b, d) < 0 ? b : c(a, d) < 0 ? d : a) : c(b, d) > 0 ? b : c(a, d) < 0 ? a : d;
  const insertion = (a: number, n: number) => {
    for (let pm = a + 1; pm < a + n; pm++) {
      for (let pl = pm; pl > a && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
    }
  };
  /** Whether the elements a..a+n-1 hold none of the wanted range. */
  const outside = (a: number, n: number) => {
    const l = a * ELEMENT, r = (a + n) * ELEMENT - 1;
    return (lrange < l && rrange < l) || (lrange > r && rrange > r);
  };

  const sort = (a: number, n: number): void => {
    for (;;) {
      if (n < 7) return insertion(a, n);
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a, pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1, pb = a + 1;
      let pc = a + n - 1, pd = a + n - 1;
      let swapped = false;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = c(pb, a)) <= 0) {
          if (r === 0) {
            swapped = true;
            swap(pa, pb);
            pa++;
          }
          pb++;
        }
        while (pb <= pc && (r = c(pc, a)) >= 0) {
          if (r === 0) {
            swapped = true;
            swap(pc, pd);
            pd--;
          }
          pc--;
        }
        if (pb > pc) break;
        swap(pb, pc);
        swapped = true;
        pb++;
        pc--;
      }
      if (!swapped) return insertion(a, n);
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(a, r)) sort(a, r);
      if ((r = pd - pc) > 1) {
        a = pn - r;
        n = r;
        if (!outside(a, n)) continue;
      }
      return;
    }
  };
  sort(0, items.length);
}
