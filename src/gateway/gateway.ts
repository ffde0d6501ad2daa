/**
 * respd as a stateless gateway in front of a real Redis (`--upstream`): every data
 * command runs upstream instead of against the local store, after the pipeline's own
 * checks (lookup, arity, AUTH, the WebSocket command policy, subscribed mode) passed.
 * Replies travel back as Redis wrote them (raw RESP), in each client's order (the
 * session's `awaitReply`).
 *
 * What stays local: the connection itself (AUTH HELLO PING QUIT RESET, CLIENT ID/NAME/
 * INFO/LIST/KILL, COMMAND, INFO, SHUTDOWN, ACL: respd's own users decide) and the subscriptions (SUBSCRIBE and kin run on
 * the local hub; upstream_pubsub.ts keeps one upstream subscription per name).
 *
 * Connections: ordinary commands of every client share a small pool per protocol (a
 * RESP3 client's replies come from a connection that said HELLO 3); a client always uses
 * the same pooled connection, so its own commands stay in order while many clients'
 * pipelines travel together. Stateful work takes a connection of the client's own for
 * the rest of its life (or until RESET): MULTI, WATCH, SELECT, CLIENT TRACKING and the
 * blocking commands (BLPOP, XREAD BLOCK ...: a client blocked upstream must not hold up
 * a shared connection). Its first command there waits until the client's earlier
 * replies came back, so switching connections never reorders a client's commands.
 * CLIENT UNBLOCK names local ids: the gateway turns one into the upstream id of that
 * client's own connection.
 *
 * Transactions run upstream; a command respd refuses itself inside one (unknown, arity,
 * NOAUTH, --ws-commands) makes the EXEC answer EXECABORT as Redis's would (the
 * transaction is discarded upstream).
 */

import type { CommandSpec } from "../commands/command.ts";
import type { ClientState, CommandContext } from "../commands/context.ts";
import type { RemoteExecutor } from "../commands/pipeline.ts";
import type { PubSubHub } from "../pubsub/hub.ts";
import { addressKey, type UpstreamAddress } from "./upstream_address.ts";
import { UpstreamConnection } from "./upstream_connection.ts";
import { UpstreamPubSub } from "./upstream_pubsub.ts";

/** Commands respd answers itself in gateway mode (by resolved name). */
export const LOCAL = new Set([
  "auth",
  "hello",
  "ping",
  "quit",
  "reset",
  "info",
  "shutdown",
  "command",
  "command|count",
  "command|info",
  "command|docs",
  "command|list",
  "command|getkeys",
  "command|getkeysandflags",
  "command|help",
  "client|id",
  "client|setname",
  "client|getname",
  "client|setinfo",
  "client|info",
  "client|list",
  "client|kill",
  "client|help",
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
]);

/** Whether respd answers the command itself in gateway mode (its own ACL users too). */
export function isLocal(name: string): boolean {
  return LOCAL.has(name) || name === "acl" || name.startsWith("acl|");
}

/** A command as its arguments, or as the bytes the client sent (UpstreamConnection). */
type Request = readonly string[] | Uint8Array;

/**
 * The request as the client sent it when it may be forwarded as it is (no re-encoding),
 * else its arguments.
 */
export function raw(ctx: CommandContext, argv: readonly string[]): Request {
  const request = ctx.client.request;
  return request.argv === argv ? request.buf.subarray(request.start, request.end) : argv;
}

/** Where CLIENT TRACKING's REDIRECT id is in `argv`; -1 without one. */
export function redirectPosition(argv: readonly string[]): number {
  for (let i = 3; i < argv.length - 1; i++) {
    const option = argv[i].toLowerCase();
    if (option === "prefix") i++;
    else if (option === "redirect") return /^\d+$/.test(argv[i + 1]) ? i + 1 : -1;
  }
  return -1;
}

const INVALIDATE_CHANNEL = "__redis__:invalidate";
/** How a redirected invalidation starts on a RESP2 sink (its keys, or a null, follow). */
const INVALIDATION_HEAD = new TextEncoder().encode(
  `*3\r\n$7\r\nmessage\r\n$20\r\n${INVALIDATE_CHANNEL}\r\n`,
);

