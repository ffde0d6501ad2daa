/**
 * The append-only file, in Redis 7.0's multi-part layout (aof_manifest.ts): every change
 * to the dataset is appended as commands (propagation.ts) to the current incremental
 * file, written before the replies of the commands that made it leave, and fsynced as
 * `appendfsync` says:
 *
 *   always    a reply leaves only once its command's bytes are on disk: one fdatasync
 *             per turn of the event loop covers every reply leaving in it (the loop
 *             waits for it, as Redis's does in beforeSleep)
 *   everysec  fdatasync once a second, off the event loop
 *   no        left to the operating system
 *
 * BGREWRITEAOF starts a new incremental file at once and writes a new base (an RDB
 * snapshot of that moment, snapshot.ts) a slice per turn; the manifest names the new
 * files only when the base is complete, so a crash at any point leaves a loadable set.
 */

import type { Keyspace } from "../store/keyspace.ts";
import { type LatencySink, timed } from "../stats/latency_monitor.ts";
import { auxLogger, doneLoadingRdb, loadedIn } from "./load_log.ts";
import { REDIS_VERSION } from "../config.ts";
import { type AofManifest, formatManifest, parseManifest } from "./aof_manifest.ts";
import { AofFormatError, decodeCommandSteps } from "./aof_commands.ts";
import { ReplyWriter } from "../protocol/reply_writer.ts";
import { decodeRdbSteps } from "./rdb_file.ts";
import type { LoadProgress } from "./loading.ts";
import { RdbFormatError } from "./rdb_bytes.ts";
import { KeyspaceSnapshot } from "./snapshot.ts";
import type { Propagated } from "./propagation.ts";
import { fromRdbObject } from "./rdb_values.ts";
import { nextTurn, writeAll, writeAllSync } from "./file_io.ts";

export interface AofSettings {
  dir: string;
  appendonly: boolean;
  appendfsync: "always" | "everysec" | "no";
  appenddirname: string;
  appendfilename: string;
  autoAofRewritePercentage: number;
  autoAofRewriteMinSize: number;
  aofLoadTruncated: boolean;
  rdbcompression: boolean;
}

export type AofLog = (level: "notice" | "warning" | "verbose", message: string) => void;

/** The AOF cannot be loaded: respd must not start on part of it. */
export class AofLoadError extends Error {}

/** What loading found: keys from the base, commands replayed from the increments. */
export interface AofLoaded {
  baseKeys: number;
  commands: number;
}

export class AppendOnlyFile {
  #manifest: AofManifest | null = null;
  #incr: Deno.FsFile | null = null;
  #incrSeq = 0;
  #baseSeq = 0;
  /** Commands appended and not yet written, already as RESP bytes (arrays of bulk strings). */
  readonly #pending = new ReplyWriter(64 * 1024);
  /**
   * The requests recorded as sent and not yet copied into `#pending`: `#runBuf[#runStart,
   * #runEnd)`, consecutive requests of one client's read buffer (a pipeline), copied in one
   * go when the batch ends or anything else is appended (null: none).
   */
  #runBuf: Uint8Array | null = null;
  #runStart = 0;
  #runEnd = 0;
  #selectedDb = -1;
  #written = 0;
  /** The write of this turn's appends that replies wait for (everysec, no); null if none. */
  #turnFlush: Promise<void> | null = null;
  #durable = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #rewrite: Promise<void> | null = null;
  #rewriteSnapshot: KeyspaceSnapshot | null = null;
  #lastRewriteOk = true;
  #incrBytes = 0;
  #baseBytes = 0;
  #rewrites = 0;

  /** The latency monitor: aof-write*, aof-fsync-always and aof-rename (Redis 7.0's events). */
  latency: LatencySink | null = null;
  /** An everysec fsync still running (Redis's sync_in_progress, for aof-write-pending-fsync). */
  #syncing = false;

  constructor(readonly keyspace: Keyspace, readonly settings: AofSettings, readonly log: AofLog) {}

  get dirPath(): string {
    return `${this.settings.dir.replace(/\/+$/, "") || "."}/${this.settings.appenddirname}`;
  }

