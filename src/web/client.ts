/**
 * The browser client: a small typed ESM module that speaks RESP to respd over WebSocket.
 * The server serves it at `/client.js` (see assets.ts) so a page can `import { connect }`
 * with no build step. It reuses the protocol layer itself, not a copy: commands are encoded
 * by `encodeCommand`, and replies are read by a `ByteReader` over the socket's messages (the
 * same `messageStream` as the server's WebSocket transport) and cut into frames by
 * `checkFrame` and `FrameDecoder`, as the tests and tools read TCP. Web-platform APIs
 * only (WebSocket, streams, TextDecoder), so the same file runs under Deno for its tests.
 *
 * Batching: commands issued in the same tick are queued and leave in ONE binary message
 * when the microtask queue drains; replies come back in order (RESP is strictly FIFO), so
 * a queue of pending promises is all the bookkeeping needed.
 *
 * Pub/sub: in RESP3 messages arrive as push frames on any connection; in RESP2 a subscribed
 * connection receives them as arrays, recognised only while the server has confirmed at
 * least one subscription (outside subscribed mode an array reply is always a reply).
 * Subscription confirmations (one per channel) are replies to the command that asked.
 *
 * How it becomes /client.js: `deno task build:client` bundles this file and its protocol
 * imports (esbuild, via `deno bundle`) into src/web/client_bundle.ts, which is committed.
 * Not transpiled at server start: Deno has no runtime transpiler, and a server must not
 * fetch esbuild from npm when it starts. A test fails when the committed bundle is stale.
 */

import {
  checkFrame,
  type CommandArg,
  encodeCommand,
  FrameDecoder,
} from "../protocol/frame_codec.ts";
import { type Frame, INCOMPLETE } from "../protocol/frame.ts";
import { ByteReader } from "../protocol/byte_reader.ts";
import { messageStream } from "../protocol/message_stream.ts";
import { type CacheStats, LocalCache } from "./local_cache.ts";

export type { CacheStats, CommandArg, Frame };

/** A decoded reply. Bulk strings are UTF-8 text, or `Uint8Array` from `sendBytes`. */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | RedisError
  | Reply[]
  | { [key: string]: Reply }
  | Map<Reply, Reply>;

/** An error reply; `message` is Redis's text after `-`, e.g. "ERR syntax error". */
export class RedisError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RedisError";
  }

  /** The error's first word: "ERR", "WRONGTYPE", "NOAUTH", ... */
  get code(): string {
    const space = this.message.indexOf(" ");
    return space < 0 ? this.message : this.message.slice(0, space);
  }
}

/** The connection failed or closed before the reply came. */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

/** One pub/sub message, as given to a `subscribe`/`psubscribe` callback. */
export interface PubSubMessage {
  /** The channel it was published to. */
  channel: string;
  /** The payload as UTF-8 text. */
  message: string;
  /** The payload's exact bytes. */
  bytes: Uint8Array;
  /** The pattern that matched, for `psubscribe` callbacks. */
  pattern?: string;
}

export type MessageHandler = (msg: PubSubMessage) => void;

export interface ConnectOptions {
  /** RESP version: 3 (default) gives typed replies and push messages; 2 is plain RESP. */
  protocol?: 2 | 3;
  /** Authenticates in the opening HELLO (username defaults to "default"). */
  password?: string;
  username?: string;
  /** Sets CLIENT SETNAME in the opening HELLO. */
  name?: string;
  /** How RESP3 maps decode: plain objects with string keys (default) or `Map`s. */
  maps?: "object" | "map";
  /** Push frames that are not pub/sub messages or the local cache's invalidations. */
  onPush?: (data: Reply[]) => void;
  /** Called after the local cache (`cached`) dropped entries: the keys, or null for all. */
  onInvalidate?: (keys: string[] | null) => void;
}

/** How the connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

type SubKind = "subscribe" | "unsubscribe" | "psubscribe" | "punsubscribe";
const SUB_KINDS = new Set<string>(["subscribe", "unsubscribe", "psubscribe", "punsubscribe"]);

interface Pending {
  resolve: (value: Reply | Frame) => void;
  reject: (error: Error) => void;
  mode: ReplyMode;
  /** For (P)(UN)SUBSCRIBE: confirmations still expected; null = "all current" (no args). */
  sub?: { kind: SubKind; remaining: number | null };
  /** HELLO and RESET change how later frames are read. */
  special?: "hello" | "reset";
  protocol?: 2 | 3;
}

