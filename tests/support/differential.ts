/**
 * Differential testing: the same command sequence goes to a real `redis-server` and to
 * respd, and every reply is compared byte for byte. Redis is the specification; a
 * mismatch is reported with the sequence so far and both replies shown escaped, so the
 * difference can be read off (and reproduced with redis-cli) at once.
 *
 * Each sequence runs on fresh connections to both servers (after `HELLO 3` when run in
 * RESP3), starting from an empty keyspace (FLUSHALL), so no sequence sees another's state.
 * A step may relax the comparison only where Redis itself is not deterministic or the
 * two servers differ by nature: `tolerance` for clock-dependent integers (PTTL; TTL gets
 * one second by default), `unordered` for a hash table's order (KEYS), `scanAll` for a
 * whole SCAN iteration (same keys, cursors of each server's own), `maskKeys` for map
 * values such as HELLO's client id, `ignore` for replies like TIME. A sequence may also
 * be sent as one pipeline. The fuzzers reuse `DifferentialRig` with generated sequences.
 */

import { RawClient } from "./raw_client.ts";
import { startRedis, startTestServer } from "./servers.ts";
import type { RedisProcess } from "./servers.ts";
import type { ServerOptions } from "../../src/server.ts";
import {
  type CommandArg,
  encodeCommand,
  encodeFrame,
  parseFrame,
} from "../../src/protocol/frame_codec.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { concat } from "../../src/protocol/_test_streams.ts";

/** One command, as words ("SET k v", split on single spaces) or as arguments. */
export type Command = string | readonly CommandArg[];

/** A command and how its two replies are compared. */
export interface StepSpec {
  cmd: Command;
  /**
   * Non-negative integer replies may differ by this much (clock-dependent: PTTL), also
   * inside arrays and maps (XPENDING's idle times, XINFO's delivery times).
   */
  tolerance?: number;
  /** Arrays are compared as multisets, at every depth (KEYS, SCAN, SMEMBERS order). */
  unordered?: boolean;
  /** Both must answer, but the replies are not compared (CLIENT ID, TIME). */
  ignore?: boolean;
  /**
   * In a map reply (or RESP2's flat key-value array), the values of these keys are not
   * compared: HELLO's `id`, say. Everything else must match byte for byte.
   */
  maskKeys?: readonly string[];
  /**
   * A SCAN command (cursor as its second word) run to the end on each server, cursor by
   * cursor: the sets of keys returned must be equal (cursors themselves are Redis's own).
   */
  scanAll?: boolean;
  /**
   * A reply without one right answer (HRANDFIELD, SPOP ...): not compared, but both
   * servers' replies must pass this check (null = passes, else what is wrong), so Redis's
   * own reply shows the property describes Redis.
   */
  property?: (reply: Frame, protocol: 2 | 3) => string | null;
  /** How many reply frames the command gets (SUBSCRIBE a b: 2); compared as one. */
  replies?: number;
  /**
   * A CLIENT INFO/LIST text reply: the same lines with the same `key=value` fields in the
   * same order, values equal except those that differ by nature (ids, addresses, memory).
   */
  clientFields?: boolean;
  /**
   * The named connection the step runs on; the word form says the same with a prefix
   * ("B: SET k x"). Steps without a name run on connection "A", which the sequence opens
   * first (FLUSHALL goes there); other connections open at their first step.
   */
  conn?: string;
  /**
   * The command blocks (BLPOP, a write while clients are paused): it is sent, its reply is
   * not read, and the step waits until each server lists the connection as blocked
   * (CLIENT LIST flags contain "b"). A later `read` step reads the reply. `"sent"` only
   * sends (when the servers cannot be asked, e.g. while every client is paused).
   */
  blocks?: true | "sent";
}

/**
 * A step that sends nothing: it reads `count` frames (1 by default) that connection `read`
 * has received or will receive: pushed messages (keyspace notifications, RESP3
 * `invalidate` pushes, pub/sub) or the reply of a command that blocked.
 */
