/**
 * LATENCY DOCTOR/GRAPH/HISTORY/LATEST/RESET/HISTOGRAM/HELP: the latency monitor
 * (stats/latency_monitor.ts) and the per-command histograms (stats/command_stats.ts), with
 * Redis 7.0.15's replies.
 */

import { command, commandGroup, type CommandSpec } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError } from "./errors.ts";
import { lookupCommand } from "./command_table.ts";
import type { CommandContext } from "./context.ts";

const FLAGS = ["admin", "noscript", "loading", "stale"] as const;
const CATEGORIES = ["admin", "slow", "dangerous"];
/** Redis's tips for the LATENCY subcommands that answer from each node's own samples. */
const PER_NODE_TIPS = [
  "nondeterministic_output",
  "request_policy:all_nodes",
  "response_policy:special",
];

/** LATENCY LATEST: [event, time of the last sample, its ms, the worst ms] per event. */
const latencyLatest = command({
  name: "latency|latest",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: PER_NODE_TIPS,
  parse: () => undefined,
  execute(_, ctx) {
    const events = ctx.server.introspection.latency.events;
    ctx.reply.array(events.size);
    for (const [event, series] of events) {
      const last = series.samples.at(-1)!;
      ctx.reply.array(4);
      ctx.reply.bulk(event);
      ctx.reply.integer(last.time);
      ctx.reply.integer(last.latency);
      ctx.reply.integer(series.max);
    }
  },
});

/** LATENCY HISTORY event: [time, ms] per second that had a sample, oldest first. */
const latencyHistory = command({
  name: "latency|history",
  arity: 3,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: PER_NODE_TIPS,
  parse: (a) => a.next(),
  execute(event, ctx) {
    const series = ctx.server.introspection.latency.events.get(event);
    const samples = series?.samples ?? [];
    ctx.reply.array(samples.length);
    for (const s of samples) {
      ctx.reply.array(2);
      ctx.reply.integer(s.time);
      ctx.reply.integer(s.latency);
    }
  },
});

/** LATENCY RESET [event ...]: how many events were forgotten. */
const latencyReset = command({
  name: "latency|reset",
  arity: -2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["request_policy:all_nodes", "response_policy:agg_sum"],
  parse: (a) => a.rest(),
  execute(events, ctx) {
    const monitor = ctx.server.introspection.latency;
    let n = 0;
    if (events.length === 0) n = monitor.reset();
    else for (const e of events) n += monitor.reset(e);
    ctx.reply.integer(n);
  },
});

/** LATENCY GRAPH event: an ASCII graph of the event's samples. */
const latencyGraph = command({
  name: "latency|graph",
  arity: 3,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: PER_NODE_TIPS,
  parse: (a) => a.next(),
  execute(event, ctx) {
    const monitor = ctx.server.introspection.latency;
    const series = monitor.events.get(event);
    if (series === undefined) {
      throw new CommandError(`ERR No samples available for event '${event}'`);
    }
    ctx.reply.verbatim("txt", monitor.graph(event, series));
  },
});

/** LATENCY DOCTOR: a report of the events seen, with advice. */
const latencyDoctor = command({
  name: "latency|doctor",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: PER_NODE_TIPS,
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.verbatim("txt", ctx.server.introspection.latency.doctor()),
});

/** LATENCY HISTOGRAM [command ...]: each command's calls and cumulative latency buckets. */
const latencyHistogram = command({
  name: "latency|histogram",
  arity: -2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: PER_NODE_TIPS,
  parse: (a) => a.rest(),
  execute(names, ctx) {
    const stats = ctx.server.introspection.commands.commands;
    const wanted: string[] = [];
    if (names.length === 0) wanted.push(...stats.keys());
    else {
      for (const name of names) {
        const spec = lookupCommand(name);
        if (spec === undefined) continue;
        for (const s of [spec, ...(spec.subcommands?.values() ?? [])] as CommandSpec[]) {
          if (!wanted.includes(s.name)) wanted.push(s.name);
        }
      }
    }
    const shown = wanted.filter((n) => (stats.get(n)?.histogram?.count ?? 0) > 0);
    writeHistograms(ctx, shown);
  },
});

function writeHistograms(ctx: CommandContext, names: readonly string[]): void {
  const stats = ctx.server.introspection.commands.commands;
  ctx.reply.map(names.length);
  for (const name of names) {
    const h = stats.get(name)!.histogram!;
    ctx.reply.bulk(name);
    ctx.reply.map(2);
    ctx.reply.bulk("calls");
    ctx.reply.integer(h.count);
    ctx.reply.bulk("histogram_usec");
    const buckets = h.cumulative();
    ctx.reply.map(buckets.length);
    for (const [usec, count] of buckets) {
      ctx.reply.integer(usec);
      ctx.reply.integer(count);
    }
  }
}

const latencyHelp = helpCommand("latency", [
  "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DOCTOR",
  "    Return a human readable latency analysis report.",
  "GRAPH <event>",
  "    Return an ASCII latency graph for the <event> class.",
  "HISTORY <event>",
  "    Return time-latency samples for the <event> class.",
  "LATEST",
  "    Return the latest latency samples for all events.",
  "RESET [<event> ...]",
  "    Reset latency data of one or more <event> classes.",
  "    (default: reset all data for all event classes)",
  "HISTOGRAM [COMMAND ...]",
  "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
  "    If no commands are specified then all histograms are replied.",
  "HELP",
  "    Prints this help.",
]);

export const latencyCommands = [
  commandGroup("latency", [
    latencyDoctor,
    latencyGraph,
    latencyHelp,
    latencyHistogram,
    latencyHistory,
    latencyLatest,
    latencyReset,
  ]),
];
