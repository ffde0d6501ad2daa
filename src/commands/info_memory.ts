/**
 * INFO memory: Redis 7.0.15's fields in its order. `used_memory` is respd's estimate of
 * the dataset (store/memory.ts), the figure maxmemory is enforced against; the allocator
 * fields are V8's heap (allocated: used heap and external buffers; active: the heap V8
 * reserved and those buffers; resident: the process's RSS), and the ratios between them are
 * Redis's formulas over those. Clients' buffers and the AOF buffer are reported as Redis
 * does (mem_clients_normal, mem_aof_buffer, their sum as used_memory_overhead). What respd
 * has none of (replication, cluster links, defrag, lazy freeing) is 0.
 */

import type { ServerServices } from "./context.ts";

export type Fields = [string, string | number][];

/** Redis's human-readable byte counts, as `used_memory_human` (bytesToHuman). */
export function human(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

/** Physical memory of the machine, or 0 when it cannot be read (as Redis prints then). */
function systemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 0; // no --allow-sys
  }
}

/** INFO memory's scripting lines: the two Lua heaps, the cached scripts, the libraries. */
function scriptingMemory(server: ServerServices): Fields {
  const { evalScripts, functions } = server.scripting;
  const vmEval = evalScripts.luaMemory;
  const vmFunctions = functions.luaMemory;
  const scripts = evalScripts.bodyBytes;
  const libraries = functions.codeBytes;
  return [
    ["used_memory_lua", vmEval],
    ["used_memory_vm_eval", vmEval],
    ["used_memory_lua_human", human(vmEval)],
    ["used_memory_scripts_eval", scripts],
    ["number_of_cached_scripts", evalScripts.size],
    ["number_of_functions", functions.functions.size],
    ["number_of_libraries", functions.libraries.size],
    ["used_memory_vm_functions", vmFunctions],
    ["used_memory_vm_total", vmEval + vmFunctions],
    ["used_memory_vm_total_human", human(vmEval + vmFunctions)],
    ["used_memory_functions", libraries],
    ["used_memory_scripts", scripts + libraries],
    ["used_memory_scripts_human", human(scripts + libraries)],
  ];
}

/** Redis's "%.2f" of a ratio, guarding a zero divisor as it does (a ratio of 0). */
function ratio(a: number, b: number): string {
  return (b === 0 ? 0 : a / b).toFixed(2);
}

export function memoryInfo(server: ServerServices): Fields {
  const heap = Deno.memoryUsage();
  const rss = heap.rss;
  const used = server.memory.used();
  const stats = server.stats;
  const peak = stats.peakMemory = Math.max(stats.peakMemory, used);
  const max = server.config.maxmemory;
  let clients = 0;
  for (const c of server.sessions.values()) {
    clients += c.queryBuffer.size + c.replyBuffers.total + c.pendingOutput;
  }
  const aofBuffer = server.aof.status.pendingBytes;
  const overhead = clients + aofBuffer;
  const allocated = heap.heapUsed + heap.external;
  const active = heap.heapTotal + heap.external;
  const total = systemMemory();
  return [
    ["used_memory", used],
    ["used_memory_human", human(used)],
    ["used_memory_rss", rss],
    ["used_memory_rss_human", human(rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", human(peak)],
    ["used_memory_peak_perc", `${(peak === 0 ? 100 : (used * 100) / peak).toFixed(2)}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", 0],
    ["used_memory_dataset", used],
    ["used_memory_dataset_perc", `${(used === 0 ? 0 : 100).toFixed(2)}%`],
    ["allocator_allocated", allocated],
    ["allocator_active", active],
    ["allocator_resident", rss],
    ["total_system_memory", total],
    ["total_system_memory_human", human(total)],
    ...scriptingMemory(server),
    ["maxmemory", max],
    ["maxmemory_human", human(max)],
    ["maxmemory_policy", server.config.maxmemoryPolicy],
    ["allocator_frag_ratio", ratio(active, allocated)],
    ["allocator_frag_bytes", active - allocated],
    ["allocator_rss_ratio", ratio(rss, active)],
    ["allocator_rss_bytes", rss - active],
    ["rss_overhead_ratio", ratio(rss, rss)],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", ratio(rss, used)],
    ["mem_fragmentation_bytes", rss - used],
    ["mem_not_counted_for_evict", aofBuffer],
    ["mem_replication_backlog", 0],
    ["mem_total_replication_buffers", 0],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", clients],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", aofBuffer],
    ["mem_allocator", "v8"],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
}
