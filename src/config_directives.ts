/**
 * What each redis.conf directive does to respd's startup config, with the reasons Redis
 * 7.0 gives when it refuses one (config.c): a directive Redis does not know is "Bad
 * directive or wrong number of arguments", a one-value parameter given more or fewer is
 * "wrong number of arguments", a bad value gets the parameter's own reason. Multi-value
 * parameters (save, bind, client-output-buffer-limit) given one value split it into words,
 * as Redis does, so `save "900 1 300 10"` works.
 *
 * Parameters Redis has and respd does not (daemonize, tcp-keepalive, …) are accepted
 * without their values being checked and reported back as ignored, so a stock redis.conf
 * loads. `save`, `dir`, `dbfilename`, `rdbcompression`, `appendonly`, `appendfsync` and the
 * other AOF parameters set respd's persistence. respd's own settings (ws-port, ws-allowed-origins, …,
 * log-format) are directives as well.
 */

import { EVICTION_POLICIES, type EvictionPolicy } from "./store/key_access.ts";
import {
  type LogFormat,
  type LogLevel,
  parseMemory,
  type ServerConfig,
  type TlsAuthClients,
} from "./config.ts";
import {
  type ConfigFiles,
  DirectiveError,
  DISK,
  loadConfigFile,
  splitConfigArgs,
} from "./config_file.ts";
import { parseOutputLimits } from "./output_limit.ts";
import { INVALID_CLASS_MESSAGE, parseNotifyClasses } from "./pubsub/keyspace_events.ts";
import { parseAllowedHosts } from "./transport/origin_check.ts";
import { REDIS_CONFIG_NAMES } from "./redis_config_names.ts";
import { checkUserLine } from "./acl/acl_registry.ts";

/** What applying one directive did besides changing the config. */
export type DirectiveOutcome = "applied" | "ignored";

/** What a file's earlier lines left for later ones (Redis's `save` accumulates). */
export interface LoadState {
  saveSeen?: boolean;
}

/** How one directive sets the config from its arguments; throws `DirectiveError`. */
interface Setter {
  /** Takes any number of arguments (a lone one is split into words), not exactly one. */
  multi?: boolean;
  /** Checks the arguments but changes nothing: respd does not have this feature. */
  ignored?: boolean;
  /** Applies the arguments; "applied" overrides `ignored` (what was asked is respd's way). */
  set(c: ServerConfig, args: string[], state: LoadState): DirectiveOutcome | void;
}

const INT_MAX = 2147483647;
const LONG_MAX = "9223372036854775807";

/** Redis's `string2ll`: an optional minus, digits, no leading zero, in 64 bits. */
function parseInteger(text: string): number | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  const n = BigInt(text);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return null;
  return Number(n);
}

function integer(min: number, max: number | string, set: (c: ServerConfig, n: number) => void) {
  return {
    set(c: ServerConfig, [v]: string[]) {
      const n = parseInteger(v);
      if (n === null) throw new DirectiveError("argument couldn't be parsed into an integer");
      if (n < min || n > Number(max)) {
        throw new DirectiveError(`argument must be between ${min} and ${max} inclusive`);
      }
      set(c, n);
    },
  };
}

function memory(min: number, max: string, set: (c: ServerConfig, n: number) => void): Setter {
  return {
    set(c, [v]) {
      const n = parseMemory(v);
      if (n === null) throw new DirectiveError("argument must be a memory value");
      if (n < min || n > Number(max)) {
        throw new DirectiveError(`argument must be between ${min} and ${max} inclusive`);
      }
      set(c, n);
    },
  };
}

function oneOf<T extends string>(
  redis: readonly string[],
  respd: readonly T[],
  set: (c: ServerConfig, v: T) => void,
): Setter {
  return {
    set(c, [v]) {
      const lower = v.toLowerCase();
      if (!redis.includes(lower)) {
        throw new DirectiveError(`argument(s) must be one of the following: ${redis.join(", ")}`);
      }
      if (!(respd as readonly string[]).includes(lower)) {
        throw new DirectiveError(`respd supports only ${respd.join(", ")}`);
      }
      set(c, lower as T);
    },
  };
}

