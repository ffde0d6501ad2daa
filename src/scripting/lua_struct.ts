/**
 * Redis's `struct` library (Roberto Ierusalimschy's lua_struct 0.2, as built into Redis):
 * `struct.pack(fmt, ...)`, `struct.unpack(fmt, data [, init])`, `struct.size(fmt)`, with its
 * format language (`<` `>` `=` `!n` `x` `b B h H l L T i[n] I[n] c[n] s f d`), sizes of a
 * 64-bit Linux build (long and size_t 8 bytes, int 4), alignment only after `!`, integers
 * truncated and wrapped as C casts do, and its error texts.
 */

import type { LuaVm } from "./lua_runtime.ts";
import { T_NUMBER } from "./lua_runtime.ts";

const MAXINTSIZE = 32;
const MAXALIGN = 8;

/** Raised to report `message` as a Lua error with the caller's position (luaL_error). */
export class StructError extends Error {}

interface Header {
  little: boolean;
  align: number;
}

interface Item {
  opt: string;
  size: number;
}

/** Reads the options of `fmt` one at a time, as lua_struct's optsize/getnum. */
function* options(fmt: string, fn: string, h: Header): Generator<Item> {
  let i = 0;
  const num = (def: number): number => {
    if (i >= fmt.length || fmt[i] < "0" || fmt[i] > "9") return def;
    let a = 0;
    do {
      if (a > (2147483647 / 10) || a * 10 > 2147483647 - (fmt.charCodeAt(i) - 48)) {
        throw new StructError("integral size overflow");
      }
      a = a * 10 + fmt.charCodeAt(i++) - 48;
    } while (i < fmt.length && fmt[i] >= "0" && fmt[i] <= "9");
    return a;
  };
  while (i < fmt.length) {
    const opt = fmt[i++];
    switch (opt) {
      case "b":
      case "B":
      case "x":
        yield { opt, size: 1 };
        break;
      case "h":
      case "H":
        yield { opt, size: 2 };
        break;
      case "l":
      case "L":
      case "T":
      case "d":
        yield { opt, size: 8 };
        break;
      case "f":
        yield { opt, size: 4 };
        break;
      case "c":
        yield { opt, size: num(1) };
        break;
      case "i":
      case "I": {
        const size = num(4);
        if (size > MAXINTSIZE) {
          throw new StructError(`integral size ${size} is larger than limit of ${MAXINTSIZE}`);
        }
        yield { opt, size };
        break;
      }
      case "s":
        yield { opt, size: 0 };
        break;
      case " ":
        break;
      case ">":
        h.little = false;
        break;
      case "<":
      case "=":
        h.little = true;
        break;
      case "!": {
        const a = num(MAXALIGN);
        if (a === 0 || (a & (a - 1)) !== 0) {
          throw new StructError(`alignment ${a} is not a power of 2`);
        }
        h.align = a;
        break;
      }
      default:
        throw new StructError(`bad argument #1 to '${fn}' (invalid format option '${opt}')`);
    }
  }
}

function padding(len: number, h: Header, item: Item): number {
  if (item.size === 0 || item.opt === "c") return 0;
  const align = Math.min(item.size, h.align);
  return (align - (len & (align - 1))) & (align - 1);
}

function intBytes(v: bigint, size: number, little: boolean): string {
  const out: number[] = [];
  for (let k = 0; k < size; k++) out.push(k < 8 ? Number((v >> BigInt(8 * k)) & 0xffn) : 0);
  if (!little) out.reverse();
  return String.fromCharCode(...out);
}

/** struct.pack(fmt, ...): the packed byte string. */
export function structPack(vm: LuaVm, L: number): string {
  const fmt = checkString(vm, L, 1, "pack");
  const h: Header = { little: true, align: 1 };
  let out = "";
  let arg = 2;
  for (const item of options(fmt, "pack", h)) {
    out += "\0".repeat(padding(out.length, h, item));
    switch (item.opt) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I": {
        const n = checkNumber(vm, L, arg++, "pack");
        // (Uinttype)(Itype)n for negatives, (Uinttype)n otherwise: truncation, 64-bit wrap.
        const t = Math.trunc(n);
        const v = Number.isFinite(t) && Math.abs(t) < 2 ** 64
          ? BigInt.asUintN(64, BigInt(t))
          : 0x8000000000000000n;
        out += intBytes(v, item.size, h.little);
        break;
      }
      case "x":
        out += "\0";
        break;
      case "f":
      case "d": {
        const x = checkNumber(vm, L, arg++, "pack");
        const view = new DataView(new ArrayBuffer(item.size));
        if (item.size === 4) view.setFloat32(0, x, h.little);
        else view.setFloat64(0, x, h.little);
        out += String.fromCharCode(...new Uint8Array(view.buffer));
        break;
      }
      case "c":
      case "s": {
        const s = checkString(vm, L, arg++, "pack");
        if (item.opt === "s") {
          out += s + "\0";
          break;
        }
        const size = item.size === 0 ? s.length : item.size;
        if (s.length < size) {
          throw new StructError(`bad argument #${arg} to 'pack' (string too short)`);
        }
        out += s.slice(0, size);
        break;
      }
    }
  }
  return out;
}

