import { assertEquals } from "../../tests/support/assert.ts";
import { LatencyHistogram } from "./latency_histogram.ts";

Deno.test("percentiles read as Redis prints them for one value", () => {
  // Figures observed from redis-server 7.0.15's INFO latencystats (µs * 1000 recorded).
  for (
    const [us, shown] of [[0, 1], [1, 1003], [4, 4015], [15, 15039], [61, 61183], [268, 268287]]
  ) {
    const h = new LatencyHistogram();
    h.record(us * 1000);
    assertEquals(h.valueAt(50), shown, `${us} µs`);
    assertEquals(h.valueAt(99.9), shown, `${us} µs`);
  }
});

Deno.test("percentiles of a spread pick the value holding that rank", () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) h.record(i);
  assertEquals(h.valueAt(50), 50);
  assertEquals(h.valueAt(99), 99);
  assertEquals(h.valueAt(100), 100);
  assertEquals(new LatencyHistogram().valueAt(50), 0);
  const one = new LatencyHistogram();
  one.record(11_000); // redis-server: p0=10.944, p50=11.007
  assertEquals([one.valueAt(0), one.valueAt(50)], [10944, 11007]);
});

Deno.test("every value falls in a step no wider than 1/128 of it", () => {
  for (let v = 1; v < 1e9; v = Math.ceil(v * 1.37) + 1) {
    const h = new LatencyHistogram();
    h.record(v);
    const high = h.valueAt(50);
    if (high < v || high - v > v / 128 + 1) throw new Error(`${v} -> ${high}`);
  }
});
