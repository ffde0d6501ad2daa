/**
 * Limits on clients, whatever their transport: `--maxclients`, the idle `--timeout`, the
 * bound on a request left incomplete, and Redis's cross-protocol guard. The server owns
 * one `ClientLimits`; its timer (the part of Redis's clientsCron that closes clients) is
 * started by `listen()` and stopped by `shutdown()`.
 *
 * Partial requests: a client may not keep an incomplete request pending forever (each one
 * holds a buffer and a connection slot, the "slowloris" pattern). A request is dropped,
 * with its connection, when no byte of it arrived for PARTIAL_STALL_MS (while no reply is
 * being written to that client), or when it is still incomplete PARTIAL_MAX_MS after it was
 * first seen. This holds with `--timeout 0` too.
 * A request counts as the same one while the parser's argument list has not changed, as
 * the parser builds a new list for every request it completes.
 */

import type { ServerConfig } from "../config.ts";
import type { Server } from "../server.ts";
import type { Session } from "../session.ts";
import { CLOSE_TRY_AGAIN_LATER, type Transport } from "../transport/transport.ts";
import type { CommandContext } from "../commands/context.ts";
import { MemoryReclaimer } from "./memory_reclaim.ts";

/**
 * Received bytes a client that has not authenticated may have waiting unread (Redis's
 * 1 MB for unauthenticated clients, CVE-2021-32675). Over TCP the parser's limits (10
 * arguments of 16 KiB) already keep a request far below it; the WebSocket bridge, which
 * queues whole messages it cannot pause, applies it to its queue.
 */
export const UNAUTHENTICATED_QUERY_LIMIT = 1024 * 1024;

/** The query buffer limit for `session` (null: not created yet, so not authenticated). */
export function queryBufferLimit(config: ServerConfig, session: Session | null): number {
  const limit = config.clientQueryBufferLimit;
  if (session?.authenticated ?? config.requirepass === null) return limit;
  return Math.min(limit, UNAUTHENTICATED_QUERY_LIMIT);
}

/** How often idle and stalled clients are looked for. */
export const CRON_MS = 1000;
/** A pending incomplete request that receives no byte for this long closes its client. */
export const PARTIAL_STALL_MS = 30_000;
/** A request still incomplete this long after it was first seen closes its client. */
export const PARTIAL_MAX_MS = 300_000;

const MAX_CLIENTS_REPLY = new TextEncoder().encode("-ERR max number of clients reached\r\n");
const SECURITY_WARNING = "Possible SECURITY ATTACK detected. It looks like somebody is " +
  "sending POST or Host: commands to Redis. This is likely due to an attacker attempting " +
  "to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.";
/** Redis logs the cross-protocol warning at most once a minute. */
const SECURITY_WARNING_EVERY_MS = 60_000;

/** Whether a command name is what an HTTP request's lines look like to a RESP parser. */
export function isCrossProtocolCommand(name: string): boolean {
  if (name.length !== 4 && name.length !== 5) return false;
  const lower = name.toLowerCase();
  return lower === "post" || lower === "host:";
}

interface PendingRequest {
  args: string[];
  bytes: number;
  firstSeen: number;
  lastGrowth: number;
}

export class ClientLimits {
  /** Connections refused by --maxclients (INFO stats rejected_connections). */
  rejectedConnections = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #pending = new WeakMap<Session, PendingRequest>();
  #lastSecurityWarning = -Infinity;
  /** Gives memory back by a full collection when clients left buffers or a load went idle. */
  readonly reclaimer = new MemoryReclaimer();

  constructor(readonly server: Server) {}

