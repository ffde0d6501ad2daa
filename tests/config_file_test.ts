/**
 * respd reads config files as redis-server does. The same files go to a real redis-server
 * (`redis-server FILE --port 0`: a file it accepts ends in "Configured to not listen
 * anywhere", one it refuses in its FATAL CONFIG FILE ERROR report) and to respd's reader;
 * both must accept, or both refuse with the same report. Then respd is started with a
 * config file and flags, end to end.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { run } from "./support/servers.ts";
import { ConfigFileError } from "../src/config_file.ts";
import { readConfigFile } from "../src/config_directives.ts";
import { DEFAULT_CONFIG } from "../src/config.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** What redis-server makes of a config file: "accepted", or its error text. */
async function redisVerdict(path: string): Promise<string> {
  const r = await run("redis-server", [path, "--port", "0"]);
  const out = r.stdout + r.stderr;
  const fatal = out.indexOf("\n*** FATAL CONFIG FILE ERROR");
  if (fatal >= 0) return out.slice(fatal).trimEnd();
  const cannotOpen = /# (Fatal error, can't open config file .*)/.exec(out);
  if (cannotOpen) return cannotOpen[1];
  assert(out.includes("Configured to not listen anywhere"), `redis-server said:\n${out}`);
  return "accepted";
}

/** What respd makes of it, in the same terms. */
function respdVerdict(path: string): string {
  try {
    readConfigFile(path, DEFAULT_CONFIG);
    return "accepted";
  } catch (e: unknown) {
    assert(e instanceof ConfigFileError, String(e));
    return e.message.trimEnd();
  }
}

/** Config files both must judge alike (`{dir}` is the directory they are written in). */
const FILES: string[] = [
  // accepted
  '# a comment\n\nport 7000\nsave 900 1\nsave ""\nloglevel verbose\ndatabases 4\n',
  'requirepass "a b"\nrequirepass \'it\\\'s\'\nrequirepass a"b c"\nrequirepass "\\x41\\n"\n',
  'save "900 1 300 10"\nbind 127.0.0.1 -::1\nmaxmemory 100mb\nmaxmemory-policy allkeys-lru\n',
  "client-output-buffer-limit normal 0 0 0\nclient-output-buffer-limit pubsub 32mb 8mb 60\n",
  "daemonize no\ntcp-keepalive 300\ndir ./\nappendonly no\nhz 10\nlist-max-ziplist-size -2\n",
  "busy-reply-threshold 100\nlua-time-limit 200\ntimeout 0\nmaxclients 100\nproto-max-bulk-len 1mb\nclient-query-buffer-limit 1gb\n",
  "include {dir}/included.conf\nport 7001\n",
  "include {dir}/a*.inc\n",
  "notify-keyspace-events KEA\ndir {dir}\ndbfilename x.rdb\nrdbcompression no\nsave 60 100\nsave 10 1000\n",
  "\t  PORT 7000  \r\n",
  // refused
  "port 7000\nfoo bar\n",
  "port 7000 # the port\n",
  "port 1 2\n",
  "requirepass\n",
  "port abc\n",
  "port 70000\n",
  "databases 0\n",
  "maxclients 0\n",
  "timeout -1\n",
  "busy-reply-threshold -1\n",
  "notify-keyspace-events Q\n",
  "dir /nonexistent/respd\n",
  "dbfilename a/b.rdb\n",
  "rdbcompression maybe\n",
  "maxmemory 1x\n",
  "proto-max-bulk-len 10\n",
  "loglevel loud\n",
  "maxmemory-policy random\n",
  "save 900\n",
  "save 900 x\n",
  "appendonly maybe\n",
  "client-output-buffer-limit normal 1 2\n",
  "client-output-buffer-limit foo 1 2 3\n",
  "client-output-buffer-limit normal x 2 3\n",
  'requirepass "abc\n',
  "requirepass 'abc\n",
  'requirepass "a"b\n',
  "# ok\n\n  \nport 7000\nrename-command a\n",
  "include\n",
  "include {dir}/missing.conf\n",
  "include {dir}/bad.inc\n",
  "include {dir}/*.inc\n", // a.inc, then bad.inc: one text, its lines numbered on
];

