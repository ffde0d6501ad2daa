/**
 * CONFIG GET/SET/REWRITE/RESETSTAT/HELP: the redis.conf parameters respd has (the one table
 * in config_parameters.ts), with their live values, replies as Redis 7.0.15's. CONFIG SET
 * changes only those that can change while running, all or nothing; CONFIG REWRITE writes
 * them back into the config file the server started with (config_rewrite.ts).
 */

import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, cString, SYNTAX_ERROR } from "./errors.ts";
import { globMatch } from "../store/glob.ts";
import type { ServerServices } from "./context.ts";
import {
  checkMaxClients,
  type ConfigParameter,
  ConfigValueError,
  PARAMETER_BY_NAME,
  PARAMETERS,
  TLS_PARAMETERS,
} from "../config_parameters.ts";
import { loadTlsContext, loadWebTlsContext, TlsConfigError } from "../transport/tls.ts";
import { TlsBindError } from "../transport/tls_port.ts";
import type { ServerConfig } from "../config.ts";
import { splitConfigArgs } from "../config_file.ts";
import { rewriteConfigFile } from "../config_rewrite.ts";

/** A parameter as CONFIG sees it: every name but respd's own settings. */
function lookup(name: string): ConfigParameter | undefined {
  const p = PARAMETER_BY_NAME.get(name);
  return p === undefined || p.respdOnly ? undefined : p;
}

/** CONFIG GET's names: each parameter's own and its aliases, as Redis lists them. */
const NAMES: readonly [string, ConfigParameter][] = PARAMETERS.filter((p) => !p.respdOnly)
  .flatMap((p) => [p.name, ...(p.aliases ?? [])].map((n) => [n, p] as [string, ConfigParameter]));

/** The live value: the port actually bound for `port` (it may have been 0). */
function valueOf(p: ConfigParameter, server: ServerServices): string {
  if (p.name === "port") return String(server.port);
  if (p.name === "tls-port") return String(server.tlsPort);
  return p.get(server.config);
}

