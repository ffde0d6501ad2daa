/**
 * The one table of redis.conf parameters respd has: for each, how a value is checked and
 * applied (with the reason Redis 7.0 gives when it refuses one), how it reads back (CONFIG
 * GET), whether CONFIG SET may change it, and how CONFIG REWRITE writes it. The config file
 * (config_directives.ts), CONFIG GET/SET (commands/config.ts) and CONFIG REWRITE
 * (config_rewrite.ts) all read this table, so a parameter is declared once. respd's own
 * settings (ws-port, log-format, …) are here too, flagged `respdOnly`: a config file may set
 * them, CONFIG does not show them (Redis has no such parameters).
 */

import {
  DEFAULT_CONFIG,
  formatSavePoints,
  type LogFormat,
  type LogLevel,
  parseMemory,
  SAVE_POINTS_REDIS_DEFAULT,
  type ServerConfig,
  type TlsAuthClients,
} from "./config.ts";
import { DirectiveError } from "./config_file.ts";
import { parseOutputLimits } from "./output_limit.ts";
import {
  formatNotifyClasses,
  INVALID_CLASS_MESSAGE,
  parseNotifyClasses,
} from "./pubsub/keyspace_events.ts";
import type { EncodingLimits } from "./store/encoding_limits.ts";
import { EVICTION_POLICIES, type EvictionPolicy } from "./store/key_access.ts";
import { parseAllowedHosts } from "./transport/origin_check.ts";
import { maxClientsForFds, openFileLimit } from "./transport/fd_limit.ts";
import {
  parseClusterSeeds,
  parseUpstreamUrl,
  UpstreamAddressError,
} from "./gateway/upstream_address.ts";

/** A value refused; `message` is Redis's reason (config file and CONFIG SET alike). */
export { DirectiveError as ConfigValueError };

/** Where a value comes from: a config file line (Redis's `save` lines add up) or CONFIG SET. */
export interface SetContext {
  fromFile: boolean;
  /** What a file's earlier lines left for later ones. */
  state: { saveSeen?: boolean };
}

/** One line CONFIG REWRITE writes, and whether it is written when the file lacks it. */
export interface RewriteLine {
  line: string;
  /** The value differs from Redis's default: append the line when the file has none. */
  force: boolean;
}

export interface ConfigParameter {
  readonly name: string;
  /** Older names Redis still accepts (hash-max-ziplist-entries …); CONFIG GET lists them. */
  readonly aliases?: readonly string[];
  /** Takes any number of words (a lone argument is split into words), not exactly one. */
  readonly multi?: boolean;
  /** CONFIG SET may change it while running. */
  readonly mutable?: boolean;
  /** respd's own: config files only, not CONFIG GET/SET, rewritten only where it stands. */
  readonly respdOnly?: boolean;
  /** Checks and applies `args`; throws ConfigValueError with Redis's reason. */
  set(c: ServerConfig, args: string[], context: SetContext): void;
  /** The value as CONFIG GET shows it. */
  get(c: ServerConfig): string;
  /** CONFIG REWRITE's lines for the value. */
  rewrite(c: ServerConfig): RewriteLine[];
}

const INT_MAX = 2147483647;
const LLONG_MAX = "9223372036854775807";

/** Redis's `string2ll`: an optional minus, digits, no leading zero, in 64 bits. */
function parseInteger(text: string): bigint | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  const n = BigInt(text);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return null;
  return n;
}

function checkRange(n: bigint, min: number | string, max: number | string): number {
  if (n < BigInt(min) || n > BigInt(max)) {
    throw new DirectiveError(`argument must be between ${min} and ${max} inclusive`);
  }
  return Number(n);
}

/** Redis's rewriteConfigFormatMemory: 1gb, 64mb, 4kb when exact, else bytes. */
export function formatMemory(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, "gb"], [1024 ** 2, "mb"], [1024, "kb"]];
  for (const [size, unit] of units) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** A string as Redis's sdscatrepr quotes it in a rewritten file. */
