/**
 * cmsgpack.pack / cmsgpack.unpack as Redis's lua_cmsgpack does them: integral numbers as the
 * smallest MessagePack integer, other numbers as float32 when exact else float64, strings as
 * str8/16/32, tables with keys 1..n as arrays and others as maps, nesting past 16 as nil.
 * Unpacking pushes every object of the input (multiple return values).
 */

import type { LuaVm } from "./lua_runtime.ts";
import { T_BOOLEAN, T_NUMBER, T_STRING, T_TABLE } from "./lua_runtime.ts";

const MAX_NESTING = 16;
const f32 = new Float32Array(1);
const view = new DataView(new ArrayBuffer(8));

function pushBE(out: number[], n: number, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) & 0xff);
}

function encodeInt(out: number[], n: bigint): void {
  if (n >= 0n) {
    if (n <= 127n) out.push(Number(n));
    else if (n <= 0xffn) out.push(0xcc, Number(n));
    else if (n <= 0xffffn) (out.push(0xcd), pushBE(out, Number(n), 2));
    else if (n <= 0xffffffffn) (out.push(0xce), pushBE(out, Number(n), 4));
    else {
      out.push(0xcf);
      for (let i = 7n; i >= 0n; i--) out.push(Number((n >> (8n * i)) & 0xffn));
    }
    return;
  }
  if (n >= -32n) out.push(Number(n) & 0xff);
  else if (n >= -128n) out.push(0xd0, Number(n) & 0xff);
  else if (n >= -32768n) (out.push(0xd1), pushBE(out, Number(n) & 0xffff, 2));
  else if (n >= -2147483648n) (out.push(0xd2), pushBE(out, Number(n) >>> 0, 4));
  else {
    out.push(0xd3);
    const u = BigInt.asUintN(64, n);
    for (let i = 7n; i >= 0n; i--) out.push(Number((u >> (8n * i)) & 0xffn));
  }
}

/** Appends the MessagePack encoding of the value at `idx`. */
export function msgpackPack(vm: LuaVm, L: number, idx: number, out: number[], depth: number): void {
  const t = vm.type(idx, L);
  switch (t) {
    case T_BOOLEAN:
      out.push(vm.toBoolean(idx, L) ? 0xc3 : 0xc2);
      return;
    case T_NUMBER: {
      if (vm.isInteger(idx, L)) return encodeInt(out, vm.toInteger(idx, L));
      const x = vm.toNumber(idx, L);
      if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) return encodeInt(out, BigInt(x));
      f32[0] = x;
      if (f32[0] === x || Number.isNaN(x)) {
        view.setFloat32(0, x);
        out.push(0xca);
        for (let i = 0; i < 4; i++) out.push(view.getUint8(i));
      } else {
        view.setFloat64(0, x);
        out.push(0xcb);
        for (let i = 0; i < 8; i++) out.push(view.getUint8(i));
      }
      return;
    }
    case T_STRING: {
      const s = vm.toString(idx, L)!;
      const n = s.length;
      if (n < 32) out.push(0xa0 | n);
      else if (n <= 0xff) out.push(0xd9, n);
      else if (n <= 0xffff) (out.push(0xda), pushBE(out, n, 2));
      else (out.push(0xdb), pushBE(out, n, 4));
      for (let i = 0; i < n; i++) out.push(s.charCodeAt(i));
      return;
    }
    case T_TABLE: {
      if (depth >= MAX_NESTING || !vm.checkStack(3, L)) {
        out.push(0xc0);
        return;
      }
      const abs = idx < 0 ? vm.top(L) + idx + 1 : idx;
      // An array when its keys are exactly 1..n.
      let count = 0, max = 0, array = true;
      vm.pushNil(L);
      while (vm.next(abs, L)) {
        vm.pop(1, L);
        count++;
        if (vm.type(-1, L) === T_NUMBER) {
          const k = vm.toNumber(-1, L);
          if (k > 0 && Number.isInteger(k)) {
            if (k > max) max = k;
            continue;
          }
        }
        array = false;
      }
      if (array && max === count) {
        if (count < 16) out.push(0x90 | count);
        else if (count <= 0xffff) (out.push(0xdc), pushBE(out, count, 2));
        else (out.push(0xdd), pushBE(out, count, 4));
        for (let i = 1; i <= count; i++) {
          vm.rawGetIndex(abs, i, L);
          msgpackPack(vm, L, -1, out, depth + 1);
          vm.pop(1, L);
        }
        return;
      }
      if (count < 16) out.push(0x80 | count);
      else if (count <= 0xffff) (out.push(0xde), pushBE(out, count, 2));
      else (out.push(0xdf), pushBE(out, count, 4));
      vm.pushNil(L);
      while (vm.next(abs, L)) {
        msgpackPack(vm, L, -2, out, depth + 1);
        msgpackPack(vm, L, -1, out, depth + 1);
        vm.pop(1, L);
      }
      return;
    }
    default:
      out.push(0xc0);
  }
}

