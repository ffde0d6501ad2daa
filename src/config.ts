/**
 * Server options with their defaults and limits, in one place. Names follow redis.conf
 * (camel-cased here; main.ts maps the `--kebab-case` flags onto them).
 */

import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "./store/encoding_limits.ts";
import type { EvictionPolicy } from "./store/key_access.ts";
/** respd's own version (--version, INFO respd_version). */
export const VERSION = "0.1.0";
/** The Redis version respd answers as (HELLO, INFO): the one whose behaviour it follows. */
export const REDIS_VERSION = "7.0.15";

/** Redis's tls-auth-clients values. */
export type TlsAuthClients = "no" | "yes" | "optional";

export type LogLevel = "debug" | "verbose" | "notice" | "warning";

/** How log lines are written: Redis's own format, or one JSON object a line. */
export type LogFormat = "redis" | "json";

/** Hard and soft output limits of one client class, as client-output-buffer-limit. */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export interface ServerConfig extends EncodingLimits {
  /** The plain TCP port (0 picks a free one); null: none (redis.conf's `port 0` with a tls-port). */
  port: number | null;
  /** The TLS RESP port (0 picks a free one); null: none, the default (redis.conf `tls-port 0`). */
  tlsPort: number | null;
  /** The certificate (PEM, chain included) the TLS ports present (see wsTlsCertFile). */
  tlsCertFile: string | null;
  /** Its private key (PEM, not encrypted). */
  tlsKeyFile: string | null;
  /** CA certificates (PEM) client certificates are verified against. */
  tlsCaCertFile: string | null;
  /** Client certificates on the TLS RESP port: none asked, required, or verified if sent. */
  tlsAuthClients: TlsAuthClients;
  /** Serve the HTTP/WebSocket port as https:// and wss:// (certificate: wsTlsCertFile). */
  wsTls: boolean;
  /** The HTTPS port's own certificate and key; null: tlsCertFile / tlsKeyFile. */
  wsTlsCertFile: string | null;
  wsTlsKeyFile: string | null;
  bind: string;
  databases: number;
  loglevel: LogLevel;
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  /** WebSocket port; null disables the WebSocket bridge. */
  wsPort: number | null;
  /** Seconds a connection on the HTTP port has to send a whole request head. */
  httpHeaderTimeout: number;
  /** The largest request head (request line and headers) accepted on the HTTP port. */
  httpMaxHeaderSize: number;
  /** Connections on the HTTP port that may be waiting for their request at once. */
  httpMaxPending: number;
  /** Allowed Origins; null = the server's own origin and localhost/127.0.0.1 on any port. */
  wsAllowedOrigins: string[] | null;
  /**
   * Host names (besides IP literals and localhost) by which this server is reached: a page
   * served from one of them may open /ws (transport/origin_check.ts). Lower case.
   */
  wsAllowedHosts: string[];
  /** Commands allowed over WebSocket (names and @categories); null = all. */
  wsCommands: string[] | null;
  requirepass: string | null;
  /** The ACL file (ACL LOAD / SAVE, loaded at start); null: none. */
  aclfile: string | null;
  /** Entries the ACL log keeps. */
  acllogMaxLen: number;
  /** `user <name> <rules…>` lines of a config file, each as its words, in file order. */
  aclUsers: readonly (readonly string[])[];
  /**
   * The ACL user WebSocket clients run as when they send no credentials (they are let in
   * only if it is `on` and `nopass`); null: the default user, as TCP clients.
   */
  wsUser: string | null;
  maxclients: number;
  /** Idle seconds before a client is closed; 0 = never. */
  timeout: number;
  clientOutputBufferLimit: { normal: OutputLimit; pubsub: OutputLimit };
  maxmemory: number;
  maxmemoryPolicy: EvictionPolicy;
  /** Keys sampled per eviction (LRU, LFU and TTL policies), as Redis's maxmemory-samples. */
  maxmemorySamples: number;
  /** How slowly the LFU counter grows (lfu-log-factor). */
  lfuLogFactor: number;
  /** Minutes per step of the LFU counter's decay; 0 = never (lfu-decay-time). */
  lfuDecayTime: number;
  /** notify-keyspace-events as class flags (pubsub/keyspace_events.ts); 0 = off. */
  notifyKeyspaceEvents: number;
  /** Keys the client-side-caching table may hold before it invalidates some; 0 = no limit. */
  trackingTableMaxKeys: number;
  /** Milliseconds after which a script is stopped with an error (0: never). */
  busyReplyThreshold: number;
  /**
   * Redis's quicklist node size (entries when positive, -1..-5 for 4..64 KB). Redis 7.0
   * reports every list as "quicklist" whatever it is, and respd's list has no nodes to
   * size, so it is kept for CONFIG GET/SET only.
   */
  listMaxListpackSize: number;
  /** Redis's quicklist compression depth: likewise kept for CONFIG only. */
  listCompressDepth: number;
  /** respd's own: the log line format (main.ts writes the lines). */
  logFormat: LogFormat;
  /** Where RDB files are written and read (redis.conf `dir`). */
  dir: string;
  /** The RDB file's name in `dir`. */
  dbfilename: string;
  /**
   * Save points, [seconds, changes]: a BGSAVE starts when at least `changes` writes
   * happened in `seconds`. The library's default is none; the CLI applies Redis's
   * (SAVE_POINTS_REDIS_DEFAULT) unless told otherwise.
   */
  save: [number, number][];
  /** LZF-compress strings longer than 20 bytes in RDB files (as Redis does by default). */
  rdbcompression: boolean;
  /** Append every write to the AOF (persistence/aof_service.ts). */
  appendonly: boolean;
  /** When AOF writes reach the disk: before the reply, once a second, or when the OS likes. */
  appendfsync: "always" | "everysec" | "no";
  /** The AOF directory inside `dir`. */
  appenddirname: string;
  /** The AOF files' base name. */
  appendfilename: string;
  /** Rewrite the AOF when it grew this many percent over its base (0: never). */
  autoAofRewritePercentage: number;
  /** ... and is at least this large. */
  autoAofRewriteMinSize: number;
  /** Load an AOF whose last command was cut by a crash (dropping that command). */
  aofLoadTruncated: boolean;
  /** Commands that run at least this many µs go to the slow log; -1: none, 0: every one. */
  slowlogLogSlowerThan: number;
  /** Entries the slow log keeps. */
  slowlogMaxLen: number;
  /** Whether per-command latency histograms are kept (INFO latencystats). */
  latencyTracking: boolean;
  /** The percentiles INFO latencystats prints. */
  latencyTrackingInfoPercentiles: number[];
  /** Events that take at least this many ms are kept by the latency monitor; 0: off. */
  latencyMonitorThreshold: number;
  /** respd's own: whether the HTTP port serves GET /metrics. */
  metrics: boolean;
  /** respd's own: the bearer token GET /metrics requires; null: none. */
  metricsToken: string | null;
  /** The config file the server was started with (CONFIG REWRITE, INFO); null: none. */
  configFile: string | null;
  /**
   * Gateway mode (gateway/): `redis://[user:pass@]host:port[/db]` of the one Redis every
   * data command runs on; null = the embedded store.
   */
  upstream: string | null;
  /**
   * Gateway mode in front of a Redis Cluster: `host:port[,host:port…]`, seed nodes from
   * which the slot map is read; null = not a cluster gateway.
   */
  upstreamCluster: string | null;
  /** Upstream connections per protocol that clients share in gateway mode. */
  upstreamPoolSize: number;
  /**
   * `rediss://` upstreams: a PEM file of the CA(s) their certificates are checked against
   * (null: the system's roots), and the client certificate and key respd presents (null:
   * none; a Redis with `tls-auth-clients yes` wants one).
   */
  upstreamTlsCaCertFile: string | null;
  upstreamTlsCertFile: string | null;
  upstreamTlsKeyFile: string | null;
}

