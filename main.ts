/**
 * respd's command line, shaped as redis-server's: an optional config file first (redis.conf
 * syntax, src/config_file.ts), then redis.conf-style flags, which override the file. Starts
 * the server, logs (Redis's line format, or JSON), and shuts down cleanly on SIGINT/SIGTERM
 * (stop accepting, finish the batch in flight, close every client, exit 0 within 2 seconds).
 */

import { EVICTION_POLICIES } from "./src/store/key_access.ts";
import { parseArgs } from "node:util";
import {
  DEFAULT_CONFIG,
  type LogFormat,
  type LogLevel,
  parseMemory,
  parseSavePoints,
  REDIS_VERSION,
  SAVE_POINTS_REDIS_DEFAULT,
  type ServerConfig,
} from "./src/config.ts";
import { Server, VERSION } from "./src/server.ts";
import { RdbLoadError } from "./src/persistence/rdb_service.ts";
import { AofLoadError } from "./src/persistence/aof_service.ts";
import { ConfigFileError } from "./src/config_file.ts";
import { readConfigFile } from "./src/config_directives.ts";
import { formatLogLine, type LogRole } from "./src/log_line.ts";
import { parseOutputLimits } from "./src/output_limit.ts";
import { CommandPolicy, PolicyError } from "./src/security/policy.ts";
import { parseAllowedHosts } from "./src/transport/origin_check.ts";
import { TlsConfigError } from "./src/transport/tls.ts";
import {
  parseClusterSeeds,
  parseUpstreamUrl,
  UpstreamAddressError,
} from "./src/gateway/upstream_address.ts";
import { INVALID_CLASS_MESSAGE, parseNotifyClasses } from "./src/pubsub/keyspace_events.ts";

