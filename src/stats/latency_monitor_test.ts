import { assertEquals } from "../../tests/support/assert.ts";
import { DEFAULT_CONFIG } from "../config.ts";
import { LatencyMonitor } from "./latency_monitor.ts";
import { renderSparkline } from "./sparkline.ts";

// Texts below are redis-server 7.0.15's replies for the same samples.

function monitorAt(seconds: { now: number }) {
  const config = { ...DEFAULT_CONFIG, latencyMonitorThreshold: 1 };
  return new LatencyMonitor(config, () => seconds.now * 1000);
}

Deno.test("samples of one second keep the worst; the history keeps 160 seconds", () => {
  const clock = { now: 1000 };
  const m = monitorAt(clock);
  m.sampleIfNeeded("command", 0.5); // under the threshold
  m.sampleIfNeeded("command", 3);
  m.sampleIfNeeded("command", 2);
  assertEquals(m.events.get("command")!.samples, [{ time: 1000, latency: 3 }]);
  for (let i = 1; i <= 200; i++) {
    clock.now++;
    m.sampleIfNeeded("command", i);
  }
  const series = m.events.get("command")!;
  assertEquals(series.samples.length, 160);
  assertEquals(series.max, 200);
  assertEquals(m.reset("COMMAND"), 1);
  assertEquals(m.reset(), 0);
});

Deno.test("GRAPH draws as Redis's sparkline", () => {
  const clock = { now: 1796425155 };
  const m = monitorAt(clock);
  m.sampleIfNeeded("command", 3);
  clock.now++;
  m.sampleIfNeeded("command", 18);
  clock.now += 9;
  assertEquals(
    m.graph("command", m.events.get("command")!),
    "command - high 18 ms, low 3 ms (all time high 18 ms)\n" + "-".repeat(80) +
      "\n #\n |\n |\n_|\n  \n19\n0s\ns \n",
  );
  assertEquals(renderSparkline([{ value: 14, label: "0s" }], 80, 4), " \n \n \n_\n \n0\ns\n");
});

Deno.test("DOCTOR reports and advises as Redis", () => {
  const clock = { now: 1796425155 };
  const m = monitorAt(clock);
  assertEquals(
    m.doctor(),
    "Dave, no latency spike was observed during the lifetime of this Redis instance, not in " +
      "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, " +
      "and think things over.\n",
  );
  m.sampleIfNeeded("command", 3);
  clock.now++;
  m.sampleIfNeeded("command", 18);
  clock.now += 10;
  assertEquals(
    m.doctor(),
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking " +
      "about it, do you Dave?\n\n1. command: 2 latency spikes (average 10ms, mean deviation " +
      "7ms, period 5.50 sec). Worst all time event 18ms.\n\nI have a few advices for you:\n\n" +
      "- Your current Slow Log configuration only logs events that are slower than your " +
      "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than " +
      "1000'.\n- Check your Slow Log to understand what are the commands you are running which " +
      "are too slow to execute. Please check https://redis.io/commands/slowlog for more " +
      "information.\n- Deleting, expiring or evicting (because of maxmemory policy) large " +
      "objects is a blocking operation. If you have very large objects that are often deleted, " +
      "expired, or evicted, try to fragment those objects into multiple smaller objects.\n",
  );
  m.config.latencyMonitorThreshold = 0;
  m.reset();
  assertEquals(m.doctor().startsWith("I'm sorry, Dave, I can't do that."), true);
});
