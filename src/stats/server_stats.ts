/**
 * The server-wide counters of INFO stats that belong to no one service: connections and
 * commands served, keys expired, keyspace hits and misses (as Redis's lookupKeyRead counts
 * them: commands/keyspace_lookups.ts), the memory peak INFO has seen, and the sampled
 * instantaneous rates. CONFIG RESETSTAT zeroes them (Server.resetStats, with the others).
 */

import { InstantaneousMetrics } from "./instantaneous.ts";

export class ServerStats {
  connections = 0;
  commands = 0;
  peakMemory = 0;
  expiredKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  readonly instantaneous = new InstantaneousMetrics();

  /** Zeroes the counters (the peak too, as Redis's resetServerStats). */
  reset(): void {
    this.connections = 0;
    this.commands = 0;
    this.peakMemory = 0;
    this.expiredKeys = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
  }
}
