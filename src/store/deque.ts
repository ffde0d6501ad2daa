/**
 * A double-ended queue on a ring buffer: O(1) push and pop at both ends and O(1) indexing,
 * which LPUSH/RPUSH/LPOP/RPOP/LINDEX/LRANGE need (`Array.prototype.unshift` is O(n)).
 */

export class Deque<T> {
  #items: (T | undefined)[] = new Array(8);
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  #grow(): void {
    const old = this.#items;
    const items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }

  pushBack(v: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size++) & (this.#items.length - 1)] = v;
  }

  pushFront(v: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#items.length - 1);
    this.#items[this.#head] = v;
    this.#size++;
  }

  popFront(): T | undefined {
    if (this.#size === 0) return undefined;
    const v = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return v;
  }

  popBack(): T | undefined {
    if (this.#size === 0) return undefined;
    const i = (this.#head + --this.#size) & (this.#items.length - 1);
    const v = this.#items[i];
    this.#items[i] = undefined;
    return v;
  }

  /** The element at `index` (0 = front); undefined when out of range. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  setAt(index: number, v: T): void {
    this.#items[(this.#head + index) & (this.#items.length - 1)] = v;
  }

  /** Elements `from` to `to` inclusive, clamped to the deque. */
  slice(from: number, to: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, from); i <= Math.min(to, this.#size - 1); i++) out.push(this.at(i)!);
    return out;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.at(i)!;
  }
}
