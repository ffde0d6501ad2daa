/**
 * Redis 7.0's multi-part AOF layout: a directory (`appenddirname`) holding one base file
 * (an RDB snapshot, `<appendfilename>.<seq>.base.rdb`), the incremental files written
 * since (`<appendfilename>.<seq>.incr.aof`, RESP commands), and the manifest that lists
 * them (`<appendfilename>.manifest`, one `file <name> seq <n> type <b|h|i>` line each).
 * The manifest is replaced atomically (temp file, fsync, rename), so a crash leaves
 * either the old set of files or the new one.
 */

export type AofFileType = "b" | "h" | "i";

export interface AofFileEntry {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface AofManifest {
  base: AofFileEntry | null;
  /** History files (left from a rewrite, deleted once the new manifest is in place). */
  history: AofFileEntry[];
  incrs: AofFileEntry[];
}

/** A manifest Redis would not load. */
export class AofManifestError extends Error {}

/** Redis quotes a name with spaces or special characters (sdscatrepr). */
function quote(name: string): string {
  if (/^[!-~]+$/.test(name) && !/["'\\]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || c > 126) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** Splits a manifest line as Redis's sdssplitargs does (enough for the names it writes). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    if (line[i] === '"') {
      let word = "";
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && i + 1 < line.length) {
          const n = line[++i];
          if (n === "x" && /^[0-9a-f]{2}$/i.test(line.slice(i + 1, i + 3))) {
            word += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
            i += 2;
          } else word += n === "n" ? "\n" : n === "r" ? "\r" : n === "t" ? "\t" : n;
        } else word += line[i];
        i++;
      }
      if (i >= line.length) throw new AofManifestError("unbalanced quotes in manifest");
      i++;
      out.push(word);
    } else {
      let word = "";
      while (i < line.length && !/\s/.test(line[i])) word += line[i++];
      out.push(word);
    }
  }
  return out;
}

export function formatManifest(m: AofManifest): string {
  const line = (e: AofFileEntry) => `file ${quote(e.name)} seq ${e.seq} type ${e.type}\n`;
  return [...(m.base ? [m.base] : []), ...m.history, ...m.incrs].map(line).join("");
}

export function parseManifest(text: string): AofManifest {
  const m: AofManifest = { base: null, history: [], incrs: [] };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = splitLine(line);
    if (words.length % 2 !== 0) throw new AofManifestError("Invalid AOF manifest file format");
    const fields = new Map<string, string>();
    for (let i = 0; i < words.length; i += 2) fields.set(words[i], words[i + 1]);
    const name = fields.get("file");
    const seq = Number(fields.get("seq"));
    const type = fields.get("type");
    if (
      name === undefined || !Number.isInteger(seq) || seq < 1 || !["b", "h", "i"].includes(type!)
    ) {
      throw new AofManifestError("Invalid AOF manifest file format");
    }
    const entry: AofFileEntry = { name, seq, type: type as AofFileType };
    if (type === "b") {
      if (m.base !== null) throw new AofManifestError("Found duplicate base file information");
      m.base = entry;
    } else if (type === "h") m.history.push(entry);
    else {
      if (m.incrs.length !== 0 && m.incrs[m.incrs.length - 1].seq >= seq) {
        throw new AofManifestError("Found a non-monotonic sequence number");
      }
      m.incrs.push(entry);
    }
  }
  if (m.base === null && m.incrs.length === 0) {
    throw new AofManifestError("Found an empty AOF manifest");
  }
  return m;
}
