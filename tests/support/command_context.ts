/**
 * Commands without a socket: a `CommandContext` (src/commands/context.ts) built from a
 * keyspace, a reply writer, a manual clock and a client that lives only in memory. Unit
 * tests of a command family run commands through it and read the RESP text they wrote;
 * see tests/command_units_test.ts for the model.
 *
 *   const ctx = new TestContext();
 *   assertEquals(ctx.call("LPUSH", "l", "a"), ":1\r\n");
 *   const other = new TestContext(ctx.server);   // a second client of the same server
 */

import { Introspection } from "../../src/stats/introspection.ts";
import { ServerStats } from "../../src/stats/server_stats.ts";
import { ExpiryStats } from "../../src/store/expiry_sweeper.ts";
import { RdbPersistence } from "../../src/persistence/rdb_service.ts";
import { AppendOnlyFile } from "../../src/persistence/aof_service.ts";
import { DEFAULT_CONFIG, type ServerConfig } from "../../src/config.ts";
import type {
  ClientState,
  ClientView,
  CommandContext,
  RequestBytes,
  ServerServices,
} from "../../src/commands/context.ts";
import { CommandPipeline } from "../../src/commands/pipeline.ts";
import { BlockingManager, type BlockRequest } from "../../src/commands/blocking.ts";
import { isPlainName } from "../../src/commands/args.ts";
import { CommandError } from "../../src/errors.ts";
import { ReplyWriter } from "../../src/protocol/reply_writer.ts";
import { PubSubHub, Subscriptions } from "../../src/pubsub/hub.ts";
import { ManualClock } from "../../src/store/clock.ts";
import type { Database } from "../../src/store/database.ts";
import { Keyspace } from "../../src/store/keyspace.ts";
import { datasetBytes } from "../../src/store/memory.ts";
import { WatchedKeys } from "../../src/store/watched_keys.ts";
import type { CommandSpec } from "../../src/commands/command.ts";
import { ClientPause } from "../../src/commands/client_pause.ts";
import { Transaction } from "../../src/commands/transactions.ts";
import { AclRegistry } from "../../src/acl/acl_registry.ts";
import type { AclUser } from "../../src/acl/user.ts";
import { ClientTracking, type TrackingClient, TrackingTable } from "../../src/pubsub/tracking.ts";

/** A client with no connection: what its commands change stays in these fields. */
export class TestClient implements ClientState {
  dbIndex = 0;
  name = "";
  libName = "";
  libVersion = "";
  lastCommand = "NULL";
  aofOffset = 0;
  readonly request: RequestBytes = { argv: null, buf: new Uint8Array(0), start: 0, end: 0 };
  monitoring = false;
  noEvict = false;
  noTouch = false;
  readonly createdAt = Date.now();
  readonly lastActivity = Date.now();
  readonly subscriptions = new Subscriptions();
  readonly transport = { kind: "tcp", remoteAddress: "test:0", localAddress: "test:0" } as const;
  readonly queryBuffer = { used: 0, size: 0 };
  readonly replyBuffers = { current: 0, total: 0 };
  readonly parser = { args: [] as readonly string[] };
  authenticated: boolean;
  user: AclUser;
  /** Whether a blocking command left this client waiting. */
  blocked = false;
  closing = false;
  stopped = false;
  /** Bytes other clients' PUBLISHes delivered to this one. */
  readonly delivered = new ReplyWriter();
  readonly transaction = new Transaction();
  readonly tracking = new ClientTracking();
  inExec = false;
  denyBlocking = false;
  /** The context this client's commands run in, and its pipeline (set by TestContext). */
  context: CommandContext | null = null;
  pipeline: CommandPipeline | null = null;

  constructor(
    readonly id: number,
    readonly reply: ReplyWriter,
    readonly config: ServerConfig,
    readonly acl: AclRegistry,
  ) {
    this.authenticated = config.requirepass === null;
    this.user = acl.defaultUser;
  }

