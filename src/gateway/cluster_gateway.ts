/**
 * respd as a gateway in front of a Redis Cluster (`--upstream-cluster host:port,…`): the
 * same local checks and local commands as gateway.ts, but each command goes to the master
 * of its keys' slot (cluster_topology.ts keeps the map), over a small pool per master.
 * Clients see one Redis: they need no cluster support.
 *
 *   routing     by the slot of the command's keys (hash tags honoured); commands without
 *               keys go to any master. -MOVED updates the map and resends, -ASK resends
 *               once after ASKING, to the node named (up to 5 hops); a failed connection
 *               makes the map be read again, so the next commands reach a promoted replica
 *   several     MGET MSET DEL UNLINK EXISTS TOUCH split per slot and merged; KEYS SCAN
 *   slots       DBSIZE FLUSHALL FLUSHDB RANDOMKEY fan out to every master; any other
 *               command with keys in several slots answers -CROSSSLOT (cluster_commands.ts)
 *   MULTI/WATCH a connection of the client's own, to the master of the first key the
 *               transaction names (MULTI's +OK is answered at once; commands without keys
 *               queued before that key are sent after it); a later key on another master
 *               answers -CROSSSLOT and makes EXEC answer EXECABORT. The connection is let
 *               go after EXEC, DISCARD or UNWATCH
 *   blocking    a connection of its own to the key's master for the command's duration
 *   pub/sub     channels and patterns subscribed once on one master (a cluster forwards
 *               every PUBLISH to all nodes), shard channels on their slot's master, moved
 *               when the slot moves
 *
 *   tracking    CLIENT TRACKING: a connection of the client's own per master, each told
 *               the same CLIENT TRACKING, carries all its commands (`#tracking`)
 *
 * Not through a cluster gateway: SELECT other than 0 (Redis Cluster has database 0 only;
 * its own error is passed on) and CLIENT TRACKING REDIRECT (an error says so).
 */

import type { CommandSpec } from "../commands/command.ts";
import type { ClientState, CommandContext } from "../commands/context.ts";
import type { RemoteExecutor } from "../commands/pipeline.ts";
import type { PubSubHub } from "../pubsub/hub.ts";
import { keySlot } from "./cluster_slots.ts";
import { type ClusterNode, ClusterTopology } from "./cluster_topology.ts";
import {
  clusterKeys,
  CROSSSLOT,
  FAN_OUT,
  fanOut,
  slotOfKeys,
  splitAcrossSlots,
} from "./cluster_commands.ts";
import { isLocal, raw, redirectPosition, SUBSCRIBING } from "./gateway.ts";
import { addressKey, type UpstreamAddress } from "./upstream_address.ts";
import { errorReply, errorText, UpstreamConnection } from "./upstream_connection.ts";
import { UpstreamPubSub } from "./upstream_pubsub.ts";

const OK = new TextEncoder().encode("+OK\r\n");
const QUEUED = new TextEncoder().encode("+QUEUED\r\n");
const EXECABORT = new TextEncoder().encode(
  "-EXECABORT Transaction discarded because of previous errors.\r\n",
);
const NO_REDIRECT = errorReply(
  "ERR CLIENT TRACKING REDIRECT is not supported by respd in front of a Redis Cluster",
);
/** What a RESP3 tracking client is sent when a node's invalidations may have been lost. */
const INVALIDATE_ALL = new TextEncoder().encode(">2\r\n$10\r\ninvalidate\r\n_\r\n");
const NOT_IN_MULTI = errorReply("ERR Command not allowed inside a transaction");
const MAX_REDIRECTS = 5;

type Fill = (reply: Uint8Array) => void;

/** A transaction's (or WATCH's) connection, pinned to one master once a key names it. */
interface Pinned {
  node: ClusterNode | null;
  conn: UpstreamConnection | null;
  inMulti: boolean;
  multiFailed: boolean;
  /** Sent before the node was known: MULTI and keyless commands, answered locally. */
  waiting: string[][];
  ready: Promise<void> | null;
}