export function quoteConfigString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

type Field<T> = {
  get(c: ServerConfig): T;
  put(c: ServerConfig, v: T): void;
};

function field<K extends keyof ServerConfig>(key: K): Field<ServerConfig[K]> {
  return { get: (c) => c[key], put: (c, v) => (c[key] = v) };
}

/** The usual one-line rewrite: `name value`, forced when the value is not `redisDefault`. */
function plainRewrite(name: string, format: (c: ServerConfig) => string, redisDefault: string) {
  return (c: ServerConfig): RewriteLine[] => {
    const value = format(c);
    return [{ line: `${name} ${value}`, force: value !== redisDefault }];
  };
}

interface Options {
  aliases?: string[];
  mutable?: boolean;
  respdOnly?: boolean;
  /** Redis's default in the form REWRITE writes, when it is not respd's. */
  redisDefault?: string;
}

function make(
  name: string,
  options: Options,
  set: (c: ServerConfig, v: string) => void,
  get: (c: ServerConfig) => string,
  format: (c: ServerConfig) => string = get,
  defaultFrom: (c: ServerConfig) => string = format,
): ConfigParameter {
  return {
    name,
    aliases: options.aliases,
    mutable: options.mutable,
    respdOnly: options.respdOnly,
    set: (c, [v]) => set(c, v),
    get,
    // respd's own lines are rewritten where they stand, never added (Redis would refuse them)
    rewrite: (c) =>
      plainRewrite(name, format, options.redisDefault ?? defaultFrom(DEFAULTS))(c).map((l) =>
        options.respdOnly ? { ...l, force: false } : l
      ),
  };
}

function integer(
  name: string,
  min: number | string,
  max: number | string,
  f: Field<number>,
  options: Options = {},
): ConfigParameter {
  return make(name, options, (c, v) => {
    const n = parseInteger(v);
    if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
    f.put(c, checkRange(n, min, max));
  }, (c) => String(f.get(c)));
}

function memory(
  name: string,
  min: number,
  max: string,
  f: Field<number>,
  options: Options = {},
): ConfigParameter {
  return make(
    name,
    options,
    (c, v) => {
      const n = parseMemory(v);
      if (n === null) throw new DirectiveError("argument must be a memory value");
      f.put(c, checkRange(BigInt(n), min, max));
    },
    (c) => String(f.get(c)),
    (c) => formatMemory(f.get(c)),
  );
}

function yesNo(name: string, f: Field<boolean>, options: Options = {}): ConfigParameter {
  return make(name, options, (c, v) => {
    if (!/^(yes|no)$/i.test(v)) throw new DirectiveError("argument must be 'yes' or 'no'");
    f.put(c, v.toLowerCase() === "yes");
  }, (c) => (f.get(c) ? "yes" : "no"));
}

/** One of Redis's values, of which respd may support fewer (a clear error for the rest). */
function oneOf<T extends string>(
  name: string,
  redis: readonly string[],
  respd: readonly T[],
  f: Field<T>,
  options: Options = {},
): ConfigParameter {
  return make(name, options, (c, v) => {
    const lower = v.toLowerCase();
    if (!redis.includes(lower)) {
      throw new DirectiveError(`argument(s) must be one of the following: ${redis.join(", ")}`);
    }
    if (!(respd as readonly string[]).includes(lower)) {
      throw new DirectiveError(`respd supports only ${respd.join(", ")}`);
    }
    f.put(c, lower as T);
  }, (c) => f.get(c));
}

/** A string parameter; `check` refuses bad values. REWRITE quotes it as Redis does. */
function text(
  name: string,
  f: Field<string>,
  options: Options = {},
  check: (v: string) => void = () => {},
): ConfigParameter {
  return make(
    name,
    options,
    (c, v) => {
      check(v);
      f.put(c, v);
    },
    (c) => f.get(c),
    (c) => quoteConfigString(f.get(c)),
  );
}

