/**
 * The command line as a user meets it: `deno run main.ts` (and `deno task start`) with
 * redis.conf-style options (refused as redis-server refuses them), --help/--version, one startup
 * line carrying the bound address, and a clean exit 0 on SIGINT/SIGTERM with clients
 * connected. Each test spawns respd as a subprocess on port 0 and reads the port from the
 * startup line.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { run } from "./support/servers.ts";
import { commandLineOptions, parseCommandLine } from "../src/command_line.ts";
import { tempDir } from "./support/temp_dir.ts";
import { readStartupConfig } from "../src/config_directives.ts";
import { ConfigFileError } from "../src/config_file.ts";
import { DEFAULT_CONFIG } from "../src/config.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;
const READY = /ready: TCP on ([\d.]+):(\d+)/;

/** A respd subprocess that has logged its startup line. */
interface Respd extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly startupLine: string;
  /** Everything logged to stderr, once the process has exited. */
  readonly log: Promise<string>;
}

/** Spawns `cmd args`, waits for the startup line and returns the process with its port. */
async function spawnRespd(cmd: string[]): Promise<Respd> {
  const child = new Deno.Command(Deno.execPath(), {
    // No save points: a test's SIGTERM must not leave a dump.rdb for the next one to load.
    args: [...cmd, "--save", ""],
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const { promise: ready, resolve: onReady, reject: onEnd } = Promise.withResolvers<string>();
  const log = (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const line = text.split("\n").find((l) => READY.test(l));
      if (line !== undefined) onReady(line);
    }
    onEnd(new Error(`respd exited before its startup line:\n${text}`));
    return text;
  })();
  let startupLine: string;
  try {
    startupLine = await ready;
  } catch (e: unknown) {
    await child.status;
    await log;
    throw e;
  }
  const port = Number(READY.exec(startupLine)![2]);
  return {
    child,
    port,
    startupLine,
    log,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
      await log;
    },
  };
}

const respdArgs = (...flags: string[]) => ["run", "-A", MAIN, "--ws-port", "off", ...flags];

Deno.test("--help prints the flags and exits 0", async () => {
  const r = await run(Deno.execPath(), ["run", "-A", MAIN, "--help"]);
  assertEquals(r.code, 0);
  for (const flag of ["--port", "--bind", "--databases", "--loglevel", "--proto-max-bulk-len"]) {
    assert(r.stdout.includes(flag), `help mentions ${flag}`);
  }
  assert(r.stdout.includes("--client-query-buffer-limit"));
  assert(r.stdout.includes("Usage: respd [/path/to/respd.conf] [options]"));
});

Deno.test("--version prints the version and exits 0", async () => {
  const r = await run(Deno.execPath(), ["run", "-A", MAIN, "--version"]);
  assertEquals(r.code, 0);
  // redis-server's shape: "Redis server v=7.0.15 sha=… malloc=… bits=64 build=…"
  assert.match(
    r.stdout.trim(),
    /^respd server v=\d+\.\d+\.\d+ redis=7\.0\.15 sha=\S+ malloc=\S+ bits=64 build=\S+$/,
  );
});

Deno.test("a bad option is refused as redis-server refuses it, at its line after the file's", async () => {
  await using dir = await tempDir();
  const conf = `${dir.path}/a.conf`;
  Deno.writeTextFileSync(conf, "port 7000\n# a comment\nsave 900 1\n");
  // every case must fail: a redis-server that accepted one would start on port 6379
  const cases = [
    ["--port", "abc"],
    ["--maxclients=-1"],
    ["--port", "7002", "nonsense"],
    ["--nosuch", "1"],
    ["--save", "--port", "abc"],
    ["--loglevel", "loud"],
    ["--maxmemory-policy", "random"],
    ["--requirepass", "--port", "--port", "x y"],
    ["--port 7003", "--databases", "0"],
    [conf, "--port", "7001", "--maxmemory", "lots"],
    [conf, "--save", "60", "--appendfsync", "sometimes"],
  ];
  for (const args of cases) {
    const redis = await run("timeout", ["10", "redis-server", ...args]);
    assertEquals(redis.code, 1, `redis-server refuses ${args.join(" ")}`);
    // respd's verdict in-process (one subprocess below shows main.ts prints it and exits 1)
    const line = parseCommandLine(args);
    assert(line.kind === "run");
    const refusal = (() => {
      try {
        readStartupConfig(line.file, line.options, DEFAULT_CONFIG);
        return "accepted";
      } catch (e: unknown) {
        if (!(e instanceof ConfigFileError)) throw e;
        return e.message.trim();
      }
    })();
    assertEquals(refusal, redis.stderr.trim(), args.join(" "));
  }
  const r = await run(Deno.execPath(), ["run", "-A", MAIN, ...cases[9]]);
  assertEquals(r.code, 1);
  assertEquals(r.stderr.trim(), (await run("redis-server", cases[9])).stderr.trim());
});

