/**
 * Tests for the chunked deque behind list values: a seeded random model test against a plain
 * array (mixed operations at both ends, across many chunk edges, draining to empty and
 * regrowing, sliding through the ring of chunks), then the edges where its layout changes.
 */

import assert from "node:assert/strict";
import { Deque } from "./deque.ts";
import { seededRandom } from "../../tests/support/seeded_random.ts";

/** Slots per chunk in deque.ts (not exported); the edges below are its multiples. */
const CHUNK = 512;

/** Drives a Deque and an array with the same random operations and compares every answer. */
class ModelCheck {
  readonly deque = new Deque<string>();
  readonly model: string[] = [];
  #next = 0;
  constructor(readonly random: () => number, readonly seed: number) {}

  #int(below: number): number {
    return Math.floor(this.random() * below);
  }

  /** One operation: a push with probability `pushChance`, else a pop or a read or write. */
  step(pushChance: number, frontChance = 0.5): void {
    const { deque, model } = this;
    const front = this.random() < frontChance;
    const where = `seed ${this.seed}, op ${this.#next}`;
    if (this.random() < pushChance) {
      const v = `v${this.#next++}`;
      if (front) {
        deque.pushFront(v);
        model.unshift(v);
      } else {
        deque.pushBack(v);
        model.push(v);
      }
    } else {
      this.#next++;
      const r = this.random();
      if (r < 0.7) {
        const got = front ? deque.popFront() : deque.popBack();
        assert.equal(got, front ? model.shift() : model.pop(), where);
      } else if (r < 0.85) {
        const i = this.#int(model.length + 2) - 1; // -1 and length are out of range
        assert.equal(deque.at(i), model[i], where);
      } else if (r < 0.95) {
        if (model.length > 0) {
          const i = this.#int(model.length);
          const v = `set${this.#next}`;
          deque.setAt(i, v);
          model[i] = v;
        }
      } else {
        const from = this.#int(model.length + 10) - 5;
        const to = from + this.#int(2 * CHUNK + 10);
        assert.deepEqual(deque.slice(from, to), model.slice(Math.max(0, from), to + 1), where);
      }
    }
    assert.equal(deque.length, model.length, where);
  }

  checkAll(): void {
    assert.deepEqual([...this.deque], this.model, `seed ${this.seed}, op ${this.#next}`);
    for (let i = 0; i < this.model.length; i++) assert.equal(this.deque.at(i), this.model[i]);
  }
}

Deno.test("a deque answers as an array would across random pushes and pops at both ends", () => {
  for (const seed of [1, 2, 3, 42]) {
    const check = new ModelCheck(seededRandom(seed), seed);
    for (let cycle = 0; cycle < 3; cycle++) {
      const target = CHUNK * (2 + check.random() * 8);
      while (check.model.length < target) check.step(0.75);
      check.checkAll();
      while (check.model.length > 0) check.step(0.25);
      check.checkAll();
      assert.equal(check.deque.popFront(), undefined);
      assert.equal(check.deque.popBack(), undefined);
      assert.equal(check.deque.at(0), undefined);
    }
  }
});

Deno.test("a deque stays right while it slides through its chunks as a queue, either way", () => {
  const check = new ModelCheck(seededRandom(7), 7);
  while (check.model.length < 3 * CHUNK) check.step(1);
  // Push at one end, pop at the other: the elements move through many chunks and the ring
  // of chunks wraps around many times at a steady size.
  for (const frontChance of [0.9, 0.1]) {
    for (let i = 0; i < 40 * CHUNK; i++) {
      const pushChance = check.model.length < 3 * CHUNK ? 0.6 : 0.4;
      const pushing = check.random() < pushChance;
      check.step(pushing ? 1 : 0, pushing ? frontChance : 1 - frontChance);
    }
    check.checkAll();
  }
});

