/**
 * What each redis.conf directive does to respd's startup config, with the reasons Redis
 * 7.0 gives when it refuses one (config.c). The parameters themselves, their checks and
 * reasons, are the one table in config_parameters.ts (CONFIG GET/SET/REWRITE read it too);
 * this file adds what only a file has: a directive Redis does not know is "Bad
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

import { parseMemory, type ServerConfig } from "./config.ts";
import {
  type ConfigFiles,
  type Directive,
  DirectiveError,
  DISK,
  loadConfigFile,
  loadStartupConfig,
  splitConfigArgs,
} from "./config_file.ts";
import { PARAMETER_BY_NAME } from "./config_parameters.ts";
import { checkUserLine } from "./acl/acl_registry.ts";
import { REDIS_CONFIG_NAMES } from "./redis_config_names.ts";

/** What applying one directive did besides changing the config. */
export type DirectiveOutcome = "applied" | "ignored";

/** What a file's earlier lines left for later ones (Redis's `save` accumulates). */
export interface LoadState {
  saveSeen?: boolean;
}

/** Directives respd accepts and does nothing with, checking their value as it once used it. */
const RETIRED: Record<string, (args: string[]) => void> = {
  // accepted so that old configs still load: WebSocket output is awaited as TCP's now
  "ws-max-buffered": ([v]) => {
    if (parseMemory(v) === null) throw new DirectiveError("argument must be a memory value");
  },
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
  const p = PARAMETER_BY_NAME.get(name);
  if (p !== undefined) {
    if (p.multi) {
      const words = args.length === 1 && args[0] !== "" ? splitConfigArgs(args[0]) : args;
      p.set(c, words ?? args, { fromFile: true, state });
    } else {
      if (args.length !== 1) throw new DirectiveError("wrong number of arguments");
      p.set(c, args, { fromFile: true, state });
    }
    return "applied";
  }
  if (name === "user") {
    // ACL users (acl/): checked as Redis checks a user line, created once the file is read
    const problem = checkUserLine(args, c.aclUsers);
    if (problem !== null) throw new DirectiveError(problem);
    c.aclUsers = [...c.aclUsers, args];
    return "applied";
  }
  const retired = RETIRED[name];
  if (retired !== undefined) {
    if (args.length !== 1) throw new DirectiveError("wrong number of arguments");
    retired(args);
    return "ignored";
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
  return collect(base, (apply) => loadConfigFile(path, apply, files));
}

/**
 * `base` with the startup config applied: the config file at `path` (or none), then the
 * command line's `options` (config text, command_line.ts), read as one text as redis-server
 * reads them. Throws `ConfigFileError` with Redis's text for the first line refused.
 */
export function readStartupConfig(
  path: string | null,
  options: string,
  base: Readonly<ServerConfig>,
  files: ConfigFiles = DISK,
): LoadedConfig {
  return collect(base, (apply) => loadStartupConfig(path, options, apply, files));
}

function collect(
  base: Readonly<ServerConfig>,
  load: (apply: (d: Directive) => void) => void,
): LoadedConfig {
  const config: ServerConfig = structuredClone(base);
  const ignored: string[] = [];
  const state: LoadState = {};
  load((d) => {
    if (applyDirective(config, d.name, d.args, state) === "ignored") {
      ignored.push(`${d.name} (${d.file}:${d.line})`);
    }
  });
  return { config, ignored };
}
