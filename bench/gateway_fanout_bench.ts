/**
 * Pub/sub fan-out through gateways: one redis-server, two respd gateways (`--upstream`),
 * N WebSocket subscribers on channel `news` spread over both; a message published
 * straight to Redis, timed until the last subscriber has it (median and worst of the
 * rounds), and Redis's own subscriber count for the channel (one per gateway, however
 * many browsers).
 *
 *   deno run -A bench/gateway_fanout_bench.ts [--subscribers 1000] [--rounds 5]
 */

import { parseArgs } from "node:util";
import { freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    subscribers: { type: "string", default: "1000" },
    rounds: { type: "string", default: "5" },
  },
});
const N = Number(values.subscribers);
const ROUNDS = Number(values.rounds);
const encoder = new TextEncoder();

const redisPort = freePort();
const dir = Deno.makeTempDirSync();
const children: Deno.ChildProcess[] = [];
const redis = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--dir", dir],
  stdout: "null",
  stderr: "null",
}).spawn();
children.push(redis);
const gateways: { port: number; wsPort: number }[] = [];
for (let i = 0; i < 2; i++) {
  const port = freePort();
  const wsPort = freePort();
  const child = new Deno.Command("deno", {
    args: [
      ..."run -A main.ts --save".split(" "),
      "",
      ...["--port", String(port), "--ws-port", String(wsPort), "--maxclients", "5000"],
      ...["--http-max-pending", "2000"],
      ...["--upstream", `redis://127.0.0.1:${redisPort}`],
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  children.push(child);
  gateways.push({ port, wsPort });
}
const sockets: WebSocket[] = [];
try {
  await waitForPing(redisPort, redis, "redis-server");
  for (let i = 0; i < 2; i++) await waitForPing(gateways[i].port, children[i + 1], "respd");
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
  // every subscriber counts the messages it saw; `arrived` resolves when all have round r
  let waiting = 0;
  let allArrived: () => void = () => {};
  const subscribe = encoder.encode("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n");
  const confirmations: Promise<void>[] = [];
  for (let i = 0; i < N; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${gateways[i % 2].wsPort}/ws`);
    ws.binaryType = "arraybuffer";
    sockets.push(ws);
    let confirmed = false;
    confirmations.push(
      new Promise((resolve, reject) => {
        ws.onopen = () => ws.send(subscribe);
        ws.onerror = () => reject(new Error(`subscriber ${i} failed`));
        ws.onmessage = () => {
          if (!confirmed) {
            confirmed = true;
            return resolve();
          }
          if (--waiting === 0) allArrived();
        };
      }),
    );
  }
  await Promise.all(confirmations);
  const upstreamCount = await redisCli(redisPort, "PUBSUB", "NUMSUB", "news");
  const publisher = await Deno.connect({ hostname: "127.0.0.1", port: redisPort });
  const reply = new Uint8Array(64);
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    waiting = N;
    const arrived = new Promise<void>((resolve) => allArrived = resolve);
    const message = `round ${r}`;
    const start = performance.now();
    await publisher.write(
      encoder.encode(`*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$${message.length}\r\n${message}\r\n`),
    );
    await arrived;
    times.push(performance.now() - start);
    await publisher.read(reply);
  }
  publisher.close();
  times.sort((a, b) => a - b);
  console.log(
    `${N} WebSocket subscribers over 2 gateways: last one has the message after ` +
      `${times[Math.floor(times.length / 2)].toFixed(1)} ms (median of ${ROUNDS}), ` +
      `worst ${times[times.length - 1].toFixed(1)} ms (PUBLISH written straight to Redis)`,
  );
  console.log(`Redis's PUBSUB NUMSUB news: ${upstreamCount.split("\n").join(" ")}`);
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
} finally {
  for (const ws of sockets) ws.close();
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone already
    }
    await child.status;
  }
  Deno.removeSync(dir, { recursive: true });
}
