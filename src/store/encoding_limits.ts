/**
 * The thresholds under which hashes, sets and sorted sets keep their compact form
 * (Redis's listpack and intset encodings), with Redis 7.0's built-in defaults. They are
 * server-wide, as in Redis: CONFIG SET changes them for conversions from then on; a value
 * already converted stays in its large form.
 */

export const encodingLimits = {
  /** hash-max-listpack-entries (alias hash-max-ziplist-entries) */
  hashMaxListpackEntries: 512,
  /** hash-max-listpack-value (alias hash-max-ziplist-value) */
  hashMaxListpackValue: 64,
  /** set-max-intset-entries */
  setMaxIntsetEntries: 512,
  /** zset-max-listpack-entries (alias zset-max-ziplist-entries) */
  zsetMaxListpackEntries: 128,
  /** zset-max-listpack-value (alias zset-max-ziplist-value) */
  zsetMaxListpackValue: 64,
};

/** Restores the defaults (tests). */
export function resetEncodingLimits(): void {
  Object.assign(encodingLimits, {
    hashMaxListpackEntries: 512,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
  });
}
