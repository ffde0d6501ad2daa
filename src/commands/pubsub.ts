/**
 * Pub/sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB, with
 * Redis 7.0's replies byte for byte (checked against redis-server 7.0.15): one
 * confirmation per channel, as an array in RESP2 and a push frame in RESP3, carrying the
 * client's total of channels plus patterns. Routing lives in pubsub/hub.ts.
 *
 * Subscribed mode: a RESP2 client with any subscription may only run the commands in
 * SUBSCRIBED_MODE_COMMANDS (its connection now carries messages, so other replies could
 * not be told apart); `subscribedModeError` gives Redis's error for the rest. RESP3
 * clients can run anything, since pushes are their own frame type.
 */

import { command, commandGroup, type CommandSpec } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError } from "./errors.ts";
import type { Session } from "../session.ts";

/** What a RESP2 client may run while subscribed (Redis's processCommand list). */
const SUBSCRIBED_MODE_COMMANDS = new Set([
  "ping",
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

/** Redis's error for a command a subscribed RESP2 client may not run, or null if allowed. */
export function subscribedModeError(spec: CommandSpec, session: Session): CommandError | null {
  if (session.protocol !== 2 || session.subscriptions.count === 0) return null;
  if (SUBSCRIBED_MODE_COMMANDS.has(spec.name)) return null;
  return new CommandError(
    `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / ` +
      "QUIT / RESET are allowed in this context",
  );
}

/** Whether PING must answer as a message (`["pong", msg]`): a subscribed RESP2 client. */
export function pingAsMessage(session: Session): boolean {
  return session.protocol === 2 && session.subscriptions.count > 0;
}

/** `[kind, name, count]`: a push in RESP3, an array in RESP2; `name` null when none. */
function confirm(s: Session, kind: string, name: string | null, count: number): void {
  s.reply.push(3);
  s.reply.bulk(kind);
  s.reply.bulkOrNull(name);
  s.reply.integer(count);
}

const PUBSUB_FLAGS = ["pubsub", "noscript", "loading", "stale"] as const;

/** SUBSCRIBE / PSUBSCRIBE: one confirmation per name, with the client's new count. */
const subscriber = (name: string, add: (s: Session, target: string) => number) =>
  command({
    name,
    arity: -2,
    flags: PUBSUB_FLAGS,
    categories: ["pubsub", "slow"],
    parse: (a) => a.rest(),
    execute(targets, s) {
      for (const t of targets) confirm(s, name, t, add(s, t));
    },
  });

/**
 * UNSUBSCRIBE / PUNSUBSCRIBE: no names means all of the client's (of that kind); one
 * confirmation per name, or a single one with a null name when there is none.
 */
const unsubscriber = (
  name: string,
  current: (s: Session) => Iterable<string>,
  remove: (s: Session, target: string) => number,
) =>
  command({
    name,
    arity: -1,
    flags: PUBSUB_FLAGS,
    categories: ["pubsub", "slow"],
    parse: (a) => a.rest(),
    execute(targets, s) {
      // a copy: removing from the client's own set while walking it
      const names = targets.length > 0 ? targets : [...current(s)];
      if (names.length === 0) return confirm(s, name, null, s.subscriptions.count);
      for (const t of names) confirm(s, name, t, remove(s, t));
    },
  });

/** SUBSCRIBE channel [channel ...] */
const subscribe = subscriber("subscribe", (s, ch) => s.server.hub.subscribe(s, ch));

/** UNSUBSCRIBE [channel ...]: none given means all of the client's channels. */
const unsubscribe = unsubscriber(
  "unsubscribe",
  (s) => s.subscriptions.channels,
  (s, ch) => s.server.hub.unsubscribe(s, ch),
);

/** PSUBSCRIBE pattern [pattern ...] */
const psubscribe = subscriber("psubscribe", (s, p) => s.server.hub.psubscribe(s, p));

/** PUNSUBSCRIBE [pattern ...]: none given means all of the client's patterns. */
const punsubscribe = unsubscriber(
  "punsubscribe",
  (s) => s.subscriptions.patterns,
  (s, p) => s.server.hub.punsubscribe(s, p),
);

/** PUBLISH channel message: replies with the number of receivers on every transport. */
const publish = command({
  name: "publish",
  arity: 3,
  flags: ["pubsub", "loading", "stale", "fast"],
  categories: ["pubsub", "fast"],
  parse: (a) => ({ channel: a.next(), message: a.next() }),
  execute: ({ channel, message }, s) => s.reply.integer(s.server.hub.publish(channel, message)),
});

/** PUBSUB CHANNELS [pattern] */
const pubsubChannels = command({
  name: "pubsub|channels",
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
  execute: (pattern, s) => s.reply.bulkArray(s.server.hub.activeChannels(pattern)),
});

/** PUBSUB NUMSUB [channel ...]: a flat channel, count list (an array in RESP3 too). */
const pubsubNumsub = command({
  name: "pubsub|numsub",
  arity: -2,
  flags: ["pubsub", "loading", "stale"],
  categories: ["pubsub", "slow"],
  parse: (a) => a.rest(),
  execute(channels, s) {
    s.reply.array(channels.length * 2);
    for (const ch of channels) {
      s.reply.bulk(ch);
      s.reply.integer(s.server.hub.subscriberCount(ch));
    }
  },
});

/** PUBSUB NUMPAT */
const pubsubNumpat = command({
  name: "pubsub|numpat",
  arity: 2,
  flags: ["pubsub", "loading", "stale"],
  categories: ["pubsub", "slow"],
  parse: () => undefined,
  execute: (_, s) => s.reply.integer(s.server.hub.patternCount),
});

/** Redis 7.0's text without SHARDCHANNELS/SHARDNUMSUB: respd has no sharded channels. */
const HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "HELP",
  "    Prints this help.",
];

/** PUBSUB HELP */
const pubsubHelp = helpCommand("pubsub", HELP);

/** PUBSUB <subcommand> */
const pubsub = commandGroup("pubsub", [pubsubChannels, pubsubNumsub, pubsubNumpat, pubsubHelp]);

export const pubsubCommands = [subscribe, unsubscribe, psubscribe, punsubscribe, publish, pubsub];