/** struct.unpack(fmt, data [, init]): pushes the values and the next position; their count. */
export function structUnpack(vm: LuaVm, L: number): number {
  const fmt = checkString(vm, L, 1, "unpack");
  const data = checkString(vm, L, 2, "unpack");
  let pos = vm.type(3, L) > 0 ? Math.trunc(checkNumber(vm, L, 3, "unpack")) - 1 : 0;
  if (pos < 0) pos = 0;
  const h: Header = { little: true, align: 1 };
  let pushed = 0;
  let previous: number | null = null;
  const need = (size: number) => {
    if (pos + size > data.length) {
      throw new StructError("bad argument #2 to 'unpack' (data string too short)");
    }
  };
  for (const item of options(fmt, "unpack", h)) {
    pos += padding(pos, h, item);
    if (item.opt !== "c" || item.size !== 0) need(item.size);
    switch (item.opt) {
      case "b":
      case "B":
      case "h":
      case "H":
      case "l":
      case "L":
      case "T":
      case "i":
      case "I": {
        let v = 0n;
        for (let k = 0; k < item.size; k++) {
          const byte = data.charCodeAt(h.little ? pos + item.size - 1 - k : pos + k);
          v = ((v << 8n) | BigInt(byte)) & 0xffffffffffffffffn;
        }
        const signed = item.opt === item.opt.toLowerCase();
        if (signed && item.size < 8) v = BigInt.asIntN(item.size * 8, v);
        else if (signed) v = BigInt.asIntN(64, v);
        const n = Number(v);
        previous = n;
        if (Number.isSafeInteger(n)) vm.pushInteger(n, L);
        else vm.pushNumber(n, L);
        pushed++;
        break;
      }
      case "x":
        break;
      case "f":
      case "d": {
        const view = new DataView(new ArrayBuffer(item.size));
        for (let k = 0; k < item.size; k++) view.setUint8(k, data.charCodeAt(pos + k));
        const x = item.size === 4 ? view.getFloat32(0, h.little) : view.getFloat64(0, h.little);
        previous = x;
        vm.pushNumber(x, L);
        pushed++;
        break;
      }
      case "c": {
        let size = item.size;
        if (size === 0) {
          if (previous === null || pushed === 0) {
            throw new StructError("format 'c0' needs a previous size");
          }
          size = Math.trunc(previous);
          vm.pop(1, L);
          pushed--;
          need(size);
        }
        vm.pushString(data.slice(pos, pos + size), L);
        pushed++;
        pos += size;
        previous = null;
        continue;
      }
      case "s": {
        const end = data.indexOf("\0", pos);
        if (end < 0) throw new StructError("unfinished string in data");
        vm.pushString(data.slice(pos, end), L);
        pushed++;
        pos = end + 1;
        previous = null;
        continue;
      }
    }
    pos += item.size;
  }
  vm.pushInteger(pos + 1, L);
  return pushed + 1;
}

/** struct.size(fmt). */
export function structSize(vm: LuaVm, L: number): number {
  const fmt = checkString(vm, L, 1, "size");
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  for (const item of options(fmt, "size", h)) {
    if (item.opt === "s" || (item.opt === "c" && item.size === 0)) {
      throw new StructError("bad argument #1 to 'size' (option 's' has no fixed size)");
    }
    pos += padding(pos, h, item) + item.size;
  }
  return pos;
}

function checkString(vm: LuaVm, L: number, i: number, fn: string): string {
  const s = vm.toString(i, L);
  if (s === null) {
    throw new StructError(
      `bad argument #${i} to '${fn}' (string expected, got ${vm.typeName(i, L)})`,
    );
  }
  return s;
}

function checkNumber(vm: LuaVm, L: number, i: number, fn: string): number {
  if (vm.type(i, L) === T_NUMBER || vm.isNumeric(i, L)) return vm.toNumber(i, L);
  throw new StructError(
    `bad argument #${i} to '${fn}' (number expected, got ${vm.typeName(i, L)})`,
  );
}
