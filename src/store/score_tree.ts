/**
 * The order of a sorted set: (score, member) pairs sorted by score, then by member byte by
 * byte (members are byte strings, one char per byte, so `<` on them is memcmp's order).
 *
 * A B+tree whose inner nodes keep each child's entry count and smallest entry: insert,
 * delete, rank, the entry at a rank and the first entry matching a monotone predicate
 * (score and lex range starts) all cost O(log N), as Redis's skiplist does. Chosen over a
 * skiplist for memory: an entry is a member pointer and an unboxed double in two leaf
 * arrays instead of a node object with a level array. Leaves are linked, so walking a range
 * costs O(1) per entry.
 */

const LEAF_MAX = 64;
const LEAF_MIN = LEAF_MAX >> 2;
const INNER_MAX = 32;
const INNER_MIN = INNER_MAX >> 2;

class Leaf {
  scores: number[] = [];
  members: string[] = [];
  next: Leaf | null = null;
  prev: Leaf | null = null;
  get size(): number {
    return this.members.length;
  }
}

class Inner {
  children: Node[] = [];
  counts: number[] = [];
  minScores: number[] = [];
  minMembers: string[] = [];
  size = 0;
}

type Node = Leaf | Inner;

/** Orders (score, member) pairs: score first, then member bytes. */
export function compareEntries(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

function minScore(n: Node): number {
  return n instanceof Leaf ? n.scores[0] : n.minScores[0];
}

function minMember(n: Node): string {
  return n instanceof Leaf ? n.members[0] : n.minMembers[0];
}

/** First index in `leaf` whose entry is ≥ (score, member). */
function leafLowerBound(leaf: Leaf, score: number, member: string): number {
  let lo = 0, hi = leaf.members.length;
  const scores = leaf.scores, members = leaf.members;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(scores[mid], members[mid], score, member) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The child of `inner` whose range holds (score, member): the last with min ≤ it, or 0. */
function childFor(inner: Inner, score: number, member: string): number {
  let lo = 1, hi = inner.children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareEntries(inner.minScores[mid], inner.minMembers[mid], score, member) <= 0) {
      lo = mid + 1;
    } else hi = mid;
  }
  return lo - 1;
}

/**
 * What commands read and write of a sorted set's order, whichever form holds it: the
 * `ScoreTree` below (the large form) or `PackedScores` (the listpack form).
 */
export interface ScoreOrder {
  readonly size: number;
  /** Inserts a pair that is not there. */
  insert(score: number, member: string): void;
  /** Removes a pair; false when it was not there. */
  remove(score: number, member: string): boolean;
  /** 0-based rank of a pair, or -1 when it is not there. */
  rank(score: number, member: string): number;
  /** The rank of the first entry `pred` holds for (monotone over the order), or `size`. */
  firstRank(pred: (score: number, member: string) => boolean): number;
  /** The same for a predicate on the score alone (score range bounds). */
  firstRankByScore(pred: (score: number) => boolean): number;
  /** Calls `visit` for ranks from..to inclusive, ascending (0 ≤ from ≤ to < size). */
  forEach(from: number, to: number, visit: (score: number, member: string) => void): void;
  /** Calls `visit` for ranks from..to inclusive, descending (0 ≤ to ≤ from < size). */
  forEachReverse(from: number, to: number, visit: (score: number, member: string) => void): void;
  /** The entry at `rank` as [score, member]. */
  entryAt(rank: number): [number, string];
  /** The score of `member` by a walk over every entry (the listpack form's lookup). */
  scanFor(member: string): number | undefined;
}

/** A position in the tree: a leaf and an index in it. */
export interface TreeCursor {
  leaf: Leaf;
  index: number;
}

export class ScoreTree implements ScoreOrder {
  #root: Node = new Leaf();

  get size(): number {
    return this.#root.size;
  }

