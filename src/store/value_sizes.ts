/**
 * The constants of respd's memory model (memory.ts explains the model): fixed per-object
 * overheads modelled on Redis's own costs on 64-bit builds. Apart from memory.ts so that
 * each value type (types/*.ts) can size itself without importing the keyspace walk.
 */

/** A key: dict entry + key header + value header. */
export const KEY_OVERHEAD = 64;
/** A key's entry in the expires map. */
export const EXPIRE_OVERHEAD = 32;
export const STRING_OVERHEAD = 16;
export const CONTAINER_OVERHEAD = 64;
export const ELEMENT_OVERHEAD = 24;
/** Elements sampled to size a container, as Redis's `MEMORY USAGE` samples. */
export const SAMPLES = 8;

/**
 * A container of `n` elements whose sampled elements sum to `sampledBytes` over `sampled`
 * of them: CONTAINER_OVERHEAD + n × (ELEMENT_OVERHEAD + average sampled bytes).
 */
export function containerBytes(n: number, sampledBytes: number, sampled: number): number {
  if (n === 0 || sampled === 0) return CONTAINER_OVERHEAD;
  return CONTAINER_OVERHEAD + Math.round(n * (ELEMENT_OVERHEAD + sampledBytes / sampled));
}
