/**
 * Latency under many clients (issue #20): redis-benchmark against a real redis-server and
 * respd in one run, interleaved (the order alternates per round), at each client count,
 * test and pipeline depth. Prints p50 / p99 / p99.9 / max in ms for both and respd's p99
 * ratio, and flags any request that waited 1 s or more. redis-benchmark's histogram stops
 * at 3 s, so a max of 3000.3 ms means "3 s or more".
 *
 *   deno task bench:latency [--clients 50,500,1000] [--tests get,set] [--pipelines 1,16]
 *       [--requests 100000] [--rounds 1] [--ws 50,500,1000] [--idle 0]
 *       [--server "deno run -A main.ts --port {port} --ws-port {wsport} --save ''"]
 *       [--baseline "deno run -A /tmp/old/main.ts --port {port} --ws-port {wsport} --save ''"]
 *
 * `--baseline` adds a second respd (another build, other flags) to the same interleaved
 * run, for before/after figures from one host state.
 *
 * WebSocket (`--ws`, client counts; "" skips it): redis-benchmark has no WebSocket mode, so
 * this process is the client: that many WebSockets each send one GET (or SET) at a time,
 * and every request's latency is recorded. Then the mixed load: the same WebSocket clients
 * and redis-benchmark's TCP clients (as many) at once on one respd, each side's latency
 * printed next to the TCP-only figures of the same run. Redis has no WebSocket to compare
 * with; the client's own event loop is part of these figures.
 *
 * `--idle N` holds N idle TCP connections (each ran one PING) to every server for the
 * whole run (from a child process per server, bench/idle_holder.ts), and starts the servers
 * with a --maxclients that admits them: the busy clients' latency beside 10,000 idle ones.
 * Each server and holder needs N descriptors and more (`ulimit -n`, 20,000 here).
 */

import { parseArgs } from "node:util";
import { freePort, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "50,500,1000" },
    tests: { type: "string", default: "get,set" },
    pipelines: { type: "string", default: "1,16" },
    requests: { type: "string", default: "100000" },
    rounds: { type: "string", default: "1" },
    server: {
      type: "string",
      default: "deno run -A main.ts --port {port} --ws-port {wsport} --save",
    },
    baseline: { type: "string" },
    ws: { type: "string", default: "50,500,1000" },
    idle: { type: "string", default: "0" },
  },
});
const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");

interface Latency {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Parses redis-benchmark's percentile distribution and summary (non-CSV output). */
function parse(out: string): Latency {
  const text = out.replaceAll("\r", "\n");
  const summary =
    /avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/
      .exec(text);
  const rps = /throughput summary: ([\d.]+) requests per second/.exec(text);
  if (!summary || !rps) throw new Error(`unexpected redis-benchmark output:\n${text.slice(-2000)}`);
  let p999 = Number(summary[6]);
  for (const m of text.matchAll(/^([\d.]+)% <= ([\d.]+) milliseconds/gm)) {
    if (Number(m[1]) >= 99.9) {
      p999 = Number(m[2]);
      break;
    }
  }
  return {
    rps: Number(rps[1]),
    p50: Number(summary[3]),
    p99: Number(summary[5]),
    p999,
    max: Number(summary[6]),
  };
}

async function benchmark(
  port: number,
  test: string,
  clients: number,
  pipeline: number,
): Promise<Latency> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-c",
      String(clients),
      "-n",
      values.requests,
      "-t",
      test,
      "-r",
      "100000",
      "-d",
      "100",
      "-P",
      String(pipeline),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return parse(new TextDecoder().decode(out.stdout));
}

interface Started {
  child: Deno.ChildProcess;
  port: number;
  wsPort: number;
  name: string;
  ready: Promise<void>;
}

const IDLE = Number(values.idle);
/** --maxclients for every server: room for the idle connections and the busiest run. */
const MAX_CLIENTS = String(Math.max(10000, IDLE + 5000));

