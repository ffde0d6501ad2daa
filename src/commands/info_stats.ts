/**
 * INFO stats: every field of Redis 7.0.15's section, in its order. respd counts what it
 * has: connections, commands and their rate, bytes and reads/writes on every transport,
 * expiry and eviction, keyspace hits and misses (keyspace_lookups.ts), pub/sub, tracking,
 * error replies. What respd has none of is Redis's value for a server without it: 0 for
 * replication (total_net_repl_*, sync_*), forks (respd saves without one), MIGRATE,
 * active defrag, I/O threads, client eviction (maxmemory-clients) and the time spent over
 * maxmemory, reply-buffer resizing and DUMP payload sanitizing.
 */

import type { ServerServices } from "./context.ts";
import type { Fields } from "./info_memory.ts";

export function statsInfo(server: ServerServices): Fields {
  const stats = server.stats;
  const { tcp, ws } = server.introspection.traffic;
  const expiry = server.expiryStats;
  const rate = stats.instantaneous;
  return [
    ["total_connections_received", stats.connections],
    ["total_commands_processed", stats.commands],
    ["instantaneous_ops_per_sec", rate.opsPerSec],
    ["total_net_input_bytes", tcp.input + ws.input],
    ["total_net_output_bytes", tcp.output + ws.output],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", rate.inputKbps],
    ["instantaneous_output_kbps", rate.outputKbps],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", server.limits.rejectedConnections],
    ["sync_full", 0],
    ["sync_partial_ok", 0],
    ["sync_partial_err", 0],
    ["expired_keys", stats.expiredKeys],
    ["expired_stale_perc", (expiry.stalePerc * 100).toFixed(2)],
    ["expired_time_cap_reached_count", expiry.timeCapReached],
    ["expire_cycle_cpu_milliseconds", Math.floor(expiry.micros / 1000)],
    ["evicted_keys", server.memory.evictedKeys],
    ["evicted_clients", 0],
    ["total_eviction_exceeded_time", 0],
    ["current_eviction_exceeded_time", 0],
    ["keyspace_hits", stats.keyspaceHits],
    ["keyspace_misses", stats.keyspaceMisses],
    ["pubsub_channels", server.hub.channelCount],
    ["pubsub_patterns", server.hub.patternCount],
    ["pubsubshard_channels", server.hub.shardChannelCount],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", server.tracking.totalKeys],
    ["tracking_total_items", server.tracking.totalItems],
    ["tracking_total_prefixes", server.tracking.totalPrefixes],
    ["unexpected_error_replies", 0],
    ["total_error_replies", server.introspection.commands.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", tcp.reads + ws.reads],
    ["total_writes_processed", tcp.writes + ws.writes],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
  ];
}