/** A tracking client's connections, one per master, each told CLIENT TRACKING `args`. */
interface Tracked {
  readonly client: ClientState;
  args: readonly string[];
  readonly conns: Map<string, UpstreamConnection>;
  /** CLIENT CACHING yes|no for the next command, sent ahead of it on its connection. */
  caching: readonly string[] | null;
  /** A null invalidation was delivered and no reply since: another one is redundant. */
  flushed: boolean;
}

interface PooledDue {
  count: number;
  idle: (() => void)[];
}

export interface ClusterGatewayOptions {
  readonly seeds: readonly UpstreamAddress[];
  readonly poolSize: number;
  readonly hub: PubSubHub;
  readonly log: (message: string) => void;
}

export class ClusterGateway implements RemoteExecutor {
  readonly topology: ClusterTopology;
  readonly pubsub: UpstreamPubSub;
  readonly #pools = new Map<string, Record<2 | 3, (UpstreamConnection | undefined)[]>>();
  readonly #pinned = new Map<number, Pinned>();
  readonly #blockedOn = new Map<number, UpstreamConnection>();
  readonly #due = new Map<number, PooledDue>();
  readonly #tracked = new Map<number, Tracked>();
  readonly #poolSize: number;
  readonly #log: (message: string) => void;
  forwarded = 0;
  redirects = 0;

  constructor(options: ClusterGatewayOptions) {
    this.#poolSize = Math.max(1, options.poolSize);
    this.#log = options.log;
    this.topology = new ClusterTopology(options.seeds, options.log);
    this.pubsub = new UpstreamPubSub(
      options.hub,
      (kind, name) =>
        kind === "shard" ? this.topology.masterFor(keySlot(name)) : this.topology.anyMaster(),
      options.log,
    );
    this.pubsub.beforeRelink = () => this.topology.refresh();
    options.hub.watcher = this.pubsub;
    this.topology.onChange = () => this.pubsub.resubscribeShards();
    this.topology.start().catch((e: unknown) =>
      this.#log(`cluster map: ${e instanceof Error ? e.message : String(e)}`)
    );
  }

  forwards(spec: CommandSpec, client: Pick<ClientState, "id">): boolean {
    if (!isLocal(spec.name)) return true;
    return this.#pinned.get(client.id)?.inMulti === true && spec.name !== "quit" &&
      spec.name !== "reset";
  }

  forward(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
    const client = ctx.client;
    const name = spec.name;
    this.forwarded++;
    const blocking = spec.flags.includes("blocking");
    let fill = client.awaitReply(blocking);
    if (name === "client|tracking") return this.#tracking(client, argv, fill);
    const tracked = this.#tracked.get(client.id);
    if (tracked !== undefined) {
      const then = fill;
      fill = (bytes) => {
        tracked.flushed = false;
        then(bytes);
      };
      if (name === "client|caching") {
        // answered by one node; it applies to the node the next command goes to
        this.#send(client, this.topology.anyMaster(), argv, fill, -1, 0, false);
        tracked.caching = [...argv];
        return;
      }
      if (!name.startsWith("client|")) {
        this.#caching = tracked.caching;
        tracked.caching = null;
        try {
          return this.#route(spec, argv, ctx, fill);
        } finally {
          this.#caching = null;
        }
      }
    }
    this.#route(spec, argv, ctx, fill);
  }

  /** A pending CLIENT CACHING, sent ahead of the command being routed (tracking clients). */
  #caching: readonly string[] | null = null;

