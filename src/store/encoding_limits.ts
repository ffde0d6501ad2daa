/**
 * The thresholds under which hashes, sets and sorted sets keep their compact form
 * (Redis's listpack and intset encodings), with Redis 7.0's built-in defaults. They are
 * server settings (the server's config carries these fields, changed by CONFIG SET), so
 * value methods that may convert take them as an argument; a value already converted
 * stays in its large form, as in Redis.
 */

export interface EncodingLimits {
  /** hash-max-listpack-entries (alias hash-max-ziplist-entries) */
  hashMaxListpackEntries: number;
  /** hash-max-listpack-value (alias hash-max-ziplist-value) */
  hashMaxListpackValue: number;
  /** set-max-intset-entries */
  setMaxIntsetEntries: number;
  /** zset-max-listpack-entries (alias zset-max-ziplist-entries) */
  zsetMaxListpackEntries: number;
  /** zset-max-listpack-value (alias zset-max-ziplist-value) */
  zsetMaxListpackValue: number;
}

export const DEFAULT_ENCODING_LIMITS: Readonly<EncodingLimits> = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};
