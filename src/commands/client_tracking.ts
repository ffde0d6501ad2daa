/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: client-side caching's commands, with
 * Redis 7.0.15's option checks and error texts (networking.c). The table and the messages
 * are in pubsub/tracking.ts.
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";

const FLAGS = ["noscript", "loading", "stale"] as const;
const CATEGORIES = ["slow", "connection"];

interface TrackingArgs {
  mode: string;
  /** REDIRECT's id as given (checked against live clients first, as Redis), or null. */
  redirect: number | bigint | null;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** Redis's stringCheckPrefix: one is a prefix of the other. */
function overlap(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
const tracking = command({
  name: "client|tracking",
  arity: -3,
  flags: FLAGS,
  categories: CATEGORIES,
  parse(a) {
    const mode = a.next().toLowerCase();
    const out: TrackingArgs = {
      mode,
      redirect: null,
      bcast: false,
      optin: false,
      optout: false,
      noloop: false,
      prefixes: [],
    };
    const words = a.rest();
    for (let j = 0; j < words.length; j++) {
      const w = words[j].toLowerCase();
      const more = j + 1 < words.length;
      if (w === "redirect" && more) {
        j++;
        if (out.redirect !== null) {
          throw new CommandError("ERR A client can only redirect to a single other client");
        }
        const id = parseInteger(words[j]);
        if (id === null) throw new CommandError("ERR value is not an integer or out of range");
        out.redirect = id;
      } else if (w === "bcast") out.bcast = true;
      else if (w === "optin") out.optin = true;
      else if (w === "optout") out.optout = true;
      else if (w === "noloop") out.noloop = true;
      else if (w === "prefix" && more) out.prefixes.push(words[++j]);
      else throw new CommandError(SYNTAX_ERROR);
    }
    return out;
  },
  execute(o, ctx) {
    const client = ctx.client;
    const t = client.tracking;
    const table = ctx.server.tracking;
    const redirect = o.redirect === null ? 0 : Number(o.redirect);
    if (o.redirect !== null && !ctx.server.sessions.has(redirect)) {
      throw new CommandError("ERR The client ID you want redirect to does not exist");
    }
    if (o.mode === "off") {
      table.disable(client);
      return ctx.reply.ok();
    }
    if (o.mode !== "on") throw new CommandError(SYNTAX_ERROR);
    if (!o.bcast && o.prefixes.length > 0) {
      throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if (t.on && t.bcast !== o.bcast) {
      throw new CommandError(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, " +
          "and then re-enabling it with a different mode.",
      );
    }
    if (o.bcast && (o.optin || o.optout)) {
      throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if (o.optin && o.optout) {
      throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if ((o.optin && t.optout) || (o.optout && t.optin)) {
      throw new CommandError(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, " +
          "and then re-enabling it with a different mode.",
      );
    }
    if (o.bcast) {
      for (let i = 0; i < o.prefixes.length; i++) {
        const p = o.prefixes[i];
        for (const existing of t.prefixes) {
          if (overlap(existing, p)) {
            throw new CommandError(
              `ERR Prefix '${p}' overlaps with an existing prefix '${existing}'. ` +
                "Prefixes for a single client must not overlap.",
            );
          }
        }
        const other = o.prefixes.slice(i + 1).find((q) => overlap(p, q));
        if (other !== undefined) {
          const error = `ERR Prefix '${p}' overlaps with another provided prefix '${other}'. ` +
            "Prefixes for a single client must not overlap.";
          // Redis 7.0 returns the index as its verdict: only a clash found for the first
          // prefix stops the command; a later one is replied and tracking still goes on.
          if (i === 0) throw new CommandError(error);
          ctx.reply.error(error);
          break;
        }
      }
    }
    table.enable(client, redirect, o, o.prefixes);
    ctx.reply.ok();
  },
});

/** CLIENT CACHING YES|NO */
const caching = command({
  name: "client|caching",
  arity: 3,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: (a) => a.next().toLowerCase(),
  execute(opt, ctx) {
    const t = ctx.client.tracking;
    if (!t.on) {
      throw new CommandError(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with " +
          "OPTIN or OPTOUT mode enabled",
      );
    }
    if (opt === "yes") {
      if (!t.optin) {
        throw new CommandError(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
        );
      }
    } else if (opt === "no") {
      if (!t.optout) {
        throw new CommandError(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
        );
      }
    } else throw new CommandError(SYNTAX_ERROR);
    t.caching = true;
    ctx.reply.ok();
  },
});

/** CLIENT GETREDIR */
const getredir = command({
  name: "client|getredir",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: () => undefined,
  execute(_, ctx) {
    const t = ctx.client.tracking;
    ctx.reply.integer(t.on ? t.redirect : -1);
  },
});

/** CLIENT TRACKINGINFO */
const trackinginfo = command({
  name: "client|trackinginfo",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: () => undefined,
  execute(_, ctx) {
    const t = ctx.client.tracking;
    const flags = [t.on ? "on" : "off"];
    if (t.bcast) flags.push("bcast");
    if (t.optin) flags.push("optin", ...(t.caching ? ["caching-yes"] : []));
    if (t.optout) flags.push("optout", ...(t.caching ? ["caching-no"] : []));
    if (t.noloop) flags.push("noloop");
    if (t.brokenRedirect) flags.push("broken_redirect");
    const r = ctx.reply;
    r.map(3);
    r.bulk("flags");
    r.set(flags.length);
    for (const f of flags) r.bulk(f);
    r.bulk("redirect");
    r.integer(t.on ? t.redirect : -1);
    r.bulk("prefixes");
    const prefixes = [...t.prefixes].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
    r.array(prefixes.length);
    for (const p of prefixes) r.bulk(p);
  },
});

export const trackingCommands = [tracking, caching, getredir, trackinginfo];
