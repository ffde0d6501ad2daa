/**
 * Turns of the event loop, so that a client is served at most once per turn, as Redis's
 * event loop serves each readable client once per iteration (issue #20).
 *
 * Why this is needed: a session's read settles without returning to the event loop when
 * its bytes are already in JavaScript: the WebSocket transport's frames read in one go,
 * any in-memory stream. (A TCP read in Deno always completes through the event loop; a
 * TCP write is sent after the turn that issued it: both measured, BENCHMARKS.md.) Such a
 * session goes on serving, write after read, in one chain of microtasks, and nothing that
 * arrives from outside (another client's bytes, a timer) is handled until its whole
 * pipeline is done.
 *
 * So a session notes the turn when it starts a read (`current()`); if the read settled in
 * that same turn, it waits for the next one (`next()`); and a session that used its
 * per-turn budget (session.ts) continues in the next turn. A turn ends with a macrotask
 * (`setImmediate`: a few microseconds, without the 4 ms clamp of nested `setTimeout`; I/O
 * is polled and timers run before it), scheduled only while somebody asks for the turn,
 * so an idle server schedules nothing.
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

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#advance);
  }
}
