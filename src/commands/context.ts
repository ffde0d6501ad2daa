/**
 * What a command sees while it runs: the narrow, typed context `execute(cmd, ctx)` gets,
 * instead of the session or the server. It is everything a command may touch:
 *
 *   ctx.db       the client's selected database (typed lookup, change hook: database.ts)
 *   ctx.reply    the reply writer for this client (protocol/reply_writer.ts)
 *   ctx.clock    the server's clock (tests inject a manual one)
 *   ctx.client   the calling client's own state (database index, protocol, name, auth ...)
 *   ctx.server   the few server-wide services commands use (config, keyspace, pub/sub,
 *                the other clients as CLIENT LIST sees them, stats)
 *
 * A command written against this interface can be run without a socket: build a context
 * (tests/support/command_context.ts does) and read what it wrote to `reply`. The session
 * (session.ts) is the context of a connected client. Nothing in commands/ imports the
 * session or the server: this file is the boundary, with type-only imports.
 */

import type { LogLevel, ServerConfig, TlsAuthClients } from "../config.ts";
import type { TlsSettings, WebTlsSettings } from "../transport/tls.ts";
import type { ReplyWriter } from "../protocol/reply_writer.ts";
import type { PubSubHub, Subscriber, Subscriptions } from "../pubsub/hub.ts";
import type { Clock } from "../store/clock.ts";
import type { Database } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { BlockRequest } from "./blocking.ts";
import type { ClientPause } from "./client_pause.ts";
import type { LoadingState } from "../persistence/loading.ts";
import type { WatchedKeys } from "../store/watched_keys.ts";
import type { CommandSpec } from "./command.ts";
import type { Transaction } from "./transactions.ts";
import type { ClientTracking, TrackingTable } from "../pubsub/tracking.ts";
import type { RdbPersistence } from "../persistence/rdb_service.ts";
import type { AppendOnlyFile } from "../persistence/aof_service.ts";
import type { Scripting } from "../scripting/scripting.ts";
import type { Introspection } from "../stats/introspection.ts";
import type { ServerStats } from "../stats/server_stats.ts";
import type { ExpiryStats } from "../store/expiry_sweeper.ts";
import type { AclUser } from "../acl/user.ts";
import type { AclRegistry } from "../acl/acl_registry.ts";

/** Any connected client as CLIENT LIST, CLIENT KILL and INFO clients see it. */
export interface ClientView {
  readonly id: number;
  readonly name: string;
  readonly libName: string;
  readonly libVersion: string;
  readonly dbIndex: number;
  readonly protocol: 2 | 3;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly lastActivity: number;
  /** The last command run (CLIENT LIST cmd=). */
  readonly lastCommand: string;
  readonly subscriptions: Subscriptions;
  readonly transport: {
    readonly kind: "tcp" | "ws";
    readonly remoteAddress: string;
    readonly localAddress: string;
  };
  /** Unparsed request bytes and the read buffer's size. */
  readonly queryBuffer: { used: number; size: number };
  /** The reply buffers' bytes: the one being filled, and both of them (CLIENT LIST rbs, tot-mem). */
  readonly replyBuffers: { current: number; total: number };
  /** Reply bytes not yet sent. */
  readonly pendingOutput: number;
  /** MULTI's queue and the client's WATCHes (transactions.ts). */
  readonly transaction: Transaction;
  /** CLIENT TRACKING state (pubsub/tracking.ts). */
  readonly tracking: ClientTracking;
  /** In MONITOR mode (CLIENT LIST flag O). */
  readonly monitoring: boolean;
  /** CLIENT NO-EVICT (flag e) and CLIENT NO-TOUCH (flag T). */
  readonly noEvict: boolean;
  readonly noTouch: boolean;
  /** Waiting in a blocking command (CLIENT LIST flag b). */
  readonly blocked: boolean;
  /** The arguments of the request being run (CLIENT LIST argv-mem). */
  readonly parser: { readonly args: readonly string[] };
  /** The ACL user the client runs as (`default` until it authenticates as another). */
  readonly user: AclUser;
  /** Closes the client (CLIENT KILL): it finishes its batch, then disconnects. */
  stop(): void;
  /** Closes the client now (CLIENT KILL): a reply the peer never takes does not hold it. */
  kill(): void;
}