Deno.test("a deque keeps order at the sizes where its layout changes", () => {
  const sizes = [1, 7, 8, 9, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 1, 5 * CHUNK + 3];
  for (const n of sizes) {
    for (const pushFront of [false, true]) {
      for (const popFront of [false, true]) {
        const d = new Deque<number>();
        for (let i = 0; i < n; i++) pushFront ? d.pushFront(i) : d.pushBack(i);
        assert.equal(d.length, n);
        const expected = Array.from({ length: n }, (_, i) => pushFront ? n - 1 - i : i);
        assert.deepEqual([...d], expected);
        assert.equal(d.at(n - 1), expected[n - 1]);
        assert.equal(d.at(n), undefined);
        const popped = [];
        while (d.length > 0) popped.push(popFront ? d.popFront() : d.popBack());
        assert.deepEqual(popped, popFront ? expected : expected.toReversed());
        assert.equal(d.popFront(), undefined);
        // Regrowing after draining works from either end.
        d.pushFront(-1);
        d.pushBack(-2);
        assert.deepEqual([...d], [-1, -2]);
      }
    }
  }
});

Deno.test("a small deque that wrapped around its ring keeps order when it becomes chunked", () => {
  const d = new Deque<number>();
  const model: number[] = [];
  for (let i = 0; i < CHUNK / 2; i++) {
    d.pushBack(i);
    model.push(i);
  }
  for (let i = 0; i < CHUNK / 4; i++) assert.equal(d.popFront(), model.shift());
  for (let i = 0; i < 2 * CHUNK; i++) {
    d.pushFront(-i);
    model.unshift(-i);
  }
  assert.deepEqual([...d], model);
});

Deno.test("an empty deque has nothing to pop, read or slice", () => {
  const d = new Deque<string>();
  assert.equal(d.length, 0);
  assert.equal(d.popFront(), undefined);
  assert.equal(d.popBack(), undefined);
  assert.equal(d.at(0), undefined);
  assert.equal(d.at(-1), undefined);
  assert.deepEqual(d.slice(0, -1), []);
  assert.deepEqual(d.slice(0, 10), []);
  assert.deepEqual([...d], []);
  assert.equal(d.length, 0);
});

Deno.test("slice clamps its bounds and at/setAt refuse indexes outside the deque", () => {
  const d = new Deque<number>();
  for (let i = 0; i < 3 * CHUNK; i++) d.pushBack(i);
  assert.deepEqual(d.slice(-5, 2), [0, 1, 2]);
  assert.deepEqual(d.slice(3 * CHUNK - 2, 1e9), [3 * CHUNK - 2, 3 * CHUNK - 1]);
  assert.deepEqual(d.slice(5, 4), []);
  assert.equal(d.at(-1), undefined);
  assert.equal(d.at(3 * CHUNK), undefined);
  assert.throws(() => d.setAt(3 * CHUNK, 0), RangeError);
  assert.throws(() => d.setAt(-1, 0), RangeError);
  d.setAt(CHUNK, -7);
  assert.equal(d.at(CHUNK), -7);
  assert.equal(d.length, 3 * CHUNK);
});

Deno.test("insertAt and clear agree with an array, near either end and across chunks", () => {
  const random = seededRandom(12);
  for (const size of [0, 1, 5, CHUNK - 1, CHUNK, CHUNK * 3 + 7]) {
    const d = new Deque<number>();
    const model: number[] = [];
    for (let i = 0; i < size; i++) {
      d.pushBack(i);
      model.push(i);
    }
    for (let k = 0; k < 20; k++) {
      const at = Math.floor(random() * (model.length + 1));
      d.insertAt(at, -k - 1);
      model.splice(at, 0, -k - 1);
    }
    assert.deepEqual([...d], model);
    assert.throws(() => d.insertAt(model.length + 1, 0), RangeError);
    d.clear();
    assert.equal(d.length, 0);
    d.pushFront(1);
    assert.deepEqual([...d], [1]);
  }
});
