/**
 * The one-file respd (`deno task compile`): it starts, answers PING and INFO, serves
 * `/client.js`, and exits 0 on SIGTERM, with only the permissions scripts/compile.ts grants.
 *
 * The same smoke test runs twice: on `deno run` with exactly those permissions (always: it
 * proves the permission set is enough), and on the compiled binary itself. Compiling
 * needs Deno's runtime base, which `deno compile` downloads from Deno's release site (or
 * takes from `DENORT_BIN`); machines without that access (this project's CI) cannot
 * build it, so that half runs when RESPD_COMPILE_TEST=1. It compiles once (~10-30 s).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { compile, PERMISSIONS } from "../scripts/compile.ts";
import { CLIENT_JS } from "../src/web/client_bundle.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const READY = /ready: TCP on [\d.]+:(\d+), WebSocket on ws:\/\/[\d.]+:(\d+)\/ws/;

/**
 * Starts `cmd args --port 0 --ws-port 0` in a directory of its own, checks it as an
 * operator would, stops it with SIGTERM (which saves dump.rdb there: Redis's default save
 * points are on).
 */
async function smoke(cmd: string, args: string[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "respd-smoke-" });
  const child = new Deno.Command(cmd, {
    args: [...args, "--port", "0", "--ws-port", "0"],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  try {
    while (!READY.test(log)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`respd exited before it was ready:\n${log}`);
      log += value;
    }
    const [, port, wsPort] = READY.exec(log)!.map(Number);
    using client = await RawClient.connect(port);
    assertEquals(await client.call("PING"), "+PONG\r\n");
    assertEquals(await client.call("SET", "greeting", "hello"), "+OK\r\n");
    const info = await client.call("INFO", "server");
    assert.match(info, /\r\nos:Linux /);
    assert.match(info, /\r\nexecutable:\//);
    // every section answers with the binary's permissions (no /proc: the process's CPU figures)
    const all = await client.call("INFO", "everything");
    assert.match(all, /\r\ntotal_system_memory:[1-9]\d*\r\n/);
    assert.match(all, /\r\nused_cpu_user_main_thread:\d+\.\d{6}\r\n/);
    const res = await fetch(`http://127.0.0.1:${wsPort}/client.js`);
    assertEquals(res.status, 200);
    assertEquals(await res.text(), CLIENT_JS);
  } catch (e: unknown) {
    child.kill("SIGKILL");
    throw e;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const status = await child.status;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      log += value;
    }
    assertEquals(status.code, 0, log);
    assert(!/PermissionDenied|Requires .* access/.test(log), log);
    assert.match(log, /SIGTERM received: shutting down/);
    const saved = await Deno.stat(`${dir}/dump.rdb`).then(() => true, () => false);
    await Deno.remove(dir, { recursive: true });
    assert(saved, `no dump.rdb saved on SIGTERM:\n${log}`);
  }
}

Deno.test("respd runs with only the permissions the binary is granted", async () => {
  await smoke(Deno.execPath(), ["run", "--no-prompt", ...PERMISSIONS, MAIN]);
});

Deno.test({
  name: "the compiled binary starts, answers, serves /client.js and exits 0 on SIGTERM",
  ignore: Deno.env.get("RESPD_COMPILE_TEST") !== "1",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "respd-compile-" });
    try {
      const binary = `${dir}/respd`;
      await compile(binary);
      const version = await new Deno.Command(binary, { args: ["--version"] }).output();
      assertEquals(version.code, 0);
      assert.match(new TextDecoder().decode(version.stdout), /^respd server v=/);
      await smoke(binary, []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