const HELP = `respd ${VERSION}: a Redis-compatible in-memory server for TCP and WebSocket clients

Usage: respd [/path/to/respd.conf] [options]
       respd -v or --version
       respd -h or --help
       (from a checkout: deno task start [/path/to/respd.conf] [options])

Examples:
       respd (run the server with default conf)
       respd /etc/respd/respd.conf
       respd --port 7777
       respd /etc/respd/respd.conf --loglevel verbose

The config file uses redis.conf syntax and directive names (\`port 6379\`, \`include\`);
options given here override it. Options:

  --port N                         TCP port (default 6379; 0 picks a free one, or with
                                   --tls-port set, as in Redis, no plaintext port at all)
  --tls-port N                     TLS RESP port (default 0: none)
  --tls-cert-file PATH             server certificate (PEM) for the TLS ports
  --tls-key-file PATH              its private key (PEM)
  --tls-ca-cert-file PATH          CA certificates client certificates are verified with
  --tls-auth-clients no|yes|optional
                                   client certificates on the TLS port (default yes)
  --ws-tls yes|no                  serve the WebSocket/HTTP port as https:// and wss://
                                   (default no)
  --ws-tls-cert-file PATH          the https port's own certificate and key (default:
  --ws-tls-key-file PATH           --tls-cert-file and --tls-key-file)
  --bind ADDR                      address to listen on (default 127.0.0.1)
  --databases N                    number of databases (default 16)
  --loglevel LEVEL                 debug | verbose | notice | warning (default notice)
  --proto-max-bulk-len SIZE        largest bulk string accepted (default 512mb)
  --client-query-buffer-limit SIZE largest pending request data per client (default 1gb)
  --ws-port N                      WebSocket/HTTP port (default 6380; 0 picks a free one; "off" disables it)
  --http-header-timeout SECONDS    time an HTTP/WebSocket connection has to send its request
                                   head (default 10)
  --http-max-header-size SIZE      largest HTTP request head accepted (default 16kb)
  --http-max-pending N             HTTP connections waiting for their request at once
                                   (default 128; more are closed on accept)
  --client-output-buffer-limit "CLASS HARD SOFT SECONDS ..."
                                   cut off clients with this much unsent output, as
                                   redis.conf (default "normal 0 0 0 pubsub 32mb 8mb 60")
  --ws-allowed-origins LIST        comma-separated Origins allowed to connect
                                   (default: the page's own origin when its host is an IP
                                   address, localhost or in --ws-allowed-hosts; and
                                   http(s)://localhost:*, http(s)://127.0.0.1:*)
  --ws-allowed-hosts LIST          host names (besides IP addresses and localhost) this
                                   server is reached by: their pages may open /ws
  --ws-commands LIST               commands allowed over WebSocket: names and @categories
  --metrics yes|no                 serve Prometheus metrics at GET /metrics on the HTTP port
                                   (default yes)
  --metrics-token TOKEN            require "Authorization: Bearer TOKEN" for /metrics
  --requirepass PASSWORD           require AUTH before any other command (the default
                                   user's password)
  --aclfile PATH                   ACL users, loaded at start (ACL LOAD / ACL SAVE)
  --ws-user NAME                   the ACL user WebSocket clients without credentials run
                                   as (default: the default user, as over TCP)
  --maxclients N                   most clients at once (default 10000)
  --timeout SECONDS                close clients idle this long (default 0 = never)
  --maxmemory SIZE                 memory limit for data (default 0 = none)
  --maxmemory-policy POLICY        noeviction | allkeys-lru | allkeys-lfu | allkeys-random |
                                   volatile-lru | volatile-lfu | volatile-random | volatile-ttl
                                   (default noeviction)
  --log-format FORMAT              redis | json (default redis: Redis's own log lines)
  --notify-keyspace-events CLASSES keyspace notifications, Redis's letters, e.g. KEA (default none)
  --dir PATH                       where dump.rdb is read at start and saved (default .)
  --dbfilename NAME                the RDB file's name (default dump.rdb)
  --save "SECONDS CHANGES ..."     save points, as redis.conf (default "3600 1 300 100 60
                                   10000"; "" disables automatic saves and the save on exit)
  --rdbcompression yes|no          LZF-compress long strings in the RDB file (default yes)
  --appendonly yes|no              log every write to the append-only file (default no)
  --appendfsync always|everysec|no when AOF writes reach the disk (default everysec)
  --appenddirname NAME             the AOF directory inside --dir (default appendonlydir)
  --appendfilename NAME            the AOF files' base name (default appendonly.aof)
  --auto-aof-rewrite-percentage N  rewrite the AOF when it doubled... (default 100; 0 = never)
  --auto-aof-rewrite-min-size SIZE ...and is at least this large (default 64mb)
  --aof-load-truncated yes|no      load an AOF whose last command a crash cut (default yes)
  --upstream redis://[user:pass@]host:port[/db]
                                   gateway mode: keep no data, run every data command on
                                   this Redis (rediss:// for TLS); see README "Two modes"
  --upstream-cluster HOST:PORT[,HOST:PORT...]
                                   gateway mode in front of a Redis Cluster: these seed nodes
                                   give the slot map; clients see one Redis
  --upstream-pool-size N           upstream connections per protocol that clients share in
                                   gateway mode (default 4)
  --upstream-tls-ca-cert-file PATH CA a rediss:// upstream's certificate is checked against
                                   (default: the system's roots)
  --upstream-tls-cert-file PATH, --upstream-tls-key-file PATH
                                   client certificate and key respd shows a rediss:// upstream
  --help                           show this help
  --version                        show the version

SIZE takes Redis units: 1k = 1000, 1kb = 1024, likewise mb, gb.`;

class UsageError extends Error {}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

function memory(name: string, text: string): number {
  const n = parseMemory(text);
  if (n === null) throw new UsageError(`--${name} must be a size like 512mb, got '${text}'`);
  return n;
}

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

const LEVELS = ["debug", "verbose", "notice", "warning"];
const POLICIES: readonly string[] = EVICTION_POLICIES;