class Truncated {}
class BadFormat {}

/**
 * Pushes the objects encoded in `s` (at most `limit`, -1 for all); returns how many, or
 * lua_cmsgpack's error text.
 */
export function msgpackUnpack(
  vm: LuaVm,
  L: number,
  s: string,
  offset: number,
  limit: number,
): number | string {
  let pos = offset;
  const need = (n: number) => {
    if (pos + n > s.length) throw new Truncated();
  };
  const u = (n: number): number => {
    need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + s.charCodeAt(pos++);
    return v;
  };
  const bigU = (): bigint => {
    need(8);
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(s.charCodeAt(pos++));
    return v;
  };
  const float = (n: 4 | 8): number => {
    need(n);
    for (let i = 0; i < n; i++) view.setUint8(i, s.charCodeAt(pos++));
    return n === 4 ? view.getFloat32(0) : view.getFloat64(0);
  };
  const str = (n: number) => {
    need(n);
    vm.pushString(s.slice(pos, pos + n), L);
    pos += n;
  };
  const pushInt = (n: bigint | number) => vm.pushInteger(n, L);
  const decode = (depth: number): void => {
    if (!vm.checkStack(3, L)) throw new BadFormat();
    need(1);
    const b = s.charCodeAt(pos++);
    if (b <= 0x7f) return pushInt(b);
    if (b >= 0xe0) return pushInt(b - 256);
    if ((b & 0xf0) === 0x80) return table(b & 0x0f, true, depth);
    if ((b & 0xf0) === 0x90) return table(b & 0x0f, false, depth);
    if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
    switch (b) {
      case 0xc0:
        return vm.pushNil(L);
      case 0xc2:
        return vm.pushBoolean(false, L);
      case 0xc3:
        return vm.pushBoolean(true, L);
      case 0xc4:
      case 0xd9:
        return str(u(1));
      case 0xc5:
      case 0xda:
        return str(u(2));
      case 0xc6:
      case 0xdb:
        return str(u(4));
      case 0xca:
        return vm.pushNumber(float(4), L);
      case 0xcb:
        return vm.pushNumber(float(8), L);
      case 0xcc:
        return pushInt(u(1));
      case 0xcd:
        return pushInt(u(2));
      case 0xce:
        return pushInt(u(4));
      case 0xcf:
        return pushInt(BigInt.asIntN(64, bigU()));
      case 0xd0:
        return pushInt((u(1) << 24) >> 24);
      case 0xd1:
        return pushInt((u(2) << 16) >> 16);
      case 0xd2:
        return pushInt(u(4) | 0);
      case 0xd3:
        return pushInt(BigInt.asIntN(64, bigU()));
      case 0xdc:
        return table(u(2), false, depth);
      case 0xdd:
        return table(u(4), false, depth);
      case 0xde:
        return table(u(2), true, depth);
      case 0xdf:
        return table(u(4), true, depth);
    }
    throw new BadFormat();
  };
  const table = (n: number, map: boolean, depth: number) => {
    vm.newTable(map ? 0 : Math.min(n, 1024), map ? Math.min(n, 1024) : 0, L);
    for (let i = 1; i <= n; i++) {
      if (map) {
        decode(depth + 1);
        decode(depth + 1);
        vm.rawSet(-3, L);
      } else {
        decode(depth + 1);
        vm.rawSetIndex(-2, i, L);
      }
    }
  };
  const base = vm.top(L);
  let count = 0;
  try {
    while (pos < s.length && (limit < 0 || count < limit)) {
      decode(0);
      count++;
    }
  } catch (e: unknown) {
    vm.setTop(base, L);
    if (e instanceof Truncated) return "Missing bytes in input.";
    if (e instanceof BadFormat) return "Bad data format in input.";
    throw e;
  }
  return count;
}