function noPath(what: string, kind = "filename"): (v: string) => void {
  return (v) => {
    if (v.includes("/")) throw new DirectiveError(`${what} can't be a path, just a ${kind}`);
  };
}

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The compact-encoding thresholds: entries are integers, values are byte sizes. */
function encoding(name: string, alias: string, key: keyof EncodingLimits): ConfigParameter {
  const f = field(key);
  return name.endsWith("-value")
    ? memory(name, 0, LLONG_MAX, f, { aliases: [alias], mutable: true })
    : integer(name, 0, LLONG_MAX, f, { aliases: [alias], mutable: true });
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "verbose", "notice", "warning"];
const POLICIES: readonly EvictionPolicy[] = EVICTION_POLICIES;

/** Redis's client-output-buffer-limit defaults per class, as REWRITE compares them. */
const REDIS_OUTPUT_LIMITS: [string, string][] = [
  ["normal", "0 0 0"],
  ["replica", "256mb 64mb 60"],
  ["pubsub", "32mb 8mb 60"],
];

function outputLimitClass(c: ServerConfig, cls: string): string | null {
  if (cls !== "normal" && cls !== "pubsub") return null; // respd has no replicas
  const l = c.clientOutputBufferLimit[cls];
  return `${formatMemory(l.hard)} ${formatMemory(l.soft)} ${l.softSeconds}`;
}

/** The defaults REWRITE compares values with: respd's, with Redis's save points (main.ts's). */
const DEFAULTS: ServerConfig = { ...DEFAULT_CONFIG, save: SAVE_POINTS_REDIS_DEFAULT };