  start(): void {
    this.#timer ??= setInterval(() => {
      try {
        this.tick();
      } catch (e: unknown) {
        // A timer callback that throws would end the process: log it and carry on.
        this.server.log(
          "warning",
          `client limits check failed: ${e instanceof Error ? e.stack : e}`,
        );
      }
    }, CRON_MS);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Whether one more client is allowed by --maxclients. */
  hasRoom(): boolean {
    return this.server.sessions.size < this.server.config.maxclients;
  }

  /**
   * Whether a new connection may become a session. Over --maxclients the client gets
   * Redis's error and is closed, before it can send anything (a WebSocket: the error as one
   * message, then close code 1013 "try again later", its socket gone within the close
   * bound whatever the peer does).
   */
  admit(transport: Transport): boolean {
    if (this.hasRoom()) return true;
    this.rejectedConnections++;
    this.server.refuse(
      "maxclients",
      "notice",
      `${transport.kind === "ws" ? "WebSocket client" : "Client"} ${transport.remoteAddress} ` +
        "refused: max number of clients reached",
    );
    transport.write(MAX_CLIENTS_REPLY).catch(() => {}).finally(() =>
      transport.close("max number of clients reached", CLOSE_TRY_AGAIN_LATER)
    );
    return false;
  }

  /**
   * Closes clients idle longer than --timeout (not subscribers nor blocked clients, as in
   * Redis) and clients whose incomplete request stalled or took too long. `now` is
   * injectable for tests.
   */
  tick(now: number = Date.now()): void {
    // a gateway keeps no data: its heap after a load is garbage V8 collects as it goes
    const server = this.server;
    const reclaimed = this.reclaimer.tick(
      now,
      server.gateway === null ? server.stats.commands : null,
    );
    if (reclaimed !== null) {
      this.server.log(
        "verbose",
        `Gave back ${(reclaimed.released / 2 ** 20).toFixed(0)} MB of unused memory ` +
          `(full collection, ${reclaimed.ms.toFixed(0)} ms)`,
      );
    }
    const idleMs = this.server.config.timeout * 1000;
    for (const session of this.server.sessions.values()) {
      if (session.closed) continue;
      session.transport.tick?.(now);
      // A blocked client is waiting, not idle, and its buffered requests are not stalled.
      if (session.blocked) continue;
      if (idleMs > 0 && now - session.lastActivity > idleMs && !session.subscriptions.active) {
        this.server.refuse(
          "timeout",
          "verbose",
          `Closing idle client id=${session.id} addr=${session.transport.remoteAddress}`,
        );
        this.#drop(session);
      } else if (this.#stalled(session, now)) {
        this.server.refuse(
          "stalled-request",
          "notice",
          `Closing client id=${session.id} addr=${session.transport.remoteAddress} that kept ` +
            "an incomplete request pending too long",
        );
        this.#drop(session);
      }
    }
  }

  /** Closes a client now, even one whose session waits on a write it never reads. */
  #drop(session: Session): void {
    session.kill();
  }

  #stalled(session: Session, now: number): boolean {
    const bytes = session.queryBuffer.used;
    const args = session.parser.args;
    if (bytes === 0) {
      this.#pending.delete(session);
      return false;
    }
    const p = this.#pending.get(session);
    if (p === undefined || p.args !== args || bytes < p.bytes) {
      this.#pending.set(session, { args, bytes, firstSeen: now, lastGrowth: now });
      return false;
    }
    // While replies are being written the session does not read: no new byte is then the
    // client's slowness at reading, which output limits govern, not a stalled request.
    if (bytes > p.bytes || session.pendingOutput > 0) {
      p.bytes = bytes;
      p.lastGrowth = now;
    }
    return now - p.lastGrowth >= PARTIAL_STALL_MS || now - p.firstSeen >= PARTIAL_MAX_MS;
  }

  /**
   * A `POST` or `Host:` line arrived: an HTTP request sent to the RESP port, the mark of a
   * cross-protocol attack from a browser. As Redis: drop the replies of the batch, close
   * the connection, log a warning (at most once a minute).
   */
  crossProtocol(ctx: CommandContext): void {
    const now = Date.now();
    this.server.introspection.refused("cross-protocol");
    if (now - this.#lastSecurityWarning >= SECURITY_WARNING_EVERY_MS) {
      this.#lastSecurityWarning = now;
      this.server.log(
        "warning",
        `${SECURITY_WARNING} (client ${ctx.client.transport.remoteAddress})`,
      );
    }
    ctx.reply.clear();
    ctx.client.closeAfterReply();
  }
}