/** The calling client's own state, which its commands may change. */
/**
 * The bytes of the request a client is being served, as it sent them: `buf[start, end)`
 * is the RESP array whose arguments are `argv` (null between requests, and for inline
 * requests). A write propagated as it was sent is copied to the AOF from here instead of
 * being encoded again (Redis re-encodes argv; the bytes are the same).
 */
export interface RequestBytes {
  argv: readonly string[] | null;
  buf: Uint8Array;
  start: number;
  end: number;
}

export interface ClientState extends ClientView, Subscriber {
  dbIndex: number;
  /** Set by the pipeline as each command runs. */
  lastCommand: string;
  /** Set by MONITOR; RESET and the disconnect clear it. */
  monitoring: boolean;
  noEvict: boolean;
  noTouch: boolean;
  protocol: 2 | 3;
  name: string;
  libName: string;
  libVersion: string;
  /** Whether the client may run commands (false until AUTH when a password is set). */
  readonly authenticated: boolean;
  /**
   * Checks credentials as AUTH and HELLO do (`command`: the name as the client typed it,
   * for the ACL log); on failure throws Redis's WRONGPASS error.
   */
  authenticate(user: string, password: string, command?: string): boolean;
  /** Back to the default user, not authenticated (its user was deleted: ACL DELUSER). */
  signOut(): void;
  /** Sets the client name; throws Redis's error for names with spaces or special chars. */
  setName(name: string): void;
  /** RESET: database 0, RESP2, no name, no subscriptions, auth as on connect. */
  resetState(): void;
  /** Closes the connection once this batch's replies are written (QUIT, CLIENT KILL). */
  closeAfterReply(): void;
  /** True while EXEC runs the queue: blocking commands then answer as if timed out. */
  inExec: boolean;
  /**
   * True for a client whose commands run inside another command (the scripting client):
   * blocking commands answer as if timed out, as Redis's CLIENT_DENY_BLOCKING.
   */
  readonly denyBlocking: boolean;
  /**
   * Runs an already resolved command as the pipeline does after its checks (the
   * pipeline's `call`: stats, the maxmemory guard), writing its reply; EXEC runs its
   * queue through this.
   */
  call(spec: CommandSpec, argv: readonly string[]): void;
  /**
   * Gateway mode (gateway/): a reply that comes later (from the upstream Redis, or after
   * the upstream confirmed a subscription) takes its place in this client's reply order
   * now; what the client's later commands write goes after it. Returns the function that
   * hands it over (synchronously in place: a message delivered after that call follows
   * it). `waits` (a blocking command): the client's next requests wait until it arrived,
   * as for `block`; with `confirmed` false the client does not count as blocked (CLIENT
   * LIST, INFO) until `confirmBlocked`: the upstream may not have its command yet.
   */
  awaitReply(waits: boolean, confirmed?: boolean): (reply: Uint8Array) => void;
  confirmBlocked(): void;
  /**
   * CLIENT PAUSE holds this client (client_pause.ts): `argv`, and every later request,
   * wait until `resume`, which runs them in order.
   */
  postpone(argv: readonly string[]): void;
  resume(): void;
  /** Whether the connection is gone. */
  readonly closed: boolean;
  /** The request being served, as the client sent it (persistence_observer.ts). */
  readonly request: RequestBytes;
  /**
   * How far the AOF reached after this client's last write (persistence_observer.ts): its
   * replies leave once that much is written (fsynced, with `appendfsync always`).
   */
  aofOffset: number;
}

