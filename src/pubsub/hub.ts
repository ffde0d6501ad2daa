/**
 * Pub/sub routing shared by every transport: which subscribers listen to which channels
 * and patterns, and delivery of a PUBLISH to all of them. A TCP client and a browser over
 * WebSocket are both `Subscriber`s (sessions), so a message crosses transports for free.
 *
 * A published message is encoded once per protocol, not once per subscriber: the RESP2
 * array and the RESP3 push differ only in their first byte (`*` or `>`), so the RESP3
 * form is a copy of the RESP2 one with that byte changed, made only if someone needs it.
 * Pattern messages (`pmessage`) carry the pattern, so they are encoded once per pattern.
 *
 * Shard channels (SSUBSCRIBE/SPUBLISH) are a namespace of their own, as in a standalone
 * Redis 7.0: a SPUBLISH reaches only shard subscribers of that exact channel (no patterns),
 * as `smessage`, and a PUBLISH never reaches them.
 *
 * Ordering follows Redis: channel subscribers first, in subscription order, then pattern
 * subscribers pattern by pattern. A client subscribed to a channel and to a pattern that
 * matches it receives the message twice and is counted twice, as in Redis.
 */

import { ReplyWriter } from "../protocol/reply_writer.ts";
import { globMatch } from "../store/glob.ts";
import { StringKeyMap, StringKeySet } from "../store/string_key_map.ts";

/** One client's subscriptions, kept on the client so its count is cheap to read. */
export class Subscriptions {
  readonly channels = new StringKeySet();
  readonly patterns = new StringKeySet();
  /** Shard channels (SSUBSCRIBE): counted apart, as Redis 7.0 counts them. */
  readonly shardChannels = new StringKeySet();

  /** Channels plus patterns: the number Redis returns in (un)subscribe replies. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /**
   * Whether the client has any subscription, shard channels included (Redis's CLIENT_PUBSUB
   * flag: subscribed mode in RESP2, the pubsub output class, PING's reply shape).
   */
  get active(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size !== 0;
  }
}

/** What the hub needs from a client: its protocol, its subscriptions and an outbound path. */
export interface Subscriber {
  readonly protocol: 2 | 3;
  readonly subscriptions: Subscriptions;
  /** Queues encoded bytes for the client (Session.deliver). */
  deliver(write: (reply: ReplyWriter) => void): void;
}

const RESP3_PUSH = 62; // '>'

/** The three namespaces a client can subscribe in. */
export type SubscriptionKind = "channel" | "pattern" | "shard";

/**
 * Told when a channel, pattern or shard channel gets its first subscriber on this server
 * and when it loses its last one: the gateway (gateway/upstream_pubsub.ts) keeps one
 * upstream subscription per name however many local subscribers share it.
 */
export interface HubWatcher {
  opened(kind: SubscriptionKind, name: string): void;
  closed(kind: SubscriptionKind, name: string): void;
}

/** A message encoded for both protocols; the RESP3 copy is made on first use. */
class Encoded {
  readonly #resp2: (reply: ReplyWriter) => void;
  #resp3: ((reply: ReplyWriter) => void) | null = null;

  constructor(readonly bytes: Uint8Array) {
    this.#resp2 = (reply) => reply.raw(bytes);
  }

  writerFor(protocol: 2 | 3): (reply: ReplyWriter) => void {
    if (protocol === 2) return this.#resp2;
    if (this.#resp3 === null) {
      const push = this.bytes.slice();
      push[0] = RESP3_PUSH;
      this.#resp3 = (reply) => reply.raw(push);
    }
    return this.#resp3;
  }
}

/** Channels and patterns of every subscriber on the server. */
export class PubSubHub {
  readonly #channels = new StringKeyMap<Set<Subscriber>>();
  readonly #patterns = new StringKeyMap<Set<Subscriber>>();
  readonly #shardChannels = new StringKeyMap<Set<Subscriber>>();
  /** Scratch encoder for published messages (RESP2 framing; see Encoded). */
  readonly #scratch = new ReplyWriter(1024);
  /** The gateway's upstream subscriptions, when respd runs in front of a Redis. */
  watcher: HubWatcher | null = null;

