/**
 * respd's command line, shaped as redis-server's: an optional config file first (redis.conf
 * syntax, src/config_file.ts), then redis.conf-style options, which override the file
 * (src/command_line.ts: they are read as the file's last lines, through the one parameter
 * table, src/config_parameters.ts). Starts
 * the server, logs (Redis's line format, or JSON), and shuts down cleanly on SIGINT/SIGTERM
 * (stop accepting, finish the batch in flight, close every client, exit 0 within 2 seconds).
 */

import {
  DEFAULT_CONFIG,
  type LogFormat,
  type LogLevel,
  REDIS_VERSION,
  SAVE_POINTS_REDIS_DEFAULT,
  type ServerConfig,
} from "./src/config.ts";
import { Server, VERSION } from "./src/server.ts";
import { RdbLoadError } from "./src/persistence/rdb_service.ts";
import { AofLoadError } from "./src/persistence/aof_service.ts";
import { ConfigFileError } from "./src/config_file.ts";
import { readStartupConfig } from "./src/config_directives.ts";
import { parseCommandLine } from "./src/command_line.ts";
import { formatLogLine, type LogRole } from "./src/log_line.ts";
import { CommandPolicy, PolicyError } from "./src/security/policy.ts";
import { TlsConfigError } from "./src/transport/tls.ts";

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

The config file uses redis.conf syntax and directive names (\`port 6379\`, \`include\`).
Every directive is also an option, \`--name value ...\`, read after the file as redis-server
reads its options (they override the file; a bad one is reported at its line). Options:

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
                                   gateway mode (default 1)
  --upstream-tls-ca-cert-file PATH CA a rediss:// upstream's certificate is checked against
                                   (default: the system's roots)
  --upstream-tls-cert-file PATH, --upstream-tls-key-file PATH
                                   client certificate and key respd shows a rediss:// upstream
  --help                           show this help
  --version                        show the version

SIZE takes Redis units: 1k = 1000, 1kb = 1024, likewise mb, gb.`;

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
  const parsed = parseCommandLine(Deno.args);
  if (parsed.kind === "help") {
    console.log(HELP);
    return 0;
  }
  if (parsed.kind === "version") {
    console.log(versionLine());
    return 0;
  }
  const { file, options } = parsed;
  // Redis's save points apply unless the file or the command line says otherwise, as with
  // redis-server.
  const defaults: ServerConfig = { ...DEFAULT_CONFIG, save: SAVE_POINTS_REDIS_DEFAULT };
  let base = defaults;
  let ignored: string[] = [];
  try {
    // the file, then the options, through the one parameter table (config_parameters.ts)
    ({ config: base, ignored } = readStartupConfig(file, options, defaults));
  } catch (e: unknown) {
    if (!(e instanceof ConfigFileError)) throw e;
    // a line refused is reported as Redis reports it; a file not read, as a log line
    if (e.message.startsWith("\n")) console.error(e.message);
    else log("warning", e.message);
    return 1;
  }
  const config: ServerConfig = { ...base, configFile: file };
  // As in Redis, `port 0` beside a TLS port means no plaintext port (a TLS-only server);
  // alone it keeps respd's meaning, a free port.
  if (config.port === 0 && config.tlsPort !== null) config.port = null;
  logFormat = config.logFormat;
  if (config.wsCommands !== null) {
    try {
      new CommandPolicy(config.wsCommands);
    } catch (e: unknown) {
      if (!(e instanceof PolicyError)) throw e;
      log("warning", `ws-commands: ${e.message}`);
      return 1;
    }
  }
  if (config.upstream !== null && config.upstreamCluster !== null) {
    log("warning", "upstream and upstream-cluster exclude each other");
    return 1;
  }
  if ((config.upstreamTlsCertFile === null) !== (config.upstreamTlsKeyFile === null)) {
    log("warning", "upstream-tls-cert-file and upstream-tls-key-file go together");
    return 1;
  }
  logRole = "M";
  if (file !== null) {
    log("notice", `Configuration loaded from ${file}`);
  }
  if (ignored.length > 0) {
    log("warning", `ignored, respd has no such feature: ${ignored.join(", ")}`);
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
    // respd's own progress line; Redis shows a load's progress in INFO persistence only
    const loaded = await server.loadDataset((n) => log("notice", `Loading: ${n} keys so far`));
    if (loaded === null) return true;
    const seconds = ((performance.now() - started) / 1000).toFixed(3);
    log("notice", `DB loaded from ${loaded}: ${seconds} seconds`); // as Redis's loadDataFromDisk
    return true;
  } catch (e: unknown) {
    if (!(e instanceof RdbLoadError) && !(e instanceof AofLoadError)) throw e;
    const file = server.config.appendonly ? server.aof.dirPath : server.persistence.path;
    log("warning", `Fatal error loading the DB (${file}): ${e.message}`);
    return false;
  }
}

if (import.meta.main) Deno.exit(await main());
