/**
 * The server: owns the keyspace, the live sessions, the listeners and every background
 * task, and stops all of them in `shutdown()`. Transports hand it connections; it gives
 * each a `Session`. Library code does not print: log lines go to the `logger` option.
 */

import { DEFAULT_CONFIG, type LogLevel, type ServerConfig, type TlsAuthClients } from "./config.ts";
import { Keyspace } from "./store/keyspace.ts";
import { type Clock, systemClock } from "./store/clock.ts";
import { ExpirySweeper } from "./store/expiry_sweeper.ts";
import { Session } from "./session.ts";
import { tcpTransport } from "./transport/tcp.ts";
import { acceptLoop } from "./transport/accept_loop.ts";
import { HttpPort } from "./transport/http.ts";
import {
  loadTlsContext,
  loadWebTlsContext,
  type TlsSettings,
  type WebTlsSettings,
} from "./transport/tls.ts";
import { TlsPort } from "./transport/tls_port.ts";
import type { SecureContextOptions } from "node:tls";
import type { ByteConn } from "./transport/transport.ts";
import { maxClientsForFds, openFileLimit, RESERVED_FDS } from "./transport/fd_limit.ts";
import { PubSubHub } from "./pubsub/hub.ts";
import type { Transport } from "./transport/transport.ts";
import { MemoryGuard } from "./store/eviction.ts";
import { ClientLimits, isCrossProtocolCommand } from "./security/client_limits.ts";
import { CommandPolicy } from "./security/policy.ts";
import { BlockingManager } from "./commands/blocking.ts";
import { ClientPause } from "./commands/client_pause.ts";
import { CommandPipeline } from "./commands/pipeline.ts";
import { publishKeyspaceEvents } from "./pubsub/keyspace_notifier.ts";
import { WatchedKeys } from "./store/watched_keys.ts";
import { TrackingTable } from "./pubsub/tracking.ts";
import { RdbPersistence } from "./persistence/rdb_service.ts";
import { AppendOnlyFile } from "./persistence/aof_service.ts";
import { PersistenceObserver } from "./persistence/persistence_observer.ts";
import { AofLoadError } from "./persistence/aof_service.ts";
import { type LoadingState, loadInSlices, type LoadProgress } from "./persistence/loading.ts";
import { NO_TRANSPORT } from "./transport/internal_transport.ts";
import { Scripting } from "./scripting/scripting.ts";
import { Introspection } from "./stats/introspection.ts";
import { EventLoopTurns } from "./turns.ts";
import { Gateway } from "./gateway/gateway.ts";
import { ClusterGateway } from "./gateway/cluster_gateway.ts";
import { parseClusterSeeds, parseUpstreamUrl, upstreamTls } from "./gateway/upstream_address.ts";
import { AclRegistry } from "./acl/acl_registry.ts";
import { ServerStats } from "./stats/server_stats.ts";
import type { InstantaneousReadings } from "./stats/instantaneous.ts";
import type { ExpiryStats } from "./store/expiry_sweeper.ts";

export type Logger = (level: LogLevel, message: string) => void;

export interface ServerOptions extends Partial<ServerConfig> {
  clock?: Clock;
  logger?: Logger;
  /**
   * False: no active expiry cycle, expired keys go only when touched (Redis's `DEBUG
   * SET-ACTIVE-EXPIRE 0`, which its own tests use): for tests that move a manual clock and
   * then look at expired keys not yet reclaimed.
   */
  activeExpire?: boolean;
}

const LEVELS: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 };

export { REDIS_VERSION, VERSION } from "./config.ts";
/** How long shutdown waits for clients to take their last replies before cutting them. */
const SHUTDOWN_GRACE_MS = 1000;

