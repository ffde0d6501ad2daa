/**
 * The read side of every connection: a buffer respd owns, filled through a BYOB reader of
 * any `ReadableStream<Uint8Array>` (a TCP connection's `readable`, or the byte stream the
 * WebSocket bridge makes of messages). Web-platform only, so the browser client uses it too.
 *
 * A BYOB read transfers the buffer it is given: the bytes come back in a new view of the
 * same memory, and `buf` is rebound to it after each read. Unconsumed bytes are
 * `buf[start, end)`; views into that range are valid only until the next `fill()`, which
 * may move them (compaction) or replace the buffer (growth).
 */

/**
 * Free space offered to one read: it starts at the smaller of this and the initial size,
 * doubles (up to MAX_READ) while reads fill it, and halves (down to MIN_READ) while they use
 * under a quarter of it. So an idle connection's pending read holds a small buffer, and a
 * client sending in bulk is read in large pieces.
 */
const MIN_FREE = 16 * 1024;
const MIN_READ = 1024;
const MAX_READ = 64 * 1024;

/** A growable, compacting read buffer over a byte stream. */
export class ByteReader {
  buf: Uint8Array;
  start = 0;
  end = 0;
  #reader: ReadableStreamBYOBReader;
  /** The scratch buffer of `readAside`, null while such a read holds it. */
  #aside: Uint8Array | null = null;
  #readSize: number;
  /** Free space offered to the read in flight. */
  #offered = 0;

  constructor(stream: ReadableStream<Uint8Array>, initialSize = 64 * 1024) {
    this.buf = new Uint8Array(initialSize);
    this.#readSize = Math.max(MIN_READ, Math.min(MIN_FREE, initialSize));
    this.#reader = stream.getReader({ mode: "byob" });
  }

  /** Number of unconsumed bytes. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Marks bytes before `offset` as consumed. */
  consume(offset: number): void {
    this.start = offset;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /**
   * Reads at least one more byte; false at the end of the stream. `wanted` is how many
   * unconsumed bytes the caller needs in all (a large bulk still arriving), so the buffer
   * can grow once to hold it rather than many times.
   */
  async fill(wanted = 0): Promise<boolean> {
    return this.commit(await this.read(wanted));
  }

  /**
   * The two halves of `fill()`, for a loop that awaits the stream's own promise rather
   * than one more async function per read (the session's hot loop): start a read into
   * the free space, then `commit` its result, which must be this read's, before any
   * other call. `commit` returns false at the end of the stream.
   */
  read(wanted = 0): Promise<ReadableStreamReadResult<Uint8Array>> {
    this.#makeRoom(wanted);
    this.#offered = this.buf.length - this.end;
    return this.#reader.read(new Uint8Array(this.buf.buffer, this.end, this.#offered));
  }

  commit(result: ReadableStreamReadResult<Uint8Array>): boolean {
    const value = result.value;
    if (value) {
      this.buf = new Uint8Array(value.buffer);
      const n = value.byteLength;
      this.end += n;
      if (n === this.#offered) this.#readSize = Math.min(this.#readSize * 2, MAX_READ);
      else if (n < this.#readSize / 4) this.#readSize = Math.max(this.#readSize / 2, MIN_READ);
    }
    return !result.done;
  }

  /**
   * A read into a separate scratch buffer, so `buf` stays usable (not transferred) while it
   * is pending: a blocked client's session waits this way for more bytes or the end of the
   * stream while the requests it buffered wait to be parsed. `commitAside` appends what
   * it got after the unconsumed bytes; it must be this read's result.
   */
  readAside(): Promise<ReadableStreamReadResult<Uint8Array>> {
    this.#aside ??= new Uint8Array(MIN_FREE);
    const view = this.#aside;
    this.#aside = null;
    return this.#reader.read(view);
  }

  commitAside(result: ReadableStreamReadResult<Uint8Array>): boolean {
    const value = result.value;
    if (value) {
      if (value.byteLength !== 0) {
        this.#makeRoom(this.end - this.start + value.byteLength);
        this.buf.set(value, this.end);
        this.end += value.byteLength;
      }
      this.#aside = new Uint8Array(value.buffer);
    }
    return !result.done;
  }

  #makeRoom(wanted: number): void {
    const used = this.end - this.start;
    const free = this.#readSize;
    const need = Math.max(used + free, wanted);
    if (this.buf.length - this.end >= free && this.buf.length - this.start >= wanted) return;
    if (need <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      let size = Math.max(this.buf.length * 2, MIN_READ);
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(this.start, this.end));
      this.buf = grown;
    }
    this.start = 0;
    this.end = used;
  }

  /** Gives back a buffer that one huge request grew, once it is consumed. */
  shrink(size = 64 * 1024): void {
    if (this.end === this.start && this.buf.length > 16 * size) {
      this.buf = new Uint8Array(size);
      this.start = this.end = 0;
    }
  }

  /** Stops reading; the stream is cancelled. */
  async cancel(): Promise<void> {
    try {
      await this.#reader.cancel();
    } catch {
      // already closed or errored: nothing left to stop
    }
  }
}
