/**
 * Turns of the event loop, so that every ready client is served once per turn, as Redis's
 * event loop serves each readable client once per iteration (issue #20).
 *
 * Why this is needed: Deno polls an I/O op once as soon as it is started, and an op that
 * can finish at once (a read whose bytes already arrived) settles its promise within the
 * same microtask checkpoint. A session that writes its replies and reads again finds its
 * client's next request already there whenever that client is quick, and goes on serving
 * it without ever returning to the event loop; the reads of other clients, completed in the
 * runtime meanwhile, are handed to JavaScript only when that chain of microtasks ends. So a
 * few clients are served again and again while others wait hundreds of milliseconds
 * (BENCHMARKS.md, "Latency under many clients").
 *
 * A session therefore notes the turn before it reads (`current()`); if the read settled in
 * that same turn and it already served a batch in it, it waits for the next one
 * (`next()`). A turn ends with a macrotask (`setImmediate`: a few microseconds, no 4 ms
 * clamp as nested `setTimeout` has, and the event loop polls I/O and hands out completed
 * ops before it runs), scheduled only while somebody asks for the turn, so an idle server
 * schedules nothing.
 */

import { setImmediate } from "node:timers";

/** The server's clock of event-loop turns. */
export class EventLoopTurns {
  #turn = 0;
  #scheduled = false;
  #waiting: (() => void)[] = [];
  readonly #advance = (): void => {
    this.#scheduled = false;
    this.#turn++;
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    for (const resume of waiting) resume();
  };

  /** The turn now; the turn is sure to end (a macrotask is scheduled) after this call. */
  current(): number {
    this.#schedule();
    return this.#turn;
  }

  /** Whether `turn` (from `current()`) is still going on: no macrotask ran since. */
  isCurrent(turn: number): boolean {
    return this.#turn === turn;
  }

  /** Settles in the next turn, after the clients that became ready meanwhile were served. */
  next(): Promise<void> {
    this.#schedule();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Clients waiting for the next turn (for tests and INFO-like views). */
  get waiting(): number {
    return this.#waiting.length;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#advance);
  }
}