/** How a reply is handed back: decoded with text bulks, decoded with byte bulks, or raw. */
type ReplyMode = "text" | "bytes" | "frame";

const decoder = new TextDecoder();

/**
 * The commands awaiting replies, oldest first. `Array.prototype.shift` moves every element
 * once the array is large, which made a burst of 50 000 commands take seconds; a head
 * index makes taking the oldest O(1).
 */
class PendingQueue {
  #items: (Pending | undefined)[] = [];
  #head = 0;

  push(entry: Pending): void {
    this.#items.push(entry);
  }

  peek(): Pending | undefined {
    return this.#items[this.#head];
  }

  shift(): Pending | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const entry = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }

  /** Removes and returns every entry. */
  drain(): Pending[] {
    const all = this.#items.slice(this.#head) as Pending[];
    this.#items = [];
    this.#head = 0;
    return all;
  }
}

/** Turns a WebSocket's messages into a byte stream (see protocol/message_stream.ts). */
function socketStream(ws: WebSocket): ReadableStream<Uint8Array> {
  const stream = messageStream();
  ws.addEventListener("message", (e: MessageEvent) => stream.push(e.data as string | ArrayBuffer));
  ws.addEventListener("close", () => stream.end());
  return stream.readable;
}

function frameText(f: Frame): string | null {
  if (f.kind === "bulk" || f.kind === "verbatim") return decoder.decode(f.value);
  if (f.kind === "simple") return f.value;
  return null;
}

/** A respd connection over WebSocket. Create it with `connect()`. */
export class Client {
  #ws: WebSocket;
  #options: ConnectOptions;
  #protocol: 2 | 3 = 2;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #flushScheduled = false;
  #pending = new PendingQueue();
  #closeInfo: CloseInfo = { code: 1006, reason: "" };
  #closed = false;
  /** Handlers by channel / pattern, as the caller asked (updated at call time). */
  #channelHandlers = new Map<string, Set<MessageHandler>>();
  #patternHandlers = new Map<string, Set<MessageHandler>>();
  /** Subscriptions the server has confirmed (the truth for subscribed mode). */
  #serverChannels = new Set<string>();
  #serverPatterns = new Set<string>();
  /** Resolves when the connection has closed and every pending command was settled. */
  readonly closed: Promise<CloseInfo>;
  /** Replies of `cached` reads; null until the first one turns tracking on. */
  #cache: LocalCache<Reply> | null = null;
  /**
   * A reply array that swallowed push frames (see #onFrame): its elements so far and how
   * many more top-level frames complete it.
   */
  #partial: { items: Frame[]; missing: number } | null = null;

