/**
 * Times commands for INFO commandstats/latencystats, the slow log and the latency monitor,
 * reading the clock as little as the figures allow. A clock reading costs as much as a
 * small command or more (performance.now() is an op: ~0.1–0.35 µs here, where a GET costs
 * ~0.15 µs of respd's own work; bench/request_cost.ts), and a transaction or a script
 * calls several commands, so readings are shared:
 *
 * - Within one batch of pipelined requests (one read from a client's socket), consecutive
 *   calls form a run, timed by one reading when the run ends, the run's time shared evenly
 *   among its calls. A run holds either only commands flagged `fast` (Redis's flag for
 *   O(1) and O(log N) commands, which cannot be slow on their own), of any mix, or calls
 *   of one other command (16 pipelined EVALSHAs, say). Any other command ends the run, so
 *   a command that can be slow (KEYS, SORT, a script) is never timed with others' calls:
 *   the slow log and the latency monitor see its own time.
 * - A `fast` command called inside another (EXEC's queue, a script's redis.call) joins the
 *   outer call's run: it gets one share, and the outer call's time includes it, as in
 *   Redis where EXEC's and EVAL's time includes the commands they ran. Any other command
 *   called inside is timed alone, exactly (two readings).
 * - Outside a session's batch (a blocked client served by a timer, say) every call is
 *   timed alone.
 *
 * The batch's start is the session's own reading (it also stamps the client's last
 * activity), so a batch costs one reading at its end however many fast commands it holds.
 */

import type { CommandSpec } from "../commands/command.ts";
import type { CallingClient, Introspection } from "./introspection.ts";

/** What one command contributed to the open run. */
interface RunEntry {
  readonly spec: CommandSpec;
  readonly fast: boolean;
  calls: number;
  /** Shares of the run's time: one per call, plus one per fast call made inside it. */
  shares: number;
  /** The last call: the slow log shows it when the entry was slow. */
  argv: readonly string[];
  client: CallingClient | null;
}

/** `start`'s answer for a call that joins the run (not timed alone). */
const JOINS_RUN = -1;
/** `start`'s answer for a fast call inside another call: it joins the outer's run. */
const JOINS_OUTER = -2;

export class CallTimer {
  /** Start of the open run (or of the batch), or null outside a batch. */
  #stamp: number | null = null;
  /** Every command's entry, made once and reused from run to run. */
  readonly #entries = new Map<CommandSpec, RunEntry>();
  /** The entries with calls in the open run. */
  #run: RunEntry[] = [];
  /** Calls in the open run, fast calls inside others included. */
  #calls = 0;
  /** Whether the open run's own calls are all fast (true for an empty run). */
  #runFast = true;
  /** The command of the open run's own calls when they are not fast, else null. */
  #runSpec: CommandSpec | null = null;
  /** Fast calls made inside the call in progress, not yet added to its shares. */
  #inner = 0;
  /** Calls in progress: only the outermost joins a run by itself. */
  #depth = 0;
  /** The entry `#entry` gave last. */
  #last: RunEntry | null = null;

  /** @param now the clock, in ms (a test's own; performance.now() otherwise). */
  constructor(
    readonly stats: Pick<Introspection, "timed">,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** A session starts serving the requests of one read; `now` is performance.now(). */
  beginBatch(now: number): void {
    this.#stamp = now;
    this.#depth = 0;
    this.#inner = 0;
  }

  /** The batch is served: its open run is timed. */
  endBatch(): void {
    if (this.#run.length !== 0) this.#close(this.now());
    this.#stamp = null;
  }

  /** Before a call: its start time when timed alone, else a negative mark. */
  start(spec: CommandSpec): number {
    if (this.#stamp === null) {
      this.#depth++;
      return this.now();
    }
    const entry = this.#entry(spec);
    if (this.#depth++ !== 0) return entry.fast ? JOINS_OUTER : this.now();
    if (this.#calls !== 0 && !(entry.fast ? this.#runFast : this.#runSpec === spec)) {
      this.#close(this.now());
    }
    return JOINS_RUN;
  }

  /** After the call that `start` returned `started` for. */
  end(spec: CommandSpec, argv: readonly string[], client: CallingClient, started: number): void {
    this.#depth--;
    if (started >= 0) {
      this.stats.timed(spec, argv, (this.now() - started) * 1000, 1, client);
      return;
    }
    const entry = this.#entry(spec);
    let shares = 1;
    if (started === JOINS_OUTER) this.#inner++;
    else {
      shares += this.#inner;
      this.#inner = 0;
      if (!entry.fast) {
        this.#runFast = false;
        this.#runSpec = spec;
      }
    }
    if (entry.calls === 0) this.#run.push(entry);
    entry.calls++;
    entry.shares += shares;
    entry.argv = argv;
    entry.client = client;
    this.#calls++;
  }

  #entry(spec: CommandSpec): RunEntry {
    // `end` asks for the entry `start` just found, unless calls were made in between.
    if (spec === this.#last?.spec) return this.#last;
    let entry = this.#entries.get(spec);
    if (entry === undefined) {
      const fast = spec.flags.includes("fast");
      entry = { spec, fast, calls: 0, shares: 0, argv: [], client: null };
      this.#entries.set(spec, entry);
    }
    this.#last = entry;
    return entry;
  }

  #close(now: number): void {
    const share = (now - this.#stamp!) * 1000 / this.#calls;
    const run = this.#run;
    this.#run = [];
    this.#stamp = now;
    this.#calls = 0;
    this.#runFast = true;
    this.#runSpec = null;
    for (const entry of run) {
      const { spec, argv, client, calls, shares } = entry;
      entry.calls = 0;
      entry.shares = 0;
      entry.argv = [];
      entry.client = null;
      this.stats.timed(spec, argv, share * shares, calls, client!);
    }
  }
}