Deno.test("respd accepts and refuses config files as redis-server does, with its report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "respd-conf-" });
  try {
    await Deno.writeTextFile(`${dir}/included.conf`, "# included\nmaxclients 50\n");
    await Deno.writeTextFile(`${dir}/a.inc`, "timeout 5\n");
    await Deno.writeTextFile(`${dir}/bad.inc`, "timeout 5\nbogus directive\n");
    for (const [i, text] of FILES.entries()) {
      const path = `${dir}/case${i}.conf`;
      await Deno.writeTextFile(path, text.replaceAll("{dir}", dir));
      const redis = await redisVerdict(path);
      assertEquals(respdVerdict(path), redis, JSON.stringify(text));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the first save line of a file replaces the default save points, later ones add", async () => {
  const path = await Deno.makeTempFile({ suffix: ".conf" });
  try {
    const base = { ...DEFAULT_CONFIG, save: [[3600, 1]] as [number, number][] };
    await Deno.writeTextFile(path, 'save 60 100\nsave "10 1000 5 5"\n');
    assertEquals(readConfigFile(path, base).config.save, [[60, 100], [10, 1000], [5, 5]]);
    await Deno.writeTextFile(path, 'save 60 100\nsave ""\n');
    assertEquals(readConfigFile(path, base).config.save, []);
    await Deno.writeTextFile(path, "port 1\n");
    assertEquals(readConfigFile(path, base).config.save, [[3600, 1]]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("respd runs with a config file, and flags on the command line override it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "respd-conf-" });
  try {
    const path = `${dir}/respd.conf`;
    await Deno.writeTextFile(
      path,
      '# respd.conf\nport 6399\ndatabases 4\nrequirepass "pa ss"\nmaxclients 77\n' +
        `include ${dir}/more.conf\ndaemonize no\nws-port off\nsave ""\n`,
    );
    await Deno.writeTextFile(`${dir}/more.conf`, "timeout 30\nmaxclients 88\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, path, "--port", "0", "--timeout", "40"],
      cwd: dir,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let log = "";
    try {
      while (!/ready: TCP on [\d.]+:(\d+)/.test(log)) {
        const { value, done } = await lines.read();
        if (done) throw new Error(`respd exited:\n${log}`);
        log += value;
      }
      const port = Number(/ready: TCP on [\d.]+:(\d+)/.exec(log)![1]);
      assert.match(log, /\d+:M \d\d \w{3} \d{4} [\d:.]+ \* Configuration loaded from /);
      assert.match(log, /ignored, respd has no such feature: daemonize \(.*respd\.conf:7\)/);
      assert(!log.includes("6380"), "ws-port off from the file");
      using client = await RawClient.connect(port);
      assertEquals(await client.call("PING"), "-NOAUTH Authentication required.\r\n");
      assertEquals(await client.call("AUTH", "pa ss"), "+OK\r\n");
      const get = (name: string) => client.call("CONFIG", "GET", name);
      assertEquals(await get("databases"), "*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n");
      assertEquals(await get("maxclients"), "*2\r\n$10\r\nmaxclients\r\n$2\r\n88\r\n");
      assertEquals(await get("timeout"), "*2\r\n$7\r\ntimeout\r\n$2\r\n40\r\n");
    } finally {
      child.kill("SIGTERM");
      assertEquals((await child.status).code, 0);
      await lines.cancel();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a config file respd refuses exits 1 with Redis's report; a missing one likewise", async () => {
  const dir = await Deno.makeTempDir({ prefix: "respd-conf-" });
  try {
    const path = `${dir}/bad.conf`;
    await Deno.writeTextFile(path, "port 7000\n\nmaxmemory lots\n");
    const bad = await run(Deno.execPath(), ["run", "-A", MAIN, path]);
    assertEquals(bad.code, 1);
    assertEquals(
      bad.stderr.trim(),
      "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, " +
        "at line 3\n>>> 'maxmemory lots'\nargument must be a memory value",
    );
    const missing = await run(Deno.execPath(), ["run", "-A", MAIN, `${dir}/none.conf`]);
    assertEquals(missing.code, 1);
    assert.match(missing.stderr, /^\d+:C .* # Fatal error, can't open config file '.*none\.conf'/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
