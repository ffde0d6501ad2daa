/**
 * Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB and the
 * sharded ones (SSUBSCRIBE SUNSUBSCRIBE SPUBLISH, PUBSUB SHARDCHANNELS|SHARDNUMSUB), with
 * Redis 7.0's replies byte for byte (checked against redis-server 7.0.15): one
 * confirmation per channel, as an array in RESP2 and a push frame in RESP3, carrying the
 * client's total of channels plus patterns (of shard channels alone for the sharded
 * ones, as Redis counts them apart). A standalone server is one shard: every shard channel
 * lives here, none is refused for its slot. Routing lives in pubsub/hub.ts.
 *
 * Subscribed mode: a RESP2 client with any subscription may only run the commands in
 * SUBSCRIBED_MODE_COMMANDS (its connection now carries messages, so other replies could
 * not be told apart); `subscribedModeError` gives Redis's error for the rest. RESP3
 * clients can run anything, since pushes are their own frame type.
 */

import { command, commandGroup, type CommandSpec } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError } from "./errors.ts";
import type { ClientState, CommandContext } from "./context.ts";

/** What a RESP2 client may run while subscribed (Redis's processCommand list). */
const SUBSCRIBED_MODE_COMMANDS = new Set([
  "ping",
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
  "quit",
  "reset",
]);

/**
 * Redis's error for a command a subscribed RESP2 client may not run, or null if allowed
 * (the pipeline asks only for such clients).
 */
export function subscribedModeError(spec: CommandSpec): string | null {
  if (SUBSCRIBED_MODE_COMMANDS.has(spec.name)) return null;
  return `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / ` +
    "QUIT / RESET are allowed in this context";
}

/** Whether PING must answer as a message (`["pong", msg]`): a subscribed RESP2 client. */
export function pingAsMessage(client: ClientState): boolean {
  return client.protocol === 2 && client.subscriptions.active;
}

/** `[kind, name, count]`: a push in RESP3, an array in RESP2; `name` null when none. */
function confirm(ctx: CommandContext, kind: string, name: string | null, count: number): void {
  ctx.reply.push(3);
  ctx.reply.bulk(kind);
  ctx.reply.bulkOrNull(name);
  ctx.reply.integer(count);
}

const PUBSUB_FLAGS = ["pubsub", "noscript", "loading", "stale"] as const;

/** SUBSCRIBE / PSUBSCRIBE: one confirmation per name, with the client's new count. */
const subscriber = (name: string, add: (ctx: CommandContext, target: string) => number) =>
  command({
    name,
    arity: -2,
    flags: PUBSUB_FLAGS,
    categories: ["pubsub", "slow"],
    parse: (a) => a.rest(),
    execute(targets, ctx) {
      for (const t of targets) confirm(ctx, name, t, add(ctx, t));
    },
  });

/**
 * UNSUBSCRIBE / PUNSUBSCRIBE: no names means all of the client's (of that kind); one
 * confirmation per name, or a single one with a null name when there is none.
 */
const unsubscriber = (
  name: string,
  current: (ctx: CommandContext) => Iterable<string>,
  remove: (ctx: CommandContext, target: string) => number,
  count: (ctx: CommandContext) => number = (ctx) => ctx.client.subscriptions.count,
) =>
  command({
    name,
    arity: -1,
    flags: PUBSUB_FLAGS,
    categories: ["pubsub", "slow"],
    parse: (a) => a.rest(),
    execute(targets, ctx) {
      // a copy: removing from the client's own set while walking it
      const names = targets.length > 0 ? targets : [...current(ctx)];
      if (names.length === 0) return confirm(ctx, name, null, count(ctx));
      for (const t of names) confirm(ctx, name, t, remove(ctx, t));
    },
  });

/** SUBSCRIBE channel [channel ...] */
const subscribe = subscriber("subscribe", (ctx, ch) => ctx.server.hub.subscribe(ctx.client, ch));

/** UNSUBSCRIBE [channel ...]: none given means all of the client's channels. */
const unsubscribe = unsubscriber(
  "unsubscribe",
  (ctx) => ctx.client.subscriptions.channels,
  (ctx, ch) => ctx.server.hub.unsubscribe(ctx.client, ch),
);

/** PSUBSCRIBE pattern [pattern ...] */
const psubscribe = subscriber("psubscribe", (ctx, p) => ctx.server.hub.psubscribe(ctx.client, p));

/** PUNSUBSCRIBE [pattern ...]: none given means all of the client's patterns. */
const punsubscribe = unsubscriber(
  "punsubscribe",
  (ctx) => ctx.client.subscriptions.patterns,
  (ctx, p) => ctx.server.hub.punsubscribe(ctx.client, p),
);

