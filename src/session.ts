/**
 * The per-connection loop, identical for every transport: read bytes (BYOB, into a buffer
 * the session owns), decode every whole request buffered, run each, and write all their
 * replies in one write. Also the client's state (database, protocol, name) and the
 * outbound path for messages other clients publish to it.
 *
 * Writes are double-buffered: replies and deliveries go into `reply` while the previous
 * buffer is being written; the drain loop swaps and writes until both are empty. So a
 * message published to this client while its own replies are in flight is never
 * interleaved inside them.
 */

import { ByteReader } from "./protocol/byte_reader.ts";
import { INCOMPLETE, ProtocolError } from "./protocol/frame.ts";
import { ReplyWriter } from "./protocol/reply_writer.ts";
import { RequestParser } from "./protocol/request_parser.ts";
import { resolveCommand, runCommand } from "./commands/dispatch.ts";
import { CommandError } from "./commands/errors.ts";
import type { CommandSpec } from "./commands/command.ts";
import type { Database } from "./store/database.ts";
import type { Server } from "./server.ts";
import type { Transport } from "./transport/transport.ts";

/** Compares two strings in time that depends only on their lengths. */
function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i % a.length) || 0) ^ (b.charCodeAt(i % b.length) || 0);
  }
  return diff === 0;
}

export class Session {
  readonly id: number;
  readonly createdAt: number;
  dbIndex = 0;
  name = "";
  libName = "";
  libVersion = "";
  /** The last command run, for CLIENT LIST. */
  lastCommand = "NULL";
  lastActivity: number;
  /** Replies and deliveries not yet handed to the transport. */
  reply = new ReplyWriter();
  #spare = new ReplyWriter();
  #inFlight = 0;
  #draining: Promise<void> | null = null;
  #closeAfterReply = false;
  #stopping = false;
  #closed = false;
  #reader: ByteReader | null = null;
  readonly parser = new RequestParser();

  constructor(readonly server: Server, readonly transport: Transport, id: number) {
    this.id = id;
    this.createdAt = this.lastActivity = Date.now();
    this.parser.maxBulkLen = server.config.protoMaxBulkLen;
    this.authenticated = server.config.requirepass === null;
    this.parser.unauthenticated = !this.authenticated;
  }

  /** The selected database. */
  get db(): Database {
    return this.server.keyspace.dbs[this.dbIndex];
  }

  get protocol(): 2 | 3 {
    return this.reply.protocol;
  }

  set protocol(p: 2 | 3) {
    this.reply.protocol = p;
    this.#spare.protocol = p;
  }

  /** Bytes queued for this client and not yet written. */
  get pendingOutput(): number {
    return this.reply.length + this.#inFlight;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this client may run commands (true unless a password is required). */
  authenticated: boolean;

  /**
   * Checks credentials as AUTH and HELLO do. On failure writes Redis's error and returns
   * false. Without a configured password the default user accepts any password.
   */
  authenticate(user: string, password: string): boolean {
    const required = this.server.config.requirepass;
    const ok = user === "default" && (required === null || timingSafeEqual(password, required));
    if (!ok) {
      this.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
      return false;
    }
    this.authenticated = true;
    this.parser.unauthenticated = false;
    return true;
  }

  /** Sets the client name (CLIENT SETNAME, HELLO SETNAME); throws Redis's error for bad names. */
  setName(name: string): void {
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 33 || c > 126) {
        throw new CommandError(
          "ERR Client names cannot contain spaces, newlines or special characters.",
        );
      }
    }
    this.name = name;
  }

  /** RESET: back to a fresh connection's state (database 0, RESP2, no name). */
  resetState(): void {
    this.dbIndex = 0;
    this.protocol = 2;
    this.name = "";
    this.authenticated = this.server.config.requirepass == null;
    this.parser.unauthenticated = !this.authenticated;
  }

  /** Close the connection once the replies of the current batch are written (QUIT). */
  closeAfterReply(): void {
    this.#closeAfterReply = true;
  }

  /** Serves the connection until it closes. Never throws. */
  async run(): Promise<void> {
    const reader = new ByteReader(this.transport.readable);
    this.#reader = reader;
    try {
      await this.#loop(reader);
    } catch (e: unknown) {
      if (!this.#stopping && !this.#closed) this.server.logClientError(this, e);
    } finally {
      this.#closed = true;
      await reader.cancel();
      this.transport.close();
      this.server.onSessionClosed(this);
    }
  }

  async #loop(reader: ByteReader): Promise<void> {
    const limit = this.server.config.clientQueryBufferLimit;
    while (!this.#stopping) {
      if (!(await reader.fill(this.parser.bytesWanted))) return;
      const protocolError = this.#serveBuffered(reader);
      if (this.reply.length !== 0) await this.flush();
      if (protocolError !== null || this.#closeAfterReply) return;
      if (reader.buffered > limit) {
        this.server.log(
          "warning",
          `closing client ${this.id} that reached max query buffer length`,
        );
        return;
      }
      reader.shrink();
    }
  }

  /** Runs every whole request in the buffer. Returns the protocol error that ends the session. */
  #serveBuffered(reader: ByteReader): ProtocolError | null {
    const parser = this.parser;
    let pos = reader.start;
    try {
      while (!this.#closeAfterReply) {
        const next = parser.parse(reader.buf, pos, reader.end);
        if (next === INCOMPLETE) break;
        pos = next;
        if (parser.args.length !== 0) this.execute(parser.args);
      }
    } catch (e: unknown) {
      if (!(e instanceof ProtocolError)) throw e;
      this.reply.error(`ERR ${e.message}`);
      this.server.log("verbose", `${e.message} from client ${this.id}; closing it`);
      return e;
    } finally {
      reader.consume(pos);
    }
    return null;
  }

  /** Runs one command and writes its reply. */
  execute(argv: string[]): void {
    let spec: CommandSpec;
    try {
      spec = resolveCommand(argv);
    } catch (e: unknown) {
      if (e instanceof CommandError) return this.reply.error(e.message);
      throw e;
    }
    this.lastCommand = spec.name;
    runCommand(spec, argv, this);
  }

  /** Writes everything queued, including what arrives while writing. */
  flush(): Promise<void> {
    this.#draining ??= this.#drain();
    return this.#draining;
  }

  async #drain(): Promise<void> {
    try {
      while (this.reply.length !== 0 && !this.#closed) {
        const out = this.reply;
        this.reply = this.#spare;
        this.#spare = out;
        this.#inFlight = out.length;
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

  /** Queues bytes pushed by another client (a published message) and writes them soon. */
  deliver(write: (reply: ReplyWriter) => void): void {
    if (this.#closed) return;
    write(this.reply);
    this.flush().catch(() => this.stop());
  }

  /** Ends the session: stops reading; the loop finishes its batch, flushes and closes. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#reader?.cancel();
  }
}