export interface ReadSpec {
  read: string;
  count?: number;
  /** As in StepSpec. */
  unordered?: boolean;
  maskKeys?: readonly string[];
  ignore?: boolean;
  tolerance?: number;
}

/** Reads `count` frames that connection `name` receives: `read("A")` after B's LPUSH. */
export function read(name: string, count = 1): ReadSpec {
  return { read: name, count };
}

/** A step whose command blocks: `blocked("A: BLPOP k 0")`, read later with `read("A")`. */
export function blocked(cmd: string): StepSpec {
  return { cmd, blocks: true };
}

/**
 * A pause of `wait` ms on the test's side, for sequences about time itself passing (a key
 * with a 10 ms TTL expiring under WATCH); never a stand-in for an event that can be read.
 */
export interface WaitSpec {
  wait: number;
}

function isWait(step: Step): step is WaitSpec {
  return typeof step === "object" && !Array.isArray(step) && "wait" in step;
}

function isRead(step: Step): step is ReadSpec {
  return typeof step === "object" && !Array.isArray(step) && "read" in step;
}

/** The connection steps without a name run on. */
const DEFAULT_CONNECTION = "A";

/** CLIENT INFO fields whose values depend on the server process, not on the client. */
const VOLATILE_CLIENT_FIELDS = new Set([
  "id",
  "addr",
  "laddr",
  "fd",
  "age",
  "idle",
  "qbuf",
  "qbuf-free",
  "argv-mem",
  "multi-mem",
  "rbs",
  "rbp",
  "tot-mem",
]);

/**
 * Fields respd adds after Redis 7.0's: lib-name and lib-ver come from Redis 7.2's CLIENT
 * SETINFO, which respd supports because node-redis sends it, watch from Redis 7.4, and
 * respd's own transport (tcp or ws): deliberate differences; `upstream` is the gateway's
 * (gateway/gateway.ts).
 */
const ADDED_CLIENT_FIELDS = new Set(["lib-name", "lib-ver", "watch", "transport", "upstream"]);

/** The text of a CLIENT INFO/LIST reply with the volatile field values blanked. */
function clientFieldsOf(reply: Uint8Array): string {
  const f = parseFrame(reply, 0).frame;
  if (f.kind !== "bulk" && f.kind !== "verbatim") return `<not text: ${show(reply)}>`;
  const name = (field: string) => field.slice(0, Math.max(0, field.indexOf("=")));
  return String.fromCharCode(...f.value).split("\n").map((line) =>
    line.split(" ").filter((field) => !ADDED_CLIENT_FIELDS.has(name(field))).map((field) => {
      const eq = field.indexOf("=");
      return eq > 0 && VOLATILE_CLIENT_FIELDS.has(field.slice(0, eq))
        ? field.slice(0, eq + 1)
        : field;
    }).join(" ")
  ).join("\n");
}

export type Step = Command | StepSpec | ReadSpec | WaitSpec;

/** A named command sequence, run from an empty keyspace on fresh connections. */
export interface Sequence {
  name: string;
  steps: readonly Step[];
  /** The protocols to run it in; both by default. */
  protocols?: readonly (2 | 3)[];
  /** The last step ends the connection (QUIT): both servers must then close it. */
  closes?: boolean;
  /** Send every step in one write, then read the replies (a pipeline: one batch). */
  pipeline?: boolean;
  /** Commands sent on connection A after FLUSHALL, each must not fail (CONFIG SET …). */
  before?: readonly Command[];
  /**
   * Commands sent afterwards on a fresh connection to each server, whatever happened
   * (restoring CONFIG, CLIENT UNPAUSE), so the next sequence starts as usual.
   */
  after?: readonly Command[];
}

/** Builds a sequence: `seq("name", "SET k v", ["GET", "k"], { cmd: "TTL k" })`. */
export function seq(name: string, ...steps: Step[]): Sequence {
  return { name, steps };
}