function yesNo(set: (c: ServerConfig, on: boolean) => void): Setter {
  return text((c, v) => {
    if (!/^(yes|no)$/i.test(v)) throw new DirectiveError("argument must be 'yes' or 'no'");
    set(c, v.toLowerCase() === "yes");
  });
}

function text(set: (c: ServerConfig, v: string) => void): Setter {
  return { set: (c, [v]) => set(c, v) };
}

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "verbose", "notice", "warning"];
const POLICIES: readonly EvictionPolicy[] = EVICTION_POLICIES;

const SETTERS: Record<string, Setter> = {
  port: integer(0, 65535, (c, n) => (c.port = n)),
  "tls-port": integer(0, 65535, (c, n) => (c.tlsPort = n === 0 ? null : n)),
  "tls-cert-file": text((c, v) => (c.tlsCertFile = v === "" ? null : v)),
  "tls-key-file": text((c, v) => (c.tlsKeyFile = v === "" ? null : v)),
  "tls-ca-cert-file": text((c, v) => (c.tlsCaCertFile = v === "" ? null : v)),
  "tls-auth-clients": oneOf(
    ["no", "yes", "optional"],
    ["no", "yes", "optional"] as TlsAuthClients[],
    (c, v) => (c.tlsAuthClients = v),
  ),
  bind: {
    multi: true,
    set(c, args) {
      // Redis listens on every address given; respd on one. "-" marks an optional one.
      const first = args.find((a) => a !== "");
      if (first === undefined) throw new DirectiveError("respd needs an address to bind to");
      c.bind = first.replace(/^-/, "");
    },
  },
  databases: integer(1, INT_MAX, (c, n) => (c.databases = n)),
  loglevel: oneOf(LOG_LEVELS, LOG_LEVELS, (c, v) => (c.loglevel = v)),
  "proto-max-bulk-len": memory(1024 * 1024, LONG_MAX, (c, n) => (c.protoMaxBulkLen = n)),
  "client-query-buffer-limit": memory(
    1024 * 1024,
    LONG_MAX,
    (c, n) => (c.clientQueryBufferLimit = n),
  ),
  "client-output-buffer-limit": {
    multi: true,
    set(c, args) {
      if (args.length % 4 !== 0 || args.length === 0) {
        throw new DirectiveError("Wrong number of arguments in buffer limit configuration.");
      }
      for (let i = 0; i < args.length; i += 4) {
        if (!/^(normal|pubsub|replica|slave)$/i.test(args[i])) {
          throw new DirectiveError("Invalid client class specified in buffer limit configuration.");
        }
        if (
          parseMemory(args[i + 1]) === null || parseMemory(args[i + 2]) === null ||
          parseInteger(args[i + 3]) === null || Number(args[i + 3]) < 0
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
  },
  requirepass: text((c, v) => (c.requirepass = v === "" ? null : v)),
  maxclients: integer(1, 4294967295, (c, n) => (c.maxclients = n)),
  aclfile: text((c, v) => (c.aclfile = v === "" ? null : v)),
  user: {
    multi: true,
    set(c, args) {
      const problem = checkUserLine(args, c.aclUsers);
      if (problem !== null) throw new DirectiveError(problem);
      c.aclUsers = [...c.aclUsers, args];
    },
  },
  "acllog-max-len": integer(0, LONG_MAX, (c, n) => (c.acllogMaxLen = n)),
  timeout: integer(0, INT_MAX, (c, n) => (c.timeout = n)),
  maxmemory: memory(0, "18446744073709551615", (c, n) => (c.maxmemory = n)),
  "maxmemory-policy": oneOf(POLICIES, POLICIES, (c, v) => (c.maxmemoryPolicy = v)),
  "maxmemory-samples": integer(1, INT_MAX, (c, n) => (c.maxmemorySamples = n)),
  "lfu-log-factor": integer(0, INT_MAX, (c, n) => (c.lfuLogFactor = n)),
  "lfu-decay-time": integer(0, INT_MAX, (c, n) => (c.lfuDecayTime = n)),
  "list-max-listpack-size": integer(-INT_MAX - 1, INT_MAX, (c, n) => (c.listMaxListpackSize = n)),
  "list-max-ziplist-size": integer(-INT_MAX - 1, INT_MAX, (c, n) => (c.listMaxListpackSize = n)),
  "list-compress-depth": integer(0, INT_MAX, (c, n) => (c.listCompressDepth = n)),
  "notify-keyspace-events": text((c, v) => {
    const flags = parseNotifyClasses(v);
    if (flags === null) throw new DirectiveError(INVALID_CLASS_MESSAGE);
    c.notifyKeyspaceEvents = flags;
  }),
  "busy-reply-threshold": integer(0, LONG_MAX, (c, n) => (c.busyReplyThreshold = n)),
  "lua-time-limit": integer(0, LONG_MAX, (c, n) => (c.busyReplyThreshold = n)),
  save: {
    multi: true,
    set(c, args, state) {
      // As Redis reading a file: the first save line replaces the defaults, later ones add
      // save points; `save ""` removes them all.
      if (!state.saveSeen) c.save = [];
      state.saveSeen = true;
      if (args.length === 1 && args[0] === "") {
        c.save = [];
        return;
      }
      if (args.length % 2 !== 0) throw new DirectiveError("Invalid save parameters");
      for (const a of args) {
        const n = parseInteger(a);
        if (n === null || n < 1 || n > INT_MAX) throw new DirectiveError("Invalid save parameters");
      }
      for (let i = 0; i < args.length; i += 2) c.save.push([Number(args[i]), Number(args[i + 1])]);
    },
  },
  dir: text((c, v) => {
    // Redis changes into it while reading the config, and stops if it cannot
    let isDir = false;
    try {
      isDir = Deno.statSync(v).isDirectory;
    } catch {
      // missing or unreadable
    }
    if (!isDir) throw new DirectiveError("No such file or directory");
    c.dir = v;
  }),
  dbfilename: text((c, v) => {
    if (v.includes("/")) throw new DirectiveError("dbfilename can't be a path, just a filename");
    c.dbfilename = v;
  }),
  rdbcompression: yesNo((c, on) => (c.rdbcompression = on)),
  appendonly: yesNo((c, on) => (c.appendonly = on)),
  appendfsync: oneOf(
    ["always", "everysec", "no"],
    ["always", "everysec", "no"] as ServerConfig["appendfsync"][],
    (c, v) => (c.appendfsync = v),
  ),
  appenddirname: text((c, v) => {
    if (v.includes("/")) throw new DirectiveError("appenddirname can't be a path, just a dirname");
    c.appenddirname = v;
  }),
  appendfilename: text((c, v) => {
    if (v.includes("/")) {
      throw new DirectiveError("appendfilename can't be a path, just a filename");
    }
    c.appendfilename = v;
  }),
  "auto-aof-rewrite-percentage": integer(0, INT_MAX, (c, n) => (c.autoAofRewritePercentage = n)),
  "auto-aof-rewrite-min-size": memory(0, LONG_MAX, (c, n) => (c.autoAofRewriteMinSize = n)),
  "aof-load-truncated": yesNo((c, on) => (c.aofLoadTruncated = on)),
  // respd's own
  "ws-port": text((c, v) => {
    if (v.toLowerCase() === "off") c.wsPort = null;
    else integer(0, 65535, (c, n) => (c.wsPort = n)).set(c, [v]);
  }),
  // accepted so that old configs still load: WebSocket output is awaited as TCP's now
  "ws-max-buffered": { ...memory(0, LONG_MAX, () => {}), ignored: true },
  "http-header-timeout": integer(1, 3600, (c, n) => (c.httpHeaderTimeout = n)),
  "http-max-header-size": memory(1024, LONG_MAX, (c, n) => (c.httpMaxHeaderSize = n)),
  "http-max-pending": integer(1, 1_000_000, (c, n) => (c.httpMaxPending = n)),
  "ws-allowed-origins": text((c, v) => (c.wsAllowedOrigins = list(v))),
  "ws-tls": yesNo((c, on) => (c.wsTls = on)),
  "ws-allowed-hosts": text((c, v) => {
    const names = parseAllowedHosts(v);
    if (names === null) throw new DirectiveError("argument must list host names without ports");
    c.wsAllowedHosts = names;
  }),
  "ws-commands": text((c, v) => (c.wsCommands = list(v))),
  "ws-user": text((c, v) => (c.wsUser = v === "" ? null : v)),
  "log-format": oneOf(
    ["redis", "json"],
    ["redis", "json"] as LogFormat[],
    (c, v) => (c.logFormat = v),
  ),
};

/** Redis's directives that are not parameters, with the argument counts it takes. */
const OTHER_DIRECTIVES: Record<string, [number, number]> = {
  "rename-command": [2, 2],
  user: [1, Infinity],
  loadmodule: [1, Infinity],
  sentinel: [0, Infinity],
  // deprecated in 7.0, still accepted and ignored by Redis itself
  "list-max-ziplist-entries": [1, 1],
  "list-max-ziplist-value": [1, 1],
  "lua-replicate-commands": [1, 1],
};

/**
 * Applies the directive `name args…` (name in lower case) to `c`. Returns "ignored" for a
 * directive respd accepts and does nothing with, "applied" otherwise; throws
 * `DirectiveError` with Redis's reason when Redis would refuse it, or respd's when respd
 * cannot do what it asks (a maxmemory-policy it lacks, no bind address).
 */
export function applyDirective(
  c: ServerConfig,
  name: string,
  args: string[],
  state: LoadState = {},
): DirectiveOutcome {
  const setter = SETTERS[name];
  if (setter !== undefined) {
    let outcome: DirectiveOutcome | void;
    if (setter.multi) {
      const words = args.length === 1 && args[0] !== "" ? splitConfigArgs(args[0]) : args;
      outcome = setter.set(c, words ?? args, state);
    } else {
      if (args.length !== 1) throw new DirectiveError("wrong number of arguments");
      outcome = setter.set(c, args, state);
    }
    return outcome ?? (setter.ignored ? "ignored" : "applied");
  }
  if (REDIS_CONFIG_NAMES.has(name)) {
    if (!MULTI_VALUE.has(name) && args.length !== 1) {
      throw new DirectiveError("wrong number of arguments");
    }
    return "ignored";
  }
  const counts = OTHER_DIRECTIVES[name];
  if (counts !== undefined && args.length >= counts[0] && args.length <= counts[1]) {
    return "ignored";
  }
  if (name.includes(".") && counts === undefined) {
    if (args.length < 1) throw new DirectiveError("Module config specified without value");
    return "ignored";
  }
  throw new DirectiveError("Bad directive or wrong number of arguments");
}

/** Redis 7.0's parameters that take several values (MULTI_ARG_CONFIG). */
const MULTI_VALUE = new Set(["save", "bind", "client-output-buffer-limit", "oom-score-adj-values"]);

/** A config read from a file: the settings, and the directives respd took and ignored. */
export interface LoadedConfig {
  config: ServerConfig;
  /** `name (file:line)` of each directive accepted and ignored, in file order. */
  ignored: string[];
}

/**
 * `base` with the directives of the config file at `path` applied in order (includes in
 * place). Throws `ConfigFileError` with Redis's text for the first line refused.
 */
export function readConfigFile(
  path: string,
  base: Readonly<ServerConfig>,
  files: ConfigFiles = DISK,
): LoadedConfig {
  const config: ServerConfig = structuredClone(base);
  const ignored: string[] = [];
  const state: LoadState = {};
  loadConfigFile(path, (d) => {
    if (applyDirective(config, d.name, d.args, state) === "ignored") {
      ignored.push(`${d.name} (${d.file}:${d.line})`);
    }
  }, files);
  return { config, ignored };
}
