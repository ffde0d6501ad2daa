/**
 * The per-connection loop, identical for every transport: read bytes (BYOB, into a buffer
 * the session owns), decode every whole request buffered, run each through the command
 * pipeline (commands/pipeline.ts), and write all their replies in one write. Also the
 * client's state (database, protocol, name), the context its commands run with, and the
 * outbound path for messages other clients publish to it.
 *
 * Blocking (BLPOP ...): a command may block its client (`block`). The loop then stops
 * parsing: requests already buffered, and those that keep arriving, stay in the buffer
 * until the wait ends. Meanwhile it still reads (into a side buffer, so the buffered
 * requests stay readable), so a disconnect is seen at once and ends the wait; the reply
 * is written when the wait is served or times out, then the buffered requests run.
 *
 * Writes are double-buffered: replies and deliveries go into `reply` while the previous
 * buffer is being written; the drain loop swaps and writes until both are empty. So a
 * message published to this client while its own replies are in flight is never
 * interleaved inside them.
 *
 * Fairness (issue #20): at most TURN_BUDGET_BYTES of requests are served per event-loop
 * turn, and a read that settled without the event loop turning waits for the next turn
 * (turns.ts), so a client whose pipeline is already buffered cannot hold the server while
 * others wait. The replies of each turn's batch still leave in one write. A plain TCP
 * socket's reads always settle through the event loop, so its session skips that check
 * (and the setImmediate it costs per read).
 *
 * Gateway mode (gateway/): a command sent upstream leaves a placeholder in the reply order
 * (`awaitReply`): what was written before it is set aside as a ready segment, and later
 * replies queue behind it. The drain writes segments in order as they become ready, so
 * pipelined commands from one client travel upstream together and their replies come
 * back in order, mixed with replies respd wrote itself. The loop waits for its pending
 * upstream replies before it reads again (backpressure, as for its own writes).
 *
 * Backpressure: the loop awaits its writes before it reads again, so a client that does not
 * read its replies is not read either (TCP and WebSocket alike). Deliveries still queue;
 * unsent bytes (queued, in flight, or held by the transport; in gateway mode also upstream
 * replies not yet written, checked as each arrives) count against client-output-buffer-limit,
 * and a client over it is cut off (output_limit.ts).
 */

import { ByteReader } from "./protocol/byte_reader.ts";
import { INCOMPLETE, ProtocolError } from "./protocol/frame.ts";
import { ReplyWriter } from "./protocol/reply_writer.ts";
import { QueryBufferLimitError, RequestParser } from "./protocol/request_parser.ts";
import { CommandError } from "./commands/errors.ts";
import { isPlainName } from "./commands/args.ts";
import type { ClientState, CommandContext, RequestBytes } from "./commands/context.ts";
import type { BlockableClient, BlockRequest } from "./commands/blocking.ts";
import type { CommandSpec } from "./commands/command.ts";
import type { Clock } from "./store/clock.ts";
import type { Database } from "./store/database.ts";
import type { Server } from "./server.ts";
import {
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_ERROR,
  type Transport,
} from "./transport/transport.ts";
import { Subscriptions } from "./pubsub/hub.ts";
import { OutputLimitTracker } from "./output_limit.ts";
import type { AclUser } from "./acl/user.ts";
import { recordAuthFailure } from "./commands/acl.ts";
import { discardTransaction, Transaction } from "./commands/transactions.ts";
import { ClientTracking } from "./pubsub/tracking.ts";
import { prefetchRequestKeys } from "./store/key_prefetch.ts";

/**
 * First size of the reply buffers and of the read buffer: small, so an idle client costs
 * little. Each grows with the traffic and is given back once a huge request or reply is
 * done (ByteReader.shrink, ReplyWriter.clear); ByteReader adapts the size of its reads.
 */