  /** Inserts a pair that is not in the tree. */
  insert(score: number, member: string): void {
    const split = this.#insert(this.#root, score, member);
    if (split !== null) {
      const root = new Inner();
      for (const child of [this.#root, split]) this.#appendChild(root, child);
      this.#root = root;
    }
  }

  #appendChild(inner: Inner, child: Node): void {
    inner.children.push(child);
    inner.counts.push(child.size);
    inner.minScores.push(minScore(child));
    inner.minMembers.push(minMember(child));
    inner.size += child.size;
  }

  #insert(node: Node, score: number, member: string): Node | null {
    if (node instanceof Leaf) {
      const at = leafLowerBound(node, score, member);
      node.scores.splice(at, 0, score);
      node.members.splice(at, 0, member);
      if (node.members.length <= LEAF_MAX) return null;
      const right = new Leaf();
      const half = node.members.length >> 1;
      right.scores = node.scores.splice(half);
      right.members = node.members.splice(half);
      right.next = node.next;
      if (right.next !== null) right.next.prev = right;
      right.prev = node;
      node.next = right;
      return right;
    }
    const i = childFor(node, score, member);
    const child = node.children[i];
    const split = this.#insert(child, score, member);
    node.size++;
    node.counts[i] = child.size;
    node.minScores[i] = minScore(child);
    node.minMembers[i] = minMember(child);
    if (split === null) return null;
    node.children.splice(i + 1, 0, split);
    node.counts.splice(i + 1, 0, split.size);
    node.minScores.splice(i + 1, 0, minScore(split));
    node.minMembers.splice(i + 1, 0, minMember(split));
    if (node.children.length <= INNER_MAX) return null;
    const right = new Inner();
    const half = node.children.length >> 1;
    right.children = node.children.splice(half);
    right.counts = node.counts.splice(half);
    right.minScores = node.minScores.splice(half);
    right.minMembers = node.minMembers.splice(half);
    for (const c of right.counts) right.size += c;
    node.size -= right.size;
    return right;
  }

  /** Removes a pair; false when it was not in the tree. */
  remove(score: number, member: string): boolean {
    if (!this.#remove(this.#root, score, member)) return false;
    const root = this.#root;
    if (root instanceof Inner && root.children.length === 1) this.#root = root.children[0];
    return true;
  }

  #remove(node: Node, score: number, member: string): boolean {
    if (node instanceof Leaf) {
      const at = leafLowerBound(node, score, member);
      if (at >= node.members.length || node.members[at] !== member || node.scores[at] !== score) {
        return false;
      }
      node.scores.splice(at, 1);
      node.members.splice(at, 1);
      return true;
    }
    const i = childFor(node, score, member);
    const child = node.children[i];
    if (!this.#remove(child, score, member)) return false;
    node.size--;
    if (child.size === 0) {
      this.#removeChild(node, i);
      return true;
    }
    node.counts[i] = child.size;
    node.minScores[i] = minScore(child);
    node.minMembers[i] = minMember(child);
    const small = child instanceof Leaf
      ? child.members.length < LEAF_MIN
      : child.children.length < INNER_MIN;
    if (small && node.children.length > 1) {
      this.#rebalance(node, i === node.children.length - 1 ? i - 1 : i);
    }
    return true;
  }

  #removeChild(inner: Inner, i: number): void {
    const child = inner.children[i];
    if (child instanceof Leaf) {
      if (child.prev !== null) child.prev.next = child.next;
      if (child.next !== null) child.next.prev = child.prev;
    }
    inner.children.splice(i, 1);
    inner.counts.splice(i, 1);
    inner.minScores.splice(i, 1);
    inner.minMembers.splice(i, 1);
  }

