/**
 * Pub/sub fan-out for the gateway: one upstream subscription per channel, pattern or
 * shard channel that has at least one local subscriber, however many local clients (TCP
 * or WebSocket) share it. The local hub (pubsub/hub.ts) tells us when a name gets its
 * first subscriber and loses its last (HubWatcher); messages from upstream are handed
 * back to the hub, which delivers them to the local subscribers of that very name
 * (a `pmessage` only to that pattern's subscribers: upstream sends one per pattern).
 *
 * Subscriptions go over subscriber connections of their own (RESP2, every frame a
 * message or a confirmation), one per upstream node used: in a cluster a shard channel
 * lives on its slot's master, other channels may use any node (Redis Cluster forwards
 * PUBLISH to every node). A local SUBSCRIBE is confirmed to its client only once
 * upstream confirmed it (`barrier`), so a message published right after the client saw
 * its confirmation is not lost. A lost connection is reopened and its names subscribed
 * again, on the node that serves it by then (a cluster gateway reads its map first).
 */

import type { HubWatcher, PubSubHub, SubscriptionKind } from "../pubsub/hub.ts";
import { parseFrame } from "../protocol/frame_codec.ts";
import type { Frame } from "../protocol/frame.ts";
import { bytesToString } from "../protocol/latin1.ts";
import { addressKey, type UpstreamAddress } from "./upstream_address.ts";
import { UpstreamConnection } from "./upstream_connection.ts";

const SUBSCRIBE: Record<SubscriptionKind, [string, string]> = {
  channel: ["SUBSCRIBE", "UNSUBSCRIBE"],
  pattern: ["PSUBSCRIBE", "PUNSUBSCRIBE"],
  shard: ["SSUBSCRIBE", "SUNSUBSCRIBE"],
};

const CONFIRMATIONS = new Set([
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
]);

/** How long to wait before reopening a lost subscriber connection. */
const RECONNECT_DELAY_MS = 100;

/** One subscriber connection to one node, with what it is subscribed to. */
class SubscriberLink {
  conn: UpstreamConnection;
  readonly names = new Set<string>(); // `${kind}\0${name}`
  sent = 0;
  confirmed = 0;
  readonly barriers: { target: number; resolve: () => void }[] = [];
  /** PINGs sent to learn that every message published before them has arrived. */
  readonly pongs: (() => void)[] = [];

  constructor(readonly address: UpstreamAddress, private readonly owner: UpstreamPubSub) {
    this.conn = this.#connect();
  }

  #connect(): UpstreamConnection {
    const conn = new UpstreamConnection(this.address, 2);
    conn.onPush = (frame) => this.owner.frame(this, frame);
    conn.onClose = () => this.owner.lost(this, conn);
    return conn;
  }

  send(kind: SubscriptionKind, subscribe: boolean, name: string): void {
    this.sent++;
    this.conn.sendUnanswered([SUBSCRIBE[kind][subscribe ? 0 : 1], name]);
  }

  confirm(): void {
    this.confirmed++;
    while (this.barriers.length > 0 && this.barriers[0].target <= this.confirmed) {
      this.barriers.shift()!.resolve();
    }
  }

  /** Lets every waiting client go (their confirmations are not held forever). */
  releaseBarriers(): void {
    this.confirmed = this.sent;
    for (const b of this.barriers.splice(0)) b.resolve();
    for (const pong of this.pongs.splice(0)) pong();
  }

  ping(onPong: () => void): void {
    this.pongs.push(onPong);
    this.conn.sendUnanswered(["PING"]);
  }
}

export class UpstreamPubSub implements HubWatcher {
  readonly #links = new Map<string, SubscriberLink>();
  /** Where each name was subscribed (`kind\0name`; a cluster may move a slot later). */
  readonly #where = new Map<string, SubscriberLink>();
  #stopped = false;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Messages received from upstream and handed to the hub (INFO gateway). */
  messagesIn = 0;

  constructor(
    readonly hub: PubSubHub,
    /** The node a name is subscribed on (a shard channel's slot master in a cluster). */
    readonly nodeFor: (kind: SubscriptionKind, name: string) => UpstreamAddress,
    readonly log: (message: string) => void,
  ) {}