  /** Use `connect()`: it waits for the socket to open and the HELLO to be answered. */
  constructor(ws: WebSocket, options: ConnectOptions = {}) {
    this.#ws = ws;
    this.#options = options;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("close", (e: CloseEvent) => {
      this.#closed = true;
      this.#closeInfo = { code: e.code, reason: e.reason };
    });
    this.closed = this.#readLoop(new ByteReader(socketStream(ws), 16 * 1024));
  }

  /** The protocol in use (2 or 3). */
  get protocol(): 2 | 3 {
    return this.#protocol;
  }

  /** True until the connection closes. */
  get open(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends a command; resolves with its decoded reply, rejects with a `RedisError`. */
  send(...args: CommandArg[]): Promise<Reply> {
    return this.#command(args, "text") as Promise<Reply>;
  }

  /** Like `send`, but bulk strings come back as their exact bytes (`Uint8Array`). */
  sendBytes(...args: CommandArg[]): Promise<Reply> {
    return this.#command(args, "bytes") as Promise<Reply>;
  }

  /**
   * Like `send`, but resolves with the reply's protocol `Frame` itself (its exact RESP
   * type: simple vs bulk, integer vs double...), for tools that show replies as they are.
   */
  sendFrame(...args: CommandArg[]): Promise<Frame> {
    return this.#command(args, "frame") as Promise<Frame>;
  }

  /**
   * A read served from a local cache: the first call sends it (with the server tracking
   * the keys it reads); later calls with the same arguments are answered locally, until
   * any client changes one of those keys and the server's invalidation drops the entry.
   * `db.cached("GET", "user:1")`, `db.cached("HGETALL", "cart")`, `db.cached("MGET", "a",
   * "b")`: the key is the first argument (every argument for MGET and EXISTS). Needs RESP3
   * (the default). The cache is dropped when the connection closes.
   */
  cached(...args: string[]): Promise<Reply> {
    if (this.#protocol !== 3) {
      return Promise.reject(new RedisError("ERR cached() needs a RESP3 connection"));
    }
    if (this.#cache === null) {
      this.#cache = new LocalCache();
      this.#command(["CLIENT", "TRACKING", "on", "OPTIN"], "text").catch(() => {});
    }
    const hit = this.#cache.lookup(args);
    if (hit !== undefined) return hit;
    // CACHING yes applies to the very next command: both leave in the same message
    this.#command(["CLIENT", "CACHING", "yes"], "text").catch(() => {});
    return this.#cache.store(args, this.#command(args, "text") as Promise<Reply>);
  }

  /** What the local cache holds and how often it answered (zeros before `cached`). */
  cacheStats(): CacheStats {
    return this.#cache?.stats() ?? { hits: 0, misses: 0, invalidations: 0, entries: [] };
  }

  /** Subscribes to channels; resolves when the server confirmed them all. */
  subscribe(channels: string | string[], handler: MessageHandler): Promise<void> {
    return this.#subscribe("subscribe", this.#channelHandlers, channels, handler);
  }

  /** Subscribes to glob patterns (as KEYS); the callback's `msg.pattern` says which matched. */
  psubscribe(patterns: string | string[], handler: MessageHandler): Promise<void> {
    return this.#subscribe("psubscribe", this.#patternHandlers, patterns, handler);
  }

  /** Unsubscribes from channels (all of them with no arguments); drops their callbacks. */
  unsubscribe(...channels: string[]): Promise<void> {
    return this.#unsubscribe("unsubscribe", this.#channelHandlers, channels);
  }

  /** Unsubscribes from patterns (all of them with no arguments); drops their callbacks. */
  punsubscribe(...patterns: string[]): Promise<void> {
    return this.#unsubscribe("punsubscribe", this.#patternHandlers, patterns);
  }

  /** Closes the connection; pending commands reject. Resolves once closed. */
  close(): Promise<CloseInfo> {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#flush();
      this.#ws.close(1000, "client closed");
    }
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #subscribe(
    kind: "subscribe" | "psubscribe",
    handlers: Map<string, Set<MessageHandler>>,
    names: string | string[],
    handler: MessageHandler,
  ): Promise<void> {
    const list = typeof names === "string" ? [names] : names;
    for (const name of list) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, set = new Set());
      set.add(handler);
    }
    return this.#command([kind.toUpperCase(), ...list], "text").then(() => {});
  }

  #unsubscribe(
    kind: "unsubscribe" | "punsubscribe",
    handlers: Map<string, Set<MessageHandler>>,
    names: string[],
  ): Promise<void> {
    if (names.length === 0) handlers.clear();
    for (const name of names) handlers.delete(name);
    return this.#command([kind.toUpperCase(), ...names], "text").then(() => {});
  }

  #command(args: CommandArg[], mode: ReplyMode): Promise<Reply | Frame> {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ConnectionError("connection is closed"));
    }
    const encoded = encodeCommand(args);
    return new Promise<Reply | Frame>((resolve, reject) => {
      const entry: Pending = { resolve, reject, mode };
      const name = String(args[0] ?? "").toLowerCase();
      if (SUB_KINDS.has(name)) {
        entry.sub = { kind: name as SubKind, remaining: args.length > 1 ? args.length - 1 : null };
      } else if (name === "hello" && args.length > 1) {
        entry.special = "hello";
        entry.protocol = Number(args[1]) === 3 ? 3 : 2;
      } else if (name === "reset") {
        entry.special = "reset";
      }
      this.#pending.push(entry);
      this.#queue.push(encoded);
      this.#queuedBytes += encoded.length;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  /** Sends every queued command as one binary message. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    let message: Uint8Array;
    if (this.#queue.length === 1) {
      message = this.#queue[0];
    } else {
      message = new Uint8Array(this.#queuedBytes);
      let pos = 0;
      for (const chunk of this.#queue) {
        message.set(chunk, pos);
        pos += chunk.length;
      }
    }
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(message);
  }

  async #readLoop(reader: ByteReader): Promise<CloseInfo> {
    let failure: Error | null = null;
    try {
      const decoder = new FrameDecoder();
      while (await reader.fill()) {
        // Replies outlive the read buffer (the next read reuses it), so the whole frames
        // found are copied out in one piece and decoded from that copy: their bulks are
        // views of it. checkFrame finds them without allocating; a malformed frame throws
        // only after the whole ones before it are delivered.
        let last = reader.start;
        let malformed: unknown = null;
        try {
          for (;;) {
            const end = checkFrame(reader.buf, last, reader.end);
            if (end === INCOMPLETE) break;
            last = end;
          }
        } catch (e: unknown) {
          malformed = e;
        }
        if (last > reader.start) {
          const owned = reader.buf.slice(reader.start, last);
          reader.consume(last);
          for (let p = 0; p < owned.length; p = decoder.end) {
            const frame = decoder.decode(owned, p, owned.length);
            if (frame === INCOMPLETE) throw new Error("a checked frame did not decode");
            this.#onFrame(frame);
          }
        }
        if (malformed !== null) throw malformed;
        reader.shrink(16 * 1024);
      }
    } catch (e: unknown) {
      // a malformed reply: nothing after it can be trusted
      failure = e instanceof Error ? e : new Error(String(e));
      this.#closed = true;
      this.#closeInfo = { code: 1002, reason: failure.message };
      try {
        this.#ws.close(1002, failure.message.slice(0, 120));
      } catch {
        // already closing
      }
    }
    this.#cache?.clear();
    const { code, reason } = this.#closeInfo;
    const error = failure ??
      new ConnectionError(`connection closed (${code}${reason ? `: ${reason}` : ""})`);
    for (const p of this.#pending.drain()) p.reject(error);
    return this.#closeInfo;
  }

  #onFrame(frame: Frame): void {
    if (frame.kind === "push" || (frame.kind === "array" && this.#protocol === 2)) {
      if (this.#onPubSub(frame.value, frame.kind === "push")) return;
    }
    // Redis 7.0 (and respd, byte for byte) writes a push caused by a command inside EXEC
    // (a keyspace notification to the client itself) in the middle of EXEC's array: the
    // decoder then counts the push as an element. Such pushes are handed on as pushes and
    // the array is completed with the frames that follow.
    if (this.#partial !== null) {
      this.#partial.items.push(frame);
      if (--this.#partial.missing > 0) return;
      frame = { kind: "array", value: this.#partial.items };
      this.#partial = null;
    } else if (frame.kind === "array" && frame.value.some((f) => f.kind === "push")) {
      const items = frame.value.filter((f) => f.kind !== "push");
      for (const f of frame.value) if (f.kind === "push") this.#onPubSub(f.value, true);
      this.#partial = { items, missing: frame.value.length - items.length };
      return;
    }
    const entry = this.#pending.shift();
    if (!entry) return; // a reply nobody waits for: ignore it
    if (frame.kind === "error") return entry.reject(new RedisError(frame.value));
    if (entry.special === "hello") this.#protocol = entry.protocol!;
    if (entry.special === "reset") {
      // RESET also turns tracking off: nothing cached can be trusted any more
      this.#cache?.clear();
      this.#cache = null;
      this.#protocol = 2;
      this.#serverChannels.clear();
      this.#serverPatterns.clear();
      this.#channelHandlers.clear();
      this.#patternHandlers.clear();
    }
    entry.resolve(entry.mode === "frame" ? frame : this.#decode(frame, entry.mode === "bytes"));
  }

  /** Handles a message or subscription confirmation; false when `items` is a plain reply. */
  #onPubSub(items: Frame[], isPush: boolean): boolean {
    const head = items.length > 0 ? frameText(items[0]) : null;
    if (head === null) {
      if (isPush) this.#options.onPush?.(items.map((f) => this.#decode(f, false)));
      return isPush;
    }
    const subscribed = this.#serverChannels.size + this.#serverPatterns.size > 0;
    const kind = head.toLowerCase();
    if (isPush && kind === "invalidate" && items.length === 2 && this.#cache !== null) {
      const keys = items[1].kind === "array" ? items[1].value.map((k) => frameText(k) ?? "") : null;
      this.#cache.invalidate(keys);
      this.#options.onInvalidate?.(keys);
      return true;
    }
    if (kind === "message" && items.length === 3 && (isPush || subscribed)) {
      const channel = frameText(items[1]) ?? "";
      this.#deliver(this.#channelHandlers.get(channel), channel, items[2]);
      return true;
    }
    if (kind === "pmessage" && items.length === 4 && (isPush || subscribed)) {
      const pattern = frameText(items[1]) ?? "";
      const channel = frameText(items[2]) ?? "";
      this.#deliver(this.#patternHandlers.get(pattern), channel, items[3], pattern);
      return true;
    }
    const entry = this.#pending.peek();
    if (SUB_KINDS.has(kind) && items.length === 3 && entry?.sub) {
      const name = frameText(items[1]);
      const count = items[2].kind === "integer" ? Number(items[2].value) : 0;
      const sub = entry.sub;
      if (sub.remaining === null) {
        // no arguments: one confirmation per current subscription, or one if there is none
        const current = sub.kind === "unsubscribe" ? this.#serverChannels : this.#serverPatterns;
        sub.remaining = Math.max(1, current.size);
      }
      if (name !== null) {
        if (kind === "subscribe") this.#serverChannels.add(name);
        else if (kind === "unsubscribe") this.#serverChannels.delete(name);
        else if (kind === "psubscribe") this.#serverPatterns.add(name);
        else this.#serverPatterns.delete(name);
      }
      if (--sub.remaining === 0) {
        this.#pending.shift();
        entry.resolve(count);
      }
      return true;
    }
    if (isPush) {
      this.#options.onPush?.(items.map((f) => this.#decode(f, false)));
      return true;
    }
    return false;
  }

  #deliver(
    handlers: Set<MessageHandler> | undefined,
    channel: string,
    payload: Frame,
    pattern?: string,
  ): void {
    if (!handlers) return;
    const bytes = payload.kind === "bulk" ? payload.value : new Uint8Array(0);
    const msg: PubSubMessage = { channel, message: decoder.decode(bytes), bytes };
    if (pattern !== undefined) msg.pattern = pattern;
    for (const handler of handlers) {
      try {
        handler(msg);
      } catch (e: unknown) {
        // a failing callback must not break the connection or the other callbacks
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  #decode(f: Frame, bytes: boolean): Reply {
    switch (f.kind) {
      case "simple":
        return f.value;
      case "error":
        return new RedisError(f.value);
      case "bulk":
        return bytes ? f.value : decoder.decode(f.value);
      case "verbatim":
        return bytes ? f.value : decoder.decode(f.value);
      case "integer":
      case "double":
      case "boolean":
      case "bignum":
        return f.value;
      case "null":
        return null;
      case "array":
      case "set":
      case "push":
        return f.value.map((item) => this.#decode(item, bytes));
      case "map": {
        if (this.#options.maps === "map") {
          return new Map(f.value.map(([k, v]) => [this.#decode(k, bytes), this.#decode(v, bytes)]));
        }
        // fromEntries defines own properties, so a "__proto__" key is just a key
        return Object.fromEntries(
          f.value.map((
            [k, v],
          ) => [frameText(k) ?? String(this.#decode(k, false)), this.#decode(v, bytes)]),
        );
      }
    }
  }
}

/**
 * Opens a connection: `await connect("ws://127.0.0.1:6380/ws", { protocol: 3 })`.
 * Resolves once the socket is open and the opening HELLO (if any) was answered.
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<Client> {
  const ws = new WebSocket(url);
  const client = new Client(ws, options);
  await new Promise<void>((resolve, reject) => {
    const onOpen = () => {
      ws.removeEventListener("close", onClose);
      resolve();
    };
    const onClose = (e: CloseEvent) => {
      ws.removeEventListener("open", onOpen);
      reject(
        new ConnectionError(
          `could not connect to ${url} (${e.code}${e.reason ? `: ${e.reason}` : ""})`,
        ),
      );
    };
    ws.addEventListener("open", onOpen, { once: true });
    ws.addEventListener("close", onClose, { once: true });
  });
  const protocol = options.protocol ?? 3;
  if (protocol === 2 && options.password === undefined && options.name === undefined) {
    return client;
  }
  const hello: CommandArg[] = ["HELLO", protocol];
  if (options.password !== undefined) {
    hello.push("AUTH", options.username ?? "default", options.password);
  }
  if (options.name !== undefined) hello.push("SETNAME", options.name);
  try {
    await client.send(...hello);
  } catch (e: unknown) {
    await client.close();
    throw e;
  }
  return client;
}