/** Bytes of a byte string (one char per byte) as a command argument, for binary values. */
export function bin(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Whether a sequence can run as a pipeline (whole SCAN iterations need each reply first). */
export function canPipeline(s: Sequence): boolean {
  return !s.steps.some((step) =>
    isRead(step) || isWait(step) || toSpec(step).scanAll || toSpec(step).blocks ||
    (toSpec(step).conn ?? DEFAULT_CONNECTION) !== DEFAULT_CONNECTION
  );
}

/** The same sequence, sent as one pipeline (all steps in one write). */
export function pipelined(s: Sequence): Sequence {
  return { ...s, name: `pipelined: ${s.name}`, pipeline: true };
}

/** The first difference found in one sequence. */
export interface Mismatch {
  sequence: string;
  protocol: 2 | 3;
  /** Index of the step that differed, -1 when the difference is in closing. */
  step: number;
  report: string;
}

const STEP_TIMEOUT_MS = 3000;

/**
 * A step as a spec. TTL gets a tolerance of one second by default: a TTL read just after
 * a SET EX can round down on either server if the machine stalls between the two.
 */
function toSpec(step: Step): StepSpec {
  let spec = typeof step === "string" || Array.isArray(step)
    ? { cmd: step as Command }
    : step as StepSpec;
  const named = typeof spec.cmd === "string" ? /^([A-Z][A-Za-z0-9]*): (.*)$/.exec(spec.cmd) : null;
  if (named) spec = { ...spec, cmd: named[2], conn: named[1] };
  if (spec.tolerance === undefined && /^ttl$/i.test(String(argsOf(spec.cmd)[0]))) {
    return { ...spec, tolerance: 1 };
  }
  return spec;
}

function argsOf(cmd: Command): CommandArg[] {
  return typeof cmd === "string" ? cmd.split(" ") : [...cmd];
}

/** Bytes shown as a quoted string with \r, \n and non-printable bytes escaped. */
export function showBytes(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 13) s += "\\r";
    else if (b === 10) s += "\\n";
    else if (b === 34) s += '\\"';
    else if (b === 92) s += "\\\\";
    else if (b >= 32 && b < 127) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  return s + '"';
}