const REPLY_BUFFER_SIZE = 1024;
const NO_BYTES = new Uint8Array(0);
const READ_BUFFER_SIZE = 4 * 1024;
/**
 * Request bytes one client may have served per event-loop turn before the other ready
 * clients get theirs: Redis reads at most 16 KiB (PROTO_IOBUF_LEN) per client per turn. A
 * request that starts before the budget ends is served whole, however large.
 */
export const TURN_BUDGET_BYTES = 16 * 1024;

/**
 * A connected client. It is also the `CommandContext` its commands run with (`db`,
 * `reply`, `clock`, `client`, `server`), and the `ClientState` they see as `ctx.client`.
 */
export class Session implements CommandContext, ClientState, BlockableClient {
  readonly id: number;
  readonly createdAt: number;
  dbIndex = 0;
  name = "";
  libName = "";
  libVersion = "";
  /** The last command run, for CLIENT LIST. */
  lastCommand = "NULL";
  aofOffset = 0;
  readonly request: RequestBytes = { argv: null, buf: NO_BYTES, start: 0, end: 0 };
  /** This transport's byte counters (INFO stats, /metrics). */
  readonly #traffic: { input: number; output: number; reads: number; writes: number };
  /** In MONITOR mode: every command run is delivered to it (stats/monitor.ts). */
  monitoring = false;
  /** CLIENT NO-EVICT and NO-TOUCH (RESET clears them). */
  noEvict = false;
  noTouch = false;
  lastActivity: number;
  /** Replies and deliveries not yet handed to the transport. */
  reply = new ReplyWriter(REPLY_BUFFER_SIZE);
  #spare = new ReplyWriter(REPLY_BUFFER_SIZE);
  #inFlight = 0;
  #draining: Promise<void> | null = null;
  #closeAfterReply = false;
  #stopping = false;
  #closed = false;
  #reader: ByteReader | null = null;
  /** Why the connection ends, for the WebSocket close frame (protocol error, limits). */
  #closeReason: { text: string; code: number } | null = null;
  #outputLimit = new OutputLimitTracker();
  #flushScheduled = false;
  /** This turn's budget ran out with requests still buffered (TURN_BUDGET_BYTES). */
  #overBudget = false;
  readonly parser = new RequestParser();
  /** Channels and patterns this client listens to (maintained by server.hub). */
  readonly subscriptions = new Subscriptions();
  /** MULTI's queue and this client's WATCHes. */
  readonly transaction = new Transaction();
  inExec = false;
  /** CLIENT TRACKING state. */
  readonly tracking = new ClientTracking();
  /** Set for a client that may not block (the scripting client): waits time out at once. */
  denyBlocking = false;
  /** Resolves the loop's wait when the client's block ends; null while not blocked. */
  #unblock: (() => void) | null = null;
  #unblocked: Promise<void> | null = null;
  /**
   * Gateway mode: replies in order ahead of `reply`'s content; a segment's bytes are null
   * until its upstream reply arrives (awaitReply).
   */
  #segments: { bytes: Uint8Array | null }[] = [];
  /** Segments still without their bytes. */
  #segmentsDue = 0;
  /** Bytes of the segments that have theirs: unsent output (the output limit counts them). */
  #segmentBytes = 0;
  /** The loop awaits `#segmentsReady` and flushes itself once it settles. */
  #loopAwaitsSegments = false;
  /** Resolves when every segment has its bytes (the loop waits for it before reading). */
  #segmentsReady: Promise<void> | null = null;
  #onSegmentsReady: (() => void) | null = null;
  /** The request CLIENT PAUSE holds, run first when the client resumes. */
  #postponed: readonly string[] | null = null;
  /** A read started while blocked and not yet committed (ByteReader.readAside). */
  #asideRead: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;

