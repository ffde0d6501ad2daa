/**
 * Servers for tests: respd in-process on port 0, and a real `redis-server` on a free
 * loopback port for differential tests. Both are `AsyncDisposable`, so `await using`
 * stops what a test started even when it fails.
 */

import { type Server, type ServerOptions, startServer } from "../../src/server.ts";

/** Starts respd on 127.0.0.1, TCP on port 0 and the WebSocket bridge off unless asked. */
export function startTestServer(options: ServerOptions = {}): Server {
  return startServer({ port: 0, wsPort: null, bind: "127.0.0.1", ...options });
}

/** A free TCP port on loopback (for programs that cannot be told to use port 0). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A running real redis-server. */
export interface RedisProcess extends AsyncDisposable {
  readonly port: number;
}

/** Starts `redis-server` (no persistence) on a free port and waits until it answers. */
export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    // Its own directory: a dump.rdb left where the tests run must never be loaded.
    const dir = Deno.makeTempDirSync();
    const child = new Deno.Command("redis-server", {
      args: [
        "--dir",
        dir,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        ...extraArgs,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const stop = async () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
      Deno.removeSync(dir, { recursive: true });
    };
    for (let i = 0; i < 100; i++) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        conn.close();
        return { port, [Symbol.asyncDispose]: stop };
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await stop();
  }
  throw new Error("redis-server did not start");
}

/** A running Redis Cluster of real redis-servers (3 masters, 1 replica each). */
export interface RedisCluster extends AsyncDisposable {
  /** Every node's port; the first three were created as masters. */
  readonly ports: readonly number[];
  /** Stops one node at once (SIGKILL), as a crash would. */
  kill(port: number): Promise<void>;
}

/**
 * Starts 6 `redis-server --cluster-enabled yes` on free ports, each in a temporary
 * directory, joins them with `redis-cli --cluster create … --cluster-replicas 1
 * --cluster-yes`, and waits until every node reports cluster_state:ok.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes: RedisProcess[] = [];
  const stopped = new Set<number>();
  const stopAll = async () => {
    for (const n of nodes) if (!stopped.has(n.port)) await n[Symbol.asyncDispose]();
  };
  try {
    for (let i = 0; i < 6; i++) {
      nodes.push(
        await startRedis([
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          "--cluster-node-timeout",
          "2000",
        ]),
      );
    }
    const ports = nodes.map((n) => n.port);
    const created = await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    if (created.code !== 0) throw new Error(`cluster create failed: ${created.stdout}`);
    for (const port of ports) {
      for (let i = 0;; i++) {
        const info = await run("redis-cli", ["-p", String(port), "CLUSTER", "INFO"]);
        if (info.stdout.includes("cluster_state:ok")) break;
        if (i === 200) throw new Error(`node ${port} never reported cluster_state:ok`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return {
      ports,
      async kill(port: number) {
        const node = nodes.find((n) => n.port === port);
        if (node === undefined || stopped.has(port)) return;
        stopped.add(port);
        await node[Symbol.asyncDispose]();
      },
      [Symbol.asyncDispose]: stopAll,
    };
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }
}

/** respd in gateway mode in front of a redis-server of its own; disposing stops both. */
export interface GatewayPair extends AsyncDisposable {
  readonly gateway: Server;
  readonly upstream: RedisProcess;
}

/** Starts a redis-server, then respd with `--upstream` pointing at it (`options` for respd). */
export async function startGatewayPair(options: ServerOptions = {}): Promise<GatewayPair> {
  const upstream = await startRedis();
  const gateway = startTestServer({ upstream: `redis://127.0.0.1:${upstream.port}`, ...options });
  return {
    gateway,
    upstream,
    async [Symbol.asyncDispose]() {
      await gateway.shutdown();
      await upstream[Symbol.asyncDispose]();
    },
  };
}

/** Runs a program to completion and returns its exit code and output. */
export async function run(
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}