  #route(spec: CommandSpec, argv: readonly string[], ctx: CommandContext, fill: Fill): void {
    const client = ctx.client;
    const name = spec.name;
    const blocking = spec.flags.includes("blocking");
    if (client.protocol === 3 && client.subscriptions.active) {
      // what the command caused (its own message, a notification) comes before its reply
      const then = fill;
      fill = (bytes) => this.pubsub.whenDelivered(() => then(bytes));
    }
    const pinned = this.#pinned.get(client.id);
    if (pinned !== undefined || name === "multi" || name === "watch") {
      return this.#transaction(pinned ?? this.#pin(client), spec, argv, client, fill);
    }
    if (FAN_OUT.has(name)) {
      const masters = this.topology.masters;
      const count = Math.max(1, masters.length);
      return fanOut(name, argv, count, (i, a, done) => {
        const node = masters[i] ?? this.topology.anyMaster();
        this.#send(client, node, a, done, -1, 0, false);
      }, fill);
    }
    const send = (slot: number, a: readonly string[], done: Fill) =>
      this.#send(client, this.#master(slot), a, done, slot, 0, false);
    if (splitAcrossSlots(name, argv, send, fill)) return;
    const slot = slotOfKeys(clusterKeys(spec, argv));
    if (slot === null) return fill(CROSSSLOT);
    if (blocking) return this.#sendBlocking(client, slot, argv, fill);
    this.#send(client, this.#master(slot), argv, fill, slot, 0, false, raw(ctx, argv));
  }

  refusedInMulti(ctx: CommandContext, exec: boolean): boolean {
    const pinned = this.#pinned.get(ctx.client.id);
    if (pinned === undefined || !pinned.inMulti) return false;
    if (exec) this.#unpin(ctx.client.id);
    else pinned.multiFailed = true;
    return true;
  }

  afterLocal(spec: CommandSpec, ctx: CommandContext, mark: number): void {
    // a local command (PING ...) is the "next command" CLIENT CACHING applied to
    const tracking = this.#tracked.get(ctx.client.id);
    if (tracking !== undefined && !spec.name.startsWith("client|")) tracking.caching = null;
    if (SUBSCRIBING.has(spec.name)) {
      if (ctx.reply.length === mark) return;
      const bytes = ctx.reply.takeFrom(mark);
      const fill = ctx.client.awaitReply(false);
      if (!this.pubsub.whenConfirmed(() => fill(bytes))) fill(bytes);
    } else if (spec.name === "reset" || spec.name === "hello") {
      this.#unpin(ctx.client.id);
      // RESET ends tracking; after HELLO its connections reopen in the new protocol
      const tracked = this.#tracked.get(ctx.client.id);
      if (tracked !== undefined) {
        for (const conn of tracked.conns.values()) conn.close("client gone");
        tracked.conns.clear();
        if (spec.name === "reset") this.#tracked.delete(ctx.client.id);
      }
    }
  }

  clientClosed(client: Pick<ClientState, "id">): void {
    this.#unpin(client.id);
    const tracked = this.#tracked.get(client.id);
    if (tracked !== undefined) {
      this.#tracked.delete(client.id);
      for (const conn of tracked.conns.values()) conn.close("client gone");
    }
    const blocked = this.#blockedOn.get(client.id);
    if (blocked !== undefined) {
      this.#blockedOn.delete(client.id);
      blocked.close("client gone");
    }
  }

  clientField(id: number): string {
    if (this.#blockedOn.has(id)) return "blocked";
    const tracked = this.#tracked.get(id);
    if (tracked !== undefined) return `tracking(${tracked.conns.size})`;
    const pinned = this.#pinned.get(id);
    return pinned === undefined ? "pool" : `pinned(${pinned.node?.key ?? "?"})`;
  }

  infoFields(): [string, string | number][] {
    const topo = this.topology;
    const fields: [string, string | number][] = [
      ["gateway_mode", "cluster"],
      ["upstream_nodes", topo.masters.length + topo.replicas.length],
    ];
    topo.masters.forEach((m, i) => fields.push([`upstream_master${i}`, m.key]));
    topo.replicas.forEach((r, i) => fields.push([`upstream_replica${i}`, r.key]));
    let pooled = 0;
    let inFlight = 0;
    for (const pools of this.#pools.values()) {
      for (const c of [...pools[2], ...pools[3]]) {
        if (c === undefined) continue;
        pooled++;
        inFlight += c.inFlight;
      }
    }
    for (const p of this.#pinned.values()) inFlight += p.conn?.inFlight ?? 0;
    fields.push(
      ["upstream_pool_size", this.#poolSize],
      ["upstream_pooled_connections", pooled],
      [
        "upstream_own_connections",
        this.#pinned.size + this.#blockedOn.size +
        [...this.#tracked.values()].reduce((n, t) => n + t.conns.size, 0),
      ],
      ["upstream_in_flight", inFlight],
      ["upstream_commands_forwarded", this.forwarded],
      ["upstream_redirects", this.redirects],
      ["upstream_slot_map_reads", topo.refreshes],
      ["upstream_subscriptions", this.pubsub.subscriptionCount],
      ["upstream_messages_received", this.pubsub.messagesIn],
    );
    return fields;
  }

  close(): void {
    this.topology.stop();
    this.pubsub.stop();
    for (const pools of this.#pools.values()) {
      for (const c of [...pools[2], ...pools[3]]) c?.close();
    }
    this.#pools.clear();
    for (const id of [...this.#pinned.keys()]) this.#unpin(id);
    for (const c of this.#blockedOn.values()) c.close();
    this.#blockedOn.clear();
  }

  #master(slot: number): ClusterNode {
    return slot < 0 ? this.topology.anyMaster() : this.topology.masterFor(slot);
  }

  /** Sends on the client's pooled connection to `node`, following MOVED and ASK. */
  #send(
    client: Pick<ClientState, "id" | "protocol">,
    node: UpstreamAddress & { key?: string },
    argv: readonly string[],
    fill: Fill,
    slot: number,
    hops: number,
    asking: boolean,
    request: readonly string[] | Uint8Array = argv,
  ): void {
    const conn = this.#pooled(node, client.protocol, client.id);
    if (this.#caching !== null) conn.sendWith(this.#caching, () => {});
    if (asking) conn.sendWith(["ASKING"], () => {});
    const id = client.id;
    let due = this.#due.get(id);
    if (due === undefined) this.#due.set(id, due = { count: 0, idle: [] });
    due.count++;
    const entry = due;
    conn.sendWith(request, (reply) => {
      // a redirected command is due again (counted before this one is let go), so a
      // transaction or blocking command that waits for the client's replies waits for it
      if (!this.#redirected(reply, client, argv, fill, slot, hops)) fill(reply);
      if (--entry.count === 0) {
        this.#due.delete(id);
        for (const go of entry.idle.splice(0)) go();
      }
    });
  }

  /** Follows -MOVED / -ASK (true when it resent); a lost node has the map read again. */
  #redirected(
    reply: Uint8Array,
    client: Pick<ClientState, "id" | "protocol">,
    argv: readonly string[],
    fill: Fill,
    slot: number,
    hops: number,
  ): boolean {
    if (reply[0] !== 0x2d) return false;
    const text = errorText(reply) ?? "";
    if (text.startsWith("ERR upstream ")) {
      void this.topology.refresh();
      return false;
    }
    const moved = text.startsWith("MOVED ");
    if ((!moved && !text.startsWith("ASK ")) || hops >= MAX_REDIRECTS) return false;
    const [, slotText, where] = text.split(" ");
    const colon = where.lastIndexOf(":");
    const address = {
      ...this.topology.anyMaster(),
      host: where.slice(0, colon) || this.topology.anyMaster().host,
      port: Number(where.slice(colon + 1)),
    };
    this.redirects++;
    const node = moved ? this.topology.moved(Number(slotText), address) : address;
    this.#send(client, node, argv, fill, slot, hops + 1, !moved);
    return true;
  }

  #pooled(node: UpstreamAddress, protocol: 2 | 3, id: number): UpstreamConnection {
    const tracked = this.#tracked.get(id);
    if (tracked !== undefined) return this.#trackedConn(tracked, node, true);
    const key = `${node.host}:${node.port}`;
    let pools = this.#pools.get(key);
    if (pools === undefined) this.#pools.set(key, pools = { 2: [], 3: [] });
    const slot = id % this.#poolSize;
    let conn = pools[protocol][slot];
    if (conn === undefined || !conn.alive) {
      pools[protocol][slot] = conn = new UpstreamConnection(node, protocol);
    }
    return conn;
  }

  /**
   * CLIENT TRACKING in a cluster: keys live on every master, so a tracking client's
   * commands go over connections of its own, one per master, each of which was told the
   * same CLIENT TRACKING (opened when first needed, so a promoted replica is told too);
   * their invalidation pushes reach the client as Redis wrote them. A lost connection
   * tells a RESP3 client to drop its whole cache (an invalidation of null), as its keys'
   * invalidations may be lost. REDIRECT would name one node's client: refused.
   */
  #tracking(client: ClientState, argv: readonly string[], fill: Fill): void {
    if (redirectPosition(argv) > 0) return fill(NO_REDIRECT);
    const on = argv[2].toLowerCase() === "on";
    let tracked = this.#tracked.get(client.id);
    const fresh = tracked === undefined;
    if (tracked === undefined) {
      if (!on) return this.#send(client, this.topology.anyMaster(), argv, fill, -1, 0, false);
      tracked = { client, args: [...argv], conns: new Map(), caching: null, flushed: false };
    }
    const t = tracked;
    this.#afterDue(client.id, () => {
      const masters = this.topology.masters.length > 0
        ? this.topology.masters
        : [this.topology.anyMaster()];
      if (fresh) this.#tracked.set(client.id, t);
      const replies: Uint8Array[] = [];
      const conns = masters.map((m) => this.#trackedConn(t, m, false));
      if (!on) this.#tracked.delete(client.id);
      for (const conn of conns) {
        conn.sendWith(argv, (reply) => {
          replies.push(reply);
          if (replies.length < conns.length) return;
          const error = replies.find((r) => r[0] === 0x2d);
          if (error === undefined && on) t.args = [...argv];
          if (error !== undefined && fresh) this.#tracked.delete(client.id);
          if (!on || (error !== undefined && fresh)) {
            for (const c of t.conns.values()) c.close("client gone");
            t.conns.clear();
          }
          fill(error ?? replies[0]);
        });
      }
    });
  }

  /** The tracking client's connection to `node`; a new one is told CLIENT TRACKING first. */
  #trackedConn(t: Tracked, node: UpstreamAddress, announce: boolean): UpstreamConnection {
    const key = addressKey(node);
    let conn = t.conns.get(key);
    if (conn !== undefined && conn.alive) return conn;
    conn = new UpstreamConnection(node, t.client.protocol);
    conn.onPush = (frame) => {
      // FLUSHALL fanned out to every master: one null invalidation, as from one Redis
      if (sameBytes(frame, INVALIDATE_ALL)) {
        if (t.flushed) return;
        t.flushed = true;
      }
      t.client.deliver((r) => r.raw(frame));
    };
    conn.onClose = (reason) => {
      if (reason === "client gone" || t.client.protocol !== 3) return;
      if (this.#tracked.get(t.client.id) === t) t.client.deliver((r) => r.raw(INVALIDATE_ALL));
    };
    if (announce) conn.sendWith(t.args, () => {});
    t.conns.set(key, conn);
    return conn;
  }

  /**
   * A connection for one client's transaction or blocking command; a tracking client's
   * is told its CLIENT TRACKING first, so what it reads there is tracked too.
   */
  #ownConn(id: number, node: UpstreamAddress, protocol: 2 | 3): UpstreamConnection {
    const conn = new UpstreamConnection(node, protocol);
    const tracked = this.#tracked.get(id);
    if (tracked !== undefined) {
      conn.onPush = (frame) => tracked.client.deliver((r) => r.raw(frame));
      conn.sendWith(tracked.args, () => {});
    }
    return conn;
  }

  /** After the client's pooled replies due now: `then` (its order across connections). */
  #afterDue(id: number, then: () => void): void {
    const due = this.#due.get(id);
    if (due === undefined) then();
    else due.idle.push(then);
  }

  #sendBlocking(
    client: Pick<ClientState, "id" | "protocol">,
    slot: number,
    argv: readonly string[],
    fill: Fill,
  ): void {
    const conn = this.#ownConn(client.id, this.#master(slot), client.protocol);
    this.#blockedOn.set(client.id, conn);
    this.#afterDue(client.id, () =>
      conn.sendWith(argv, (reply) => {
        if (this.#blockedOn.get(client.id) === conn) this.#blockedOn.delete(client.id);
        conn.close("client gone");
        if (
          reply[0] === 0x2d && /^-(MOVED|ASK) /.test(String.fromCharCode(...reply.subarray(0, 6)))
        ) {
          // the slot moved meanwhile: once more through the map
          void this.topology.refresh().then(() => this.#sendBlocking(client, slot, argv, fill));
          return;
        }
        fill(reply);
      }));
  }

  #pin(client: Pick<ClientState, "id">): Pinned {
    const pinned: Pinned = {
      node: null,
      conn: null,
      inMulti: false,
      multiFailed: false,
      waiting: [],
      ready: null,
    };
    this.#pinned.set(client.id, pinned);
    const due = this.#due.get(client.id);
    if (due !== undefined) {
      pinned.ready = new Promise((resolve) => due.idle.push(resolve));
      pinned.ready.then(() => pinned.ready = null);
    }
    return pinned;
  }

  #unpin(id: number): void {
    const pinned = this.#pinned.get(id);
    if (pinned === undefined) return;
    this.#pinned.delete(id);
    pinned.conn?.close("client gone");
  }

  /** Sends on the pinned connection, after the client's earlier pooled replies. */
  #sendPinned(pinned: Pinned, argv: readonly string[], fill: Fill): void {
    const conn = pinned.conn!;
    if (pinned.ready === null) return conn.sendWith(argv, fill);
    pinned.ready.then(() => conn.sendWith(argv, fill));
  }

  /** Pins the transaction to `node`: opens its connection, sends what waited for it. */
  #choose(pinned: Pinned, node: ClusterNode, protocol: 2 | 3, id: number): void {
    pinned.node = node;
    pinned.conn = this.#ownConn(id, node, protocol);
    for (const argv of pinned.waiting.splice(0)) this.#sendPinned(pinned, argv, () => {});
  }

  #transaction(
    pinned: Pinned,
    spec: CommandSpec,
    argv: readonly string[],
    client: Pick<ClientState, "id" | "protocol">,
    fill: Fill,
  ): void {
    const name = spec.name;
    if (name === "multi") {
      if (pinned.inMulti || pinned.conn !== null) {
        if (pinned.conn === null) return fill(errorReply("ERR MULTI calls can not be nested"));
        pinned.inMulti = true;
        return this.#sendPinned(pinned, argv, fill);
      }
      pinned.inMulti = true;
      pinned.waiting.push([...argv]);
      return fill(OK);
    }
    if (name === "exec" || name === "discard" || (name === "unwatch" && !pinned.inMulti)) {
      const failed = pinned.multiFailed && name === "exec";
      if (pinned.conn === null) {
        if (!pinned.inMulti) {
          this.#unpin(client.id);
          return fill(
            name === "unwatch" ? OK : errorReply(`ERR ${name.toUpperCase()} without MULTI`),
          );
        }
        this.#choose(pinned, this.topology.anyMaster(), client.protocol, client.id);
      }
      const done: Fill = (reply) => fill(failed ? EXECABORT : reply);
      this.#sendPinned(pinned, failed ? ["DISCARD"] : argv, done);
      // the connection goes once its last reply came (closing now would cut it)
      const conn = pinned.conn!;
      this.#pinned.delete(client.id);
      this.#sendPinned(pinned, ["PING"], () => conn.close("client gone"));
      return;
    }
    const slot = slotOfKeys(clusterKeys(spec, argv));
    if (
      slot === null ||
      (slot >= 0 && pinned.node !== null && this.#master(slot).key !== pinned.node.key)
    ) {
      if (pinned.inMulti) pinned.multiFailed = true;
      return fill(CROSSSLOT);
    }
    if (pinned.node === null) {
      if (slot < 0) {
        // no key yet to say where the transaction runs: queued here, sent once one does
        if (!pinned.inMulti) {
          return this.#send(client, this.topology.anyMaster(), argv, fill, -1, 0, false);
        }
        if (spec.flags.includes("no_multi")) {
          pinned.multiFailed = true;
          return fill(NOT_IN_MULTI);
        }
        pinned.waiting.push([...argv]);
        return fill(QUEUED);
      }
      this.#choose(pinned, this.#master(slot), client.protocol, client.id);
    }
    this.#sendPinned(pinned, argv, fill);
  }
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