  signOut(): void {
    this.user = this.acl.defaultUser;
    this.authenticated = false;
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  set protocol(p: 2 | 3) {
    this.reply.protocol = p;
    this.delivered.protocol = p;
  }

  get pendingOutput(): number {
    return 0;
  }

  unblocked(): void {
    this.blocked = false;
  }

  authenticate(user: string, password: string): boolean {
    const u = this.acl.checkCredentials(user, password);
    if (u === null) {
      throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    this.user = u;
    this.authenticated = true;
    return true;
  }

  setName(name: string): void {
    if (!isPlainName(name)) {
      throw new CommandError(
        "ERR Client names cannot contain spaces, newlines or special characters.",
      );
    }
    this.name = name;
  }

  resetState(): void {
    this.dbIndex = 0;
    this.protocol = 2;
    this.name = "";
    this.authenticated = this.config.requirepass === null;
  }

  closeAfterReply(): void {
    this.closing = true;
  }

  call(spec: CommandSpec, argv: readonly string[]): void {
    this.pipeline!.call(spec, argv, this.context!);
  }

  awaitReply(_waits: boolean, _confirmed?: boolean): (reply: Uint8Array) => void {
    throw new Error("a test context has no gateway");
  }

  confirmBlocked(): void {}

  /** The request CLIENT PAUSE holds; `resume` runs it. */
  postponed: readonly string[] | null = null;

  postpone(argv: readonly string[]): void {
    this.postponed = argv;
    this.blocked = true;
  }

  resume(): void {
    this.blocked = false;
    const argv = this.postponed;
    this.postponed = null;
    if (argv !== null) this.pipeline!.run(argv, this.context!);
  }

  get closed(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
  }

  kill(): void {
    this.stopped = true;
  }

  deliver(write: (reply: ReplyWriter) => void): void {
    write(this.delivered);
  }
}

/** Server services for one test: a keyspace, a hub, a config; nothing listens. */
export function testServices(options: Partial<ServerConfig> = {}): ServerServices & {
  config: ServerConfig;
  sessions: Map<number, ClientView>;
  clock: ManualClock;
  blocking: BlockingManager;
  pipeline: CommandPipeline;
} {
  const clock = new ManualClock();
  const config = { ...DEFAULT_CONFIG, ...options };
  const keyspace = new Keyspace(config.databases, clock);
  const blocking = new BlockingManager(keyspace);
  const stats = new ServerStats();
  const expiryStats = new ExpiryStats();
  const introspection = new Introspection(config);
  const pipeline = new CommandPipeline({
    introspection,
    wsPolicy: null,
    memory: { active: false, admit: () => null, track: (_s, _a, _d, run) => run() },
    stats,
    blocking,
    isCrossProtocol: () => false,
    crossProtocol: () => {},
  });
  const sessions = new Map<number, ClientView>();
  return {
    blocking,
    pipeline,
    pause: new ClientPause(keyspace),
    loading: null,
    config,
    keyspace,
    hub: new PubSubHub(),
    watchedKeys: new WatchedKeys(keyspace),
    tracking: new TrackingTable(
      keyspace,
      sessions as unknown as Map<number, TrackingClient>,
      config,
    ),
    clock,
    sessions,
    memory: { used: () => datasetBytes(keyspace), evictedKeys: 0 },
    stats,
    expiryStats,
    resetStats: () => {
      stats.reset();
      introspection.reset();
      expiryStats.reset();
    },
    limits: { rejectedConnections: 0 },
    introspection,
    startedAt: Date.now(),
    runId: "0".repeat(40),
    port: 0,
    tlsPort: 0,
    reloadTls: () => {}, // no TLS port: nothing to reload, as a server without one
    setTlsPort: () => {
      throw new Error("no TLS port in a test context");
    },
    setTlsAuthClients: () => {},
    tlsConfigured: false,
    httpsPort: false,
    log: () => {},
    persistence: new RdbPersistence(keyspace, config, () => {}),
    aof: new AppendOnlyFile(keyspace, config, () => {}),
    requestShutdown: () => true,
    gateway: null,
    acl: new AclRegistry(config.requirepass, () => config.acllogMaxLen),
    // Scripts run commands as a server-side client: test them against a real server.
    get scripting(): never {
      throw new Error("scripting needs a Server: use tests/support/servers.ts");
    },
  };
}

const decoder = new TextDecoder("latin1");

/** A command context over `testServices`, for one client (more share `services`). */
export class TestContext implements CommandContext {
  readonly reply = new ReplyWriter();
  readonly client: TestClient;
  readonly server: ReturnType<typeof testServices>;
  static #nextId = 1;

  constructor(services = testServices()) {
    this.server = services;
    this.client = new TestClient(
      TestContext.#nextId++,
      this.reply,
      services.config,
      services.acl,
    );
    this.client.context = this;
    this.client.pipeline = services.pipeline;
    services.sessions.set(this.client.id, this.client);
  }

  get db(): Database {
    return this.server.keyspace.dbs[this.client.dbIndex];
  }

  get clock(): ManualClock {
    return this.server.clock;
  }

  block(request: BlockRequest): void {
    if (this.client.inExec || this.client.denyBlocking) return request.timedOut();
    this.client.blocked = true;
    this.server.blocking.block(this.client, request);
  }

  /** Runs one command through the server's pipeline; the reply text it wrote. */
  call(...argv: string[]): string {
    this.client.parser.args = argv;
    this.server.pipeline.run(argv, this);
    return this.take();
  }

  /** What has been written to this client's reply since the last call (a served wait). */
  take(): string {
    const text = decoder.decode(this.reply.bytes());
    this.reply.clear();
    return text;
  }
}