  /** Merges children i and i+1 of `inner`, or shares their entries evenly if too many. */
  #rebalance(inner: Inner, i: number): void {
    const a = inner.children[i], b = inner.children[i + 1];
    if (a instanceof Leaf && b instanceof Leaf) {
      const scores = a.scores.concat(b.scores), members = a.members.concat(b.members);
      if (members.length <= LEAF_MAX) {
        a.scores = scores;
        a.members = members;
        this.#removeChild(inner, i + 1);
      } else {
        const half = members.length >> 1;
        a.scores = scores.slice(0, half);
        a.members = members.slice(0, half);
        b.scores = scores.slice(half);
        b.members = members.slice(half);
      }
    } else if (a instanceof Inner && b instanceof Inner) {
      const children = a.children.concat(b.children), counts = a.counts.concat(b.counts);
      const minScores = a.minScores.concat(b.minScores);
      const minMembers = a.minMembers.concat(b.minMembers);
      const total = a.size + b.size;
      if (children.length <= INNER_MAX) {
        Object.assign(a, { children, counts, minScores, minMembers, size: total });
        this.#removeChild(inner, i + 1);
      } else {
        const half = children.length >> 1;
        a.children = children.slice(0, half);
        a.counts = counts.slice(0, half);
        a.minScores = minScores.slice(0, half);
        a.minMembers = minMembers.slice(0, half);
        a.size = a.counts.reduce((x, y) => x + y, 0);
        b.children = children.slice(half);
        b.counts = counts.slice(half);
        b.minScores = minScores.slice(half);
        b.minMembers = minMembers.slice(half);
        b.size = total - a.size;
      }
    }
    for (let j = i; j <= i + 1 && j < inner.children.length; j++) {
      const c = inner.children[j];
      inner.counts[j] = c.size;
      inner.minScores[j] = minScore(c);
      inner.minMembers[j] = minMember(c);
    }
  }

  /** 0-based rank of a pair, or -1 when it is not in the tree. */
  rank(score: number, member: string): number {
    let node = this.#root;
    let offset = 0;
    while (node instanceof Inner) {
      const i = childFor(node, score, member);
      for (let j = 0; j < i; j++) offset += node.counts[j];
      node = node.children[i];
    }
    const at = leafLowerBound(node, score, member);
    if (at >= node.members.length || node.members[at] !== member || node.scores[at] !== score) {
      return -1;
    }
    return offset + at;
  }

  /** The position of the entry at `rank` (0 ≤ rank < size). */
  at(rank: number): TreeCursor {
    let node = this.#root;
    while (node instanceof Inner) {
      let i = 0;
      while (rank >= node.counts[i]) rank -= node.counts[i++];
      node = node.children[i];
    }
    return { leaf: node, index: rank };
  }

  /**
   * The rank of the first entry for which `pred` holds, or `size` when none does. `pred`
   * must be monotone over the order (false … false true … true), as range bounds are.
   */
  firstRank(pred: (score: number, member: string) => boolean): number {
    let node = this.#root;
    let offset = 0;
    while (node instanceof Inner) {
      if (pred(node.minScores[0], node.minMembers[0])) return offset;
      // the last child whose smallest entry fails `pred`: the first match is in it or after it
      let lo = 0, hi = node.children.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (pred(node.minScores[mid], node.minMembers[mid])) hi = mid - 1;
        else lo = mid;
      }
      for (let j = 0; j < lo; j++) offset += node.counts[j];
      node = node.children[lo];
    }
    let lo = 0, hi = node.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(node.scores[mid], node.members[mid])) hi = mid;
      else lo = mid + 1;
    }
    return offset + lo;
  }

  firstRankByScore(pred: (score: number) => boolean): number {
    return this.firstRank(pred);
  }

  /** Calls `visit` for ranks from..to inclusive, ascending (0 ≤ from ≤ to < size). */
  forEach(from: number, to: number, visit: (score: number, member: string) => void): void {
    let { leaf, index } = this.at(from);
    for (let n = to - from + 1; n > 0; n--) {
      if (index === leaf.members.length) {
        leaf = leaf.next!;
        index = 0;
      }
      visit(leaf.scores[index], leaf.members[index]);
      index++;
    }
  }

  /** Calls `visit` for ranks from..to inclusive, descending (0 ≤ to ≤ from < size). */
  forEachReverse(from: number, to: number, visit: (score: number, member: string) => void): void {
    let { leaf, index } = this.at(from);
    for (let n = from - to + 1; n > 0; n--) {
      if (index < 0) {
        leaf = leaf.prev!;
        index = leaf.members.length - 1;
      }
      visit(leaf.scores[index], leaf.members[index]);
      index--;
    }
  }

  /** The entry at `rank` as [score, member]. */
  entryAt(rank: number): [number, string] {
    const { leaf, index } = this.at(rank);
    return [leaf.scores[index], leaf.members[index]];
  }

  /** The score of `member` by a walk over every entry: the small (listpack) form's lookup. */
  scanFor(member: string): number | undefined {
    let node = this.#root;
    while (node instanceof Inner) node = node.children[0];
    for (let leaf: Leaf | null = node; leaf !== null; leaf = leaf.next) {
      const i = leaf.members.indexOf(member);
      if (i >= 0) return leaf.scores[i];
    }
    return undefined;
  }

  /** Checks the tree's invariants (tests only): order, counts, minimums, links. */
  check(): void {
    const leaves: Leaf[] = [];
    const walk = (n: Node): number => {
      if (n instanceof Leaf) {
        leaves.push(n);
        for (let i = 1; i < n.members.length; i++) {
          if (compareEntries(n.scores[i - 1], n.members[i - 1], n.scores[i], n.members[i]) >= 0) {
            throw new Error("leaf out of order");
          }
        }
        return n.members.length;
      }
      let total = 0;
      n.children.forEach((c, i) => {
        const size = walk(c);
        if (size !== n.counts[i] || size === 0) throw new Error("bad count");
        if (minScore(c) !== n.minScores[i] || minMember(c) !== n.minMembers[i]) {
          throw new Error("bad minimum");
        }
        total += size;
      });
      if (total !== n.size) throw new Error("bad size");
      return total;
    };
    walk(this.#root);
    for (let i = 0; i < leaves.length; i++) {
      if (
        leaves[i].prev !== (leaves[i - 1] ?? null) || leaves[i].next !== (leaves[i + 1] ?? null)
      ) {
        throw new Error("bad leaf links");
      }
    }
  }
}
