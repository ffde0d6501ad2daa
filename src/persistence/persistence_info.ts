/**
 * INFO's persistence section, from the RDB and AOF services' state, with Redis 7.0's
 * field names in Redis's order. respd saves without fork, so the copy-on-write fields
 * are always 0.
 */

import type { AppendOnlyFile } from "./aof_service.ts";
import type { RdbPersistence } from "./rdb_service.ts";
import type { LoadingState } from "./loading.ts";

export function persistenceInfo(
  rdb: RdbPersistence,
  aof: AppendOnlyFile,
  loading: LoadingState | null,
): [string, string | number][] {
  const r = rdb.status;
  const a = aof.status;
  const now = Date.now();
  const fields: [string, string | number][] = [
    ["loading", loading === null ? 0 : 1],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", r.changesSinceLastSave],
    ["rdb_bgsave_in_progress", r.bgsaveInProgress ? 1 : 0],
    ["rdb_last_save_time", Math.floor(r.lastSaveTime / 1000)],
    ["rdb_last_bgsave_status", r.lastBgsaveOk ? "ok" : "err"],
    ["rdb_last_bgsave_time_sec", r.lastBgsaveSeconds],
    [
      "rdb_current_bgsave_time_sec",
      r.currentBgsaveStarted < 0 ? -1 : Math.floor((now - r.currentBgsaveStarted) / 1000),
    ],
    ["rdb_saves", r.saves],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", r.lastLoadExpired],
    ["rdb_last_load_keys_loaded", r.lastLoadKeys],
    ["aof_enabled", a.enabled ? 1 : 0],
    ["aof_rewrite_in_progress", a.rewriteInProgress ? 1 : 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", a.lastRewriteOk ? "ok" : "err"],
    ["aof_rewrites", a.rewrites],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", "ok"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
  if (a.enabled) {
    fields.push(
      ["aof_current_size", a.currentSize],
      ["aof_base_size", a.baseSize],
      ["aof_pending_rewrite", 0],
      ["aof_buffer_length", a.pendingBytes],
      ["aof_pending_bio_fsync", 0],
      ["aof_delayed_fsync", 0],
    );
  }
  if (loading !== null) {
    // Redis's own estimates, from the share loaded and the time it took.
    const part = loading.totalBytes === 0 ? 0 : loading.loadedBytes / loading.totalBytes;
    const elapsed = (now - loading.startedAt) / 1000;
    fields.push(
      ["loading_start_time", Math.floor(loading.startedAt / 1000)],
      ["loading_total_bytes", loading.totalBytes],
      ["loading_rdb_used_mem", 0],
      ["loading_loaded_bytes", loading.loadedBytes],
      ["loading_loaded_perc", (part * 100).toFixed(2)],
      ["loading_eta_seconds", part === 0 ? 1 : Math.round(elapsed / part - elapsed)],
    );
  }
  return fields;
}