function showCommand(cmd: Command): string {
  return argsOf(cmd).map((a) =>
    a instanceof Uint8Array
      ? showBytes(a)
      : /^[!-~]+$/.test(String(a)) && !String(a).includes('"')
      ? String(a)
      : JSON.stringify(String(a))
  ).join(" ");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A frame with every array, set and map sorted by encoding, at every depth. */
function canonical(f: Frame): Frame {
  const key = (x: Frame) => showBytes(encodeFrame(x));
  const sorted = (items: Frame[]) =>
    items.map(canonical).sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  switch (f.kind) {
    case "array":
    case "set":
    case "push":
      return { kind: f.kind, value: sorted(f.value) };
    case "map": {
      const pairs = f.value.map(([k, v]) => [canonical(k), canonical(v)] as [Frame, Frame]);
      pairs.sort((a, b) => key(a[0]) < key(b[0]) ? -1 : key(a[0]) > key(b[0]) ? 1 : 0);
      return { kind: "map", value: pairs };
    }
    default:
      return f;
  }
}

/** A map (or flat key-value array) with the values of `keys` replaced by null. */
function masked(f: Frame, keys: readonly string[]): Frame {
  const hidden = (k: Frame) =>
    (k.kind === "bulk" && keys.includes(String.fromCharCode(...k.value))) ||
    (k.kind === "simple" && keys.includes(k.value));
  if (f.kind === "map") {
    return {
      kind: "map",
      value: f.value.map(([k, v]) => [k, hidden(k) ? { kind: "null" } : masked(v, keys)]),
    };
  }
  if (f.kind === "array") {
    // A RESP2 map is a flat array of pairs; an array of maps (ACL LOG) is masked in each.
    const pairs = f.value.length % 2 === 0;
    return {
      kind: "array",
      value: f.value.map((v, i) =>
        pairs && i % 2 === 1 && hidden(f.value[i - 1]) ? { kind: "null" } : masked(v, keys)
      ),
    };
  }
  return f;
}

/** Same frames, except non-negative integers that may differ by `tolerance`, at any depth. */
function close(a: Frame, b: Frame, tolerance: bigint): boolean {
  if (a.kind === "integer" && b.kind === "integer") {
    // negative answers (-1 no TTL, -2 no key) are codes, never approximations
    const x = BigInt(a.value), y = BigInt(b.value); // exact past 2^53 (TTLs near 2^63 ms)
    const diff = x > y ? x - y : y - x;
    return x === y || (x >= 0n && y >= 0n && diff <= tolerance);
  }
  if ((a.kind === "array" || a.kind === "set" || a.kind === "push") && a.kind === b.kind) {
    return a.value.length === b.value.length &&
      a.value.every((x, i) => close(x, b.value[i] as Frame, tolerance));
  }
  if (a.kind === "map" && b.kind === "map") {
    return a.value.length === b.value.length &&
      a.value.every(([k, v], i) =>
        close(k, b.value[i][0], tolerance) && close(v, b.value[i][1], tolerance)
      );
  }
  return sameBytes(encodeFrame(a), encodeFrame(b));
}

/** Whether two replies agree under the step's comparison rule. */
function agree(
  spec: StepSpec | ReadSpec,
  redis: Uint8Array,
  respd: Uint8Array,
  protocol: 2 | 3,
  ids?: IdNames,
): boolean {
  if (spec.ignore) return true;
  if ("property" in spec && spec.property) {
    const property = spec.property;
    const check = (r: Uint8Array) => property(parseFrame(r, 0).frame, protocol);
    return check(redis) === null && check(respd) === null;
  }
  if (sameBytes(redis, respd)) return true;
  if (ids && ids.size > 0) {
    const named = (bytes: Uint8Array, side: 0 | 1) =>
      framesOf(bytes).map((f) => encodeFrame(withIdNames(f, ids, side)));
    const x = named(redis, 0), y = named(respd, 1);
    if (x.length === y.length && x.every((f, i) => sameBytes(f, y[i]))) return true;
  }
  const a = parseFrame(redis, 0).frame, b = parseFrame(respd, 0).frame;
  if (spec.tolerance !== undefined) return close(a, b, BigInt(spec.tolerance));
  if ("clientFields" in spec && spec.clientFields) {
    return clientFieldsOf(redis) === clientFieldsOf(respd);
  }
  if (spec.maskKeys) {
    return sameBytes(encodeFrame(masked(a, spec.maskKeys)), encodeFrame(masked(b, spec.maskKeys)));
  }
  if (spec.unordered) return sameBytes(encodeFrame(canonical(a)), encodeFrame(canonical(b)));
  return false;
}

/** Every frame in some concatenated reply bytes. */
function framesOf(bytes: Uint8Array): Frame[] {
  const out: Frame[] = [];
  for (let at = 0; at < bytes.length;) {
    const { frame, end } = parseFrame(bytes, at);
    out.push(frame);
    at = end;
  }
  return out;
}

/** Each connection's CLIENT ID on redis (0) and respd (1), for `$A` in commands and replies. */
type IdNames = Map<string, [string, string]>;

/** A frame with every integer (or decimal bulk) that is a named connection's id replaced. */
function withIdNames(f: Frame, ids: IdNames, side: 0 | 1): Frame {
  const nameOf = (digits: string) => {
    for (const [name, pair] of ids) if (pair[side] === digits) return `$${name}`;
    return null;
  };
  switch (f.kind) {
    case "integer": {
      const n = nameOf(String(f.value));
      return n ? { kind: "simple", value: n } : f;
    }
    case "bulk": {
      const n = f.value.length < 20 ? nameOf(String.fromCharCode(...f.value)) : null;
      return n ? { kind: "simple", value: n } : f;
    }
    case "array":
    case "set":
    case "push":
      return { kind: f.kind, value: f.value.map((x) => withIdNames(x, ids, side)) };
    case "map":
      return {
        kind: "map",
        value: f.value.map(([k, v]) => [k, withIdNames(v, ids, side)] as [Frame, Frame]),
      };
    default:
      return f;
  }
}

/** The connection names a sequence refers to as `$A` (their ids are looked up on open). */
function idsUsed(sequence: Sequence): Set<string> {
  const names = new Set<string>();
  for (const step of sequence.steps) {
    if (isRead(step) || isWait(step)) continue;
    const spec = toSpec(step);
    if (spec.blocks === true) names.add(spec.conn ?? DEFAULT_CONNECTION);
    for (const a of argsOf(spec.cmd)) {
      const m = typeof a === "string" ? /^\$([A-Z][A-Za-z0-9]*)$/.exec(a) : null;
      if (m) names.add(m[1]);
    }
  }
  return names;
}

/** Sends one command to both servers and reads `count` frames from each. */
async function both(
  redis: RawClient,
  respd: RawClient,
  args: CommandArg[],
  count = 1,
  respdArgs = args,
): Promise<[Uint8Array | string, Uint8Array | string]> {
  await Promise.all([redis.sendCommand(...args), respd.sendCommand(...respdArgs)]);
  return await Promise.all([reply(redis, count), reply(respd, count)]);
}

/** A step's connection failed to open the same way on both servers. */
interface OpenFailure {
  what: string;
  a: Uint8Array | string;
  b: Uint8Array | string;
}

/**
 * The named connections of one sequence run: each name is a connection to redis and one
 * to respd, opened at first use (after `HELLO 3` in RESP3; CLIENT ID when the sequence
 * names it as `$A`). A hidden control connection per server answers "is A blocked?".
 */
class ConnectionPair {
  readonly ids: IdNames = new Map();
  #conns = new Map<string, [RawClient, RawClient]>();
  #control: [RawClient | null, RawClient | null] = [null, null];

  constructor(
    readonly redisPort: number,
    readonly respdPort: number,
    readonly protocol: 2 | 3,
    readonly named: Set<string>,
  ) {}

  /** Opens connection `name` if it is not open yet; what went wrong, or null. */
  async open(name: string): Promise<OpenFailure | null> {
    if (this.#conns.has(name)) return null;
    const pair: [RawClient, RawClient] = await Promise.all([
      RawClient.connect(this.redisPort),
      RawClient.connect(this.respdPort),
    ]);
    this.#conns.set(name, pair);
    if (this.protocol === 3) {
      const [a, b] = await both(pair[0], pair[1], ["HELLO", "3"]);
      if (typeof a === "string" || typeof b === "string" || a[0] === 45 || b[0] === 45) {
        return { what: `${name}: setup HELLO 3`, a, b };
      }
    }
    if (this.named.has(name)) {
      const [a, b] = await both(pair[0], pair[1], ["CLIENT", "ID"]);
      if (typeof a === "string" || typeof b === "string" || a[0] !== 58 || b[0] !== 58) {
        return { what: `${name}: setup CLIENT ID`, a, b };
      }
      const digits = (x: Uint8Array) => String.fromCharCode(...x.subarray(1, x.length - 2));
      this.ids.set(name, [digits(a), digits(b)]);
    }
    return null;
  }

  get(name: string): [RawClient, RawClient] {
    return this.#conns.get(name)!;
  }

  /** Arguments for one server: `$A` becomes connection A's id there. */
  argsFor(args: CommandArg[], side: 0 | 1): CommandArg[] {
    return args.map((a) => {
      const m = typeof a === "string" ? /^\$([A-Z][A-Za-z0-9]*)$/.exec(a) : null;
      const id = m ? this.ids.get(m[1]) : undefined;
      return id ? id[side] : a;
    });
  }

  /**
   * Waits until server `side` lists connection `name` as blocked; "blocked", or why not.
   * With `how` "sent", only waits for a round trip on the control connection.
   */
  async awaitBlocked(side: 0 | 1, name: string, how: true | "sent"): Promise<string> {
    const id = this.ids.get(name)?.[side];
    if (how === "sent") return "blocked";
    const control = this.#control[side] ??= await RawClient.connect(
      side === 0 ? this.redisPort : this.respdPort,
    );
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let last = "";
    while (Date.now() < deadline) {
      await control.sendCommand("CLIENT", "LIST");
      const r = await reply(control);
      if (typeof r === "string") return r;
      const f = parseFrame(r, 0).frame;
      last = f.kind === "bulk" || f.kind === "verbatim" ? String.fromCharCode(...f.value) : "";
      const line = last.split("\n").find((l) => l.startsWith(`id=${id} `)) ?? "";
      const flags = /\bflags=(\S*)/.exec(line)?.[1] ?? "";
      if (flags.includes("b")) return "blocked";
      await new Promise((r) => setTimeout(r, 2));
    }
    return `<not blocked after ${STEP_TIMEOUT_MS} ms: ${last.slice(0, 300)}>`;
  }

  close(): void {
    for (const [a, b] of this.#conns.values()) {
      a.close();
      b.close();
    }
    this.#control[0]?.close();
    this.#control[1]?.close();
  }
}

async function reply(client: RawClient, count = 1): Promise<Uint8Array | string> {
  try {
    const frames: Uint8Array[] = [];
    for (let i = 0; i < count; i++) frames.push(await client.readReplyBytes(STEP_TIMEOUT_MS));
    return count === 1 ? frames[0] : concat(...frames);
  } catch (e: unknown) {
    return `<${e instanceof Error ? e.message : String(e)}>`;
  }
}

const SHOWN = 400;

/** A reply for a report: escaped, cut after SHOWN bytes. */
function show(r: Uint8Array | string): string {
  if (typeof r === "string") return r;
  const cut = r.length > SHOWN ? `… (${r.length} bytes)` : "";
  return showBytes(r.subarray(0, SHOWN)) + cut;
}

/** Where two replies first differ, for long replies. */
function firstDifference(a: Uint8Array | string, b: Uint8Array | string): string {
  if (typeof a === "string" || typeof b === "string") return "";
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.length > SHOWN || b.length > SHOWN ? `    first difference at byte ${i}` : "";
}

/**
 * Runs a SCAN from cursor 0 until the server says 0 (at most 10,000 calls) and returns the
 * keys seen, sorted and without repeats, shown as text; or what went wrong.
 */
async function scanAll(client: RawClient, cmd: Command): Promise<string> {
  const args = argsOf(cmd);
  const keys = new Set<string>();
  let cursor = "0";
  for (let calls = 0; calls < 10_000; calls++) {
    args[1] = cursor;
    await client.sendCommand(...args);
    const r = await reply(client);
    if (typeof r === "string") return r;
    const f = parseFrame(r, 0).frame;
    if (f.kind !== "array" || f.value.length !== 2) return `<not a SCAN reply: ${show(r)}>`;
    const [next, page] = f.value;
    if (next.kind !== "bulk" || page.kind !== "array") return `<not a SCAN reply: ${show(r)}>`;
    for (const k of page.value) keys.add(k.kind === "bulk" ? showBytes(k.value) : "?");
    cursor = String.fromCharCode(...next.value);
    if (cursor === "0") return `<${keys.size} keys> ${[...keys].sort().join(" ")}`;
  }
  return "<SCAN did not finish in 10,000 calls>";
}

/** A real redis-server and a respd, side by side, for as many sequences as needed. */
export class DifferentialRig implements AsyncDisposable {
  private constructor(
    readonly redis: RedisProcess,
    readonly respd: { readonly port: number; shutdown(): Promise<void> },
  ) {}

  /**
   * Two real redis-servers instead: every sequence must then agree with itself, which
   * checks the sequences and this harness (named connections, blocked replies, pushes)
   * before respd implements what they test.
   */
  static async startRedisPair(redisArgs: string[] = []): Promise<DifferentialRig> {
    const redis = await startRedis(redisArgs);
    const other = await startRedis(redisArgs);
    return new DifferentialRig(redis, {
      port: other.port,
      shutdown: async () => await other[Symbol.asyncDispose](),
    });
  }

  /**
   * respd as a gateway (`upstream`) in front of a redis-server of its own, compared with
   * another redis-server straight: the gateway must be invisible.
   */
  static async startGateway(options: ServerOptions = {}): Promise<DifferentialRig> {
    const redis = await startRedis();
    const upstream = await startRedis();
    const gateway = startTestServer({ upstream: `redis://127.0.0.1:${upstream.port}`, ...options });
    return new DifferentialRig(redis, {
      port: gateway.port,
      shutdown: async () => {
        await gateway.shutdown();
        await upstream[Symbol.asyncDispose]();
      },
    });
  }

  /** A rig over servers already running: `redis` (the reference) and a respd-like one. */
  static against(
    redis: RedisProcess,
    respd: { readonly port: number; shutdown(): Promise<void> },
  ): DifferentialRig {
    return new DifferentialRig(redis, respd);
  }

  /** Starts both servers; `options` configure respd, `redisArgs` the real server alike. */
  static async start(
    options: ServerOptions = {},
    redisArgs: string[] = [],
  ): Promise<DifferentialRig> {
    const redis = await startRedis(redisArgs);
    return new DifferentialRig(redis, startTestServer(options));
  }

  /** Runs one sequence in one protocol; the first difference, or null when all agree. */
  async run(sequence: Sequence, protocol: 2 | 3): Promise<Mismatch | null> {
    const pair = new ConnectionPair(this.redis.port, this.respd.port, protocol, idsUsed(sequence));
    try {
      return await this.#steps(pair, sequence, protocol);
    } finally {
      pair.close();
      if (sequence.after?.length) await this.#after(sequence.after);
    }
  }

  async #steps(
    pair: ConnectionPair,
    sequence: Sequence,
    protocol: 2 | 3,
  ): Promise<Mismatch | null> {
    const failed = await pair.open(DEFAULT_CONNECTION);
    if (failed) return this.#mismatch(sequence, protocol, -1, [], failed.what, failed.a, failed.b);
    const [redis, respd] = pair.get(DEFAULT_CONNECTION);
    for (const cmd of ["FLUSHALL", ...(sequence.before ?? [])]) {
      const [a, b] = await both(redis, respd, argsOf(cmd));
      if (typeof a === "string" || typeof b === "string" || a[0] === 45 || b[0] === 45) {
        return this.#mismatch(sequence, protocol, -1, [], `setup ${showCommand(cmd)}`, a, b);
      }
    }
    const done: Command[] = [];
    if (sequence.pipeline) {
      const batch = concat(...sequence.steps.map((s) => encodeCommand(argsOf(toSpec(s).cmd))));
      await Promise.all([redis.send(batch), respd.send(batch)]);
    }
    for (let i = 0; i < sequence.steps.length; i++) {
      const raw = sequence.steps[i];
      if (isWait(raw)) {
        await new Promise((r) => setTimeout(r, raw.wait));
        continue;
      }
      if (isRead(raw)) {
        const opened = await pair.open(raw.read);
        if (opened) {
          return this.#mismatch(sequence, protocol, i, done, opened.what, opened.a, opened.b);
        }
        const [r, p] = pair.get(raw.read);
        const [a, b] = await Promise.all([reply(r, raw.count), reply(p, raw.count)]);
        const label = `${raw.read}: (read ${raw.count ?? 1})`;
        done.push(label);
        if (
          typeof a === "string" || typeof b === "string" || !agree(raw, a, b, protocol, pair.ids)
        ) {
          return this.#mismatch(sequence, protocol, i, done, label, a, b);
        }
        continue;
      }
      const spec = toSpec(raw);
      const name = spec.conn ?? DEFAULT_CONNECTION;
      const opened = await pair.open(name);
      if (opened) {
        return this.#mismatch(sequence, protocol, i, done, opened.what, opened.a, opened.b);
      }
      const [r, p] = pair.get(name);
      const args = pair.argsFor(argsOf(spec.cmd), 0);
      const respdArgs = pair.argsFor(argsOf(spec.cmd), 1);
      const label = (name === DEFAULT_CONNECTION ? "" : `${name}: `) + showCommand(spec.cmd);
      if (spec.scanAll && !sequence.pipeline) {
        const [a, b] = await Promise.all([scanAll(r, args), scanAll(p, respdArgs)]);
        done.push(label);
        if (a !== b) return this.#mismatch(sequence, protocol, i, done, `${label} (all)`, a, b);
        continue;
      }
      if (spec.blocks) {
        await Promise.all([r.sendCommand(...args), p.sendCommand(...respdArgs)]);
        done.push(label);
        const [a, b] = await Promise.all([
          pair.awaitBlocked(0, name, spec.blocks),
          pair.awaitBlocked(1, name, spec.blocks),
        ]);
        if (a !== b) return this.#mismatch(sequence, protocol, i, done, `${label} (blocks)`, a, b);
        continue;
      }
      const [a, b] = sequence.pipeline
        ? await Promise.all([reply(r, spec.replies), reply(p, spec.replies)])
        : await both(r, p, args, spec.replies, respdArgs);
      done.push(label);
      // both closed the connection (a QUIT inside a pipeline): nothing more to compare
      if (typeof a === "string" && a === b && a.includes("closed")) return null;
      if (
        typeof a === "string" || typeof b === "string" || !agree(spec, a, b, protocol, pair.ids)
      ) {
        return this.#mismatch(sequence, protocol, i, done, label, a, b);
      }
    }
    if (sequence.closes) {
      const closed = async (c: RawClient) => {
        try {
          return await c.closedByPeer(STEP_TIMEOUT_MS) ? "<closed>" : "<open>";
        } catch {
          return "<open>";
        }
      };
      const [a, b] = await Promise.all([closed(redis), closed(respd)]);
      if (a !== b) return this.#mismatch(sequence, protocol, -1, done, "(end)", a, b);
    }
    return null;
  }

  /** Runs a sequence's `after` commands on fresh connections (its own may be blocked). */
  async #after(commands: readonly Command[]): Promise<void> {
    for (const port of [this.redis.port, this.respd.port]) {
      using c = await RawClient.connect(port);
      for (const cmd of commands) {
        await c.sendCommand(...argsOf(cmd));
        await reply(c);
      }
    }
  }

  /** Runs every sequence in each of its protocols; every mismatch found. */
  async runAll(sequences: readonly Sequence[]): Promise<Mismatch[]> {
    const found: Mismatch[] = [];
    for (const s of sequences) {
      for (const p of s.protocols ?? [2, 3]) {
        const m = await this.run(s, p);
        if (m) found.push(m);
      }
    }
    return found;
  }

  #mismatch(
    sequence: Sequence,
    protocol: 2 | 3,
    step: number,
    done: readonly Command[],
    command: string,
    redis: Uint8Array | string,
    respd: Uint8Array | string,
  ): Mismatch {
    const lines = [`sequence "${sequence.name}" (RESP${protocol}), step ${step + 1}: ${command}`];
    for (const c of done.slice(0, -1)) lines.push(`    before: ${showCommand(c)}`);
    lines.push(`    redis: ${show(redis)}`, `    respd: ${show(respd)}`);
    const where = firstDifference(redis, respd);
    if (where) lines.push(where);
    return { sequence: sequence.name, protocol, step, report: lines.join("\n") };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.respd.shutdown();
    await this.redis[Symbol.asyncDispose]();
  }
}