export const PARAMETERS: readonly ConfigParameter[] = [
  {
    name: "port",
    set(c, [v]) {
      const n = parseInteger(v);
      if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
      c.port = checkRange(n, 0, 65535);
    },
    // null: a TLS-only server (port 0 beside a tls-port), written back as Redis's 0
    get: (c) => String(c.port ?? 0),
    rewrite: (c) => [{ line: `port ${c.port ?? 0}`, force: (c.port ?? 0) !== 6379 }],
  },
  {
    name: "tls-port",
    set(c, [v]) {
      const n = parseInteger(v);
      if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
      const port = checkRange(n, 0, 65535);
      c.tlsPort = port === 0 ? null : port;
    },
    get: (c) => String(c.tlsPort ?? 0),
    rewrite: (c) => [{ line: `tls-port ${c.tlsPort ?? 0}`, force: c.tlsPort !== null }],
    // CONFIG SET opens, moves or closes the port (commands/config.ts)
    mutable: true,
  },
  tlsPath("tls-cert-file", "tlsCertFile"),
  tlsPath("tls-key-file", "tlsKeyFile"),
  tlsPath("tls-ca-cert-file", "tlsCaCertFile"),
  oneOf(
    "tls-auth-clients",
    ["no", "yes", "optional"],
    ["no", "yes", "optional"] as TlsAuthClients[],
    field("tlsAuthClients"),
    { mutable: true },
  ),
  {
    name: "bind",
    multi: true,
    set(c, args) {
      // Redis listens on every address given; respd on one. "-" marks an optional one.
      const first = args.find((a) => a !== "");
      if (first === undefined) throw new DirectiveError("respd needs an address to bind to");
      c.bind = first.replace(/^-/, "");
    },
    get: (c) => c.bind,
    rewrite: (c) => [{ line: `bind ${c.bind}`, force: c.bind !== "* -::*" }],
  },
  integer("databases", 1, INT_MAX, field("databases")),
  oneOf("loglevel", LOG_LEVELS, LOG_LEVELS, field("loglevel"), { mutable: true }),
  memory("proto-max-bulk-len", 1024 * 1024, LLONG_MAX, field("protoMaxBulkLen")),
  memory("client-query-buffer-limit", 1024 * 1024, LLONG_MAX, field("clientQueryBufferLimit")),
  {
    name: "client-output-buffer-limit",
    multi: true,
    mutable: true,
    set(c, args) {
      if (args.length % 4 !== 0 || args.length === 0) {
        throw new DirectiveError("Wrong number of arguments in buffer limit configuration.");
      }
      for (let i = 0; i < args.length; i += 4) {
        if (!/^(normal|pubsub|replica|slave)$/i.test(args[i])) {
          throw new DirectiveError("Invalid client class specified in buffer limit configuration.");
        }
        const seconds = parseInteger(args[i + 3]);
        if (
          parseMemory(args[i + 1]) === null || parseMemory(args[i + 2]) === null ||
          seconds === null || seconds < 0n
        ) {
          throw new DirectiveError(
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
          );
        }
      }
      c.clientOutputBufferLimit = parseOutputLimits(
        args.join(" "),
        c.clientOutputBufferLimit,
        parseMemory,
      );
    },
    get(c) {
      const { normal, pubsub } = c.clientOutputBufferLimit;
      return `normal ${normal.hard} ${normal.soft} ${normal.softSeconds} ` +
        `pubsub ${pubsub.hard} ${pubsub.soft} ${pubsub.softSeconds}`;
    },
    rewrite: (c) =>
      REDIS_OUTPUT_LIMITS.map(([cls, redisDefault]) => {
        const value = outputLimitClass(c, cls) ?? redisDefault;
        return {
          line: `client-output-buffer-limit ${cls} ${value}`,
          force: value !== redisDefault,
        };
      }),
  },
  {
    name: "requirepass",
    mutable: true,
    set: (c, [v]) => (c.requirepass = v === "" ? null : v),
    get: (c) => c.requirepass ?? "",
    rewrite: (c) => [{
      line: `requirepass ${quoteConfigString(c.requirepass ?? "")}`,
      force: c.requirepass !== null,
    }],
  },
  text("aclfile", {
    get: (c) => c.aclfile ?? "",
    put: (c, v) => (c.aclfile = v === "" ? null : v),
  }),
  integer("acllog-max-len", 0, LLONG_MAX, field("acllogMaxLen"), { mutable: true }),
  integer("maxclients", 1, 4294967295, field("maxclients"), { mutable: true }),
  integer("timeout", 0, INT_MAX, field("timeout"), { mutable: true }),
  memory("maxmemory", 0, "18446744073709551615", field("maxmemory"), { mutable: true }),
  oneOf("maxmemory-policy", POLICIES, POLICIES, field("maxmemoryPolicy"), { mutable: true }),
  integer("maxmemory-samples", 1, INT_MAX, field("maxmemorySamples"), { mutable: true }),
  integer("lfu-log-factor", 0, INT_MAX, field("lfuLogFactor"), { mutable: true }),
  integer("lfu-decay-time", 0, INT_MAX, field("lfuDecayTime"), { mutable: true }),
  integer("list-max-listpack-size", -INT_MAX - 1, INT_MAX, field("listMaxListpackSize"), {
    aliases: ["list-max-ziplist-size"],
    mutable: true,
  }),
  integer("list-compress-depth", 0, INT_MAX, field("listCompressDepth"), { mutable: true }),
  encoding("hash-max-listpack-entries", "hash-max-ziplist-entries", "hashMaxListpackEntries"),
  encoding("hash-max-listpack-value", "hash-max-ziplist-value", "hashMaxListpackValue"),
  integer("set-max-intset-entries", 0, LLONG_MAX, field("setMaxIntsetEntries"), {
    mutable: true,
  }),
  encoding("zset-max-listpack-entries", "zset-max-ziplist-entries", "zsetMaxListpackEntries"),
  encoding("zset-max-listpack-value", "zset-max-ziplist-value", "zsetMaxListpackValue"),
  {
    name: "notify-keyspace-events",
    mutable: true,
    set(c, [v]) {
      const flags = parseNotifyClasses(v);
      if (flags === null) throw new DirectiveError(INVALID_CLASS_MESSAGE);
      c.notifyKeyspaceEvents = flags;
    },
    get: (c) => formatNotifyClasses(c.notifyKeyspaceEvents),
    rewrite: (c) => [{
      line: `notify-keyspace-events ${
        quoteConfigString(formatNotifyClasses(c.notifyKeyspaceEvents))
      }`,
      force: c.notifyKeyspaceEvents !== 0,
    }],
  },
  integer("tracking-table-max-keys", 0, LLONG_MAX, field("trackingTableMaxKeys"), {
    mutable: true,
  }),
  integer("busy-reply-threshold", 0, LLONG_MAX, field("busyReplyThreshold"), {
    aliases: ["lua-time-limit"],
    mutable: true,
  }),
  integer("slowlog-log-slower-than", -1, LLONG_MAX, field("slowlogLogSlowerThan"), {
    mutable: true,
  }),
  integer("slowlog-max-len", 0, LLONG_MAX, field("slowlogMaxLen"), { mutable: true }),
  yesNo("latency-tracking", field("latencyTracking"), { mutable: true }),
  {
    name: "latency-tracking-info-percentiles",
    multi: true,
    mutable: true,
    set(c, words) {
      const values = words.filter((w) => w !== "").map((w) =>
        /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(w) ? Number(w) : NaN
      );
      if (values.some(Number.isNaN)) {
        throw new DirectiveError("Invalid latency-tracking-info-percentiles parameters");
      }
      if (values.some((n) => n < 0 || n > 100)) {
        throw new DirectiveError(
          "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
        );
      }
      c.latencyTrackingInfoPercentiles = values;
    },
    get: (c) => c.latencyTrackingInfoPercentiles.map(String).join(" "),
    // Redis 7.0.15 writes this line on every rewrite, default or not.
    rewrite: (c) => [{
      line: `latency-tracking-info-percentiles ${
        c.latencyTrackingInfoPercentiles.map(String).join(" ")
      }`,
      force: true,
    }],
  },
  integer("latency-monitor-threshold", 0, LLONG_MAX, field("latencyMonitorThreshold"), {
    mutable: true,
  }),
  {
    name: "save",
    multi: true,
    mutable: true,
    set(c, args, context) {
      // A file's first save line replaces the defaults, later ones add save points;
      // CONFIG SET replaces them all. `save ""` removes them.
      let points: [number, number][] = [];
      if (context.fromFile) {
        if (context.state.saveSeen) points = c.save;
        context.state.saveSeen = true;
      }
      if (args.length === 1 && args[0] === "") {
        c.save = [];
        return;
      }
      if (args.length === 0 || args.length % 2 !== 0) {
        throw new DirectiveError("Invalid save parameters");
      }
      for (const a of args) {
        const n = parseInteger(a);
        if (n === null || n < 1n || n > BigInt(INT_MAX)) {
          throw new DirectiveError("Invalid save parameters");
        }
      }
      points = [...points];
      for (let i = 0; i < args.length; i += 2) points.push([Number(args[i]), Number(args[i + 1])]);
      c.save = points;
    },
    get: (c) => formatSavePoints(c.save),
    rewrite: (c) =>
      c.save.length === 0 ? [{ line: 'save ""', force: true }] : c.save.map(([s, n]) => ({
        line: `save ${s} ${n}`,
        force: formatSavePoints(c.save) !== formatSavePoints(SAVE_POINTS_REDIS_DEFAULT),
      })),
  },
  {
    name: "dir",
    set(c, [v]) {
      // Redis changes into it while reading the config, and stops if it cannot
      let isDir = false;
      try {
        isDir = Deno.statSync(v).isDirectory;
      } catch {
        // missing or unreadable
      }
      if (!isDir) throw new DirectiveError("No such file or directory");
      c.dir = v;
    },
    get: (c) => absolute(c.dir),
    // Redis always writes the directory, as an absolute path.
    rewrite: (c) => [{ line: `dir ${quoteConfigString(absolute(c.dir))}`, force: true }],
  },
  text("dbfilename", field("dbfilename"), { mutable: true }, noPath("dbfilename")),
  yesNo("rdbcompression", field("rdbcompression"), { mutable: true }),
  yesNo("appendonly", field("appendonly"), { mutable: true }),
  oneOf(
    "appendfsync",
    ["always", "everysec", "no"],
    ["always", "everysec", "no"] as ServerConfig["appendfsync"][],
    field("appendfsync"),
    { mutable: true },
  ),
  text("appenddirname", field("appenddirname"), {}, noPath("appenddirname", "dirname")),
  text("appendfilename", field("appendfilename"), {}, noPath("appendfilename")),
  integer("auto-aof-rewrite-percentage", 0, INT_MAX, field("autoAofRewritePercentage"), {
    mutable: true,
  }),
  memory("auto-aof-rewrite-min-size", 0, LLONG_MAX, field("autoAofRewriteMinSize"), {
    mutable: true,
  }),
  yesNo("aof-load-truncated", field("aofLoadTruncated"), { mutable: true }),
  // respd's own
  {
    name: "ws-port",
    respdOnly: true,
    set(c, [v]) {
      if (v.toLowerCase() === "off") {
        c.wsPort = null;
        return;
      }
      const n = parseInteger(v);
      if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
      c.wsPort = checkRange(n, 0, 65535);
    },
    get: (c) => (c.wsPort === null ? "off" : String(c.wsPort)),
    rewrite: (c) => [{ line: `ws-port ${c.wsPort === null ? "off" : c.wsPort}`, force: false }],
  },
  integer("http-header-timeout", 1, 3600, field("httpHeaderTimeout"), { respdOnly: true }),
  memory("http-max-header-size", 1024, LLONG_MAX, field("httpMaxHeaderSize"), {
    respdOnly: true,
  }),
  integer("http-max-pending", 1, 1_000_000, field("httpMaxPending"), { respdOnly: true }),
  make(
    "ws-allowed-origins",
    { respdOnly: true },
    (c, v) => (c.wsAllowedOrigins = list(v)),
    (c) => (c.wsAllowedOrigins ?? []).join(","),
    (c) => quoteConfigString((c.wsAllowedOrigins ?? []).join(",")),
  ),
  make(
    "ws-commands",
    { respdOnly: true },
    (c, v) => (c.wsCommands = list(v)),
    (c) => (c.wsCommands ?? []).join(","),
    (c) => quoteConfigString((c.wsCommands ?? []).join(",")),
  ),
  oneOf("log-format", ["redis", "json"], ["redis", "json"] as LogFormat[], field("logFormat"), {
    respdOnly: true,
  }),
  yesNo("metrics", field("metrics"), { respdOnly: true }),
  yesNo("ws-tls", field("wsTls"), { respdOnly: true }),
  tlsPath("ws-tls-cert-file", "wsTlsCertFile", { respdOnly: true }),
  tlsPath("ws-tls-key-file", "wsTlsKeyFile", { respdOnly: true }),
  make(
    "ws-allowed-hosts",
    { respdOnly: true },
    (c, v) => {
      const names = parseAllowedHosts(v);
      if (names === null) throw new DirectiveError("argument must list host names without ports");
      c.wsAllowedHosts = names;
    },
    (c) => c.wsAllowedHosts.join(","),
    (c) => quoteConfigString(c.wsAllowedHosts.join(",")),
  ),
  text("ws-user", {
    get: (c) => c.wsUser ?? "",
    put: (c, v) => (c.wsUser = v === "" ? null : v),
  }, { respdOnly: true }),
  make(
    "metrics-token",
    { respdOnly: true },
    (c, v) => (c.metricsToken = v === "" ? null : v),
    (c) => c.metricsToken ?? "",
    (c) => quoteConfigString(c.metricsToken ?? ""),
  ),
  // gateway mode (gateway/): the upstream Redis, or a cluster's seed nodes
  text(
    "upstream",
    {
      get: (c) => c.upstream ?? "",
      put: (c, v) => (c.upstream = v === "" ? null : v),
    },
    { respdOnly: true },
    (v) => {
      if (v !== "") upstreamCheck(() => parseUpstreamUrl(v));
    },
  ),
  text(
    "upstream-cluster",
    {
      get: (c) => c.upstreamCluster ?? "",
      put: (c, v) => (c.upstreamCluster = v === "" ? null : v),
    },
    { respdOnly: true },
    (v) => {
      if (v !== "") upstreamCheck(() => parseClusterSeeds(v));
    },
  ),
  integer("upstream-pool-size", 1, 1024, field("upstreamPoolSize"), { respdOnly: true }),
  upstreamTlsFile("upstream-tls-ca-cert-file", "upstreamTlsCaCertFile"),
  upstreamTlsFile("upstream-tls-cert-file", "upstreamTlsCertFile"),
  upstreamTlsFile("upstream-tls-key-file", "upstreamTlsKeyFile"),
];

