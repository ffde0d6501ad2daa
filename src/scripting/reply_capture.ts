/**
 * The reply writer of the scripts' fake client: instead of RESP bytes it builds the `Reply`
 * values the command would have sent, in the client's protocol (RESP2 maps as flat arrays,
 * doubles as bulks, and so on), so `redis.call` converts them for Lua without encoding and
 * parsing them back. Pre-encoded bytes (`raw`) are parsed (resp_reply.ts).
 */

import { formatDouble, ReplyWriter } from "../protocol/reply_writer.ts";
import { bytesToString } from "../protocol/latin1.ts";
import type { Reply } from "./reply.ts";
import { parseReplies } from "./resp_reply.ts";

interface Open {
  kind: "array" | "map" | "set";
  items: Reply[];
  left: number;
}

export class ReplyCapture extends ReplyWriter {
  #stack: Open[] = [];
  /** The first whole reply written since the last `take` (a command writes one). */
  #first: Reply = null;
  #written = false;

  constructor() {
    super(64);
  }

  /** The first whole reply written since the last call, and forgets everything. */
  take(): Reply {
    const r = this.#first;
    this.#first = null;
    this.#written = false;
    if (this.#stack.length !== 0) this.#stack = [];
    return r;
  }

  #add(r: Reply): void {
    let value = r;
    for (;;) {
      const stack = this.#stack;
      // Length first: `stack[-1]` on an empty array is a slow property lookup (~150 ns).
      if (stack.length === 0) {
        if (!this.#written) {
          this.#first = value;
          this.#written = true;
        }
        return;
      }
      const top = stack[stack.length - 1];
      top.items.push(value);
      if (--top.left > 0) return;
      this.#stack.pop();
      value = close(top);
    }
  }

  #open(kind: Open["kind"], count: number): void {
    if (count <= 0) this.#add(close({ kind, items: [], left: 0 }));
    else this.#stack.push({ kind, items: [], left: kind === "map" ? count * 2 : count });
  }

  override raw(bytes: Uint8Array): void {
    for (const r of parseReplies(bytes, bytes.length)) this.#add(r);
  }
  override simple(s: string): void {
    this.#add({ kind: "status", value: s });
  }
  override ok(): void {
    this.#add({ kind: "status", value: "OK" });
  }
  override error(message: string): void {
    this.#add({ kind: "error", value: message.replace(/[\r\n]/g, " ") });
  }
  override integer(n: number | bigint): void {
    this.#add(
      typeof n === "bigint" && n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n,
    );
  }
  override bulk(s: string): void {
    this.#add(s);
  }
  override bulkOrNull(s: string | null | undefined): void {
    this.#add(s ?? null);
  }
  override bulkBytes(bytes: Uint8Array): void {
    this.#add(bytesToString(bytes, 0, bytes.length));
  }
  override null(): void {
    this.#add(null);
  }
  override nullArray(): void {
    this.#add(this.protocol === 3 ? null : { kind: "nullarray" });
  }
  override array(count: number): void {
    this.#open("array", count);
  }
  override map(count: number): void {
    if (this.protocol === 3) this.#open("map", count);
    else this.#open("array", count * 2);
  }
  override set(count: number): void {
    this.#open(this.protocol === 3 ? "set" : "array", count);
  }
  override push(count: number): void {
    this.#open("array", count);
  }
  override double(x: number, text?: string): void {
    if (this.protocol === 3) this.#add({ kind: "double", value: x });
    else this.#add(text ?? formatDouble(x));
  }
  override boolean(b: boolean): void {
    this.#add(this.protocol === 3 ? { kind: "boolean", value: b } : b ? 1 : 0);
  }
  override bigNumber(n: bigint): void {
    this.#add(this.protocol === 3 ? { kind: "bignum", value: String(n) } : String(n));
  }
  override verbatim(format: string, s: string): void {
    this.#add(this.protocol === 3 ? { kind: "verbatim", format, value: s } : s);
  }
  override bulkArray(items: readonly string[]): void {
    this.#add([...items]);
  }
}

function close(open: Open): Reply {
  if (open.kind === "array") return open.items;
  if (open.kind === "set") return { kind: "set", value: open.items };
  const pairs: [Reply, Reply][] = [];
  for (let i = 0; i < open.items.length; i += 2) pairs.push([open.items[i], open.items[i + 1]]);
  return { kind: "map", value: pairs };
}
