/**
 * Which master serves which slot of a Redis Cluster: read with CLUSTER SLOTS from any
 * known node (the seeds first, then every node seen), refreshed when a reply says the map
 * moved (-MOVED), when a connection to a node fails (a failover), and every few seconds.
 * Replicas are kept for INFO only: commands go to masters, as a Redis Cluster client
 * sends them by default.
 */

import { parseFrame } from "../protocol/frame_codec.ts";
import type { Frame } from "../protocol/frame.ts";
import { bytesToString } from "../protocol/latin1.ts";
import { SLOTS } from "./cluster_slots.ts";
import { addressKey, type UpstreamAddress } from "./upstream_address.ts";
import { errorText, UpstreamConnection } from "./upstream_connection.ts";

/** One node as CLUSTER SLOTS lists it. */
export interface ClusterNode extends UpstreamAddress {
  readonly key: string;
  readonly role: "master" | "replica";
}

/** How often the map is read again without a reason. */
const REFRESH_EVERY_MS = 5000;
/** Refreshes asked for in a burst (MOVED replies) are run at most this often. */
const REFRESH_AT_MOST_EVERY_MS = 100;

export class ClusterTopology {
  /** Index into `#masters` per slot; -1 while no master is known for it. */
  readonly #slotMaster = new Int16Array(SLOTS).fill(-1);
  #masters: ClusterNode[] = [];
  #replicas: ClusterNode[] = [];
  #known = new Map<string, UpstreamAddress>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #refreshing: Promise<void> | null = null;
  #lastRefresh = 0;
  #stopped = false;
  /** Told after every refresh that changed the map (the gateway moves shard channels). */
  onChange: (() => void) | null = null;
  refreshes = 0;

  constructor(
    readonly seeds: readonly UpstreamAddress[],
    readonly log: (message: string) => void,
  ) {
    for (const s of seeds) this.#known.set(addressKey(s), s);
  }

  /** Reads the map (resolves once a node answered; throws when none did). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
  }

  get masters(): readonly ClusterNode[] {
    return this.#masters;
  }

  get replicas(): readonly ClusterNode[] {
    return this.#replicas;
  }

  /** The master serving `slot` (any master while the slot is unassigned or unknown). */
  masterFor(slot: number): ClusterNode {
    const i = this.#slotMaster[slot];
    return i >= 0 ? this.#masters[i] : this.anyMaster();
  }

  anyMaster(): ClusterNode {
    if (this.#masters.length === 0) {
      const seed = this.seeds[0];
      return { ...seed, key: addressKey(seed), role: "master" };
    }
    return this.#masters[0];
  }

  /** A -MOVED told us where a slot is now: use it at once, and read the map again soon. */
  moved(slot: number, address: UpstreamAddress): ClusterNode {
    const key = addressKey(address);
    let i = this.#masters.findIndex((m) => m.key === key);
    if (i < 0) {
      this.#masters = [...this.#masters, { ...address, key, role: "master" }];
      i = this.#masters.length - 1;
    }
    this.#slotMaster[slot] = i;
    this.#known.set(key, address);
    void this.refresh();
    return this.#masters[i];
  }

  /** Reads CLUSTER SLOTS again (at most every REFRESH_AT_MOST_EVERY_MS). */
  refresh(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#refreshing !== null) return this.#refreshing;
    const wait = Math.max(0, this.#lastRefresh + REFRESH_AT_MOST_EVERY_MS - Date.now());
    this.#refreshing = new Promise<void>((r) => setTimeout(r, wait)).then(() => this.#read())
      .finally(() => {
        this.#refreshing = null;
        this.#lastRefresh = Date.now();
      });
    return this.#refreshing;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
  }

  async #read(): Promise<void> {
    const tried: string[] = [];
    // masters first (they are up), then the others we ever heard of
    const candidates = [...this.#masters, ...this.#known.values()];
    const seen = new Set<string>();
    for (const node of candidates) {
      const key = addressKey(node);
      if (seen.has(key) || this.#stopped) continue;
      seen.add(key);
      const conn = new UpstreamConnection({ ...node, db: 0 }, 2, 1000);
      try {
        const reply = await conn.send(["CLUSTER", "SLOTS"]);
        const error = errorText(reply);
        if (error !== null) {
          tried.push(`${key}: ${error}`);
          continue;
        }
        this.#apply(parseFrame(reply, 0).frame, node);
        this.refreshes++;
        return;
      } catch (e: unknown) {
        tried.push(`${key}: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        conn.close();
      }
    }
    const why = `no cluster node answered CLUSTER SLOTS (${tried.join("; ")})`;
    if (this.#masters.length === 0) throw new Error(why);
    this.log(why);
  }

  #apply(frame: Frame, from: UpstreamAddress): void {
    if (frame.kind !== "array") return;
    const base = this.seeds[0];
    const node = (f: Frame, role: "master" | "replica"): ClusterNode | null => {
      if (f.kind !== "array" || f.value.length < 2) return null;
      const [ip, port] = f.value;
      let host = ip.kind === "bulk" ? bytesToString(ip.value, 0, ip.value.length) : "";
      if (host === "" || host === "?") host = from.host;
      const p = port.kind === "integer" ? Number(port.value) : 0;
      const address = { ...base, host, port: p, db: 0 };
      return { ...address, key: addressKey(address), role };
    };
    const masters: ClusterNode[] = [];
    const replicas = new Map<string, ClusterNode>();
    const slotMaster = new Int16Array(SLOTS).fill(-1);
    for (const range of frame.value) {
      if (range.kind !== "array" || range.value.length < 3) continue;
      const [from, to, master, ...reps] = range.value;
      if (from.kind !== "integer" || to.kind !== "integer") continue;
      const m = node(master, "master");
      if (m === null) continue;
      let i = masters.findIndex((x) => x.key === m.key);
      if (i < 0) i = masters.push(m) - 1;
      slotMaster.fill(i, Number(from.value), Number(to.value) + 1);
      for (const r of reps) {
        const rep = node(r, "replica");
        if (rep !== null) replicas.set(rep.key, rep);
      }
    }
    const changed = masters.map((m) => m.key).join() !== this.#masters.map((m) => m.key).join() ||
      slotMaster.some((v, i) => v !== this.#slotMaster[i]);
    this.#masters = masters;
    this.#replicas = [...replicas.values()];
    this.#slotMaster.set(slotMaster);
    for (const n of [...masters, ...this.#replicas]) this.#known.set(n.key, n);
    if (changed) this.onChange?.();
  }
}
