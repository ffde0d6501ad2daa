/**
 * RDB persistence for one server: loading `dir/dbfilename` at start, SAVE (synchronous),
 * BGSAVE (a point-in-time snapshot written a slice per event-loop turn, see snapshot.ts),
 * the `save` points, and the counters INFO persistence reports. Every file is written to
 * a temporary name in `dir`, fsynced and renamed, so `dump.rdb` is always a whole file.
 */

import { auxLogger, doneLoadingRdb } from "./load_log.ts";
import { type LatencySink, timed } from "../stats/latency_monitor.ts";
import type { Keyspace } from "../store/keyspace.ts";
import { REDIS_VERSION } from "../config.ts";
import { decodeRdbSteps, encodeRdb, type RdbContents } from "./rdb_file.ts";
import { fromRdbObject, toRdbObject } from "./rdb_values.ts";
import { RdbFormatError } from "./rdb_bytes.ts";
import { KeyspaceSnapshot } from "./snapshot.ts";
import { nextTurn, writeAll, writeAllSync } from "./file_io.ts";
import { type LoadProgress, runToEnd } from "./loading.ts";

/** What the service needs of the server's configuration (read live: CONFIG SET changes it). */
export interface RdbSettings {
  dir: string;
  dbfilename: string;
  /** Save points: [seconds, changes]; empty disables automatic saves. */
  save: [number, number][];
  rdbcompression: boolean;
}

export type RdbLog = (level: "notice" | "warning" | "verbose", message: string) => void;

/** Thrown when a file cannot be loaded; the server must not start on a partial dataset. */
export class RdbLoadError extends Error {}

/** A save that could not start (another is running) or failed. */
export class RdbSaveError extends Error {}

export interface RdbStatus {
  bgsaveInProgress: boolean;
  lastSaveTime: number;
  lastBgsaveOk: boolean;
  lastBgsaveSeconds: number;
  currentBgsaveStarted: number;
  changesSinceLastSave: number;
  saves: number;
  lastLoadKeys: number;
  /** Keys the last load skipped because their TTL had passed. */
  lastLoadExpired: number;
}

export class RdbPersistence {
  /** The latency monitor: rdb-unlink-temp-file (a failed save's file removed). */
  latency: LatencySink | null = null;
  #dirty = 0;
  /** Changes counted when the running BGSAVE started: what remains dirty after it. */
  #dirtyAtBgsave = 0;
  #lastSave = Date.now();
  #lastBgsaveOk = true;
  #lastBgsaveSeconds = -1;
  #snapshot: KeyspaceSnapshot | null = null;
  #bgsave: Promise<void> | null = null;
  #saves = 0;
  #lastLoadKeys = 0;
  #lastLoadExpired = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopEvents: () => void;
  /** Function libraries to save with the data (set by the scripting engine, if any). */
  functionLibraries: () => string[] = () => [];

