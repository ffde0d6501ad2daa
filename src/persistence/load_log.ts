/**
 * The lines Redis 7.0 logs while it loads a dataset (rdb.c rdbLoadRio, aof.c
 * loadAppendOnlyFiles, server.c loadDataFromDisk), so an operator, or a tool that reads
 * redis-server's log, sees a load of respd's files as one of Redis's: the version, age and
 * memory the file records, the keys loaded and skipped as expired, and the time each file
 * took. Redis reports a long load's progress through INFO persistence (loading_loaded_perc,
 * loading_eta_seconds: persistence_info.ts), not in the log; respd adds one line every
 * 100,000 keys (main.ts).
 */

export type LoadLog = (message: string) => void;

/** An RDB visitor's `aux`: logs the fields Redis logs as it reads them. */
export function auxLogger(log: LoadLog, now = Date.now()): (key: string, value: string) => void {
  return (key, value) => {
    switch (key.toLowerCase()) {
      case "redis-ver":
        return log(`Loading RDB produced by version ${value}`);
      case "ctime":
        return log(`RDB age ${Math.max(0, Math.floor(now / 1000) - cLong(value))} seconds`);
      case "used-mem":
        return log(`RDB memory usage when created ${(cLong(value) / (1024 * 1024)).toFixed(2)} Mb`);
      case "aof-base":
        if (cLong(value) !== 0) log("RDB is base AOF");
    }
  };
}

/** C's strtol: the leading integer of the text, 0 when there is none. */
function cLong(text: string): number {
  const m = /^\s*[-+]?\d+/.exec(text);
  return m === null ? 0 : Number(m[0]);
}

/** The line that ends an RDB's load. */
export function doneLoadingRdb(loaded: number, expired: number): string {
  return `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`;
}

/** "…: 0.123 seconds", as Redis prints a load's time (ustime difference, "%.3f"). */
export function loadedIn(what: string, startedMs: number): string {
  return `${what}: ${((performance.now() - startedMs) / 1000).toFixed(3)} seconds`;
}