/** Redis's default save points ("3600 1 300 100 60 10000"). */
export const SAVE_POINTS_REDIS_DEFAULT: [number, number][] = [[3600, 1], [300, 100], [60, 10000]];

/**
 * Parses redis.conf's `save` value ("3600 1 300 100", "" for none); null when malformed.
 */
export function parseSavePoints(text: string): [number, number][] | null {
  const words = text.trim() === "" ? [] : text.trim().split(/\s+/);
  if (words.length % 2 !== 0) return null;
  const points: [number, number][] = [];
  for (let i = 0; i < words.length; i += 2) {
    if (!/^\d+$/.test(words[i]) || !/^\d+$/.test(words[i + 1])) return null;
    points.push([Number(words[i]), Number(words[i + 1])]);
  }
  return points;
}

/** The `save` value as CONFIG GET spells it. */
export function formatSavePoints(points: readonly [number, number][]): string {
  return points.map(([s, c]) => `${s} ${c}`).join(" ");
}

export const DEFAULT_CONFIG: Readonly<ServerConfig> = {
  port: 6379,
  tlsPort: null,
  tlsCertFile: null,
  tlsKeyFile: null,
  tlsCaCertFile: null,
  tlsAuthClients: "yes",
  wsTls: false,
  wsTlsCertFile: null,
  wsTlsKeyFile: null,
  bind: "127.0.0.1",
  databases: 16,
  loglevel: "notice",
  protoMaxBulkLen: 512 * 1024 * 1024,
  clientQueryBufferLimit: 1024 * 1024 * 1024,
  wsPort: 6380,
  httpHeaderTimeout: 10,
  httpMaxHeaderSize: 16 * 1024,
  httpMaxPending: 128,
  wsAllowedOrigins: null,
  wsAllowedHosts: [],
  wsCommands: null,
  requirepass: null,
  aclfile: null,
  acllogMaxLen: 128,
  aclUsers: [],
  wsUser: null,
  maxclients: 10000,
  timeout: 0,
  clientOutputBufferLimit: {
    normal: { hard: 0, soft: 0, softSeconds: 0 },
    pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
  },
  maxmemory: 0,
  maxmemoryPolicy: "noeviction",
  maxmemorySamples: 5,
  lfuLogFactor: 10,
  lfuDecayTime: 1,
  ...DEFAULT_ENCODING_LIMITS,
  notifyKeyspaceEvents: 0,
  trackingTableMaxKeys: 1_000_000,
  busyReplyThreshold: 5000,
  listMaxListpackSize: -2,
  listCompressDepth: 0,
  logFormat: "redis",
  dir: ".",
  dbfilename: "dump.rdb",
  save: [],
  rdbcompression: true,
  appendonly: false,
  appendfsync: "everysec",
  appenddirname: "appendonlydir",
  appendfilename: "appendonly.aof",
  autoAofRewritePercentage: 100,
  autoAofRewriteMinSize: 64 * 1024 * 1024,
  aofLoadTruncated: true,
  slowlogLogSlowerThan: 10000,
  slowlogMaxLen: 128,
  latencyTracking: true,
  latencyTrackingInfoPercentiles: [50, 99, 99.9],
  latencyMonitorThreshold: 0,
  configFile: null,
  metrics: true,
  metricsToken: null,
  upstream: null,
  upstreamCluster: null,
  upstreamPoolSize: 4,
  upstreamTlsCaCertFile: null,
  upstreamTlsCertFile: null,
  upstreamTlsKeyFile: null,
};

/**
 * Redis's memory units: "1k" = 1000, "1kb" = 1024, likewise m/mb and g/gb; a bare number
 * is bytes. Returns null when `text` is not such a value.
 */
export function parseMemory(text: string): number | null {
  const m = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text.trim());
  if (!m) return null;
  const units: Record<string, number> = {
    "": 1,
    b: 1,
    k: 1e3,
    kb: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * units[(m[2] ?? "").toLowerCase()];
}