  constructor(
    readonly keyspace: Keyspace,
    readonly settings: RdbSettings,
    readonly log: RdbLog,
  ) {
    this.#stopEvents = keyspace.events.subscribe(() => {
      this.#dirty++;
    });
  }

  get path(): string {
    return `${this.settings.dir.replace(/\/+$/, "") || "."}/${this.settings.dbfilename}`;
  }

  get status(): RdbStatus {
    return {
      bgsaveInProgress: this.#bgsave !== null,
      lastSaveTime: this.#lastSave,
      lastBgsaveOk: this.#lastBgsaveOk,
      lastBgsaveSeconds: this.#lastBgsaveSeconds,
      currentBgsaveStarted: this.#snapshot?.startedAt ?? -1,
      changesSinceLastSave: this.#dirty,
      saves: this.#saves,
      lastLoadKeys: this.#lastLoadKeys,
      lastLoadExpired: this.#lastLoadExpired,
    };
  }

  /** The running BGSAVE's snapshot, which write commands must warn before they write. */
  get snapshot(): KeyspaceSnapshot | null {
    return this.#snapshot;
  }

  /**
   * Loads the file if there is one; returns the number of keys loaded, or null when there
   * is no file. Throws RdbLoadError for a file that is corrupt, truncated or too new.
   */
  load(onProgress?: (keys: number) => void): number | null {
    return runToEnd(this.loadSteps({ totalBytes: 0, loadedBytes: 0 }, onProgress));
  }

  /**
   * `load` a key at a time (server.ts runs it in slices between event-loop turns), telling
   * `progress` how far it is. All or nothing: a damaged file leaves the keyspace empty.
   */
  *loadSteps(
    progress: LoadProgress,
    onProgress?: (keys: number) => void,
  ): Generator<void, number | null> {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(this.path);
    } catch (e: unknown) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw new RdbLoadError(`can't open ${this.path}: ${e instanceof Error ? e.message : e}`);
    }
    progress.totalBytes = bytes.length;
    const now = this.keyspace.clock.now();
    const dbs = this.keyspace.dbs;
    let keys = 0;
    let expired = 0;
    try {
      const steps = decodeRdbSteps(bytes, {
        aux: auxLogger((m) => this.log("notice", m)),
        // a hint: a key takes more than 4 bytes of the file, whatever RESIZEDB claims
        resize: (db, n) => dbs[db]?.reserve(Math.min(n, bytes.length >> 2)),
        entry: (db, entry) => {
          if (db >= dbs.length) {
            throw new RdbLoadError(
              `Data file was created with a Redis server configured to handle more than ` +
                `${dbs.length} databases. Exiting`,
            );
          }
          if (entry.expireAt !== null && entry.expireAt <= now) {
            expired++;
            return;
          }
          const database = dbs[db];
          database.set(entry.key, fromRdbObject(entry.value));
          const field = database.access.restored(entry.freq, entry.idle);
          if (field !== null) database.setAccessField(entry.key, field);
          if (entry.expireAt !== null) database.setExpiry(entry.key, entry.expireAt);
          if (++keys % 100_000 === 0) onProgress?.(keys);
        },
      });
      for (let step = steps.next(); !step.done; step = steps.next()) {
        progress.loadedBytes = step.value;
        yield;
      }
      progress.loadedBytes = bytes.length;
    } catch (e: unknown) {
      // All or nothing: what a damaged file put in the keyspace goes again.
      this.keyspace.flushAll();
      if (e instanceof RdbFormatError) {
        throw new RdbLoadError(
          `Short read or OOM loading DB. Unrecoverable error, aborting now. (${e.message})`,
        );
      }
      throw e;
    }
    this.#dirty = 0;
    this.#lastSave = Date.now();
    this.#lastLoadKeys = keys;
    this.#lastLoadExpired = expired;
    this.log("notice", doneLoadingRdb(keys, expired));
    return keys;
  }

  #contents(): RdbContents {
    return {
      aux: this.#aux(),
      functions: this.functionLibraries(),
      dbs: this.keyspace.dbs.map((db, index) => ({
        index,
        keyCount: db.size,
        expireCount: db.expires.size,
        *entries() {
          for (const [key, value] of db.entries()) {
            if (db.isExpired(key)) continue;
            yield { key, value: toRdbObject(value), expireAt: db.expiryOf(key) ?? null };
          }
        },
      })),
    };
  }

  #aux(): [string, string][] {
    return [
      ["redis-ver", REDIS_VERSION],
      ["redis-bits", "64"],
      ["ctime", String(Math.floor(Date.now() / 1000))],
      ["used-mem", String(Deno.memoryUsage().rss)],
      ["aof-base", "0"],
    ];
  }

  #tempPath(kind: string): string {
    return `${this.settings.dir.replace(/\/+$/, "") || "."}/temp-${kind}-${Deno.pid}.rdb`;
  }

  /** SAVE: writes the whole dataset now, blocking. Throws RdbSaveError on failure. */
  saveSync(): void {
    if (this.#bgsave !== null) throw new RdbSaveError("ERR Background save already in progress");
    const temp = this.#tempPath("save");
    try {
      const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
      try {
        for (const chunk of encodeRdb(this.#contents(), 1 << 20, this.settings.rdbcompression)) {
          writeAllSync(file, chunk);
        }
        file.syncSync();
      } finally {
        file.close();
      }
      Deno.renameSync(temp, this.path);
    } catch (e: unknown) {
      timed(this.latency, "rdb-unlink-temp-file", () => {
        try {
          Deno.removeSync(temp);
        } catch { /* not created */ }
      });
      this.log("warning", `Failed saving the DB: ${e instanceof Error ? e.message : e}`);
      throw new RdbSaveError("ERR");
    }
    this.#dirty = 0;
    this.#lastSave = Date.now();
    this.#saves++;
    this.log("notice", "DB saved on disk");
  }

  /** BGSAVE: starts a background save; throws RdbSaveError if one is running. */
  bgsave(): Promise<void> {
    if (this.#bgsave !== null) throw new RdbSaveError("ERR Background save already in progress");
    this.log("notice", "Background saving started");
    this.#dirtyAtBgsave = this.#dirty;
    const snapshot = new KeyspaceSnapshot(
      this.keyspace,
      this.#aux(),
      this.functionLibraries(),
      this.settings.rdbcompression,
    );
    this.#snapshot = snapshot;
    const run = this.#writeSnapshot(snapshot).finally(() => {
      snapshot.close();
      this.#snapshot = null;
      this.#bgsave = null;
    });
    this.#bgsave = run;
    return run;
  }

  /** Resolves when the running BGSAVE (if any) has ended. */
  async waitForBgsave(): Promise<void> {
    await this.#bgsave?.catch(() => {});
  }

  async #writeSnapshot(snapshot: KeyspaceSnapshot): Promise<void> {
    const started = Date.now();
    const temp = this.#tempPath("bgsave");
    let file: Deno.FsFile | null = null;
    try {
      file = await Deno.open(temp, { write: true, create: true, truncate: true });
      for (let chunk = snapshot.next(); chunk !== null; chunk = snapshot.next()) {
        await writeAll(file, chunk);
        // One slice per turn: clients are served between slices.
        await nextTurn();
      }
      await file.sync();
      file.close();
      file = null;
      await Deno.rename(temp, this.path);
      this.#lastBgsaveOk = true;
      this.#dirty -= this.#dirtyAtBgsave;
      this.#lastSave = Date.now();
      this.#saves++;
      this.log("notice", "Background saving terminated with success");
    } catch (e: unknown) {
      file?.close();
      const unlinkStarted = performance.now();
      await Deno.remove(temp).catch(() => {});
      if (this.latency?.enabled) {
        this.latency.sampleIfNeeded("rdb-unlink-temp-file", performance.now() - unlinkStarted);
      }
      this.#lastBgsaveOk = false;
      this.log("warning", `Background saving error: ${e instanceof Error ? e.message : e}`);
    } finally {
      this.#lastBgsaveSeconds = Math.round((Date.now() - started) / 1000);
    }
  }

  /** Checks the save points once a second (as Redis's serverCron does). */
  start(): void {
    this.#timer ??= setInterval(() => this.#checkSavePoints(), 1000);
  }

  #checkSavePoints(): void {
    if (this.#bgsave !== null) return;
    const elapsed = (Date.now() - this.#lastSave) / 1000;
    for (const [seconds, changes] of this.settings.save) {
      // After a failed BGSAVE Redis waits 5 s before trying again.
      if (!this.#lastBgsaveOk && elapsed < 5) return;
      if (this.#dirty >= changes && elapsed >= seconds) {
        this.log("notice", `${changes} changes in ${seconds} seconds. Saving...`);
        this.bgsave().catch(() => {});
        return;
      }
    }
  }

  /** Stops the timer and the event subscription; a running BGSAVE is awaited. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopEvents();
    await this.waitForBgsave();
  }
}