/** CONFIG GET parameter [parameter ...] (glob patterns, case-insensitive) */
const configGet = command({
  name: "config|get",
  arity: -3,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  parse: (a) => a.rest(),
  execute(patterns, ctx) {
    // As Redis: an exact name is echoed as given; a glob lists the real names; each
    // parameter appears once.
    const found = new Map<string, [shown: string, ConfigParameter]>();
    for (const pattern of patterns) {
      const lower = pattern.toLowerCase();
      if (!/[*?[]/.test(pattern)) {
        const p = lookup(lower);
        if (p !== undefined && !found.has(lower)) found.set(lower, [pattern, p]);
        continue;
      }
      for (const [name, p] of NAMES) {
        if (!found.has(name) && globMatch(lower, name)) found.set(name, [name, p]);
      }
    }
    ctx.reply.map(found.size);
    for (const [shown, p] of found.values()) {
      ctx.reply.bulk(shown);
      ctx.reply.bulk(valueOf(p, ctx.server));
    }
  },
});

/** CONFIG SET parameter value [parameter value ...] (all or nothing, as Redis 7) */
const configSet = command({
  name: "config|set",
  arity: -4,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
  parse(a) {
    if (a.remaining % 2 !== 0) throw new CommandError(SYNTAX_ERROR);
    const pairs: [ConfigParameter, string, string][] = [];
    while (a.hasMore()) {
      const name = a.next();
      const p = lookup(name.toLowerCase());
      if (p === undefined) {
        throw new CommandError(
          `ERR Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`,
        );
      }
      if (pairs.some(([q]) => q === p)) throw failed(name, "duplicate parameter");
      if (!p.mutable) throw failed(name, "can't set immutable config");
      pairs.push([p, name, a.next()]);
    }
    return pairs;
  },
  execute(pairs, ctx) {
    // Validate every value on a copy first, so a bad one changes nothing; then apply the
    // same values (not their printed forms: `An` prints as `A`).
    const server = ctx.server;
    const aofWasOn = server.config.appendonly;
    const passwordWas = server.config.requirepass;
    const next = structuredClone(server.config);
    for (const target of [next, server.config]) {
      for (const [p, name, value] of pairs) {
        try {
          p.set(target, p.multi ? wordsOf(value) : [value], { fromFile: false, state: {} });
          if (p.name === "maxclients") checkMaxClients(target);
        } catch (e: unknown) {
          if (e instanceof ConfigValueError) throw failed(name.toLowerCase(), e.message);
          throw e;
        }
      }
      if (target !== next) continue;
      // TLS files are loaded and the TLS port bound before anything changes; a failure
      // changes nothing.
      applyTls(server, pairs, next);
    }
    // requirepass is the default user's password (Redis's ACLUpdateDefaultUserPassword).
    const password = server.config.requirepass;
    if (pairs.some(([p]) => p.name === "requirepass") || password !== passwordWas) {
      server.acl.setDefaultPassword(password);
    }
    if (server.config.appendonly !== aofWasOn) {
      if (server.config.appendonly) server.aof.enable();
      else server.aof.stop().catch(() => {});
    }
    server.introspection.slowlog.trim(server.config.slowlogMaxLen);
    ctx.reply.ok();
  },
});

/**
 * CONFIG SET tls-port and tls-* (Redis's applyTLSPort and applyTlsCfg, run in the order
 * their parameters first appear): opening a port loads the files only when no TLS context
 * was ever loaded (Redis reuses it: files changed while the port was closed are read by a
 * tls-* change, not by tls-port), new files are loaded when a TLS port is on; then the
 * port is bound. tls-auth-clients alone reads no file (Redis has no apply step for it: new
 * connections ask for certificates with the context loaded). Errors name the parameter as
 * Redis does.
 */
function applyTls(
  server: ServerServices,
  pairs: readonly [ConfigParameter, string, string][],
  next: ServerConfig,
): void {
  const portAt = pairs.findIndex(([p]) => p.name === "tls-port");
  const filesAt = pairs.findIndex(([p]) => TLS_PARAMETERS.has(p.name));
  const portChanged = portAt >= 0 && (next.tlsPort ?? 0) !== server.tlsPort;
  const filesApply = filesAt >= 0 && (next.tlsPort !== null || server.httpsPort);
  const steps: [number, () => void][] = [];
  if (portChanged && next.tlsPort !== null && !server.tlsConfigured) {
    steps.push([portAt, () => loadTlsContext(next)]);
  }
  if (filesApply) {
    steps.push([filesAt, () => {
      if (next.tlsPort !== null) loadTlsContext(next);
      if (server.httpsPort) loadWebTlsContext(next);
    }]);
  }
  for (const [at, check] of steps.sort((a, b) => a[0] - b[0])) {
    try {
      check();
    } catch (e: unknown) {
      if (!(e instanceof TlsConfigError)) throw e;
      server.log("warning", `Failed to configure TLS: ${e.message}`);
      throw failed(
        pairs[at][1].toLowerCase(),
        "Unable to update TLS configuration. Check server logs.",
      );
    }
  }
  if (portChanged) {
    try {
      server.setTlsPort(next.tlsPort, next, filesApply);
    } catch (e: unknown) {
      if (!(e instanceof TlsBindError || e instanceof TlsConfigError)) throw e;
      server.log("warning", `Could not create server TLS listening socket ${e.message}`);
      const why = e instanceof TlsBindError
        ? "Unable to listen on this port. Check server logs."
        : "Unable to update TLS configuration. Check server logs.";
      throw failed(pairs[portAt][1].toLowerCase(), why);
    }
  }
  if (filesApply) server.reloadTls(next);
  else if (pairs.some(([p]) => p.name === "tls-auth-clients")) {
    server.setTlsAuthClients(next.tlsAuthClients);
  }
}

/** A multi-value parameter's words, as Redis's sdssplitargs splits them ("" clears). */
function wordsOf(value: string): string[] {
  if (value === "") return [""];
  const words = splitConfigArgs(value);
  return words ?? [];
}

function failed(name: string, why: string): CommandError {
  return new CommandError(
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );
}

/** CONFIG REWRITE */
const configRewrite = command({
  name: "config|rewrite",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
  parse: () => undefined,
  execute(_, ctx) {
    const server = ctx.server;
    const path = server.config.configFile;
    if (path === null) throw new CommandError("ERR The server is running without a config file");
    try {
      // the ACL's users as user lines, unless an aclfile keeps them (Redis's rule)
      const users = server.config.aclfile !== null
        ? null
        : server.acl.fileText().split("\n").filter((l) => l !== "");
      rewriteConfigFile(path, server.config, users);
    } catch (e: unknown) {
      const why = e instanceof Error ? e.message : String(e);
      server.log("warning", `CONFIG REWRITE failed: ${why}`);
      throw new CommandError(`ERR Rewriting config file: ${why}`);
    }
    server.log("notice", "CONFIG REWRITE executed with success.");
    ctx.reply.ok();
  },
});

/** CONFIG RESETSTAT */
const configResetstat = command({
  name: "config|resetstat",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.server.resetStats();
    ctx.reply.ok();
  },
});

/** CONFIG HELP */
const configHelp = helpCommand("config", [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "REWRITE",
  "    Rewrite the configuration file.",
  "HELP",
  "    Prints this help.",
]);

export const configCommands = [
  commandGroup("config", [configGet, configSet, configResetstat, configRewrite, configHelp]),
];