/**
 * SSUBSCRIBE shardchannel [shardchannel ...]: refused inside MULTI (a client that may not
 * block), as Redis 7.0 refuses it, unlike SUBSCRIBE.
 */
const ssubscribe = command({
  name: "ssubscribe",
  arity: -2,
  flags: PUBSUB_FLAGS,
  categories: ["pubsub", "slow"],
  keys: [1, -1, 1],
  keySpecFlags: ["not_key"],
  parse: (a) => a.rest(),
  execute(targets, ctx) {
    if (ctx.client.inExec || ctx.client.denyBlocking) {
      throw new CommandError("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    for (const t of targets) {
      confirm(ctx, "ssubscribe", t, ctx.server.hub.ssubscribe(ctx.client, t));
    }
  },
});

/** SUNSUBSCRIBE [shardchannel ...]: none given means all of the client's shard channels. */
const sunsubscribe = {
  ...unsubscriber(
    "sunsubscribe",
    (ctx) => ctx.client.subscriptions.shardChannels,
    (ctx, ch) => ctx.server.hub.sunsubscribe(ctx.client, ch),
    (ctx) => ctx.client.subscriptions.shardChannels.size,
  ),
  keys: [1, -1, 1] as const,
  keySpecFlags: ["not_key"],
};

/** SPUBLISH shardchannel message: replies with the number of shard subscribers reached. */
const spublish = command({
  name: "spublish",
  arity: 3,
  flags: ["pubsub", "loading", "stale", "fast"],
  categories: ["pubsub", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["not_key"],
  parse: (a) => ({ channel: a.next(), message: a.next() }),
  execute: ({ channel, message }, ctx) =>
    ctx.reply.integer(ctx.server.hub.spublish(channel, message)),
});

/** PUBLISH channel message: replies with the number of receivers on every transport. */
const publish = command({
  name: "publish",
  arity: 3,
  flags: ["pubsub", "loading", "stale", "fast"],
  categories: ["pubsub", "fast"],
  parse: (a) => ({ channel: a.next(), message: a.next() }),
  execute: ({ channel, message }, ctx) =>
    ctx.reply.integer(ctx.server.hub.publish(channel, message)),
});

/** PUBSUB CHANNELS [pattern] and PUBSUB SHARDCHANNELS [pattern] */
const channelLister = (name: string, shard: boolean) =>
  command({
    name,
    arity: -2,
    flags: ["pubsub", "loading", "stale"],
    categories: ["pubsub", "slow"],
    parse(a) {
      // Redis's arity is -2 but it takes at most one pattern, with this error beyond.
      if (a.remaining > 1) {
        throw new CommandError(
          `ERR unknown subcommand or wrong number of arguments for '${a.argv[1]}'. ` +
            "Try PUBSUB HELP.",
        );
      }
      return a.hasMore() ? a.next() : null;
    },
    execute: (pattern, ctx) => ctx.reply.bulkArray(ctx.server.hub.activeChannels(pattern, shard)),
  });

/**
 * PUBSUB NUMSUB [channel ...] and PUBSUB SHARDNUMSUB [shardchannel ...]: a flat channel,
 * count list (an array in RESP3 too).
 */
const subscriberCounter = (name: string, shard: boolean) =>
  command({
    name,
    arity: -2,
    flags: ["pubsub", "loading", "stale"],
    categories: ["pubsub", "slow"],
    parse: (a) => a.rest(),
    execute(channels, ctx) {
      ctx.reply.array(channels.length * 2);
      for (const ch of channels) {
        ctx.reply.bulk(ch);
        ctx.reply.integer(ctx.server.hub.subscriberCount(ch, shard));
      }
    },
  });

const pubsubChannels = channelLister("pubsub|channels", false);
const pubsubShardChannels = channelLister("pubsub|shardchannels", true);
const pubsubNumsub = subscriberCounter("pubsub|numsub", false);
const pubsubShardNumsub = subscriberCounter("pubsub|shardnumsub", true);

/** PUBSUB NUMPAT */
const pubsubNumpat = command({
  name: "pubsub|numpat",
  arity: 2,
  flags: ["pubsub", "loading", "stale"],
  categories: ["pubsub", "slow"],
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.integer(ctx.server.hub.patternCount),
});

/** Redis 7.0's text. */
const HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

/** PUBSUB HELP */
const pubsubHelp = helpCommand("pubsub", HELP);

/** PUBSUB <subcommand> */
const pubsub = commandGroup("pubsub", [
  pubsubChannels,
  pubsubNumsub,
  pubsubNumpat,
  pubsubShardChannels,
  pubsubShardNumsub,
  pubsubHelp,
]);

export const pubsubCommands = [
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  publish,
  ssubscribe,
  sunsubscribe,
  spublish,
  pubsub,
];
