/**
 * respd as a child process (`main.ts`, with the environment `deno task start` gives it),
 * for tests that need what an in-process server cannot give: a lowered descriptor limit (`ulimit -n` in the child's shell), its own RSS,
 * its log lines, and proof that the process survived.
 */

import { run } from "./servers.ts";

const READY = /ready: TCP on [^\s]+:(\d+)(?:, WebSocket on ws:\/\/[^\s]+:(\d+)\/ws)?/;
const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * Runs respd (port 0, no WebSocket port) with `args` until it exits, for a start that must
 * fail: its exit code and output.
 */
export function runRespdToExit(args: string[]): Promise<{ code: number; stderr: string }> {
  return run(Deno.execPath(), ["run", "-A", MAIN, "--port", "0", "--ws-port", "off", ...args]);
}

export class ChildServer implements AsyncDisposable {
  /** Every log line so far. */
  readonly logs: string[] = [];
  port = 0;
  wsPort = 0;
  #exited = false;

  private constructor(
    readonly child: Deno.ChildProcess,
    /** Resolves when respd logs that it is ready (its dataset loaded). */
    readonly ready: Promise<void>,
  ) {}

  /** Starts respd with `args` and waits until it is ready. */
  static async start(args: string[], fdLimit?: number): Promise<ChildServer> {
    const server = ChildServer.spawn(args, fdLimit);
    await server.ready;
    return server;
  }

  /** Starts respd with `args` (`fdLimit` sets `ulimit -n` in its shell first); no wait. */
  static spawn(args: string[], fdLimit?: number): ChildServer {
    const command = `${fdLimit === undefined ? "" : `ulimit -n ${fdLimit} && `}exec "$0" "$@"`;
    const child = new Deno.Command("bash", {
      args: [
        "-c",
        command,
        Deno.execPath(),
        "run",
        "-A",
        MAIN,
        "--port",
        "0",
        "--save",
        "",
        ...args,
      ],
      stdout: "null",
      stderr: "piped",
      stdin: "null",
      // As `deno task start` runs it (deno.json): glibc then maps every allocation over
      // 128 KiB on its own and gives it back when freed, instead of keeping freed client
      // buffers in its heap (its threshold otherwise grows to the largest buffer freed).
      env: { MALLOC_MMAP_THRESHOLD_: "131072" },
    }).spawn();
    const ready = Promise.withResolvers<void>();
    ready.promise.catch(() => {}); // a caller that never waits is not an unhandled rejection
    const server = new ChildServer(child, ready.promise);
    child.status.then(() => (server.#exited = true));
    (async () => {
      let partial = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        partial += chunk;
        const lines = partial.split("\n");
        partial = lines.pop()!;
        for (const line of lines) {
          server.logs.push(line);
          const m = READY.exec(line);
          if (m) {
            server.port = Number(m[1]);
            server.wsPort = Number(m[2] ?? 0);
            ready.resolve();
          }
        }
      }
      ready.reject(new Error(`respd exited before it was ready:\n${server.logs.join("\n")}`));
    })();
    return server;
  }

  get alive(): boolean {
    return !this.#exited;
  }

  /** Resident memory of the process in bytes (Linux). */
  rss(): number {
    const status = Deno.readTextFileSync(`/proc/${this.child.pid}/status`);
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }

  /** Open descriptors of the process (Linux). */
  openFds(): number {
    return [...Deno.readDirSync(`/proc/${this.child.pid}/fd`)].length;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#exited) {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // already exited
      }
    }
    await this.child.status;
  }
}