function startsWith(bytes: Uint8Array, head: Uint8Array): boolean {
  if (bytes.length < head.length) return false;
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Commands after which a client keeps an upstream connection of its own. */
const OWN_CONNECTION = new Set(["multi", "watch", "select", "client|tracking"]);

/** Local commands whose confirmation waits for upstream's (a message must not be missed). */
export const SUBSCRIBING = new Set(["subscribe", "psubscribe", "ssubscribe"]);

const OK = "+OK\r\n";
const EXECABORT = new TextEncoder().encode(
  "-EXECABORT Transaction discarded because of previous errors.\r\n",
);
/** An id no upstream client has, for CLIENT UNBLOCK of a client that holds no connection. */
const NO_CLIENT = String(Number.MAX_SAFE_INTEGER);

/** A client's own upstream connection, with the replies it may not overtake. */
interface OwnLink {
  conn: UpstreamConnection;
  /** Until the client's earlier pooled replies came back: its commands wait for it. */
  ready: Promise<void> | null;
  /** Between MULTI and EXEC/DISCARD as sent (upstream then queues what it gets). */
  inMulti: boolean;
  /** A command was refused locally inside MULTI: EXEC answers EXECABORT. */
  multiFailed: boolean;
  /** The upstream's id for this connection (CLIENT UNBLOCK), once known. */
  upstreamId: string | null;
}

/** A client's replies still due from its pooled connection, and who waits for them. */
interface PooledDue {
  count: number;
  idle: (() => void)[];
}

export interface GatewayOptions {
  readonly upstream: UpstreamAddress;
  /** Pooled connections per protocol. */
  readonly poolSize: number;
  readonly hub: PubSubHub;
  readonly log: (message: string) => void;
  /** The local clients by id (a CLIENT TRACKING REDIRECT target). */
  readonly clients?: ReadonlyMap<number, ClientState>;
}

export class Gateway implements RemoteExecutor {
  readonly upstream: UpstreamAddress;
  readonly pubsub: UpstreamPubSub;
  readonly #pools: Record<2 | 3, UpstreamConnection[]> = { 2: [], 3: [] };
  readonly #own = new Map<number, OwnLink>();
  /** Redirect targets' sinks, by local client id (CLIENT TRACKING … REDIRECT). */
  readonly #sinks = new Map<number, { conn: UpstreamConnection; id: Promise<string | null> }>();
  /** A sink's upstream id → its local client's id (kept for GETREDIR after it left). */
  readonly #sinkOwners = new Map<string, number>();
  readonly #clients: ReadonlyMap<number, ClientState> | null;
  readonly #poolSize: number;
  readonly #log: (message: string) => void;
  /** Commands forwarded (INFO gateway). */
  forwarded = 0;

  constructor(options: GatewayOptions) {
    this.upstream = options.upstream;
    this.#poolSize = Math.max(1, options.poolSize);
    this.#log = options.log;
    this.#clients = options.clients ?? null;
    this.pubsub = new UpstreamPubSub(options.hub, () => this.upstream, options.log);
    options.hub.watcher = this.pubsub;
  }

  forwards(spec: CommandSpec, client: ClientState): boolean {
    if (!isLocal(spec.name)) return true;
    const own = this.#own.get(client.id);
    if (own === undefined) return false;
    // Inside MULTI upstream queues everything but QUIT and RESET, local commands too; a
    // PING consumes CLIENT CACHING's "next command" there as it does in Redis.
    if (own.inMulti) return spec.name !== "quit" && spec.name !== "reset";
    return spec.name === "ping" && !client.subscriptions.active;
  }

  forward(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
    const client = ctx.client;
    this.forwarded++;
    const name = spec.name;
    const blocking = spec.flags.includes("blocking");
    let own = this.#own.get(client.id);
    const fresh = own === undefined && (blocking || OWN_CONNECTION.has(name));
    if (fresh) own = this.#ownLink(client);
    // On a new connection the command follows CLIENT ID in one write: once that reply is
    // back, Redis has read the command too, and a blocking one waits there.
    let fill = client.awaitReply(blocking, !(fresh && blocking));
    if (name === "client|unblock") argv = this.#unblockArgs(argv);
    else if (name === "client|tracking") {
      const at = redirectPosition(argv);
      if (at > 0 && own !== undefined) {
        // REDIRECT names a local client: Redis is told the id of that client's sink
        const target = this.#clients?.get(Number(argv[at]));
        const upstreamId = target === undefined ? Promise.resolve(null) : this.#sink(target);
        const link = own;
        return this.#defer(link, async () => {
          const id = await upstreamId;
          link.conn.sendWith([...argv.slice(0, at), id ?? NO_CLIENT, ...argv.slice(at + 1)], fill);
        });
      }
    } else if (name === "client|getredir" || name === "client|trackinginfo") {
      const then = fill;
      fill = (bytes) => then(this.#localRedirect(bytes));
    } else if (name === "select") {
      const db = Number(argv[1]);
      const then = fill;
      fill = (bytes) => {
        if (bytes.length === OK.length && bytes[0] === 0x2b) client.dbIndex = db;
        then(bytes);
      };
    } else if (client.protocol === 3 && client.subscriptions.active) {
      // A message the command caused (its own PUBLISH, a keyspace notification of its
      // write) comes before its reply, as from Redis.
      const then = fill;
      fill = (bytes) => this.pubsub.whenDelivered(() => then(bytes));
    }
    if (own === undefined) {
      return this.#sendPooled(client, name === "client|unblock" ? argv : raw(ctx, argv), fill);
    }
    if (name === "multi") own.inMulti = true;
    else if ((name === "exec" || name === "discard") && own.inMulti) {
      own.inMulti = false;
      if (own.multiFailed) {
        own.multiFailed = false;
        if (name === "exec") {
          this.#sendOwn(own, ["DISCARD"], () => fill(EXECABORT));
          return;
        }
      }
    }
    this.#sendOwn(own, name === "client|unblock" ? argv : raw(ctx, argv), fill);
  }

  refusedInMulti(ctx: CommandContext, exec: boolean): boolean {
    const own = this.#own.get(ctx.client.id);
    if (own === undefined || !own.inMulti) return false;
    if (exec) {
      own.inMulti = own.multiFailed = false;
      this.#sendOwn(own, ["DISCARD"], () => {});
    } else own.multiFailed = true;
    return true;
  }

  afterLocal(spec: CommandSpec, ctx: CommandContext, mark: number): void {
    const client = ctx.client;
    if (SUBSCRIBING.has(spec.name)) {
      if (ctx.reply.length === mark) return;
      const bytes = ctx.reply.takeFrom(mark);
      const fill = client.awaitReply(false);
      if (!this.pubsub.whenConfirmed(() => fill(bytes))) fill(bytes);
    } else if (spec.name === "reset") {
      this.#dropOwn(client.id);
    } else if (spec.name === "hello") {
      const own = this.#own.get(client.id);
      if (own !== undefined && own.conn.protocol !== client.protocol) {
        // a fresh connection in the new protocol: the old one's state (MULTI, WATCH,
        // SELECT) would answer in the wrong protocol
        own.conn.close();
        own.conn = this.#connect(client.protocol, client);
        own.upstreamId = null;
        this.#learnId(own);
      }
    }
  }

  /**
   * A client left: its own connection, and the state upstream with it, go; so does its
   * sink (clients redirecting to it then see a broken redirect, as in Redis).
   */
  clientClosed(client: Pick<ClientState, "id">): void {
    this.#dropOwn(client.id);
    const sink = this.#sinks.get(client.id);
    if (sink === undefined) return;
    this.#sinks.delete(client.id);
    sink.conn.close("client gone");
  }

  /** RESET (or the client left): its own connection goes. */
  #dropOwn(id: number): void {
    const own = this.#own.get(id);
    if (own === undefined) return;
    this.#own.delete(id);
    own.conn.close("client gone");
  }

  /** Runs `step` once the client's earlier commands on its own connection were sent. */
  #defer(own: OwnLink, step: () => Promise<void>): void {
    const done = (own.ready ?? Promise.resolve()).then(step);
    own.ready = done;
    done.then(() => {
      if (own.ready === done) own.ready = null;
    });
  }

  /**
   * The upstream id of `target`'s sink, opened now if it has none: a RESP2 connection
   * subscribed to `__redis__:invalidate` that receives the invalidations of every client
   * redirecting to `target` (CLIENT TRACKING … REDIRECT), passed on to it as Redis would
   * send them: a push in RESP3, a message in RESP2 while it is subscribed. Null when it
   * could not be opened.
   */
  #sink(target: ClientState): Promise<string | null> {
    const known = this.#sinks.get(target.id);
    if (known !== undefined && known.conn.alive) return known.id;
    const conn = new UpstreamConnection(this.upstream, 2);
    const id = new Promise<string | null>((resolve) =>
      conn.sendWith(["CLIENT", "ID"], (bytes) => {
        if (bytes[0] !== 0x3a) return resolve(null);
        const upstreamId = latin1(bytes.subarray(1, bytes.length - 2));
        this.#sinkOwners.set(upstreamId, target.id);
        resolve(upstreamId);
      })
    );
    conn.sendUnanswered(["SUBSCRIBE", INVALIDATE_CHANNEL]);
    conn.onPush = (frame) => {
      if (!startsWith(frame, INVALIDATION_HEAD)) return; // the SUBSCRIBE's confirmation
      if (target.protocol === 3) {
        const keys = frame.subarray(INVALIDATION_HEAD.length);
        target.deliver((r) => {
          r.push(2);
          r.bulk("invalidate");
          r.raw(keys);
        });
      } else if (target.subscriptions.active) target.deliver((r) => r.raw(frame));
    };
    this.#sinks.set(target.id, { conn, id });
    return id;
  }

  /**
   * GETREDIR, TRACKINGINFO and a tracking-redir-broken push name a sink's upstream id:
   * the local client's id instead.
   */
  #localRedirect(reply: Uint8Array): Uint8Array {
    const text = latin1(reply);
    const m =
      /^(:|>2\r\n\$21\r\ntracking-redir-broken\r\n:|[\s\S]*\$8\r\nredirect\r\n:)(\d+)(\r\n[\s\S]*)$/
        .exec(text);
    const local = m === null ? undefined : this.#sinkOwners.get(m[2]);
    if (m === null || local === undefined) return reply;
    return Uint8Array.from(`${m[1]}${local}${m[3]}`, (c) => c.charCodeAt(0));
  }

  /** The `upstream=` field CLIENT LIST shows in gateway mode. */
  clientField(id: number): string {
    const own = this.#own.get(id);
    return own === undefined ? "pool" : `own(${own.conn.inFlight})`;
  }

  /** INFO's `# Gateway` section. */
  infoFields(): [string, string | number][] {
    let pooled = 0;
    let inFlight = 0;
    let writes = 0;
    for (const p of [2, 3] as const) {
      for (const c of this.#pools[p]) {
        if (c === undefined) continue;
        pooled++;
        inFlight += c.inFlight;
        writes += c.writes;
      }
    }
    let ownInFlight = 0;
    for (const own of this.#own.values()) ownInFlight += own.conn.inFlight;
    return [
      ["gateway_mode", "upstream"],
      ["upstream_nodes", 1],
      ["upstream_node0", `${addressKey(this.upstream)},role=master`],
      ["upstream_pool_size", this.#poolSize],
      ["upstream_pooled_connections", pooled],
      ["upstream_own_connections", this.#own.size],
      ["upstream_in_flight", inFlight + ownInFlight],
      ["upstream_commands_forwarded", this.forwarded],
      ["upstream_pooled_writes", writes],
      ["upstream_subscriptions", this.pubsub.subscriptionCount],
      ["upstream_messages_received", this.pubsub.messagesIn],
    ];
  }

  close(): void {
    this.pubsub.stop();
    for (const p of [2, 3] as const) {
      for (const c of this.#pools[p]) c?.close();
      this.#pools[p] = [];
    }
    for (const own of this.#own.values()) own.conn.close();
    this.#own.clear();
    for (const sink of this.#sinks.values()) sink.conn.close();
    this.#sinks.clear();
  }

  /**
   * A connection to the upstream; one of `client`'s own passes its pushes (tracking
   * invalidations) on to it as Redis wrote them.
   */
  #connect(protocol: 2 | 3, client: ClientState | null = null): UpstreamConnection {
    const conn = new UpstreamConnection(this.upstream, protocol);
    if (client !== null) {
      // (a tracking-redir-broken push names the sink: the local id instead)
      conn.onPush = (frame) => {
        const bytes = frame[0] === 0x3e && frame.length < 64 ? this.#localRedirect(frame) : frame;
        client.deliver((r) => r.raw(bytes));
      };
    }
    conn.onClose = (reason) => {
      if (reason !== "client gone" && reason !== "connection closed by the gateway") {
        this.#log(`upstream connection to ${conn.name} lost: ${reason}`);
      }
    };
    return conn;
  }

  /** A client's own connection, opened now; its commands wait for its pooled replies. */
  #ownLink(client: ClientState): OwnLink {
    const own: OwnLink = {
      conn: this.#connect(client.protocol, client),
      ready: null,
      inMulti: false,
      multiFailed: false,
      upstreamId: null,
    };
    this.#own.set(client.id, own);
    this.#learnId(own, client);
    const due = this.#due.get(client.id);
    if (due !== undefined) {
      own.ready = new Promise((resolve) => due.idle.push(resolve));
      own.ready.then(() => own.ready = null);
    }
    return own;
  }

  #learnId(own: OwnLink, client: ClientState | null = null): void {
    const conn = own.conn;
    conn.sendWith(["CLIENT", "ID"], (bytes) => {
      client?.confirmBlocked();
      if (own.conn === conn && bytes[0] === 0x3a) {
        own.upstreamId = String.fromCharCode(...bytes.subarray(1, bytes.length - 2));
      }
    });
  }

  /** CLIENT UNBLOCK <local id> ...: the upstream id of that client's own connection. */
  #unblockArgs(argv: readonly string[]): readonly string[] {
    if (!/^\d+$/.test(argv[2])) return argv; // Redis's own error for a bad id
    const upstreamId = this.#own.get(Number(argv[2]))?.upstreamId ?? NO_CLIENT;
    return [argv[0], argv[1], upstreamId, ...argv.slice(3)];
  }

  #sendOwn(own: OwnLink, argv: Request, fill: (reply: Uint8Array) => void): void {
    if (own.ready === null) return own.conn.sendWith(argv, fill);
    // the request's bytes are the client's read buffer's until this command returns
    if (argv instanceof Uint8Array) argv = argv.slice();
    own.ready.then(() => own.conn.sendWith(argv, fill));
  }

  /** Sends on the client's pooled connection (always the same one, so its order holds). */
  #sendPooled(
    client: Pick<ClientState, "id" | "protocol">,
    argv: Request,
    fill: (reply: Uint8Array) => void,
  ): void {
    const pool = this.#pools[client.protocol];
    const id = client.id;
    const slot = id % this.#poolSize;
    let conn = pool[slot];
    if (conn === undefined || !conn.alive) pool[slot] = conn = this.#connect(client.protocol);
    let due = this.#due.get(id);
    if (due === undefined) this.#due.set(id, due = { count: 0, idle: [] });
    due.count++;
    const dues = this.#due;
    const entry = due;
    conn.sendWith(argv, (bytes) => {
      fill(bytes);
      if (--entry.count !== 0) return;
      dues.delete(id);
      for (const go of entry.idle) go();
    });
  }

  /** Replies each client still awaits from the pool (only clients with one due). */
  readonly #due = new Map<number, PooledDue>();
}