export class Server {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly keyspace: Keyspace;
  readonly sessions = new Map<number, Session>();
  readonly startedAt = Date.now();
  readonly runId = Array.from(crypto.getRandomValues(new Uint8Array(20)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  #nextClientId = 1;
  #logger: Logger;
  #sweeper: ExpirySweeper;
  readonly #activeExpire: boolean;
  #tcp: Deno.TcpListener | null = null;
  /** The TLS RESP port (closed while `tlsPort` is null; CONFIG SET tls-port opens it). */
  #tls: TlsPort | null = null;
  /**
   * The RESP port's TLS context as last loaded (at start, by CONFIG SET or SIGHUP while the
   * port was open): CONFIG SET tls-port opens the port with it, as Redis reuses its
   * configured context (files changed while the port was closed are not read then).
   */
  #tlsContext: SecureContextOptions | null = null;
  /** Settles once every port is bound (TLS ports bind asynchronously); see `listen()`. */
  #listening: Promise<void> = Promise.resolve();
  /** The HTTP/WebSocket port, when `wsPort` is not null. */
  #http: HttpPort | null = null;
  #stopped = false;
  /** Channels and patterns of every client, whatever its transport. */
  readonly hub = new PubSubHub();
  /** Who WATCHes which keys. */
  readonly watchedKeys: WatchedKeys;
  /** Client-side caching: who read which keys. */
  readonly tracking: TrackingTable;
  #tasks: Promise<unknown>[] = [];
  #sessionRuns = new Set<Promise<void>>();
  #shuttingDown: Promise<void> | null = null;
  /** --maxmemory: the used-memory estimate (`memory.used()`, for INFO) and eviction. */
  readonly memory: MemoryGuard;
  /** --maxclients, --timeout, stalled requests, the cross-protocol guard. */
  readonly limits = new ClientLimits(this);
  /** --ws-commands, compiled; null lets WebSocket clients run every command. */
  readonly wsPolicy: CommandPolicy | null;
  /** EVAL scripts and function libraries (scripting/scripting.ts). */
  readonly scripting: Scripting;
  /** Turns of the event loop: each ready client is served once per turn (turns.ts). */
  readonly turns = new EventLoopTurns();
  /** Gateway mode: the upstream Redis every data command runs on (gateway/); else null. */
  readonly gateway: Gateway | ClusterGateway | null;
  /** ACL users, the ACL log and the ACL file (acl/acl_registry.ts). */
  readonly acl: AclRegistry;
  /** Total commands and connections served, for INFO stats. */
  readonly stats = new ServerStats();
  /** Command and error counters, the slow log (stats/introspection.ts). */
  readonly introspection: Introspection;

  /** Clients blocked on keys (BLPOP ...), woken by writes to those keys. */
  readonly blocking: BlockingManager;
  /** CLIENT PAUSE: the pause in force and the clients it holds. */
  readonly pause: ClientPause;
  /** The dataset load in progress at start (`loadDataset`), else null. */
  loading: LoadingState | null = null;
  /** Every request's way from arguments to reply (commands/pipeline.ts). */
  readonly pipeline: CommandPipeline;
  /** RDB snapshots: loading, SAVE and BGSAVE, the save points (persistence/rdb_service.ts). */
  readonly persistence: RdbPersistence;
  /** The append-only file (persistence/aof_service.ts); appends only while `appendonly`. */
  readonly aof: AppendOnlyFile;
  /** What the pipeline tells persistence about each command (snapshots, the AOF). */
  readonly persistenceObserver: PersistenceObserver;
  /**
   * What SHUTDOWN does once its save (if any) succeeded: stop this server; main.ts replaces
   * it with ending the process.
   */
  onShutdownRequested: () => void = () => void this.shutdown();

  constructor(options: ServerOptions = {}) {
    const { clock, logger, activeExpire, ...config } = options;
    this.#activeExpire = activeExpire ?? true;
    this.config = { ...DEFAULT_CONFIG, ...config };
    if (this.config.upstream !== null || this.config.upstreamCluster !== null) {
      // A gateway keeps no data: nothing to save, nothing to log.
      this.config.save = [];
      this.config.appendonly = false;
    }
    this.clock = clock ?? systemClock;
    this.#logger = logger ?? (() => {});
    this.keyspace = new Keyspace(this.config.databases, this.clock, this.config);
    this.acl = new AclRegistry(this.config.requirepass, () => this.config.acllogMaxLen);
    if (this.config.aclUsers.length !== 0) {
      if (this.config.aclfile !== null) {
        throw new Error(
          "Configuring Redis with users defined in redis.conf and at the same setting an ACL " +
            "file path is invalid. This setup is very likely to lead to configuration errors " +
            "and security holes, please define either an ACL file or declare users directly " +
            "in your redis.conf, but not both.",
        );
      }
      const error = this.acl.loadConfiguredUsers(this.config.aclUsers);
      if (error !== null) throw new Error(`${error}. Critical error while loading ACLs.`);
    }
    if (this.config.aclfile !== null) {
      const loaded = this.acl.loadFile(this.config.aclfile);
      if ("error" in loaded) {
        throw new Error(`Aborting startup because of ACL errors: ${loaded.error}`);
      }
    }
    this.#sweeper = new ExpirySweeper(this.keyspace);
    this.memory = new MemoryGuard(this.keyspace, this.config, this.clock);
    this.watchedKeys = new WatchedKeys(this.keyspace);
    this.tracking = new TrackingTable(this.keyspace, this.sessions, this.config);
    publishKeyspaceEvents(this.keyspace, this.hub, this.config);
    // INFO expired_keys: every key deleted for its TTL, on access or by the sweeper.
    this.keyspace.events.subscribe((_db, _key, event) => {
      if (event === "expired") this.stats.expiredKeys++;
    });
    this.persistence = new RdbPersistence(
      this.keyspace,
      this.config,
      (level, message) => this.log(level, message),
    );
    this.aof = new AppendOnlyFile(
      this.keyspace,
      this.config,
      (level, message) => this.log(level, message),
    );
    this.persistenceObserver = new PersistenceObserver(this.keyspace, this.aof, this.persistence);
    this.wsPolicy = this.config.wsCommands === null
      ? null
      : new CommandPolicy(this.config.wsCommands);
    this.blocking = new BlockingManager(this.keyspace);
    this.introspection = new Introspection(this.config);
    this.memory.latency = this.aof.latency = this.persistence.latency = this.introspection.latency;
    this.#sweeper.onTick = (ms) => {
      this.introspection.latency.sampleIfNeeded("expire-cycle", ms);
      // the 100 ms tick is Redis's serverCron's for the instantaneous_* rates too
      this.stats.instantaneous.sample(this.#instantaneousReadings());
    };
    const gatewayLog = (message: string) => this.log("warning", message);
    const tlsOptions = this.config.upstream !== null || this.config.upstreamCluster !== null
      ? upstreamTls(this.config)
      : undefined;
    this.gateway = this.config.upstreamCluster !== null
      ? new ClusterGateway({
        seeds: parseClusterSeeds(this.config.upstreamCluster).map((a) => ({ ...a, tlsOptions })),
        poolSize: this.config.upstreamPoolSize,
        hub: this.hub,
        log: gatewayLog,
      })
      : this.config.upstream !== null
      ? new Gateway({
        upstream: { ...parseUpstreamUrl(this.config.upstream), tlsOptions },
        poolSize: this.config.upstreamPoolSize,
        hub: this.hub,
        clients: this.sessions,
        log: gatewayLog,
      })
      : null;
    this.pause = new ClientPause(this.keyspace);
    this.pipeline = new CommandPipeline({
      remote: this.gateway,
      wsPolicy: this.wsPolicy,
      memory: this.memory,
      stats: this.stats,
      introspection: this.introspection,
      blocking: this.blocking,
      isCrossProtocol: isCrossProtocolCommand,
      crossProtocol: (ctx) => this.limits.crossProtocol(ctx),
      observer: this.persistenceObserver,
    });
    this.scripting = new Scripting(this);
  }

  /** The TCP port actually bound (useful with port 0). */
  get port(): number {
    return (this.#tcp?.addr as Deno.NetAddr | undefined)?.port ?? 0;
  }

  /** The TLS port actually bound (once `listening` settled), or 0 when there is none. */
  get tlsPort(): number {
    return this.#tls?.port ?? 0;
  }

  /**
   * Settles once every port is bound; rejects when one cannot be (the TLS ports bind
   * asynchronously: an address in use is known only then).
   */
  get listening(): Promise<void> {
    return this.#listening;
  }

  /** The WebSocket port actually bound, or 0 when the bridge is off. */
  get wsPort(): number {
    return this.#http?.port ?? 0;
  }

  /** What the active expiry reports (INFO stats expired_stale_perc, …). */
  get expiryStats(): ExpiryStats {
    return this.#sweeper.stats;
  }

  #instantaneousReadings(): InstantaneousReadings {
    const { tcp, ws } = this.introspection.traffic;
    return {
      commands: this.stats.commands,
      inputBytes: tcp.input + ws.input,
      outputBytes: tcp.output + ws.output,
    };
  }

  /** CONFIG RESETSTAT: every counter INFO shows starts again from 0, as Redis's. */
  resetStats(): void {
    this.stats.reset();
    this.introspection.reset();
    this.memory.evictedKeys = 0;
    this.limits.rejectedConnections = 0;
    this.#sweeper.stats.reset();
    this.stats.instantaneous.reset(this.#instantaneousReadings());
  }

  /** Connections on the HTTP port not yet upgraded or answered (bounded by --http-max-pending). */
  get pendingHttpConnections(): number {
    return this.#http?.pending.size ?? 0;
  }

  /** Starts the listeners and background work. */
  listen(): void {
    this.openListeners();
    this.startBackgroundWork();
  }

  /**
   * Accepts clients (main.ts does this before `loadDataset`, so clients get -LOADING
   * while a large dataset loads, as with Redis). Throws when a plain port cannot be bound,
   * or TlsConfigError when the TLS certificate or key cannot be loaded; `listening`
   * settles once the TLS ports are bound too.
   */
  openListeners(): void {
    this.#capMaxClients();
    const config = this.config;
    const wsTls = config.wsPort !== null && config.wsTls ? loadWebTlsContext(config) : null;
    const respTls = config.tlsPort !== null ? loadTlsContext(config) : null;
    const onConnection = (conn: ByteConn) => this.accept(tcpTransport(conn, true));
    if (config.port !== null) {
      this.#tcp = Deno.listen({ hostname: config.bind, port: config.port });
      this.#tasks.push(acceptLoop(this.#tcp, onConnection, {
        name: "TCP",
        warn: (m) => this.log("warning", m),
        stopped: () => this.#stopped,
      }));
    }
    const ready: Promise<void>[] = [];
    try {
      if (config.wsPort !== null) {
        this.#http = new HttpPort(this, config.wsPort, wsTls);
        ready.push(this.#http.ready);
      }
      if (config.tlsPort !== null && respTls !== null) {
        this.#respTls().configure({
          port: config.tlsPort,
          context: respTls,
          authClients: config.tlsAuthClients,
        });
        this.#tlsContext = respTls;
        ready.push(this.#tls!.ready);
      }
    } catch (e: unknown) {
      this.#tcp?.close();
      throw e;
    }
    this.#listening = Promise.all(ready).then(() => {}, (e: unknown) => {
      this.#tcp?.close();
      this.#http?.stop();
      void this.#tls?.close();
      throw e;
    });
    this.#listening.catch(() => {}); // a caller that never asks is told by shutdown()
  }

  /** Expiry, limits, save points and the AOF: once the dataset is loaded. */
  startBackgroundWork(): void {
    if (this.#activeExpire) this.#sweeper.start();
    // a test's manual clock is read directly, so moving it shows at once
    if (this.clock === systemClock) this.keyspace.access.start();
    this.limits.start();
    this.persistence.start();
    if (this.config.appendonly) this.aof.start();
  }

  /**
   * Reads the TLS certificate, key and CA files again (SIGHUP, CONFIG SET tls-*): new
   * connections on both TLS ports get them, open ones keep theirs. Throws TlsConfigError
   * (nothing changed) when they cannot be loaded.
   */
  reloadTls(settings: TlsSettings & WebTlsSettings = this.config): void {
    const tls = this.#tls?.open ? this.#tls : null;
    const resp = tls !== null ? loadTlsContext(settings) : null;
    const web = this.#http?.scheme === "https" ? loadWebTlsContext(settings) : null;
    if (tls !== null && resp !== null) {
      tls.configure({ port: tls.port, context: resp, authClients: settings.tlsAuthClients });
      this.#tlsContext = resp;
    }
    if (web !== null) this.#http!.reloadTls(web);
  }

  /**
   * Opens, moves or closes (null) the TLS RESP port (CONFIG SET tls-port), with the context
   * last loaded, or one loaded from `settings` when there is none yet or `fresh`. Throws
   * TlsConfigError or TlsBindError (tls_port.ts), nothing changed; `tlsPortReady` settles
   * once the port is bound.
   */
  setTlsPort(port: number | null, settings: TlsSettings = this.config, fresh = false): void {
    if (port === null) {
      this.#tls?.configure(null);
      return;
    }
    const context = fresh || this.#tlsContext === null
      ? loadTlsContext(settings)
      : this.#tlsContext;
    this.#respTls().configure({ port, context, authClients: settings.tlsAuthClients });
    this.#tlsContext = context;
  }

  /**
   * New TLS connections ask for client certificates as `mode` says (CONFIG SET
   * tls-auth-clients alone), with the context last loaded: no file is read, as Redis applies
   * the mode to new connections. Without tls-ca-cert-file Redis verifies against an empty
   * store, refusing every certificate; node:tls would fall back to its default roots, so the
   * server's own certificate stands in as the one (unusable) anchor.
   */
  setTlsAuthClients(mode: TlsAuthClients): void {
    const tls = this.#tls;
    const context = this.#tlsContext;
    if (tls === null || !tls.open || context === null) return;
    const anchored = mode === "no" || context.ca !== undefined
      ? context
      : { ...context, ca: context.cert };
    tls.configure({ port: tls.port, context: anchored, authClients: mode });
  }

  /** Whether a TLS context was ever loaded for the RESP port (Redis's isTlsConfigured). */
  get tlsConfigured(): boolean {
    return this.#tlsContext !== null;
  }

  /** Whether the HTTP port serves https:// (`--ws-tls yes`). */
  get httpsPort(): boolean {
    return this.#http?.scheme === "https";
  }

  /** Settles once the TLS RESP port's latest change is bound (or it closed). */
  get tlsPortReady(): Promise<void> {
    return this.#tls?.ready ?? Promise.resolve();
  }

  #respTls(): TlsPort {
    this.#tls ??= new TlsPort({
      name: "TLS",
      hostname: this.config.bind,
      onConnection: (conn) => this.accept(tcpTransport(conn)),
      log: (m) => this.log("verbose", m),
      warn: (m) => this.log("warning", m),
    });
    return this.#tls;
  }

  /**
   * Every client holds a descriptor: --maxclients is lowered to what the descriptor limit
   * allows, keeping RESERVED_FDS and the HTTP connections that may be pending (as Redis
   * does at start, with a log line).
   */
  #capMaxClients(): void {
    const fds = openFileLimit();
    const pendingHttp = this.config.wsPort === null ? 0 : this.config.httpMaxPending;
    const cap = maxClientsForFds(fds, pendingHttp);
    if (cap === null || this.config.maxclients <= cap) return;
    this.log(
      "warning",
      `You requested maxclients of ${this.config.maxclients} requiring at least ` +
        `${this.config.maxclients + RESERVED_FDS + pendingHttp} max file descriptors. ` +
        `Current maximum open files is ${fds}. maxclients has been reduced to ${cap} to ` +
        `compensate for low ulimit (${RESERVED_FDS} kept for the runtime, ${pendingHttp} for ` +
        "pending HTTP connections). If you need higher maxclients increase 'ulimit -n'.",
    );
    this.config.maxclients = cap;
  }

  /** Serves a new connection from any transport; null when --maxclients refused it. */
  accept(transport: Transport): Session | null {
    if (!this.limits.admit(transport)) return null;
    const session = new Session(this, transport, this.#nextClientId++);
    this.sessions.set(session.id, session);
    this.stats.connections++;
    const run = session.run();
    this.#sessionRuns.add(run);
    run.finally(() => this.#sessionRuns.delete(run));
    if (this.#shuttingDown) session.stop();
    return session;
  }

  onSessionClosed(session: Session): void {
    this.blocking.cancel(session);
    this.pause.forget(session);
    this.hub.removeSubscriber(session);
    this.watchedKeys.unwatchAll(session.transaction.watches);
    this.tracking.disable(session);
    this.introspection.monitors.remove(session);
    this.gateway?.clientClosed(session);
    this.sessions.delete(session.id);
    this.limits.reclaimer.noteClosed();
  }

  log(level: LogLevel, message: string): void {
    if (LEVELS[level] >= LEVELS[this.config.loglevel]) this.#logger(level, message);
  }

  /**
   * A client refused or cut off (origin, password, limits, output limit …): counted by
   * reason (/metrics respd_refusals_total) and logged once, its message naming the client's
   * address. Library code reports here; main.ts's logger prints.
   */
  refuse(reason: string, level: LogLevel, message: string): void {
    this.introspection.refused(reason);
    this.log(level, message);
  }

  /** An unexpected failure while serving a client: logged; only that client is closed. */
  logClientError(session: Session, e: unknown): void {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.log("warning", `client ${session.id} (${session.transport.remoteAddress}): ${detail}`);
  }

  /** Stops accepting, lets each session finish its batch, closes them all, stops timers. */
  shutdown(): Promise<void> {
    this.#shuttingDown ??= this.#shutdown();
    return this.#shuttingDown;
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    try {
      this.#tcp?.close();
    } catch {
      // already closed
    }
    const tls = this.#tls?.close();
    const http = this.#http?.stop();
    this.#sweeper.stop();
    this.keyspace.access.stop();
    this.limits.stop();
    this.blocking.clear();
    this.pause.clear();
    for (const s of this.sessions.values()) s.stop();
    // Sessions finish their batch in flight; a peer that does not take it, or does not
    // answer a WebSocket close frame, is cut after SHUTDOWN_GRACE_MS.
    const grace = setTimeout(() => {
      for (const s of this.sessions.values()) s.transport.abort();
    }, SHUTDOWN_GRACE_MS);
    await Promise.allSettled([...this.#sessionRuns]);
    clearTimeout(grace);
    await http;
    await tls?.catch(() => {});
    await Promise.allSettled(this.#tasks);
    this.gateway?.close();
    await this.persistence.stop();
    await this.aof.stop();
    this.persistenceObserver.stop();
  }

  /**
   * Loads the dataset at start: the AOF when `appendonly` is on (its base, then its
   * commands replayed through the pipeline), else `dir/dbfilename`. Runs in slices between
   * event-loop turns: clients that connect meanwhile get -LOADING (but for the commands
   * Redis allows while loading) and INFO's loading fields. Resolves to where it was loaded from,
   * for the log (null: nothing to load). Rejects with RdbLoadError or AofLoadError for
   * damaged files, leaving the keyspace empty: never a partial load.
   */
  async loadDataset(onProgress?: (keys: number) => void): Promise<string | null> {
    const state: LoadingState = { startedAt: Date.now(), totalBytes: 0, loadedBytes: 0 };
    this.loading = state;
    try {
      return await loadInSlices(this.#loadSteps(state, onProgress));
    } finally {
      this.loading = null;
    }
  }

  *#loadSteps(
    progress: LoadProgress,
    onProgress?: (keys: number) => void,
  ): Generator<void, string | null> {
    if (!this.config.appendonly) {
      const keys = yield* this.persistence.loadSteps(progress, onProgress);
      return keys === null ? null : "disk";
    }
    const loader = new Session(this, NO_TRANSPORT, 0);
    loader.grantAccess(this.acl.internalUser);
    loader.denyBlocking = true;
    const replay = (db: number, argv: string[]): void => {
      loader.dbIndex = db;
      // Replaying the AOF is not serving commands: no stats, slow log or MONITOR, as Redis.
      this.introspection.recording = false;
      try {
        this.pipeline.run(argv, loader);
      } finally {
        this.introspection.recording = true;
      }
      const reply = loader.reply.bytes();
      if (
        reply.length > 20 &&
        String.fromCharCode(...reply.subarray(0, 20)) === "-ERR unknown command"
      ) {
        throw new AofLoadError(`Unknown command '${argv[0]}' reading the append only file`);
      }
      loader.reply.clear();
    };
    let loaded;
    try {
      loaded = yield* this.aof.loadSteps(progress, replay);
    } catch (e: unknown) {
      this.keyspace.flushAll(); // all or nothing
      throw e;
    }
    return loaded === null ? null : "append only file";
  }

  /**
   * Redis's prepareForShutdown: saves when asked (`save` true) or, unless told not to
   * (`save` false), when save points are set. Returns false when the save failed, unless
   * `force`: the server then keeps running, as Redis does.
   */
  prepareForShutdown(options: { save: boolean | null; force: boolean }): boolean {
    // Never while loading: a save would overwrite the file with half of it, as Redis says.
    const save = this.loading === null && (options.save ?? this.config.save.length > 0);
    if (!save) return true;
    this.log("notice", "Saving the final RDB snapshot before exiting.");
    try {
      this.persistence.saveSync();
      return true;
    } catch {
      if (options.force) return true;
      this.log("warning", "Error trying to save the DB, can't exit.");
      return false;
    }
  }

  /** SHUTDOWN: saves as asked, then ends; false when the save failed (the server lives on). */
  requestShutdown(options: { save: boolean | null; force: boolean }): boolean {
    this.log("warning", "User requested shutdown...");
    if (!this.prepareForShutdown(options)) return false;
    // After this command's turn, so the client's connection is not the one being awaited.
    setTimeout(() => this.onShutdownRequested(), 0);
    return true;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/** Creates a server and starts listening. */
export function startServer(options: ServerOptions = {}): Server {
  const server = new Server(options);
  server.listen();
  return server;
}