/** The server-wide services commands use. */
export interface ServerServices {
  /** RDB persistence (SAVE, BGSAVE, LASTSAVE, INFO persistence). */
  readonly persistence: RdbPersistence;
  /** The append-only file (BGREWRITEAOF, CONFIG SET appendonly, INFO persistence). */
  readonly aof: AppendOnlyFile;
  /** SHUTDOWN: saves as asked, then ends the server; false when the save failed. */
  requestShutdown(options: { save: boolean | null; force: boolean }): boolean;
  readonly config: ServerConfig;
  readonly keyspace: Keyspace;
  readonly hub: PubSubHub;
  /** Who WATCHes which keys (MULTI/EXEC). */
  readonly watchedKeys: WatchedKeys;
  /** Client-side caching: who read which keys. */
  readonly tracking: TrackingTable;
  readonly clock: Clock;
  /** Every connected client, by id. */
  readonly sessions: ReadonlyMap<number, ClientView>;
  /** The dataset's size in the memory model, and what eviction did (INFO memory, stats). */
  readonly memory: { used(): number; readonly evictedKeys: number };
  /**
   * Total commands and connections served, and the peak of the memory figure INFO has
   * seen (INFO stats and memory; CONFIG RESETSTAT zeroes them).
   */
  readonly stats: ServerStats;
  /** CONFIG RESETSTAT: zeroes every counter INFO shows. */
  resetStats(): void;
  /** What the active expiry reports (INFO stats). */
  readonly expiryStats: ExpiryStats;
  readonly limits: { readonly rejectedConnections: number };
  /** Command and error counters and the slow log (stats/introspection.ts). */
  readonly introspection: Introspection;
  /** Which call of the batch being served runs now (commands/pipeline.ts `callSerial`). */
  readonly pipeline: { readonly callSerial: number };
  /** Clients blocked on keys (INFO blocked_clients). */
  readonly blocking: {
    readonly blockedCount: number;
    /** CLIENT UNBLOCK: ends a client's wait (commands/blocking.ts). */
    unblock(client: ClientView, error: string | null): boolean;
  };
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly runId: string;
  /** The TCP port bound. */
  readonly port: number;
  /** The TLS port bound (0: none). */
  readonly tlsPort: number;
  /**
   * Loads the TLS files `settings` names for new connections on the TLS ports (CONFIG SET
   * tls-*); throws TlsConfigError, changing nothing, when they cannot be loaded.
   */
  reloadTls(settings: TlsSettings & WebTlsSettings): void;
  /**
   * Opens, moves or closes (null) the TLS RESP port (CONFIG SET tls-port), with the context
   * last loaded, or from `settings` when `fresh` or none was; throws TlsConfigError or
   * TlsBindError, changing nothing.
   */
  setTlsPort(port: number | null, settings: TlsSettings, fresh: boolean): void;
  /** New TLS connections ask for client certificates as `mode` says (CONFIG SET). */
  setTlsAuthClients(mode: TlsAuthClients): void;
  /** Whether the RESP port's TLS context was ever loaded (Redis's isTlsConfigured). */
  readonly tlsConfigured: boolean;
  /** Whether the HTTP port serves https://. */
  readonly httpsPort: boolean;
  /** Writes a server log line (CONFIG SET's reasons for refusing TLS files). */
  log(level: LogLevel, message: string): void;
  /** EVAL scripts and function libraries, and the client their commands run as. */
  readonly scripting: Scripting;
  /** Gateway mode: what INFO and CLIENT LIST say about the upstream; null when embedded. */
  readonly gateway: {
    infoFields(): [string, string | number][];
    clientField(id: number): string;
  } | null;
  /** ACL users, the ACL log and the ACL file (acl/acl_registry.ts). */
  readonly acl: AclRegistry;
  /** CLIENT PAUSE: whether commands are held now, and the clients held. */
  readonly pause: ClientPause;
  /** The dataset load at start, while it runs (clients get -LOADING), else null. */
  readonly loading: LoadingState | null;
}

/** What `execute(cmd, ctx)` receives. */
export interface CommandContext {
  /** The client's selected database. */
  readonly db: Database;
  /** Where the command writes its reply. */
  readonly reply: ReplyWriter;
  readonly clock: Clock;
  readonly client: ClientState;
  readonly server: ServerServices;
  /**
   * Blocks the client on `request.keys` (commands/blocking.ts): the command has written
   * no reply; one is written when a key serves the request or the timeout passes, and the
   * client's later requests wait until then. Where a client may not block (inside EXEC
   * or a script) the request times out at once, as Redis's CLIENT_DENY_BLOCKING.
   */
  block(request: BlockRequest): void;
}