  /** Upstream subscriptions held, by kind (INFO gateway). */
  get subscriptionCount(): number {
    let n = 0;
    for (const link of this.#links.values()) n += link.names.size;
    return n;
  }

  opened(kind: SubscriptionKind, name: string): void {
    if (this.#stopped) return;
    const entry = `${kind}\0${name}`;
    const link = this.#link(this.nodeFor(kind, name));
    this.#where.set(entry, link);
    link.names.add(entry);
    link.send(kind, true, name);
  }

  closed(kind: SubscriptionKind, name: string): void {
    if (this.#stopped) return;
    const entry = `${kind}\0${name}`;
    const link = this.#where.get(entry);
    if (link === undefined) return;
    this.#where.delete(entry);
    link.names.delete(entry);
    link.send(kind, false, name);
  }

  /**
   * Calls `then` (synchronously, as the confirmation is read) once upstream confirmed every
   * (un)subscription sent so far; false, without calling it, when none is outstanding.
   * The gateway holds a local SUBSCRIBE's confirmation behind it.
   */
  whenConfirmed(then: () => void): boolean {
    const links = [...this.#links.values()].filter((l) => l.confirmed < l.sent);
    if (links.length === 0) return false;
    let left = links.length;
    for (const link of links) {
      link.barriers.push({ target: link.sent, resolve: () => --left === 0 && then() });
    }
    return true;
  }

  /**
   * Calls `then` once every message upstream sent to this gateway before now has been
   * delivered (a PING on each subscriber connection comes back after them): a RESP3
   * client's own PUBLISH reply waits for it, so the message comes first, as from Redis.
   */
  whenDelivered(then: () => void): void {
    const links = [...this.#links.values()].filter((l) => l.names.size > 0 && l.conn.alive);
    if (links.length === 0) return then();
    let left = links.length;
    for (const link of links) link.ping(() => --left === 0 && then());
  }

  /** A frame from a subscriber connection: a confirmation or a message. */
  frame(link: SubscriberLink, bytes: Uint8Array): void {
    let parts: string[];
    try {
      parts = strings(parseFrame(bytes, 0).frame);
    } catch {
      return;
    }
    const kind = parts[0];
    if (CONFIRMATIONS.has(kind)) return link.confirm();
    if (kind === "pong" || kind === "PONG") return link.pongs.shift()?.();
    this.messagesIn++;
    if (kind === "message" && parts.length === 3) this.hub.deliverToChannel(parts[1], parts[2]);
    else if (kind === "pmessage" && parts.length === 4) {
      this.hub.deliverToPattern(parts[1], parts[2], parts[3]);
    } else if (kind === "smessage" && parts.length === 3) this.hub.spublish(parts[1], parts[2]);
  }

  /**
   * Asked before a lost subscriber connection's names are subscribed again (a cluster
   * gateway reads its slot map, so they go to the node that serves them now).
   */
  beforeRelink: (() => Promise<void>) | null = null;

  /** A subscriber connection was lost: its clients are let go, its names subscribed anew. */
  lost(link: SubscriberLink, conn: UpstreamConnection): void {
    if (link.conn !== conn) return;
    link.releaseBarriers();
    if (this.#stopped) return;
    this.log(
      `upstream subscriber connection to ${addressKey(link.address)} lost; subscribing again`,
    );
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      try {
        await this.beforeRelink?.();
      } catch {
        // the map stays as it was: the names go where it says
      }
      if (!this.#stopped) this.#relink(link);
    }, RECONNECT_DELAY_MS);
    this.#timers.add(timer);
  }

  /** Subscribes a lost link's names again, each on the node that serves it now. */
  #relink(link: SubscriberLink): void {
    const key = addressKey(link.address);
    if (this.#links.get(key) === link) this.#links.delete(key);
    for (const entry of link.names) {
      const [kind, name] = entry.split("\0") as [SubscriptionKind, string];
      const target = this.#link(this.nodeFor(kind, name));
      this.#where.set(entry, target);
      target.names.add(entry);
      target.send(kind, true, name);
    }
  }

  /** Moves shard channels whose slot changed master (cluster topology refresh). */
  resubscribeShards(): void {
    for (const [entry, link] of this.#where) {
      const [kind, name] = entry.split("\0") as [SubscriptionKind, string];
      if (kind !== "shard") continue;
      const node = this.#link(this.nodeFor(kind, name));
      if (node === link) continue;
      link.names.delete(entry);
      link.send(kind, false, name);
      node.names.add(entry);
      node.send(kind, true, name);
      this.#where.set(entry, node);
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const link of this.#links.values()) {
      link.releaseBarriers();
      link.conn.close();
    }
    this.#links.clear();
  }

  #link(address: UpstreamAddress): SubscriberLink {
    const key = addressKey(address);
    let link = this.#links.get(key);
    if (link === undefined) this.#links.set(key, link = new SubscriberLink(address, this));
    return link;
  }
}

/** The strings of a message frame (bulk strings; integers as text). */
function strings(frame: Frame): string[] {
  if (frame.kind === "simple") return [frame.value];
  if (frame.kind !== "array" && frame.kind !== "push") return [];
  return frame.value.map((f) =>
    f.kind === "bulk"
      ? bytesToString(f.value, 0, f.value.length)
      : f.kind === "integer"
      ? String(f.value)
      : ""
  );
}