/** A file for a rediss:// upstream (gateway mode): it must exist; "" means none. */
function upstreamTlsFile(
  name: string,
  key: "upstreamTlsCaCertFile" | "upstreamTlsCertFile" | "upstreamTlsKeyFile",
): ConfigParameter {
  return text(
    name,
    {
      get: (c) => c[key] ?? "",
      put: (c, v) => (c[key] = v === "" ? null : v),
    },
    { respdOnly: true },
    (v) => {
      if (v === "") return;
      try {
        Deno.statSync(v);
      } catch {
        throw new DirectiveError(`cannot read '${v}'`);
      }
    },
  );
}

/** An upstream address refused, with the gateway's reason. */
function upstreamCheck(parse: () => unknown): void {
  try {
    parse();
  } catch (e: unknown) {
    if (e instanceof UpstreamAddressError) throw new DirectiveError(e.message);
    throw e;
  }
}

/** A TLS file path: "" means none. CONFIG SET loads the files again (commands/config.ts). */
function tlsPath(
  name: string,
  key: "tlsCertFile" | "tlsKeyFile" | "tlsCaCertFile" | "wsTlsCertFile" | "wsTlsKeyFile",
  options: { respdOnly?: boolean } = {},
): ConfigParameter {
  return text(name, {
    get: (c) => c[key] ?? "",
    put: (c, v) => (c[key] = v === "" ? null : v),
  }, { mutable: true, ...options });
}

/**
 * The parameters whose change loads the TLS files again (Redis's applyTlsCfg).
 * tls-auth-clients is not one: Redis applies it to new connections without reading files.
 */
export const TLS_PARAMETERS: ReadonlySet<string> = new Set([
  "tls-cert-file",
  "tls-key-file",
  "tls-ca-cert-file",
]);

/** maxclients may not pass what the descriptor limit allows (checked as CONFIG SET runs). */
export function checkMaxClients(c: ServerConfig): void {
  const cap = maxClientsForFds(openFileLimit(), c.wsPort === null ? 0 : c.httpMaxPending);
  if (cap !== null && c.maxclients > cap) {
    throw new DirectiveError(
      "The operating system is not able to handle the specified number of clients, " +
        `try with ${cap}`,
    );
  }
}

function absolute(dir: string): string {
  try {
    return Deno.realPathSync(dir);
  } catch {
    return dir;
  }
}

/** Every parameter by each of its names (aliases included). */
export const PARAMETER_BY_NAME: ReadonlyMap<string, ConfigParameter> = new Map(
  PARAMETERS.flatMap((p) => [p.name, ...(p.aliases ?? [])].map((n) => [n, p])),
);