/** Turns command-line words into server options, or throws `UsageError`. */
export function parseCommandLine(words: string[]): Partial<ServerConfig> | "help" | "version" {
  const { values, positionals } = parseArgs({
    args: words,
    strict: true,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      "tls-port": { type: "string" },
      "tls-cert-file": { type: "string" },
      "tls-key-file": { type: "string" },
      "tls-ca-cert-file": { type: "string" },
      "tls-auth-clients": { type: "string" },
      "ws-tls": { type: "string" },
      "ws-tls-cert-file": { type: "string" },
      "ws-tls-key-file": { type: "string" },
      bind: { type: "string" },
      databases: { type: "string" },
      loglevel: { type: "string" },
      "proto-max-bulk-len": { type: "string" },
      "client-query-buffer-limit": { type: "string" },
      "ws-port": { type: "string" },
      "ws-max-buffered": { type: "string" },
      "http-header-timeout": { type: "string" },
      "http-max-header-size": { type: "string" },
      "http-max-pending": { type: "string" },
      "client-output-buffer-limit": { type: "string" },
      "ws-allowed-origins": { type: "string" },
      "ws-allowed-hosts": { type: "string" },
      "ws-commands": { type: "string" },
      requirepass: { type: "string" },
      aclfile: { type: "string" },
      "ws-user": { type: "string" },
      maxclients: { type: "string" },
      timeout: { type: "string" },
      maxmemory: { type: "string" },
      "maxmemory-policy": { type: "string" },
      "log-format": { type: "string" },
      metrics: { type: "string" },
      "metrics-token": { type: "string" },
      "notify-keyspace-events": { type: "string" },
      dir: { type: "string" },
      dbfilename: { type: "string" },
      save: { type: "string" },
      rdbcompression: { type: "string" },
      appendonly: { type: "string" },
      appendfsync: { type: "string" },
      appenddirname: { type: "string" },
      appendfilename: { type: "string" },
      "auto-aof-rewrite-percentage": { type: "string" },
      "auto-aof-rewrite-min-size": { type: "string" },
      "aof-load-truncated": { type: "string" },
      upstream: { type: "string" },
      "upstream-cluster": { type: "string" },
      "upstream-pool-size": { type: "string" },
      "upstream-tls-ca-cert-file": { type: "string" },
      "upstream-tls-cert-file": { type: "string" },
      "upstream-tls-key-file": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  if (values.help) return "help";
  if (values.version) return "version";
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const c: Partial<ServerConfig> = {};
  if (values.port !== undefined) c.port = integer("port", values.port, 0, 65535);
  if (values.bind !== undefined) c.bind = values.bind;
  const tlsPort = values["tls-port"];
  if (tlsPort !== undefined) {
    const n = integer("tls-port", tlsPort, 0, 65535);
    c.tlsPort = n === 0 ? null : n;
  }
  const files = [
    ["tls-cert-file", "tlsCertFile"],
    ["tls-key-file", "tlsKeyFile"],
    ["tls-ca-cert-file", "tlsCaCertFile"],
    ["ws-tls-cert-file", "wsTlsCertFile"],
    ["ws-tls-key-file", "wsTlsKeyFile"],
  ] as const;
  for (const [flag, field] of files) {
    const path = values[flag];
    if (path !== undefined) c[field] = path === "" ? null : path;
  }
  const auth = values["tls-auth-clients"];
  if (auth !== undefined) {
    if (auth !== "no" && auth !== "yes" && auth !== "optional") {
      throw new UsageError("--tls-auth-clients must be one of no, yes, optional");
    }
    c.tlsAuthClients = auth;
  }
  if (values["ws-tls"] !== undefined) c.wsTls = yesNo("ws-tls", values["ws-tls"]);
  if (values.databases !== undefined) {
    c.databases = integer("databases", values.databases, 1, 1_000_000);
  }
  if (values.loglevel !== undefined) {
    if (!LEVELS.includes(values.loglevel)) {
      throw new UsageError(`--loglevel must be one of ${LEVELS.join(", ")}`);
    }
    c.loglevel = values.loglevel as LogLevel;
  }
  const pmbl = values["proto-max-bulk-len"];
  if (pmbl !== undefined) c.protoMaxBulkLen = memory("proto-max-bulk-len", pmbl);
  const cqbl = values["client-query-buffer-limit"];
  if (cqbl !== undefined) c.clientQueryBufferLimit = memory("client-query-buffer-limit", cqbl);
  const wsPort = values["ws-port"];
  if (wsPort !== undefined) {
    c.wsPort = wsPort === "off" ? null : integer("ws-port", wsPort, 0, 65535);
  }
  // Accepted so old command lines still start; WebSocket output is now awaited as TCP's.
  if (values["ws-max-buffered"] !== undefined) memory("ws-max-buffered", values["ws-max-buffered"]);
  const hht = values["http-header-timeout"];
  if (hht !== undefined) c.httpHeaderTimeout = integer("http-header-timeout", hht, 1, 3600);
  const hmhs = values["http-max-header-size"];
  if (hmhs !== undefined) {
    c.httpMaxHeaderSize = memory("http-max-header-size", hmhs);
    if (c.httpMaxHeaderSize < 1024) {
      throw new UsageError("--http-max-header-size must be at least 1kb");
    }
  }
  const hmp = values["http-max-pending"];
  if (hmp !== undefined) c.httpMaxPending = integer("http-max-pending", hmp, 1, 1_000_000);
  const cobl = values["client-output-buffer-limit"];
  if (cobl !== undefined) {
    try {
      c.clientOutputBufferLimit = parseOutputLimits(
        cobl,
        DEFAULT_CONFIG.clientOutputBufferLimit,
        parseMemory,
      );
    } catch (e: unknown) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new UsageError(`--client-output-buffer-limit: ${detail}`);
    }
  }
  const origins = values["ws-allowed-origins"];
  if (origins !== undefined) c.wsAllowedOrigins = list(origins);
  const hosts = values["ws-allowed-hosts"];
  if (hosts !== undefined) {
    const names = parseAllowedHosts(hosts);
    if (names === null) {
      throw new UsageError(`--ws-allowed-hosts must list host names without ports, got '${hosts}'`);
    }
    c.wsAllowedHosts = names;
  }
  const wsCommands = values["ws-commands"];
  if (wsCommands !== undefined) {
    c.wsCommands = list(wsCommands);
    try {
      new CommandPolicy(c.wsCommands); // reject unknown names here, as a usage error
    } catch (e: unknown) {
      if (e instanceof PolicyError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (values.requirepass !== undefined) c.requirepass = values.requirepass;
  if (values.aclfile !== undefined) c.aclfile = values.aclfile;
  if (values["ws-user"] !== undefined) c.wsUser = values["ws-user"];
  if (values.maxclients !== undefined) {
    c.maxclients = integer("maxclients", values.maxclients, 1, 1_000_000);
  }
  if (values.timeout !== undefined) c.timeout = integer("timeout", values.timeout, 0, 1e9);
  if (values.maxmemory !== undefined) c.maxmemory = memory("maxmemory", values.maxmemory);
  const policy = values["maxmemory-policy"];
  if (policy !== undefined) {
    if (!POLICIES.includes(policy)) {
      throw new UsageError(`--maxmemory-policy must be one of ${POLICIES.join(", ")}`);
    }
    c.maxmemoryPolicy = policy as ServerConfig["maxmemoryPolicy"];
  }
  const metrics = values.metrics;
  if (metrics !== undefined) c.metrics = yesNo("metrics", metrics);
  const metricsToken = values["metrics-token"];
  if (metricsToken !== undefined) c.metricsToken = metricsToken === "" ? null : metricsToken;
  const logFormat = values["log-format"];
  if (logFormat !== undefined) {
    if (logFormat !== "redis" && logFormat !== "json") {
      throw new UsageError("--log-format must be redis or json");
    }
    c.logFormat = logFormat;
  }
  const notify = values["notify-keyspace-events"];
  if (notify !== undefined) {
    const flags = parseNotifyClasses(notify);
    if (flags === null) throw new UsageError(`--notify-keyspace-events: ${INVALID_CLASS_MESSAGE}`);
    c.notifyKeyspaceEvents = flags;
  }
  if (values.dir !== undefined) c.dir = values.dir;
  if (values.dbfilename !== undefined) {
    if (values.dbfilename.includes("/")) {
      throw new UsageError("--dbfilename can't be a path, just a filename");
    }
    c.dbfilename = values.dbfilename;
  }
  if (values.save !== undefined) {
    const points = parseSavePoints(values.save);
    if (points === null) throw new UsageError(`--save: invalid save points '${values.save}'`);
    c.save = points;
  }
  if (values.rdbcompression !== undefined) {
    c.rdbcompression = yesNo("rdbcompression", values.rdbcompression);
  }
  if (values.appendonly !== undefined) c.appendonly = yesNo("appendonly", values.appendonly);
  const fsync = values.appendfsync;
  if (fsync !== undefined) {
    if (fsync !== "always" && fsync !== "everysec" && fsync !== "no") {
      throw new UsageError("--appendfsync must be one of always, everysec, no");
    }
    c.appendfsync = fsync;
  }
  for (const name of ["appenddirname", "appendfilename"] as const) {
    const value = values[name];
    if (value === undefined) continue;
    if (value.includes("/") || value === "") {
      throw new UsageError(`--${name} can't be a path, just a name`);
    }
    c[name] = value;
  }
  const pct = values["auto-aof-rewrite-percentage"];
  if (pct !== undefined) {
    c.autoAofRewritePercentage = integer("auto-aof-rewrite-percentage", pct, 0, 1_000_000);
  }
  const minSize = values["auto-aof-rewrite-min-size"];
  if (minSize !== undefined) c.autoAofRewriteMinSize = memory("auto-aof-rewrite-min-size", minSize);
  const truncated = values["aof-load-truncated"];
  if (truncated !== undefined) c.aofLoadTruncated = yesNo("aof-load-truncated", truncated);
  if (values.upstream !== undefined) {
    try {
      parseUpstreamUrl(values.upstream);
    } catch (e: unknown) {
      if (e instanceof UpstreamAddressError) throw new UsageError(`--upstream: ${e.message}`);
      throw e;
    }
    c.upstream = values.upstream;
  }
  const cluster = values["upstream-cluster"];
  if (cluster !== undefined) {
    try {
      parseClusterSeeds(cluster);
    } catch (e: unknown) {
      if (e instanceof UpstreamAddressError) {
        throw new UsageError(`--upstream-cluster: ${e.message}`);
      }
      throw e;
    }
    if (c.upstream !== undefined) {
      throw new UsageError("--upstream and --upstream-cluster exclude each other");
    }
    c.upstreamCluster = cluster;
  }
  const ups = values["upstream-pool-size"];
  if (ups !== undefined) c.upstreamPoolSize = integer("upstream-pool-size", ups, 1, 1024);
  const tlsFiles = [
    ["upstream-tls-ca-cert-file", "upstreamTlsCaCertFile"],
    ["upstream-tls-cert-file", "upstreamTlsCertFile"],
    ["upstream-tls-key-file", "upstreamTlsKeyFile"],
  ] as const;
  for (const [flag, key] of tlsFiles) {
    const path = values[flag];
    if (path === undefined) continue;
    try {
      Deno.statSync(path);
    } catch {
      throw new UsageError(`--${flag}: cannot read '${path}'`);
    }
    c[key] = path;
  }
  if ((c.upstreamTlsCertFile === undefined) !== (c.upstreamTlsKeyFile === undefined)) {
    throw new UsageError("--upstream-tls-cert-file and --upstream-tls-key-file go together");
  }
  return c;
}

function yesNo(flag: string, text: string): boolean {
  if (text !== "yes" && text !== "no") throw new UsageError(`--${flag} must be yes or no`);
  return text === "yes";
}

/** The config file, if the command line starts with one (as redis-server's), and the rest. */
export function splitConfigFile(words: string[]): { file: string | null; rest: string[] } {
  if (words.length > 0 && !words[0].startsWith("-")) {
    return { file: words[0], rest: words.slice(1) };
  }
  return { file: null, rest: words };
}

/** What `--version` prints: redis-server's line, with respd's version and the Redis it follows. */
export function versionLine(): string {
  return `respd server v=${VERSION} redis=${REDIS_VERSION} sha=00000000:0 malloc=v8 bits=64 ` +
    `build=deno-${Deno.version.deno}`;
}

let logFormat: LogFormat = "redis";
let logRole: LogRole = "C";

function log(level: LogLevel, message: string): void {
  console.error(formatLogLine(logFormat, level, message, new Date(), Deno.pid, logRole));
}

async function main(): Promise<number> {
  const { file, rest } = splitConfigFile(Deno.args);
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(rest);
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`respd: ${message}\nTry 'respd --help' (or 'deno task start --help').`);
    return 2;
  }
  if (parsed === "help") {
    console.log(HELP);
    return 0;
  }
  if (parsed === "version") {
    console.log(versionLine());
    return 0;
  }
  // Redis's save points apply unless the file or the command line says otherwise, as with
  // redis-server.
  const defaults: ServerConfig = { ...DEFAULT_CONFIG, save: SAVE_POINTS_REDIS_DEFAULT };
  let base = defaults;
  let ignored: string[] = [];
  if (file !== null) {
    logFormat = parsed.logFormat ?? "redis";
    try {
      ({ config: base, ignored } = readConfigFile(file, defaults));
    } catch (e: unknown) {
      if (!(e instanceof ConfigFileError)) throw e;
      // a line refused is reported as Redis reports it; a file not read, as a log line
      if (e.message.startsWith("\n")) console.error(e.message);
      else log("warning", e.message);
      return 1;
    }
  }
  const config: ServerConfig = { ...base, ...parsed, configFile: file };
  // As in Redis, `port 0` beside a TLS port means no plaintext port (a TLS-only server);
  // alone it keeps respd's meaning, a free port.
  if (config.port === 0 && config.tlsPort !== null) config.port = null;
  logFormat = config.logFormat;
  if (file !== null && config.wsCommands !== null) {
    try {
      new CommandPolicy(config.wsCommands);
    } catch (e: unknown) {
      if (!(e instanceof PolicyError)) throw e;
      log("warning", `${file}: ws-commands: ${e.message}`);
      return 1;
    }
  }
  logRole = "M";
  if (file !== null) {
    log("notice", `Configuration loaded from ${file}`);
    if (ignored.length > 0) {
      log("warning", `${file}: ignored, respd has no such feature: ${ignored.join(", ")}`);
    }
  }
  const server = new Server({ ...config, logger: log });
  try {
    server.openListeners();
    await server.listening;
  } catch (e: unknown) {
    if (e instanceof TlsConfigError) {
      // Redis's lines (tls.c, server.c)
      log("warning", e.message);
      log("warning", "Failed to configure TLS. Check logs for more info.");
    } else log("warning", `could not start: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  // SIGHUP reads the TLS certificate, key and CA files again, for new connections (also
  // when CONFIG SET tls-port opened the TLS port later); without TLS it is ignored, as
  // Redis ignores it.
  Deno.addSignalListener("SIGHUP", () => {
    if (server.tlsPort === 0 && !server.httpsPort) return;
    try {
      server.reloadTls();
      log("notice", "TLS certificate and key reloaded (SIGHUP): new connections use them");
    } catch (e: unknown) {
      if (!(e instanceof TlsConfigError)) throw e;
      log("warning", `TLS reload failed (SIGHUP), keeping the old certificate: ${e.message}`);
    }
  });
  // Signals and SHUTDOWN are heard from here on, also while the dataset loads. A signal
  // saves (when save points are set; never while loading) and exits; if that save fails
  // the server keeps running, as Redis does, and a second SIGINT exits without saving.
  let signalled = false;
  const { promise: stopped, resolve: stop } = Promise.withResolvers<string>();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      if (signalled && signal === "SIGINT") {
        log("warning", "You insist... exiting now.");
        Deno.exit(1);
      }
      signalled = true;
      log("warning", `Received ${signal} scheduling shutdown...`);
      if (server.prepareForShutdown({ save: null, force: false })) stop(signal);
      else {log(
          "warning",
          "Errors trying to shut down the server. Check the logs for more information.",
        );}
    });
  }
  server.onShutdownRequested = () => stop("SHUTDOWN");
  const loaded = await Promise.race([loadDataset(server), stopped.then(() => null)]);
  if (loaded === false) return 1;
  if (loaded === true) {
    server.startBackgroundWork();
    log("notice", `respd ${VERSION} ready: ${listeningText(server)}`);
  }
  const reason = await stopped;
  log("notice", `${reason} received: shutting down`);
  const timeout = new Promise((resolve) => setTimeout(resolve, 1800, "timeout"));
  const result = await Promise.race([server.shutdown().then(() => "done"), timeout]);
  if (result === "timeout") log("warning", "clients did not finish within 2s; exiting anyway");
  log("notice", "respd is now ready to exit, bye bye...");
  return 0;
}

/** "TCP on 127.0.0.1:6379, TLS on …, WebSocket on ws://…/ws" for the ready line. */
function listeningText(server: Server): string {
  const { bind } = server.config;
  const parts: string[] = [];
  if (server.config.port !== null) parts.push(`TCP on ${bind}:${server.port}`);
  if (server.tlsPort) parts.push(`TLS on ${bind}:${server.tlsPort}`);
  if (server.wsPort) {
    const scheme = server.config.wsTls ? "wss" : "ws";
    parts.push(`WebSocket on ${scheme}://${bind}:${server.wsPort}/ws`);
  }
  return parts.join(", ");
}

/** Loads the AOF or dump.rdb if present; false (logged) when it is damaged or unreadable. */
async function loadDataset(server: Server): Promise<boolean> {
  const started = performance.now();
  try {
    const loaded = await server.loadDataset((n) => log("notice", `Loading: ${n} keys so far`));
    if (loaded === null) return true;
    const seconds = ((performance.now() - started) / 1000).toFixed(3);
    log("notice", `Done loading ${loaded}.`);
    log("notice", `DB loaded from disk: ${seconds} seconds`);
    return true;
  } catch (e: unknown) {
    if (!(e instanceof RdbLoadError) && !(e instanceof AofLoadError)) throw e;
    const file = server.config.appendonly ? server.aof.dirPath : server.persistence.path;
    log("warning", `Fatal error loading the DB (${file}): ${e.message}`);
    return false;
  }
}

if (import.meta.main) Deno.exit(await main());
