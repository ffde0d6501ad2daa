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
 * (`setImmediate`: a few microseconds, without the 4 ms clamp of nested `setTimeout`),
 * scheduled only while somebody asks for the turn, so an idle server schedules nothing.
 *
 * But a chain of immediates, each turn asking for the next, keeps Deno's event loop busy
 * without ever letting it wait for I/O, and its I/O driver (tokio's) then looks at the
 * sockets only every 61st time it runs the loop: measured, a TCP client's request sent
 * while an in-memory client's pipeline of 400,000 INCRs was served in 16 KiB turns was
 * read after 117–118 of them (~110 ms; tests/fairness_test.ts). So once a chain has run
 * for IO_EVERY_MS, its next turn ends on a timer instead: the loop has nothing to run until
 * the timer fires (Deno's timers tick in whole milliseconds), so the driver polls every
 * socket, and requests that arrived meanwhile are read before the chain goes on. Measured
 * the same way: read after a few turns, the pipeline served ~25% slower. (A SHA-1 digest of
 * nothing, which Deno computes on another thread, did it at no cost most of the time, but
 * when that thread answered before the loop went to sleep the driver was skipped again:
 * 108 turns once, under load.)
 */

import { setImmediate } from "node:timers";

/** How long a chain of turns may run on immediates before one waits for the I/O driver. */
const IO_EVERY_MS = 4;

/** The server's clock of event-loop turns. */
export class EventLoopTurns {
  #turn = 0;
  #scheduled = false;
  #waiting: (() => void)[] = [];
  /** When the chain of turns with clients waiting began (see the module comment), or -1. */
  #chainStart = -1;
  readonly #advance = (): void => {
    this.#scheduled = false;
    this.#turn++;
    const waiting = this.#waiting;
    if (waiting.length === 0) {
      this.#chainStart = -1;
      return;
    }
    if (this.#chainStart < 0) this.#chainStart = performance.now();
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
    if (this.#chainStart < 0 || performance.now() - this.#chainStart < IO_EVERY_MS) {
      setImmediate(this.#advance);
    } else {
      this.#chainStart = -1;
      setTimeout(this.#advance, 0);
    }
  }
}