  /** SUBSCRIBE one channel; returns the client's subscription count afterwards. */
  subscribe(sub: Subscriber, channel: string): number {
    if (!sub.subscriptions.channels.has(channel)) {
      sub.subscriptions.channels.add(channel);
      if (addTo(this.#channels, channel, sub)) this.watcher?.opened("channel", channel);
    }
    return sub.subscriptions.count;
  }

  /** UNSUBSCRIBE one channel; returns the client's subscription count afterwards. */
  unsubscribe(sub: Subscriber, channel: string): number {
    if (sub.subscriptions.channels.delete(channel)) this.#remove("channel", channel, sub);
    return sub.subscriptions.count;
  }

  /** PSUBSCRIBE one pattern; returns the client's subscription count afterwards. */
  psubscribe(sub: Subscriber, pattern: string): number {
    if (!sub.subscriptions.patterns.has(pattern)) {
      sub.subscriptions.patterns.add(pattern);
      if (addTo(this.#patterns, pattern, sub)) this.watcher?.opened("pattern", pattern);
    }
    return sub.subscriptions.count;
  }

  /** PUNSUBSCRIBE one pattern; returns the client's subscription count afterwards. */
  punsubscribe(sub: Subscriber, pattern: string): number {
    if (sub.subscriptions.patterns.delete(pattern)) this.#remove("pattern", pattern, sub);
    return sub.subscriptions.count;
  }

  /** SSUBSCRIBE one shard channel; returns the client's shard channel count afterwards. */
  ssubscribe(sub: Subscriber, channel: string): number {
    const mine = sub.subscriptions.shardChannels;
    if (!mine.has(channel)) {
      mine.add(channel);
      if (addTo(this.#shardChannels, channel, sub)) this.watcher?.opened("shard", channel);
    }
    return mine.size;
  }

  /** SUNSUBSCRIBE one shard channel; returns the client's shard channel count afterwards. */
  sunsubscribe(sub: Subscriber, channel: string): number {
    const mine = sub.subscriptions.shardChannels;
    if (mine.delete(channel)) this.#remove("shard", channel, sub);
    return mine.size;
  }

  /** Drops every subscription of a client without replies (disconnect, RESET). */
  removeSubscriber(sub: Subscriber): void {
    const mine = sub.subscriptions;
    for (const channel of mine.channels) this.#remove("channel", channel, sub);
    for (const pattern of mine.patterns) this.#remove("pattern", pattern, sub);
    for (const channel of mine.shardChannels) this.#remove("shard", channel, sub);
    mine.channels.clear();
    mine.patterns.clear();
    mine.shardChannels.clear();
  }

  /** SPUBLISH: delivers `smessage` to the channel's shard subscribers; returns how many. */
  spublish(channel: string, message: string): number {
    const subs = this.#shardChannels.get(channel);
    if (subs === undefined) return 0;
    const encoded = this.#encode(["smessage", channel, message]);
    for (const sub of subs) sub.deliver(encoded.writerFor(sub.protocol));
    return subs.size;
  }

  /** PUBLISH: delivers to every matching subscriber; returns how many received it. */
  publish(channel: string, message: string): number {
    let receivers = this.deliverToChannel(channel, message);
    for (const pattern of this.#patterns.keys()) {
      if (globMatch(pattern, channel)) {
        receivers += this.deliverToPattern(pattern, channel, message);
      }
    }
    return receivers;
  }

  /** A `message` to the subscribers of `channel` alone (not patterns); returns how many. */
  deliverToChannel(channel: string, message: string): number {
    const subs = this.#channels.get(channel);
    if (subs === undefined) return 0;
    const encoded = this.#encode(["message", channel, message]);
    for (const sub of subs) sub.deliver(encoded.writerFor(sub.protocol));
    return subs.size;
  }

  /**
   * A `pmessage` to the subscribers of `pattern` alone (the gateway hears of each matching
   * pattern from upstream separately); returns how many.
   */
  deliverToPattern(pattern: string, channel: string, message: string): number {
    const subs = this.#patterns.get(pattern);
    if (subs === undefined) return 0;
    const encoded = this.#encode(["pmessage", pattern, channel, message]);
    for (const sub of subs) sub.deliver(encoded.writerFor(sub.protocol));
    return subs.size;
  }

  /**
   * PUBSUB CHANNELS (SHARDCHANNELS when `shard`): active channels (with at least one
   * subscriber) matching `pattern`.
   */
  activeChannels(pattern: string | null, shard = false): string[] {
    const out: string[] = [];
    for (const channel of (shard ? this.#shardChannels : this.#channels).keys()) {
      if (pattern === null || globMatch(pattern, channel)) out.push(channel);
    }
    return out;
  }

  /**
   * PUBSUB NUMSUB (SHARDNUMSUB when `shard`) for one channel: its subscribers, not counting
   * patterns.
   */
  subscriberCount(channel: string, shard = false): number {
    return (shard ? this.#shardChannels : this.#channels).get(channel)?.size ?? 0;
  }

  /** Channels with a subscriber (INFO stats pubsub_channels). */
  get channelCount(): number {
    return this.#channels.size;
  }

  /** Shard channels with a subscriber (INFO stats pubsubshard_channels). */
  get shardChannelCount(): number {
    return this.#shardChannels.size;
  }

  /** PUBSUB NUMPAT: distinct patterns subscribed by anyone. */
  get patternCount(): number {
    return this.#patterns.size;
  }

  #remove(kind: SubscriptionKind, name: string, sub: Subscriber): void {
    const map = kind === "channel"
      ? this.#channels
      : kind === "pattern"
      ? this.#patterns
      : this.#shardChannels;
    if (removeFrom(map, name, sub)) this.watcher?.closed(kind, name);
  }

  #encode(parts: readonly string[]): Encoded {
    const w = this.#scratch;
    w.protocol = 2;
    w.push(parts.length);
    for (const part of parts) w.bulk(part);
    const bytes = w.bytes().slice();
    w.clear();
    return new Encoded(bytes);
  }
}

/** Adds `sub` under `name`; true when it is the name's first subscriber. */
function addTo(map: StringKeyMap<Set<Subscriber>>, name: string, sub: Subscriber): boolean {
  let subs = map.get(name);
  const first = subs === undefined;
  if (subs === undefined) map.set(name, subs = new Set());
  subs.add(sub);
  return first;
}

/** Removes `sub` from `name`; true when the name lost its last subscriber. */
function removeFrom(map: StringKeyMap<Set<Subscriber>>, name: string, sub: Subscriber): boolean {
  const subs = map.get(name);
  if (subs === undefined) return false;
  subs.delete(sub);
  if (subs.size !== 0) return false;
  map.delete(name);
  return true;
}