  get #manifestPath(): string {
    return `${this.dirPath}/${this.settings.appendfilename}.manifest`;
  }

  /** Whether commands are being appended. */
  get active(): boolean {
    return this.#incr !== null;
  }

  /** The snapshot of a running rewrite (write commands must warn it before they write). */
  get snapshot(): KeyspaceSnapshot | null {
    return this.#rewriteSnapshot;
  }

  get status() {
    return {
      enabled: this.active,
      rewriteInProgress: this.#rewrite !== null,
      lastRewriteOk: this.#lastRewriteOk,
      currentSize: this.#baseBytes + this.#incrBytes,
      baseSize: this.#baseBytes,
      rewrites: this.#rewrites,
      pendingBytes: this.#pending.length + this.#runLength,
    };
  }

  /**
   * Loads the files the manifest names a step at a time (server.ts runs it in slices
   * between event-loop turns): the base's keys into the (empty) keyspace, then each
   * incremental file's commands handed to `replay` as they are read, a MULTI/EXEC unit at
   * its EXEC. `progress` counts bytes of all those files, as Redis's loading_* fields do.
   * Returns null when there is no AOF yet. A truncated last command is cut off when
   * `aof-load-truncated` allows it; anything else damaged is an AofLoadError (the caller
   * empties the keyspace: never a partial load).
   */
  *loadSteps(
    progress: LoadProgress,
    replay: (db: number, argv: string[]) => void,
  ): Generator<void, AofLoaded | null> {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#manifestPath);
    } catch (e: unknown) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw new AofLoadError(`can't read the AOF manifest: ${e instanceof Error ? e.message : e}`);
    }
    let manifest: AofManifest;
    try {
      manifest = parseManifest(text);
    } catch (e: unknown) {
      throw new AofLoadError(e instanceof Error ? e.message : String(e));
    }
    const files = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incrs];
    progress.totalBytes = files.reduce((sum, e) => sum + this.#sizeOf(e.name), 0);
    let done = 0;
    let baseKeys = 0;
    if (manifest.base !== null) {
      // Redis's lines for the base, then for each incremental file (load_log.ts)
      const started = performance.now();
      this.log("notice", "Reading RDB base file on AOF loading...");
      const bytes = this.#read(manifest.base.name);
      baseKeys = yield* this.#loadBase(manifest.base.name, bytes, (at) => {
        progress.loadedBytes = done + at;
      });
      this.#baseBytes = bytes.length;
      done += bytes.length;
      this.log("notice", loadedIn(`DB loaded from base file ${manifest.base.name}`, started));
    }
    let commands = 0;
    for (let i = 0; i < manifest.incrs.length; i++) {
      const entry = manifest.incrs[i];
      const fileStarted = performance.now();
      const bytes = this.#read(entry.name);
      let db = 0;
      let transaction: { db: number; argv: string[] }[] | null = null;
      const steps = decodeCommandSteps(bytes);
      let step;
      for (;;) {
        try {
          step = steps.next();
        } catch (e: unknown) {
          if (e instanceof AofFormatError) throw new AofLoadError(`${entry.name}: ${e.message}`);
          throw e;
        }
        if (step.done) break;
        const { argv, end } = step.value;
        const name = argv[0].toLowerCase();
        if (name === "select") db = Number(argv[1]);
        else if (name === "multi") transaction = [];
        else if (name === "exec") {
          for (const c of transaction ?? []) replay(c.db, c.argv);
          commands += transaction?.length ?? 0;
          transaction = null;
        } else if (transaction !== null) transaction.push({ db, argv });
        else {
          replay(db, argv);
          commands++;
        }
        progress.loadedBytes = done + end;
        yield;
      }
      // A transaction the crash cut before its EXEC is not applied (Redis reverts it).
      if (transaction !== null) {
        this.log("warning", "Revert incomplete MULTI/EXEC transaction in AOF file");
      }
      if (step.value.truncated) {
        const last = i === manifest.incrs.length - 1;
        if (!last || !this.settings.aofLoadTruncated) {
          throw new AofLoadError(
            `Unexpected end of file reading the append only file ${entry.name}. You can: ` +
              `1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ` +
              `2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
          );
        }
        this.log("warning", `!!! Warning: short read while loading the AOF file ${entry.name}!!!`);
        this.log(
          "warning",
          `AOF ${entry.name} loaded anyway because aof-load-truncated is enabled`,
        );
        Deno.truncateSync(`${this.dirPath}/${entry.name}`, step.value.validBytes);
      }
      done += bytes.length;
      progress.loadedBytes = done;
      this.log("notice", loadedIn(`DB loaded from incr file ${entry.name}`, fileStarted));
    }
    this.#manifest = manifest;
    return { baseKeys, commands };
  }

  #sizeOf(name: string): number {
    try {
      return Deno.statSync(`${this.dirPath}/${name}`).size;
    } catch {
      return 0; // #read says what is wrong with it
    }
  }

  #read(name: string): Uint8Array {
    try {
      return Deno.readFileSync(`${this.dirPath}/${name}`);
    } catch (e: unknown) {
      throw new AofLoadError(
        `can't open the append only file ${name}: ${e instanceof Error ? e.message : e}`,
      );
    }
  }

  /** The base's keys into the keyspace, a key per step; `at` is told the bytes read. */
  *#loadBase(
    name: string,
    bytes: Uint8Array,
    at: (bytes: number) => void,
  ): Generator<void, number> {
    const now = this.keyspace.clock.now();
    const dbs = this.keyspace.dbs;
    let keys = 0;
    let expired = 0;
    try {
      const steps = decodeRdbSteps(bytes, {
        aux: auxLogger((m) => this.log("notice", m)),
        entry: (db, e) => {
          if (db >= dbs.length) throw new RdbFormatError("database out of range");
          if (e.expireAt !== null && e.expireAt <= now) {
            expired++;
            return;
          }
          const database = dbs[db];
          database.set(e.key, fromRdbObject(e.value));
          const field = this.keyspace.access.restored(e.freq, e.idle);
          if (field !== null) database.setAccessField(e.key, field);
          if (e.expireAt !== null) database.setExpiry(e.key, e.expireAt);
          keys++;
        },
      });
      for (let step = steps.next(); !step.done; step = steps.next()) {
        at(step.value);
        yield;
      }
      this.log("notice", doneLoadingRdb(keys, expired));
    } catch (e: unknown) {
      if (e instanceof RdbFormatError) {
        throw new AofLoadError(`Bad file format reading the AOF base ${name}: ${e.message}`);
      }
      throw e;
    }
    return keys;
  }

  /**
   * Starts appending: opens the last incremental file, or (no AOF yet) writes a base of the
   * current dataset, an empty incremental file and the manifest.
   */
  start(): void {
    if (this.#incr !== null) return;
    Deno.mkdirSync(this.dirPath, { recursive: true });
    if (this.#manifest === null) {
      this.#baseSeq = 1;
      this.#incrSeq = 1;
      const base = this.#baseName(1);
      this.#baseBytes = this.#writeBaseSync(base);
      this.#manifest = {
        base: { name: base, seq: 1, type: "b" },
        history: [],
        incrs: [{ name: this.#incrName(1), seq: 1, type: "i" }],
      };
      this.#openIncr(this.#incrName(1), true);
      this.#writeManifest(this.#manifest);
    } else {
      const m = this.#manifest;
      this.#baseSeq = m.base?.seq ?? 0;
      let last = m.incrs[m.incrs.length - 1];
      if (last === undefined) {
        last = { name: this.#incrName(1), seq: 1, type: "i" };
        m.incrs.push(last);
        this.#openIncr(last.name, true);
        this.#writeManifest(m);
      } else {
        this.log("notice", `Opening AOF incr file ${last.name} on server start`);
        this.#openIncr(last.name, false);
      }
      this.#incrSeq = last.seq;
    }
    this.#timer = setInterval(() => this.#everySecond(), 1000);
  }

  /**
   * CONFIG SET appendonly yes: the AOF starts from the dataset as it is now (a new base
   * written at once, a new empty increment); files of an earlier AOF are replaced.
   */
  enable(): void {
    if (this.#incr !== null) return;
    Deno.mkdirSync(this.dirPath, { recursive: true });
    // An earlier AOF's files (an unreadable manifest is replaced by the new one).
    const old = this.#manifestOnDisk();
    const seq = old === null ? 1 : nextSeq(old);
    const base = this.#baseName(seq);
    this.#baseBytes = this.#writeBaseSync(base);
    const manifest: AofManifest = {
      base: { name: base, seq, type: "b" },
      history: [],
      incrs: [{ name: this.#incrName(seq), seq, type: "i" }],
    };
    this.#openIncr(this.#incrName(seq), true);
    this.#writeManifest(manifest);
    this.#manifest = manifest;
    this.#baseSeq = seq;
    this.#incrSeq = seq;
    for (const e of [...(old?.base ? [old.base] : []), ...(old?.incrs ?? [])]) {
      try {
        Deno.removeSync(`${this.dirPath}/${e.name}`);
      } catch { /* already gone */ }
    }
    this.#timer ??= setInterval(() => this.#everySecond(), 1000);
    this.log("notice", "Append only file enabled with a new base of the current dataset");
  }

  #baseName(seq: number): string {
    return `${this.settings.appendfilename}.${seq}.base.rdb`;
  }

  #incrName(seq: number): string {
    return `${this.settings.appendfilename}.${seq}.incr.aof`;
  }

  #openIncr(name: string, create: boolean): void {
    const path = `${this.dirPath}/${name}`;
    this.#incr = Deno.openSync(path, { append: true, create, write: true });
    this.#incrBytes = Deno.statSync(path).size;
    this.#selectedDb = -1;
  }

  #writeBaseSync(name: string): number {
    const snapshot = new KeyspaceSnapshot(
      this.keyspace,
      this.#aux(),
      [],
      this.settings.rdbcompression,
    );
    snapshot.completeNow();
    const temp = `${this.dirPath}/temp-rewriteaof-${Deno.pid}.rdb`;
    const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    let size = 0;
    try {
      for (let chunk = snapshot.next(); chunk !== null; chunk = snapshot.next()) {
        writeAllSync(file, chunk);
        size += chunk.length;
      }
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, `${this.dirPath}/${name}`);
    return size;
  }

  #aux(): [string, string][] {
    return [
      ["redis-ver", REDIS_VERSION],
      ["redis-bits", "64"],
      ["ctime", String(Math.floor(Date.now() / 1000))],
      ["used-mem", String(Deno.memoryUsage().rss)],
      ["aof-base", "1"],
    ];
  }

  #writeManifest(m: AofManifest): void {
    const temp = `${this.dirPath}/temp-${this.settings.appendfilename}.manifest`;
    const file = Deno.openSync(temp, { write: true, create: true, truncate: true });
    try {
      writeAllSync(file, new TextEncoder().encode(formatManifest(m)));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(temp, this.#manifestPath);
    this.#syncDir();
  }

  #syncDir(): void {
    try {
      const dir = Deno.openSync(this.dirPath, { read: true });
      try {
        dir.syncSync();
      } finally {
        dir.close();
      }
    } catch {
      // Not every platform can fsync a directory; the rename is still atomic.
    }
  }

  /** Appends commands (a unit: MULTI/EXEC already placed by the caller). */
  append(commands: readonly Propagated[]): void {
    if (this.#incr === null) return;
    for (const { db, argv } of commands) this.appendCommand(db, argv);
  }

  /** Appends one command run in database `db` (null: any database, e.g. FLUSHALL). */
  appendCommand(db: number | null, argv: readonly string[]): void {
    if (this.#incr === null) return;
    if (this.#runBuf !== null) this.endBatch();
    if (db !== null && db !== this.#selectedDb) {
      this.#pending.bulkArray(["SELECT", String(db)]);
      this.#selectedDb = db;
    }
    this.#pending.bulkArray(argv);
  }

  /**
   * Appends the request `buf[start, end)` (a RESP array of bulk strings, as a client sent
   * it) run in database `db`: the same bytes `appendCommand` would encode from its argv.
   * The bytes stay where they are until `endBatch` (the caller keeps `buf` as it is until
   * then): the requests of a pipeline are copied with one copy, not one each.
   */
  appendRequest(db: number, buf: Uint8Array, start: number, end: number): void {
    if (this.#incr === null) return;
    if (buf === this.#runBuf && start === this.#runEnd && db === this.#selectedDb) {
      this.#runEnd = end;
      return;
    }
    if (this.#runBuf !== null) this.endBatch();
    if (db !== this.#selectedDb) {
      this.#pending.bulkArray(["SELECT", String(db)]);
      this.#selectedDb = db;
    }
    this.#runBuf = buf;
    this.#runStart = start;
    this.#runEnd = end;
  }

  /** Copies the requests recorded as sent into the buffer: their bytes may change now. */
  endBatch(): void {
    const buf = this.#runBuf;
    if (buf === null) return;
    this.#pending.rawRange(buf, this.#runStart, this.#runEnd);
    this.#runBuf = null;
  }

  get #runLength(): number {
    return this.#runBuf === null ? 0 : this.#runEnd - this.#runStart;
  }

  /** Bytes appended so far: a client's replies wait until this much is durable (always). */
  get appendedOffset(): number {
    return this.#written + this.#pending.length + this.#runLength;
  }

  /** Writes what is buffered to the file (page cache); Redis does this before replying. */
  flush(): void {
    if (this.#runBuf !== null) this.endBatch();
    const n = this.#pending.length;
    if (n === 0 || this.#incr === null) return;
    const latency = this.latency;
    if (latency !== null && latency.enabled) {
      const started = performance.now();
      writeAllSync(this.#incr, this.#pending.bytes());
      const ms = performance.now() - started;
      // as Redis's flushAppendOnlyFile: one event by circumstance, and aof-write for all
      latency.sampleIfNeeded(
        this.#syncing
          ? "aof-write-pending-fsync"
          : this.#rewrite !== null
          ? "aof-write-active-child"
          : "aof-write-alone",
        ms,
      );
      latency.sampleIfNeeded("aof-write", ms);
    } else writeAllSync(this.#incr, this.#pending.bytes());
    this.#pending.clear();
    this.#written += n;
    this.#incrBytes += n;
  }

  /**
   * Resolves once `offset` bytes are as durable as `appendfsync` promises: on disk for
   * `always`, written for the others; null when they are already. As Redis's beforeSleep:
   * one write (and, for `always`, one fdatasync) per turn of the event loop, for every
   * client whose replies leave in it.
   */
  durable(offset: number): Promise<void> | null {
    if (this.#incr === null) return null;
    const done = this.settings.appendfsync === "always" ? this.#durable : this.#written;
    if (offset <= done) return null;
    return this.#turnFlush ??= Promise.resolve().then(() => {
      this.#turnFlush = null;
      this.flush();
      this.#syncIfAlways();
    });
  }

  #syncIfAlways(): void {
    if (
      this.settings.appendfsync !== "always" || this.#incr === null ||
      this.#durable >= this.#written
    ) return;
    const file = this.#incr;
    timed(this.latency, "aof-fsync-always", () => file.syncDataSync());
    this.#durable = this.#written;
  }

  #everySecond(): void {
    this.flush();
    if (
      this.settings.appendfsync === "everysec" && this.#incr !== null &&
      this.#durable < this.#written
    ) {
      const target = this.#written;
      this.#syncing = true;
      // fdatasync, as Redis's redis_fsync on Linux: the file's data and size, not its times
      this.#incr.syncData().then(() => {
        this.#durable = Math.max(this.#durable, target);
      }).catch((e) => this.log("warning", `fsync of the AOF failed: ${e}`))
        .finally(() => (this.#syncing = false));
    }
    this.#maybeAutoRewrite();
  }

  #maybeAutoRewrite(): void {
    const pct = this.settings.autoAofRewritePercentage;
    if (pct === 0 || this.#rewrite !== null || this.#incr === null) return;
    const base = Math.max(this.#baseBytes, 1);
    const size = this.#baseBytes + this.#incrBytes;
    if (size < this.settings.autoAofRewriteMinSize) return;
    if (((size - base) * 100) / base >= pct) {
      this.log(
        "notice",
        `Starting automatic rewriting of AOF on ${
          Math.round(((size - base) * 100) / base)
        }% growth`,
      );
      this.rewrite().catch(() => {});
    }
  }

  /**
   * BGREWRITEAOF: a new incremental file now, a new base of this moment written a slice
   * per turn, then the manifest switches to them and the old files are removed.
   */
  rewrite(): Promise<void> {
    if (this.#rewrite !== null) {
      throw new Error("ERR Background append only file rewriting already in progress");
    }
    if (this.#incr === null || this.#manifest === null) return this.#rewriteWhileOff();
    this.flush();
    this.#syncIfAlways(); // what `always` promised is on disk before the file is closed
    const old = this.#manifest;
    const baseSeq = this.#baseSeq + 1;
    const incrSeq = this.#incrSeq + 1;
    const incr = { name: this.#incrName(incrSeq), seq: incrSeq, type: "i" as const };
    this.#incr.close();
    this.#openIncr(incr.name, true);
    this.#incrSeq = incrSeq;
    this.#incrBytes = 0;
    // Until the base is done, a restart loads the old files plus the new increment.
    this.#manifest = { base: old.base, history: [], incrs: [...old.incrs, incr] };
    this.#writeManifest(this.#manifest);
    const snapshot = new KeyspaceSnapshot(
      this.keyspace,
      this.#aux(),
      [],
      this.settings.rdbcompression,
    );
    this.#rewriteSnapshot = snapshot;
    return this.#startRewrite(snapshot, baseSeq, incr, old);
  }

  #startRewrite(
    snapshot: KeyspaceSnapshot,
    seq: number,
    incr: { name: string; seq: number; type: "i" } | null,
    old: AofManifest,
  ): Promise<void> {
    this.#rewriteSnapshot = snapshot;
    this.log("notice", "Background append only file rewriting started");
    this.#rewrite = this.#writeBase(snapshot, seq, incr, old).finally(() => {
      snapshot.close();
      this.#rewrite = null;
      this.#rewriteSnapshot = null;
    });
    return this.#rewrite;
  }

  /**
   * BGREWRITEAOF with appendonly no, as Redis 7.0: a new base of this moment and a manifest
   * naming only it (no increment), replacing the files of an earlier AOF.
   */
  #rewriteWhileOff(): Promise<void> {
    Deno.mkdirSync(this.dirPath, { recursive: true });
    const old = this.#manifestOnDisk() ?? { base: null, history: [], incrs: [] };
    const snapshot = new KeyspaceSnapshot(
      this.keyspace,
      this.#aux(),
      [],
      this.settings.rdbcompression,
    );
    return this.#startRewrite(snapshot, nextSeq(old), null, old);
  }

  /** The manifest in `dir` (null when there is none, or it cannot be read). */
  #manifestOnDisk(): AofManifest | null {
    try {
      return parseManifest(Deno.readTextFileSync(this.#manifestPath));
    } catch {
      return null;
    }
  }

  async #writeBase(
    snapshot: KeyspaceSnapshot,
    seq: number,
    incr: { name: string; seq: number; type: "i" } | null,
    old: AofManifest,
  ): Promise<void> {
    const name = this.#baseName(seq);
    const temp = `${this.dirPath}/temp-rewriteaof-bg-${Deno.pid}.rdb`;
    let file: Deno.FsFile | null = null;
    try {
      file = await Deno.open(temp, { write: true, create: true, truncate: true });
      let size = 0;
      for (let chunk = snapshot.next(); chunk !== null; chunk = snapshot.next()) {
        await writeAll(file, chunk);
        size += chunk.length;
        await nextTurn();
      }
      await file.sync();
      file.close();
      file = null;
      if (incr === null && this.#incr !== null) {
        // appendonly was turned on meanwhile, with a base of its own: this one is moot.
        throw new Error("the AOF was enabled during the rewrite");
      }
      const renameStarted = performance.now();
      await Deno.rename(temp, `${this.dirPath}/${name}`);
      if (this.latency?.enabled) {
        this.latency.sampleIfNeeded("aof-rename", performance.now() - renameStarted);
      }
      const next: AofManifest = {
        base: { name, seq, type: "b" },
        history: [],
        incrs: incr === null ? [] : [incr],
      };
      this.#writeManifest(next);
      this.#manifest = next;
      this.#baseSeq = seq;
      this.#baseBytes = size;
      for (const e of [...(old.base ? [old.base] : []), ...old.incrs]) {
        await Deno.remove(`${this.dirPath}/${e.name}`).catch(() => {});
      }
      this.#lastRewriteOk = true;
      this.#rewrites++;
      this.log("notice", "Background AOF rewrite finished successfully");
    } catch (e: unknown) {
      file?.close();
      await Deno.remove(temp).catch(() => {});
      this.#lastRewriteOk = false;
      this.log("warning", `Background AOF rewrite failed: ${e instanceof Error ? e.message : e}`);
    }
  }

  /** Resolves when a running rewrite has ended. */
  async waitForRewrite(): Promise<void> {
    await this.#rewrite?.catch(() => {});
  }

  /** Stops appending (CONFIG SET appendonly no, shutdown): flushes and fsyncs first. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.waitForRewrite();
    if (this.#incr === null) return;
    this.flush();
    try {
      this.#incr.syncSync();
    } finally {
      this.#incr.close();
      this.#incr = null;
    }
  }
}

/** The sequence number after every file `manifest` names. */
function nextSeq(manifest: AofManifest): number {
  return Math.max(manifest.base?.seq ?? 0, ...manifest.incrs.map((e) => e.seq)) + 1;
}