Deno.test("options become config lines as redis-server makes them", () => {
  assertEquals(parseCommandLine(["--help"]), { kind: "help" });
  assertEquals(parseCommandLine(["-v"]), { kind: "version" });
  assertEquals(
    parseCommandLine(["/etc/r.conf", "--port", "7000", "--save", "--requirepass", "--x"]),
    { kind: "run", file: "/etc/r.conf", options: 'port "7000" \nsave ""\nrequirepass "--x" ' },
  );
  assertEquals(
    commandLineOptions(["--save", "900", "1", "--bind", "a b", "--dir", "é\n", "--save"]),
    'save "900" "1" \nbind "a b" \ndir "\\xc3\\xa9\\n" \nsave ""',
  );
  assertEquals(commandLineOptions(["--port 7000", "--x"]), "port 7000 \nx ");
});

Deno.test("respd's own options and unknown commands in --ws-commands stop it with a reason", async () => {
  const r = await run(Deno.execPath(), ["run", "-A", MAIN, "--ws-commands", "get,nosuch"]);
  assertEquals(r.code, 1);
  assert.match(r.stderr, /unknown command 'nosuch' in --ws-commands/);
  const u = await run(Deno.execPath(), ["run", "-A", MAIN, "--upstream", "foo://x"]);
  assertEquals(u.code, 1);
  assert.match(
    u.stderr,
    />>> 'upstream "foo:\/\/x"'\nthe upstream must be redis:\/\/ or rediss:\/\//,
  );
});

Deno.test("the startup line gives the address, and the flags reach the server", async () => {
  await using respd = await spawnRespd(
    respdArgs(
      "--port",
      "0",
      "--bind",
      "127.0.0.1",
      "--databases",
      "4",
      "--proto-max-bulk-len",
      "2mb",
      "--client-query-buffer-limit",
      "2mb",
      "--maxclients",
      "50",
      "--timeout",
      "300",
      "--loglevel",
      "warning",
    ),
  );
  // Redis's log line: "pid:M 04 Dec 2026 20:27:48.906 * message"
  assert.match(
    respd.startupLine,
    /^\d+:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} \* respd .* ready: TCP on /,
  );
  using c = await RawClient.connect(respd.port);
  assertEquals(await c.call("PING"), "+PONG\r\n");
  assertEquals(await c.call("SELECT", "3"), "+OK\r\n");
  assertEquals(await c.call("SELECT", "4"), "-ERR DB index is out of range\r\n");
  assertEquals(
    await c.call("CONFIG", "GET", "port"),
    `*2\r\n$4\r\nport\r\n$${String(respd.port).length}\r\n${respd.port}\r\n`,
  );
  const config = await c.call(
    "CONFIG",
    "GET",
    "databases",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
    "maxclients",
    "timeout",
    "loglevel",
  );
  for (
    const [k, v] of [
      ["databases", "4"],
      ["proto-max-bulk-len", "2097152"],
      ["client-query-buffer-limit", "2097152"],
      ["maxclients", "50"],
      ["timeout", "300"],
      ["loglevel", "warning"],
    ]
  ) {
    assert(config.includes(`$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`), `${k} ${v}`);
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`${signal} closes connected clients and exits 0 promptly`, async () => {
    await using respd = await spawnRespd(respdArgs("--port", "0"));
    using a = await RawClient.connect(respd.port);
    using b = await RawClient.connect(respd.port);
    assertEquals(await a.call("SET", "k", "v"), "+OK\r\n");
    assertEquals(await b.call("GET", "k"), "$1\r\nv\r\n");
    const sent = performance.now();
    respd.child.kill(signal);
    const status = await respd.child.status;
    const ms = performance.now() - sent;
    assertEquals(status.code, 0);
    // The server caps its own shutdown at 2 s; the margin absorbs a loaded CI machine.
    assert(ms < 4000, `exited after ${ms.toFixed(0)} ms`);
    assert(await a.closedByPeer());
    assert(await b.closedByPeer());
    const log = await respd.log;
    assert.match(log, new RegExp(`${signal} received`));
  });
}

Deno.test("flags appended to `deno task start` reach respd", async () => {
  await using respd = await spawnRespd(["task", "start", "--port", "0", "--ws-port", "0"]);
  assert.match(respd.startupLine, /, WebSocket on ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  using c = await RawClient.connect(respd.port);
  assertEquals(await c.call("PING"), "+PONG\r\n");
  respd.child.kill("SIGTERM");
  assertEquals((await respd.child.status).code, 0);
});