  constructor(readonly server: Server, readonly transport: Transport, id: number) {
    this.id = id;
    this.createdAt = this.lastActivity = Date.now();
    this.parser.maxBulkLen = server.config.protoMaxBulkLen;
    this.parser.queryBufferLimit = server.config.clientQueryBufferLimit;
    this.user = server.acl.defaultUser;
    this.#requireAuthIfConfigured();
    this.#traffic = server.introspection.traffic[transport.kind];
    // Every error reply, whichever buffer it lands in, is counted (INFO errorstats).
    const stats = server.introspection.commands;
    this.reply.onError = this.#spare.onError = (message) => stats.errorReply(message);
  }

  /** The selected database. */
  get db(): Database {
    return this.server.keyspace.dbs[this.dbIndex];
  }

  get clock(): Clock {
    return this.server.clock;
  }

  /** The calling client, as its commands see it (`ctx.client`). */
  get client(): ClientState {
    return this;
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  set protocol(p: 2 | 3) {
    this.reply.protocol = p;
    this.#spare.protocol = p;
  }

  /** Bytes queued for this client and not yet sent, including those a write holds. */
  get pendingOutput(): number {
    return this.reply.length + this.#segmentBytes + (this.transport.queued ?? this.#inFlight);
  }

  /** The reply buffer being filled and, with the spare one, both (CLIENT LIST rbs, tot-mem). */
  get replyBuffers(): { current: number; total: number } {
    const current = this.reply.capacity;
    return { current, total: current + this.#spare.capacity };
  }

  /** Unparsed request bytes and the read buffer's size (CLIENT LIST qbuf, qbuf-free). */
  get queryBuffer(): { used: number; size: number } {
    const r = this.#reader;
    return r === null ? { used: 0, size: 0 } : { used: r.buffered, size: r.buf.length };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The ACL user this client runs as. */
  user: AclUser;
  /** Logged in (or let in at connect because the default user needed no password). */
  #authenticated = false;
  /** Must log in even while the default user needs no password (a `--ws-user` client). */
  #strict = false;

  /**
   * Whether this client may run commands: it logged in, or the default user needs no
   * password (Redis's authRequired, read at every command as Redis does).
   */
  get authenticated(): boolean {
    return this.#authenticated || (!this.#strict && !this.server.acl.authRequired);
  }

  /**
   * Checks credentials as AUTH and HELLO do; on failure logs it (ACL LOG, and one log line
   * with the client's address) and throws Redis's WRONGPASS error.
   */
  authenticate(user: string, password: string, command = "AUTH"): boolean {
    const u = this.server.acl.checkCredentials(user, password);
    if (u === null) {
      recordAuthFailure(this, this.server.acl, user, command);
      this.server.refuse(
        "auth",
        "notice",
        `Client id=${this.id} addr=${this.transport.remoteAddress} gave a wrong password ` +
          `for user '${user}' (${command})`,
      );
      throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    this.grantAccess(u);
    return true;
  }

  /**
   * Lets the client run commands as `user` (default: the default user): its credentials
   * were accepted (AUTH, HELLO, the WebSocket token).
   */
  grantAccess(user: AclUser = this.server.acl.defaultUser): void {
    this.user = user;
    this.#authenticated = true;
    this.parser.unauthenticated = false;
  }

  /**
   * A WebSocket client under `--ws-user`: never let in as the default user without
   * credentials, whatever the default user's password.
   */
  requireLogin(): void {
    this.#strict = true;
    this.#authenticated = false;
    this.parser.unauthenticated = true;
  }

  /** Back to the default user, not authenticated (ACL DELUSER of its user). */
  signOut(): void {
    this.user = this.server.acl.defaultUser;
    this.#authenticated = false;
  }

  /** Sets the client name (CLIENT SETNAME, HELLO SETNAME); throws Redis's error for bad names. */
  setName(name: string): void {
    if (!isPlainName(name)) {
      throw new CommandError(
        "ERR Client names cannot contain spaces, newlines or special characters.",
      );
    }
    this.name = name;
  }

  /** RESET: back to a fresh connection's state (database 0, RESP2, no name). */
  resetState(): void {
    this.dbIndex = 0;
    this.protocol = 2;
    this.name = "";
    this.server.hub.removeSubscriber(this);
    discardTransaction(this, this);
    this.server.tracking.disable(this);
    this.monitoring = false;
    this.noEvict = false;
    this.noTouch = false;
    this.server.introspection.monitors.remove(this);
    this.#requireAuthIfConfigured();
  }

  /**
   * A fresh connection's access: the default user, authenticated when it needs no
   * password (and the client is not held to logging in).
   */
  #requireAuthIfConfigured(): void {
    this.user = this.server.acl.defaultUser;
    this.#authenticated = !this.#strict && !this.server.acl.authRequired;
    this.parser.unauthenticated = !this.authenticated;
  }

  /** Close the connection once the replies of the current batch are written (QUIT). */
  closeAfterReply(): void {
    this.#closeAfterReply = true;
  }

  /** Serves the connection until it closes. Never throws. */
  async run(): Promise<void> {
    const reader = new ByteReader(this.transport.readable, READ_BUFFER_SIZE);
    this.#reader = reader;
    try {
      await this.#loop(reader);
    } catch (e: unknown) {
      // A TLS peer that closes without close_notify (most clients do) ends its stream so.
      const peerGone = e instanceof Deno.errors.UnexpectedEof;
      if (!this.#stopping && !this.#closed && !peerGone) this.server.logClientError(this, e);
    } finally {
      this.#closed = true;
      await reader.cancel();
      this.transport.close(this.#closeReason?.text, this.#closeReason?.code);
      // A closing WebSocket still holds its socket (the close handshake, bounded): it
      // counts as a client, and shows in CLIENT LIST, until the socket is gone.
      await this.transport.closed;
      this.#reader = null;
      this.reply.clear();
      this.server.onSessionClosed(this);
    }
  }

  async #loop(reader: ByteReader): Promise<void> {
    const turns = this.server.turns;
    const socket = this.transport.readsThroughEventLoop === true;
    while (!this.#stopping) {
      if (this.#unblock !== null) {
        if (!await this.#waitBlocked(reader)) return;
      } else if (this.#asideRead !== null) {
        const result = await this.#asideRead;
        this.#asideRead = null;
        this.#traffic.input += result.value?.byteLength ?? 0;
        this.#traffic.reads++;
        if (!reader.commitAside(result)) return;
      } else if (this.#overBudget) {
        // Whole requests are still buffered past this turn's budget: the rest next turn.
        this.#overBudget = false;
        await turns.next();
      } else {
        // A socket's read always settles through the event loop: no bookkeeping (it costs
        // a setImmediate per read).
        const turn = socket ? 0 : turns.current();
        const result = await reader.read(this.parser.bytesWanted);
        this.#traffic.input += result.value?.byteLength ?? 0;
        this.#traffic.reads++;
        if (!reader.commit(result)) return;
        // Read without returning to the event loop (the bytes were already there): let
        // the clients that became ready meanwhile go first (turns.ts).
        if (!socket && turns.isCurrent(turn)) await turns.next();
      }
      // One clock reading serves as the idle time's start and the first command's.
      const now = performance.now();
      this.lastActivity = performance.timeOrigin + now;
      this.server.pipeline.beginBatch(now);
      let protocolError: Error | null;
      try {
        protocolError = this.#serveBuffered(reader);
      } finally {
        this.server.pipeline.endBatch();
      }
      if (this.#cutOffOverOutputLimit()) return;
      if (this.#writable()) await this.flush();
      // Upstream replies still due (gateway): they come before anything read next.
      if (this.#unblock === null && this.#segmentsReady !== null) {
        this.#loopAwaitsSegments = true;
        try {
          await this.#segmentsReady;
        } finally {
          this.#loopAwaitsSegments = false;
        }
        await this.flush();
      }
      if (protocolError !== null || this.#closeAfterReply) return;
      reader.shrink(READ_BUFFER_SIZE);
    }
  }

  /**
   * While blocked: reads aside (the buffered requests stay parseable) until the wait
   * ends, appending what arrives. A read still pending then is kept for the loop. False
   * when the client disconnected, or sent more than the query buffer limit meanwhile.
   */
  async #waitBlocked(reader: ByteReader): Promise<boolean> {
    const unblocked = this.#unblocked!;
    for (;;) {
      this.#asideRead ??= reader.readAside();
      // settles with undefined when the wait ended (a read's result is an object)
      const result = await Promise.race([this.#asideRead, unblocked]);
      if (result === undefined) return true;
      this.#asideRead = null;
      this.#traffic.input += result.value?.byteLength ?? 0;
      this.#traffic.reads++;
      if (!reader.commitAside(result)) return false;
      if (reader.buffered > this.server.config.clientQueryBufferLimit) {
        this.server.refuse(
          "query-buffer-limit",
          "warning",
          `closing blocked client id=${this.id} addr=${this.transport.remoteAddress} over the ` +
            "query buffer limit",
        );
        return false;
      }
      if (this.#unblock === null) return true;
    }
  }

  /**
   * Runs every whole request in the buffer. Returns the error that ends the session: a
   * protocol error (answered), or the query buffer limit (closed without a reply, as Redis).
   */
  #serveBuffered(reader: ByteReader): Error | null {
    const parser = this.parser;
    let pos = reader.start;
    const budgetEnd = pos + TURN_BUDGET_BYTES;
    try {
      // the keys of the requests about to run, into the CPU cache together (key_prefetch.ts)
      prefetchRequestKeys(reader.buf, pos, Math.min(reader.end, budgetEnd), this.db);
      const postponed = this.#postponed;
      if (postponed !== null) {
        this.#postponed = null;
        this.execute(postponed);
      }
      while (!this.#closeAfterReply && this.#unblock === null) {
        if (pos >= budgetEnd) {
          this.#overBudget = true;
          break;
        }
        const start = pos;
        const next = parser.parse(reader.buf, pos, reader.end);
        if (next === INCOMPLETE) break;
        pos = next;
        if (parser.args.length !== 0) this.executeRequest(reader.buf, start, next);
      }
    } catch (e: unknown) {
      if (e instanceof QueryBufferLimitError) {
        this.server.refuse(
          "query-buffer-limit",
          "warning",
          `closing client id=${this.id} addr=${this.transport.remoteAddress} that ${e.message}`,
        );
        this.#closeReason = { text: e.message, code: CLOSE_POLICY_VIOLATION };
        return e;
      }
      if (!(e instanceof ProtocolError)) throw e;
      this.reply.error(`ERR ${e.message}`);
      this.#closeReason = { text: `ERR ${e.message}`, code: CLOSE_PROTOCOL_ERROR };
      this.server.refuse(
        "protocol-error",
        "verbose",
        `${e.message} from client id=${this.id} addr=${this.transport.remoteAddress}; closing it`,
      );
      return e;
    } finally {
      reader.consume(pos);
    }
    return null;
  }

  /** Runs one command through the pipeline; its reply is queued in `reply`. */
  execute(argv: readonly string[]): void {
    this.server.pipeline.run(argv, this);
  }

  /**
   * Runs the request the parser just decoded from `buf[start, end)` (its `args`), with
   * its bytes at hand (`request`) while it runs.
   */
  executeRequest(buf: Uint8Array, start: number, end: number): void {
    const argv = this.parser.args;
    if (buf[start] !== 0x2a) return this.execute(argv); // inline: not RESP
    const request = this.request;
    request.argv = argv;
    request.buf = buf;
    request.start = start;
    request.end = end;
    this.execute(argv);
    request.argv = null;
    request.buf = NO_BYTES;
  }

  /** Whether the client waits in a blocking command (INFO blocked_clients counts it). */
  get blocked(): boolean {
    return this.#unblock !== null && !this.#blockUnconfirmed;
  }

  /** Gateway: a blocking command sent upstream but not yet known to wait there. */
  #blockUnconfirmed = false;

  confirmBlocked(): void {
    this.#blockUnconfirmed = false;
  }

  block(request: BlockRequest): void {
    if (this.denyBlocking || this.inExec) return request.timedOut();
    this.#unblocked = new Promise((resolve) => this.#unblock = resolve);
    this.server.blocking.block(this, request);
  }

  postpone(argv: readonly string[]): void {
    this.#postponed = argv;
    this.#unblocked = new Promise((resolve) => this.#unblock = resolve);
  }

  resume(): void {
    this.unblocked();
  }

  /** The wait ended with a reply (served or timed out): the loop goes on. */
  unblocked(): void {
    const resolve = this.#unblock;
    this.#unblock = null;
    resolve?.();
  }

  /** Runs a resolved, admitted command (also each of EXEC's queue): the pipeline's `call`. */
  call(spec: CommandSpec, argv: readonly string[]): void {
    this.server.pipeline.call(spec, argv, this);
  }

  awaitReply(waits: boolean, confirmed = true): (reply: Uint8Array) => void {
    const segments = this.#segments;
    if (this.reply.length !== 0) {
      const bytes = this.reply.takeFrom(0);
      this.#segmentBytes += bytes.length;
      segments.push({ bytes });
    }
    const segment: { bytes: Uint8Array | null } = { bytes: null };
    segments.push(segment);
    this.#segmentsDue++;
    this.#segmentsReady ??= new Promise((resolve) => this.#onSegmentsReady = resolve);
    if (waits) {
      this.#unblocked = new Promise((resolve) => this.#unblock = resolve);
      this.#blockUnconfirmed = !confirmed;
    }
    return (bytes) => {
      if (segment.bytes !== null) return;
      segment.bytes = bytes;
      this.#segmentBytes += bytes.length;
      // replies piling up for a client that does not read them: cut off, as in Redis
      const cutOff = this.#cutOffOverOutputLimit();
      if (--this.#segmentsDue === 0) {
        this.#segmentsReady = null;
        this.#onSegmentsReady?.();
        this.#onSegmentsReady = null;
        // the loop writes them as soon as it resumes
        if (this.#loopAwaitsSegments && !waits) return;
      }
      if (waits) {
        this.#blockUnconfirmed = false;
        this.unblocked();
      }
      if (cutOff || this.#flushScheduled) return;
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        this.flush().catch(() => this.stop());
      });
    };
  }

  /** Writes everything queued, including what arrives while writing. */
  flush(): Promise<void> {
    // Only a drain with something to write: one that ends without awaiting would clear
    // `#draining` before this assignment and leave it set for good.
    if (this.#draining === null && this.#writable()) this.#draining = this.#drain();
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#writable() && !this.#closed) {
        // The AOF: what this client changed is written (and, with appendfsync always,
        // on disk) before any reply that acknowledges it leaves.
        const durable = this.server.persistenceObserver.replyBarrier(this);
        if (durable !== null) await durable;
        if (this.#segments.length !== 0) {
          const out = this.#readySegments();
          this.#inFlight = out.length;
          this.#traffic.output += out.length;
          this.#traffic.writes++;
          try {
            await this.transport.write(out);
          } finally {
            this.#inFlight = 0;
          }
          continue;
        }
        const out = this.reply;
        this.reply = this.#spare;
        this.#spare = out;
        this.#inFlight = out.length;
        this.#traffic.output += out.length;
        this.#traffic.writes++;
        try {
          await this.transport.write(out.bytes());
        } finally {
          this.#inFlight = 0;
          out.clear();
        }
      }
    } finally {
      this.#draining = null;
    }
  }

  /** Whether the drain has something it may write now (segments go before `reply`). */
  #writable(): boolean {
    if (this.#segments.length !== 0) return this.#segments[0].bytes !== null;
    return this.reply.length !== 0;
  }

  /**
   * Takes the segments whose upstream replies arrived, up to the first still due, as one
   * buffer (a lone segment as it is).
   */
  #readySegments(): Uint8Array {
    const segments = this.#segments;
    if (segments.length === 1 || segments[1].bytes === null) {
      const bytes = segments.shift()!.bytes!;
      this.#segmentBytes -= bytes.length;
      return bytes;
    }
    let n = 0;
    let size = 0;
    while (n < segments.length && segments[n].bytes !== null) size += segments[n++].bytes!.length;
    this.#segmentBytes -= size;
    const out = new Uint8Array(size);
    let pos = 0;
    for (const segment of segments.splice(0, n)) {
      out.set(segment.bytes!, pos);
      pos += segment.bytes!.length;
    }
    return out;
  }

  /**
   * Queues bytes pushed by another client (a published message) and writes them soon: in
   * a microtask, so that every message one batch of PUBLISHes produces leaves in one write.
   * A client whose unsent output passes its output limit is cut off here.
   */
  deliver(write: (reply: ReplyWriter) => void): void {
    if (this.#closed) return;
    const pending = this.#segments.findIndex((s) => s.bytes === null);
    if (pending >= 0) {
      // Gateway: a push goes out now, as Redis would send it, ahead of replies still due.
      const scratch = new ReplyWriter(256);
      scratch.protocol = this.protocol;
      write(scratch);
      const bytes = scratch.takeFrom(0);
      this.#segmentBytes += bytes.length;
      this.#segments.splice(pending, 0, { bytes });
    } else write(this.reply);
    if (this.#cutOffOverOutputLimit() || this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.flush().catch(() => this.stop());
    });
  }

  /**
   * Applies client-output-buffer-limit (pubsub class while subscribed, else normal): over
   * it, the connection is closed at once and its unsent output dropped, as Redis does.
   */
  #cutOffOverOutputLimit(): boolean {
    if (this.#closed) return true;
    const limits = this.server.config.clientOutputBufferLimit;
    const pubsub = this.subscriptions.active;
    const used = this.pendingOutput;
    const limit = pubsub ? limits.pubsub : limits.normal;
    if (!this.#outputLimit.exceeded(limit, used, this.server.clock)) return false;
    this.server.refuse(
      "output-limit",
      "warning",
      `Client id=${this.id} addr=${this.transport.remoteAddress} transport=${this.transport.kind} ` +
        `closed for overcoming of output buffer limits (${pubsub ? "pubsub" : "normal"} ` +
        `class, ${used} bytes unsent).`,
    );
    this.server.introspection.outputLimitCutoffs++;
    this.#closeReason = { text: "output buffer limit reached", code: CLOSE_POLICY_VIOLATION };
    this.#stopping = true;
    this.#closed = true;
    // Gone for publishers at once (PUBLISH no longer counts it), though its socket may take
    // up to the close bound to go.
    this.server.hub.removeSubscriber(this);
    this.reply.clear();
    // upstream replies still to come fill segments no longer listed, and are dropped
    this.#segments = [];
    this.#segmentBytes = 0;
    this.transport.close(this.#closeReason.text, this.#closeReason.code);
    this.#reader?.cancel();
    return true;
  }

  /** Ends the session: stops reading; the loop finishes its batch, flushes and closes. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#reader?.cancel();
  }

  /**
   * Ends the session now (CLIENT KILL, --timeout): the connection is closed at once, so a
   * write the peer never takes fails rather than holding the client.
   */
  kill(): void {
    this.stop();
    if (this.#draining !== null) this.transport.abort();
    else this.transport.close();
  }
}