function start(command: string[], port: number, name: string, wsPort = 0): Started {
  const child = new Deno.Command(command[0], {
    args: [...command.slice(1), "--maxclients", MAX_CLIENTS],
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { child, port, wsPort, name, ready: waitForPing(port, child, name) };
}

const redisPort = freePort();
const redis = start(
  [
    "redis-server",
    "--port",
    String(redisPort),
    "--save",
    "",
    "--appendonly",
    "no",
  ],
  redisPort,
  "redis-server",
);
/** A respd command line with its port filled in (a trailing `--save` gets its empty value). */
function respdCommand(template: string, port: number, wsPort: number): string[] {
  const command = template.replace("{port}", String(port)).replace("{wsport}", String(wsPort))
    .split(" ");
  if (command.at(-1) === "--save") command.push("");
  return command;
}
const respdPort = freePort();
const respdWsPort = freePort();
const respd = start(
  respdCommand(values.server, respdPort, respdWsPort),
  respdPort,
  "respd",
  respdWsPort,
);
const baselinePort = freePort();
const baselineWsPort = freePort();
const baseline = values.baseline === undefined ? null : start(
  respdCommand(values.baseline, baselinePort, baselineWsPort),
  baselinePort,
  "baseline",
  baselineWsPort,
);
const servers = baseline === null ? [redis, respd] : [redis, respd, baseline];
/** TCP figures of the matrix by "clients test pipeline", for the WebSocket lines. */
const tcpFigures = new Map<string, Map<string, Latency>>();
const idle: Deno.ChildProcess[] = [];
try {
  await Promise.all(servers.map((s) => s.ready));
  for (const server of servers) {
    const holder = await openIdle(server.port, IDLE);
    if (holder !== null) idle.push(holder);
  }
  if (IDLE > 0) console.log(`# ${IDLE} idle connections held to each server`);
  const f = (x: number) => x.toFixed(2).padStart(8);
  console.log(`# ${values.requests} requests per run, -r 100000 -d 100; latency in ms`);
  const head = (name: string) => ` | ${name.padStart(9)} p50      p99    p99.9      max`;
  console.log(
    `clients test  P${
      servers.map((s) => head(s.name === "redis-server" ? "redis" : s.name)).join("")
    }` +
      ` | p99 ratio${baseline === null ? "" : " (respd, baseline)"}`,
  );
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const clients of list(values.clients).map(Number)) {
      for (const test of list(values.tests)) {
        for (const pipeline of list(values.pipelines).map(Number)) {
          // The order alternates per round, so neither server always runs on a warmer host.
          const order = round % 2 === 0 ? servers : [...servers].reverse();
          const got = new Map<string, Latency>();
          for (const server of order) {
            got.set(server.name, await benchmark(server.port, test, clients, pipeline));
          }
          tcpFigures.set(`${clients} ${test} ${pipeline}`, got);
          const r = got.get("redis-server")!;
          const cells = servers.map((server) => {
            const l = got.get(server.name)!;
            return ` | ${f(l.p50)} ${f(l.p99)} ${f(l.p999)} ${f(l.max)}`;
          });
          const ratios = servers.slice(1).map((server) =>
            (got.get(server.name)!.p99 / r.p99).toFixed(2).padStart(6)
          );
          const waited = servers.slice(1).filter((server) => got.get(server.name)!.max >= 1000)
            .map((server) => server.name);
          console.log(
            `${String(clients).padStart(7)} ${test.padEnd(4)} ${String(pipeline).padStart(2)}` +
              `${cells.join("")} | ${ratios.join(" ")}${
                waited.length ? `  waited ≥ 1 s: ${waited.join(", ")}` : ""
              }`,
          );
        }
      }
    }
  }
  await webSocketRuns(servers.slice(1));
} finally {
  for (const holder of idle) {
    await holder.stdin.close();
    await holder.status;
  }
  for (const s of servers) {
    try {
      s.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await s.child.status;
  }
}

/**
 * `count` idle connections (each ran one PING) to `port`, held by a child process
 * (bench/idle_holder.ts) until the returned child's stdin is closed.
 */
async function openIdle(port: number, count: number): Promise<Deno.ChildProcess | null> {
  if (count === 0) return null;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      new URL("./idle_holder.ts", import.meta.url).pathname,
      String(port),
      String(count),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  if (!value?.startsWith("ready")) throw new Error(`idle holder for port ${port} failed`);
  reader.releaseLock();
  return child;
}

/** p50/p99/p99.9/max of recorded latencies (ms), and the rate they were served at. */
function summarize(latencies: number[], seconds: number): Latency {
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return {
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: latencies[latencies.length - 1],
  };
}

/** A GET or SET of redis-benchmark's shape (-r 100000 -d 100) as RESP bytes. */
function request(test: string): Uint8Array {
  const key = `key:${String(Math.floor(Math.random() * 100000)).padStart(12, "0")}`;
  const parts = test === "set" ? ["SET", key, "x".repeat(100)] : ["GET", key];
  return new TextEncoder().encode(
    `*${parts.length}\r\n${parts.map((p) => `$${p.length}\r\n${p}\r\n`).join("")}`,
  );
}

/**
 * `clients` WebSockets to `wsPort`, each sending one request at a time (one message, one
 * reply message: respd answers each batch in one frame) until `requests` were answered.
 */
async function webSocketLoad(
  wsPort: number,
  clients: number,
  requests: number,
  test: string,
): Promise<Latency> {
  // In groups: respd bounds the HTTP connections still handshaking (--http-max-pending).
  const sockets: WebSocket[] = [];
  while (sockets.length < clients) {
    const group = Math.min(50, clients - sockets.length);
    sockets.push(
      ...await Promise.all(
        Array.from({ length: group }, () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/ws`);
            ws.binaryType = "arraybuffer";
            ws.onopen = () => resolve(ws);
            ws.onerror = () => reject(new Error("WebSocket failed to open"));
          })),
      ),
    );
  }
  const latencies: number[] = [];
  let remaining = requests;
  const started = performance.now();
  await Promise.all(sockets.map(async (ws) => {
    let answered: (() => void) | null = null;
    ws.onmessage = () => answered?.();
    while (remaining-- > 0) {
      const reply = new Promise<void>((resolve) => answered = resolve);
      const t0 = performance.now();
      ws.send(request(test));
      await reply;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(sockets.map((ws) =>
    new Promise<void>((resolve) => {
      ws.onclose = () => resolve();
      ws.close();
    })
  ));
  return summarize(latencies, seconds);
}

/**
 * WebSocket alone, then WebSocket beside redis-benchmark's TCP clients, on each respd;
 * P=1 only (one request per message). Ratios are to the same respd's TCP-only p99 at the
 * same client count, when the matrix ran it.
 */
async function webSocketRuns(respds: Started[]): Promise<void> {
  const counts = list(values.ws).map(Number);
  if (counts.length === 0) return;
  const f = (x: number) => x.toFixed(2).padStart(8);
  const cell = (l: Latency) => `${f(l.p50)} ${f(l.p99)} ${f(l.p999)} ${f(l.max)}`;
  console.log(
    "\n# WebSocket, one request per message; mixed = as many TCP clients (redis-benchmark) at once",
  );
  console.log(
    "server   clients test  load  |   ws p50      p99    p99.9      max |  tcp p50      p99    p99.9      max | ws p99 / tcp-only p99",
  );
  const requests = Number(values.requests);
  for (const clients of counts) {
    for (const test of list(values.tests)) {
      for (const server of respds) {
        const tcpOnly = tcpFigures.get(`${clients} ${test} 1`)?.get(server.name);
        const ratio = (l: Latency) => tcpOnly ? (l.p99 / tcpOnly.p99).toFixed(2) : "-";
        const alone = await webSocketLoad(server.wsPort, clients, requests, test);
        console.log(
          `${server.name.padEnd(8)} ${String(clients).padStart(7)} ${test.padEnd(4)} ws    | ${
            cell(alone)
          } | ${" ".repeat(35)} | ${ratio(alone)}`,
        );
        const [ws, tcp] = await Promise.all([
          webSocketLoad(server.wsPort, clients, requests, test),
          benchmark(server.port, test, clients, 1),
        ]);
        console.log(
          `${server.name.padEnd(8)} ${String(clients).padStart(7)} ${test.padEnd(4)} mixed | ${
            cell(ws)
          } | ${cell(tcp)} | ${ratio(ws)}`,
        );
      }
    }
  }
}
