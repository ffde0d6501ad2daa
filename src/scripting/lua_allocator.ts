/**
 * Lua's allocator with a bounded heap, as a WebAssembly function of its own, so that an
 * allocation made by the Lua VM (wasmoon's wasm) never leaves WebAssembly. It was a JS
 * function: every table, string or closure a script made crossed into JS and back into
 * wasmoon's `realloc` (two crossings of ~40 ns each; a 5-call script makes 14 allocations).
 * A function of another wasm instance is called directly, from the VM's function table and
 * into wasmoon's `realloc` / `free` imported here.
 *
 * The bytes below are this module, assembled with `wat2wasm` (wabt 1.0.32):
 *
 * (module
 *   (import "lua" "realloc" (func $realloc (param i32 i32) (result i32)))
 *   (import "lua" "free" (func $free (param i32)))
 *   (memory (export "heaps") 1)
 *   (func (export "alloc") (param $ud i32) (param $ptr i32) (param $osize i32) (param $nsize i32)
 *     (result i32)
 *     (local $at i32) (local $grow i32) (local $out i32)
 *     (local.set $at (i32.shl (local.get $ud) (i32.const 3)))
 *     (if (i32.eqz (local.get $nsize))
 *       (then
 *         (if (local.get $ptr)
 *           (then
 *             (i32.store (local.get $at) (i32.sub (i32.load (local.get $at)) (local.get $osize)))
 *             (call $free (local.get $ptr))))
 *         (return (i32.const 0))))
 *     (local.set $grow
 *       (if (result i32) (local.get $ptr)
 *         (then (i32.sub (local.get $nsize) (local.get $osize)))
 *         (else (local.get $nsize))))
 *     (if (i32.gt_s (local.get $grow) (i32.const 0))
 *       (then
 *         (if (i32.gt_u (i32.add (i32.load (local.get $at)) (local.get $grow))
 *               (i32.load offset=4 (local.get $at)))
 *           (then (return (i32.const 0))))))
 *     (local.set $out (call $realloc (local.get $ptr) (local.get $nsize)))
 *     (if (local.get $out)
 *       (then
 *         (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (local.get $grow)))))
 *     (local.get $out)))
 *
 * Each heap is a slot of its memory: at `ud * 8` the bytes in use, at `ud * 8 + 4` the
 * limit (both u32). As Lua's contract says, `ptr` 0 means a new block (`osize` is then the
 * object's type, not a size), and `nsize` 0 frees; a growth past the limit returns NULL,
 * which Lua raises as "not enough memory".
 */

const WASM_HEX =
  "0061736d0100000001130360027f7f017f60017f0060047f7f7f7f017f021a02036c7561077265616c6c6f630000036c" +
  "756104667265650001030201020503010001071102056865617073020005616c6c6f6300020a73017101037f20004103" +
  "7421042003450440200104402004200428020020026b360200200110010b41000f0b2001047f200320026b0520030b21" +
  "05200541004a0440200428020020056a20042802044b044041000f0b0b20012003100021062006044020042004280200" +
  "20056a3602000b20060b";

/** The allocator instantiated against wasmoon's `realloc` and `free`, and its slots. */
export class BoundedAllocator {
  /** The allocator as a wasm function, for the VM's function table (`lua_newstate`). */
  readonly alloc: (ud: number, ptr: number, osize: number, nsize: number) => number;
  readonly #words: Uint32Array;
  readonly #free: number[] = [];
  #next = 0;

  constructor(realloc: (ptr: number, size: number) => number, free: (ptr: number) => void) {
    const bytes = new Uint8Array(WASM_HEX.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(WASM_HEX.substr(i * 2, 2), 16);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      lua: { realloc, free },
    });
    const exports = instance.exports as {
      alloc: BoundedAllocator["alloc"];
      heaps: WebAssembly.Memory;
    };
    this.alloc = exports.alloc;
    this.#words = new Uint32Array(exports.heaps.buffer);
  }

  /** A slot for a new Lua state, limited to `max` bytes (its index is the state's `ud`). */
  open(max: number): number {
    const index = this.#free.pop() ?? this.#next++;
    if (index * 2 + 1 >= this.#words.length) throw new Error("Lua: too many states");
    this.#words[index * 2] = 0;
    this.setMax(index, max);
    return index;
  }

  /** The slot of a closed state, for reuse. */
  close(index: number): void {
    this.#words[index * 2] = 0;
    this.#free.push(index);
  }

  used(index: number): number {
    return this.#words[index * 2];
  }

  max(index: number): number {
    return this.#words[index * 2 + 1];
  }

  /** Limits are u32 and `used + growth` must not wrap: at most 2 GiB. */
  setMax(index: number, bytes: number): void {
    this.#words[index * 2 + 1] = Math.max(0, Math.min(bytes, 2 ** 31));
  }
}
