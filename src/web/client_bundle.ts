/**
 * GENERATED from src/web/client.ts by scripts/build_client.ts (`deno task build:client`);
 * do not edit. The browser client as one ES module, served at /client.js by assets.ts.
 */

export const CLIENT_JS = `// src/protocol/frame.ts
var ProtocolError = class extends Error {
  constructor(detail) {
    super(\`Protocol error: \${detail}\`);
    this.name = "ProtocolError";
  }
};
var INCOMPLETE = -1;

// src/protocol/latin1.ts
var CHUNK = 8192;
var fcc = String.fromCharCode;
var NATIVE_MIN = 48;
var asciiDecoder = new TextDecoder("utf-8", {
  ignoreBOM: true
});
function decodeAscii(buf, start, end) {
  const s = asciiDecoder.decode(buf.subarray(start, end));
  return s.length === end - start && s.indexOf("\\uFFFD") < 0 ? s : null;
}
var SCRATCH = Array.from({
  length: NATIVE_MIN
}, (_, n) => new Array(n).fill(0));
function fromScratch(buf, start, len) {
  const codes = SCRATCH[len];
  for (let i = 0; i < len; i++) codes[i] = buf[start + i];
  return fcc.apply(null, codes);
}
function bytesToString(buf, start, end) {
  const len = end - start;
  if (len >= NATIVE_MIN) {
    const ascii = decodeAscii(buf, start, end);
    if (ascii !== null) return ascii;
  }
  const b = buf, s = start;
  switch (len) {
    case 0:
      return "";
    case 1:
      return fcc(b[s]);
    case 2:
      return fcc(b[s], b[s + 1]);
    case 3:
      return fcc(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8]);
    case 10:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9]);
    case 11:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10]);
    case 12:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11]);
    case 13:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12]);
    case 14:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13]);
    case 15:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14]);
    case 16:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7], b[s + 8], b[s + 9], b[s + 10], b[s + 11], b[s + 12], b[s + 13], b[s + 14], b[s + 15]);
  }
  if (len < NATIVE_MIN) return fromScratch(buf, start, len);
  if (len <= CHUNK) {
    return String.fromCharCode.apply(null, buf.subarray(start, end));
  }
  const parts = [];
  for (let i = start; i < end; i += CHUNK) {
    const j = Math.min(end, i + CHUNK);
    parts.push(String.fromCharCode.apply(null, buf.subarray(i, j)));
  }
  return parts.join("");
}
var utf8Encoder = new TextEncoder();
var utf8Decoder = new TextDecoder();

// src/protocol/recent_strings.ts
var SLOTS = 1024;
var slots = new Array(SLOTS).fill("");

// src/protocol/inline.ts
var NUL = 0;
var ENDS_UNQUOTED_RUN = new Uint8Array(256);
for (const c of [
  32,
  10,
  13,
  9,
  NUL,
  34,
  39
]) ENDS_UNQUOTED_RUN[c] = 1;

// src/protocol/request_parser.ts
var INLINE_MAX = 64 * 1024;
function parseLength(buf, start, end) {
  if (start >= end) return null;
  let p = start;
  let negative = false;
  if (buf[p] === 45) {
    negative = true;
    if (++p === end) return null;
  }
  if (buf[p] === 48) return end - start === 1 ? 0 : null;
  const digits = end - p;
  if (digits > 19) return null;
  let v = 0;
  for (; p < end; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (digits === 19 && !withinInt64(buf, end - 19, negative)) return null;
  return negative ? -v : v;
}
var INT64_LIMIT = "9223372036854775807";
function withinInt64(buf, from, negative) {
  for (let i = 0; i < 19; i++) {
    const limit = INT64_LIMIT.charCodeAt(i) + (negative && i === 18 ? 1 : 0);
    if (buf[from + i] !== limit) return buf[from + i] < limit;
  }
  return true;
}

// src/protocol/frame_codec.ts
var CR = 13;
var textDecoder = new TextDecoder();
var textEncoder = new TextEncoder();
function lineEnd(buf, from, end) {
  for (let i = from; i + 1 < end; i++) if (buf[i] === CR && buf[i + 1] === 10) return i;
  return -1;
}
function isBigNumber(buf, start, end) {
  if (buf[start] === 45 || buf[start] === 43) start++;
  if (start >= end) return false;
  for (let i = start; i < end; i++) if (buf[i] < 48 || buf[i] > 57) return false;
  return true;
}
var DOUBLE = /^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$/;
function parseDouble(text) {
  switch (text.toLowerCase()) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
      return NaN;
  }
  if (!DOUBLE.test(text)) throw new ProtocolError("invalid double");
  return Number(text);
}
function lengthOf(buf, start, end, what) {
  const n = parseLength(buf, start, end);
  if (n === null || n < -1) throw new ProtocolError(\`invalid \${what} length\`);
  return n;
}
function checkFrame(buf, start, end) {
  let p = start;
  let remaining = 1;
  const outer = [];
  for (; ; ) {
    if (p >= end) return INCOMPLETE;
    const type = buf[p];
    const cr = lineEnd(buf, p + 1, end);
    if (cr < 0) return INCOMPLETE;
    let next = cr + 2;
    let children = 0;
    switch (type) {
      case 43:
      case 45:
      case 44:
      case 95:
        break;
      case 58:
        if (parseLength(buf, p + 1, cr) === null) throw new ProtocolError("invalid integer");
        break;
      case 35:
        if (cr !== p + 2 || buf[p + 1] !== 116 && buf[p + 1] !== 102) {
          throw new ProtocolError("invalid boolean");
        }
        break;
      case 40:
        if (!isBigNumber(buf, p + 1, cr)) throw new ProtocolError("invalid big number");
        break;
      case 36:
      case 33:
      case 61: {
        const len = lengthOf(buf, p + 1, cr, "bulk");
        if (len >= 0) {
          if (end - next < len + 2) return INCOMPLETE;
          next += len + 2;
        }
        break;
      }
      case 42:
      case 126:
      case 62:
        children = lengthOf(buf, p + 1, cr, "multibulk");
        break;
      case 37:
        children = 2 * lengthOf(buf, p + 1, cr, "multibulk");
        break;
      case 124:
        children = 2 * lengthOf(buf, p + 1, cr, "multibulk");
        remaining++;
        break;
      default:
        throw new ProtocolError(\`invalid type byte '\${String.fromCharCode(type)}'\`);
    }
    p = next;
    remaining--;
    if (children > 0) {
      outer.push(remaining);
      remaining = children;
    }
    while (remaining === 0) {
      if (outer.length === 0) return p;
      remaining = outer.pop();
    }
  }
}
function lineText(buf, start, end) {
  for (let i = start; i < end; i++) {
    if (buf[i] > 127) return textDecoder.decode(buf.subarray(start, end));
  }
  return bytesToString(buf, start, end);
}
function longInteger(buf, start, cr) {
  if (parseLength(buf, start, cr) === null) throw new ProtocolError("invalid integer");
  const text = lineText(buf, start, cr);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}
function lineFrame(buf, type, p, cr) {
  switch (type) {
    case 43:
      return {
        kind: "simple",
        value: lineText(buf, p + 1, cr)
      };
    case 45:
      return {
        kind: "error",
        value: lineText(buf, p + 1, cr)
      };
    case 44:
      return {
        kind: "double",
        value: parseDouble(lineText(buf, p + 1, cr))
      };
    case 35:
      if (cr !== p + 2 || buf[p + 1] !== 116 && buf[p + 1] !== 102) {
        throw new ProtocolError("invalid boolean");
      }
      return {
        kind: "boolean",
        value: buf[p + 1] === 116
      };
    case 40:
      if (!isBigNumber(buf, p + 1, cr)) throw new ProtocolError("invalid big number");
      return {
        kind: "bignum",
        value: BigInt(lineText(buf, p + 1, cr))
      };
    case 95:
      return {
        kind: "null"
      };
  }
  throw new ProtocolError(\`invalid type byte '\${String.fromCharCode(type)}'\`);
}
function textBodyFrame(type, bytes) {
  if (type === 33) return {
    kind: "error",
    value: textDecoder.decode(bytes)
  };
  return {
    kind: "verbatim",
    format: textDecoder.decode(bytes.subarray(0, 3)),
    value: bytes.subarray(4)
  };
}
function aggregate(type, items) {
  switch (type) {
    case 42:
      return {
        kind: "array",
        value: items
      };
    case 126:
      return {
        kind: "set",
        value: items
      };
    case 62:
      return {
        kind: "push",
        value: items
      };
    case 37: {
      const pairs = [];
      for (let i = 0; i < items.length; i += 2) pairs.push([
        items[i],
        items[i + 1]
      ]);
      return {
        kind: "map",
        value: pairs
      };
    }
  }
  return items[items.length - 1];
}
var NO_BYTES = new Uint8Array(0);
var NO_ITEMS = [];
var MIN_FRAME = 3;
var MAX_RECURSION = 16;
var FrameDecoder = class {
  /** Where the frame the last successful \`decode\` returned ends. */
  end = 0;
  // \`buf.buffer\` is a getter costing about a third of making a view (measured, see
  // BENCHMARKS.md): read once per buffer, not once per call or per bulk.
  #lastBuf = NO_BYTES;
  #memory = NO_BYTES.buffer;
  #offset = 0;
  // The deepest call's open aggregates around its innermost one; emptied as they close,
  // and when a call returns INCOMPLETE or throws, so no frame outlives its call here.
  #openItems = [];
  #openIndex = [];
  #openType = [];
  /** The frame at \`buf[start]\`, whose bytes are buffered up to \`end\`, or \`INCOMPLETE\`. */
  decode(buf, start, end) {
    if (buf !== this.#lastBuf) {
      this.#lastBuf = buf;
      this.#memory = buf.buffer;
      this.#offset = buf.byteOffset;
    }
    return this.#frame(buf, start, end, 0);
  }
  /** \`#frame\` at the deepest level, the only one that uses the explicit stack. */
  #deepest(buf, start, end) {
    try {
      return this.#frame(buf, start, end, MAX_RECURSION);
    } catch (e) {
      this.#openItems.fill(NO_ITEMS);
      throw e;
    }
  }
  /**
   * The one pass (see the class comment) over the frame at \`buf[start]\`, \`level\` calls
   * deep; sets \`end\`. Elements go straight into an array sized from the count. A null aggregate (\`*-1\`, and \`%-1\`, \`~-1\`, \`>-1\` alike) is the
   * null frame; an attribute (\`|\`) is read as a map followed by the value it annotates.
   */
  #frame(buf, start, end, level) {
    const memory = this.#memory;
    const offset = this.#offset;
    let items = NO_ITEMS;
    let index = 0;
    let type = 0;
    let depth = 0;
    let p = start;
    for (; ; ) {
      if (p >= end) return this.#incomplete(depth);
      const t = buf[p];
      let frame;
      read: if (depth > 0 && level < MAX_RECURSION && (t === 42 || t === 37 || t === 126 || t === 62 || t === 124)) {
        const inner = level + 1 < MAX_RECURSION ? this.#frame(buf, p, end, level + 1) : this.#deepest(buf, p, end);
        if (inner === INCOMPLETE) return this.#incomplete(depth);
        frame = inner;
        p = this.end;
      } else if (t === 58 || t === 36 || t === 42 || t === 37 || t === 126 || t === 62 || t === 124 || t === 33 || t === 61) {
        let line = p + 1;
        let n = 0;
        plain: {
          for (; ; ) {
            const negative = buf[line] === 45;
            const first = negative ? line + 1 : line;
            let q = first;
            let c = 0;
            n = 0;
            while (q < end) {
              c = buf[q];
              const d = c ^ 48;
              if (d > 9) break;
              n = n * 10 + d;
              q++;
            }
            const digits = q - first;
            if (c !== CR || q + 1 >= end || buf[q + 1] !== 10 || digits === 0 || digits > 15 || buf[first] === 48 && (digits > 1 || negative)) break;
            if (negative) n = -n;
            p = q + 2;
            if (t !== 58) break plain;
            if (index + 1 < items.length && p < end && buf[p] === 58) {
              items[index++] = {
                kind: "integer",
                value: n
              };
              line = p + 1;
              continue;
            }
            frame = {
              kind: "integer",
              value: n
            };
            break read;
          }
          const cr = lineEnd(buf, line, end);
          if (cr < 0) return this.#incomplete(depth);
          p = cr + 2;
          if (t === 58) {
            frame = {
              kind: "integer",
              value: longInteger(buf, line, cr)
            };
            break read;
          }
          n = lengthOf(buf, line, cr, t === 36 || t === 33 || t === 61 ? "bulk" : "multibulk");
        }
        if (t === 36 || t === 33 || t === 61) {
          if (n < 0) {
            if (n < -1) throw new ProtocolError("invalid bulk length");
            frame = {
              kind: "null"
            };
          } else {
            if (end - p < n + 2) return this.#incomplete(depth);
            const value = new Uint8Array(memory, offset + p, n);
            frame = t === 36 ? {
              kind: "bulk",
              value
            } : textBodyFrame(t, value);
            p += n + 2;
          }
        } else {
          if (n < -1) throw new ProtocolError("invalid multibulk length");
          const size = t === 37 ? 2 * n : t === 124 ? 2 * Math.max(n, 0) + 1 : n;
          if (n < 0 && t !== 124) {
            frame = {
              kind: "null"
            };
          } else if (size === 0) {
            frame = aggregate(t, []);
          } else {
            if (end - p < MIN_FRAME * size) return this.#incomplete(depth);
            if (depth > 0) {
              this.#openItems[depth - 1] = items;
              this.#openIndex[depth - 1] = index;
              this.#openType[depth - 1] = type;
            }
            depth++;
            items = new Array(size);
            index = 0;
            type = t;
            continue;
          }
        }
      } else {
        const cr = lineEnd(buf, p + 1, end);
        if (cr < 0) return this.#incomplete(depth);
        frame = lineFrame(buf, t, p, cr);
        p = cr + 2;
      }
      for (; ; ) {
        if (depth === 0) {
          this.end = p;
          return frame;
        }
        items[index++] = frame;
        if (index < items.length) break;
        frame = aggregate(type, items);
        if (--depth > 0) {
          items = this.#openItems[depth - 1];
          index = this.#openIndex[depth - 1];
          type = this.#openType[depth - 1];
          this.#openItems[depth - 1] = NO_ITEMS;
        }
      }
    }
  }
  /** Drops the references the stack holds for \`depth\` open aggregates (none is returned). */
  #incomplete(depth) {
    for (let i = 0; i < depth - 1; i++) this.#openItems[i] = NO_ITEMS;
    return INCOMPLETE;
  }
};
function encodeCommand(args) {
  const parts = args.map((a) => a instanceof Uint8Array ? a : textEncoder.encode(String(a)));
  let size = 3 + String(parts.length).length;
  for (const p of parts) size += 5 + String(p.length).length + p.length;
  const out = new Uint8Array(size);
  let pos = 0;
  const ascii = (s) => {
    for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  };
  ascii(\`*\${parts.length}\\r
\`);
  for (const p of parts) {
    ascii(\`$\${p.length}\\r
\`);
    out.set(p, pos);
    pos += p.length;
    ascii("\\r\\n");
  }
  return out;
}

// src/protocol/byte_reader.ts
var MIN_FREE = 16 * 1024;
var MIN_READ = 1024;
var MAX_READ = 64 * 1024;
var ByteReader = class {
  buf;
  start = 0;
  end = 0;
  #reader;
  /** The scratch buffer of \`readAside\`, null while such a read holds it. */
  #aside = null;
  #readSize;
  /** Free space offered to the read in flight. */
  #offered = 0;
  constructor(stream, initialSize = 64 * 1024) {
    this.buf = new Uint8Array(initialSize);
    this.#readSize = Math.max(MIN_READ, Math.min(MIN_FREE, initialSize));
    this.#reader = stream.getReader({
      mode: "byob"
    });
  }
  /** Number of unconsumed bytes. */
  get buffered() {
    return this.end - this.start;
  }
  /** Marks bytes before \`offset\` as consumed. */
  consume(offset) {
    this.start = offset;
    if (this.start === this.end) this.start = this.end = 0;
  }
  /**
   * Reads at least one more byte; false at the end of the stream. \`wanted\` is how many
   * unconsumed bytes the caller needs in all (a large bulk still arriving), so the buffer
   * can grow once to hold it rather than many times.
   */
  async fill(wanted = 0) {
    return this.commit(await this.read(wanted));
  }
  /**
   * The two halves of \`fill()\`, for a loop that awaits the stream's own promise rather
   * than one more async function per read (the session's hot loop): start a read into
   * the free space, then \`commit\` its result, which must be this read's, before any
   * other call. \`commit\` returns false at the end of the stream.
   */
  read(wanted = 0) {
    this.#makeRoom(wanted);
    this.#offered = this.buf.length - this.end;
    return this.#reader.read(new Uint8Array(this.buf.buffer, this.end, this.#offered));
  }
  commit(result) {
    const value = result.value;
    if (value) {
      this.buf = new Uint8Array(value.buffer);
      const n = value.byteLength;
      this.end += n;
      if (n === this.#offered) this.#readSize = Math.min(this.#readSize * 2, MAX_READ);
      else if (n < this.#readSize / 4) this.#readSize = Math.max(this.#readSize / 2, MIN_READ);
    }
    return !result.done;
  }
  /**
   * A read into a separate scratch buffer, so \`buf\` stays usable (not transferred) while it
   * is pending: a blocked client's session waits this way for more bytes or the end of the
   * stream while the requests it buffered wait to be parsed. \`commitAside\` appends what
   * it got after the unconsumed bytes; it must be this read's result.
   */
  readAside() {
    this.#aside ??= new Uint8Array(MIN_FREE);
    const view = this.#aside;
    this.#aside = null;
    return this.#reader.read(view);
  }
  commitAside(result) {
    const value = result.value;
    if (value) {
      if (value.byteLength !== 0) {
        this.#makeRoom(this.end - this.start + value.byteLength);
        this.buf.set(value, this.end);
        this.end += value.byteLength;
      }
      this.#aside = new Uint8Array(value.buffer);
    }
    return !result.done;
  }
  #makeRoom(wanted) {
    const used = this.end - this.start;
    const free = this.#readSize;
    const need = Math.max(used + free, wanted);
    if (this.buf.length - this.end >= free && this.buf.length - this.start >= wanted) return;
    if (need <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      let size = Math.max(this.buf.length * 2, MIN_READ);
      while (size < need) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(this.start, this.end));
      this.buf = grown;
    }
    this.start = 0;
    this.end = used;
  }
  /** Gives back a buffer that one huge request grew, once it is consumed. */
  shrink(size = 64 * 1024) {
    if (this.end === this.start && this.buf.length > 16 * size) {
      this.buf = new Uint8Array(size);
      this.start = this.end = 0;
    }
  }
  /** Stops reading; the stream is cancelled. */
  async cancel() {
    try {
      await this.#reader.cancel();
    } catch {
    }
  }
};

// src/protocol/message_stream.ts
var encoder = new TextEncoder();
function messageStream() {
  let controller;
  let ended = false;
  const readable = new ReadableStream({
    type: "bytes",
    start(c) {
      controller = c;
    },
    cancel() {
      ended = true;
    }
  });
  return {
    readable,
    push(data) {
      if (ended) return;
      let bytes = typeof data === "string" ? encoder.encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
      if (bytes.length === 0) return;
      const request = controller.byobRequest;
      const view = request?.view;
      if (view) {
        if (bytes.length <= view.length) {
          view.set(bytes);
          return request.respond(bytes.length);
        }
        const n = view.length;
        view.set(bytes.subarray(0, n));
        request.respond(n);
        bytes = bytes.subarray(n);
      }
      if (bytes.length !== 0) controller.enqueue(bytes);
    },
    end() {
      if (ended) return;
      ended = true;
      try {
        controller.close();
        controller.byobRequest?.respond(0);
      } catch {
      }
    },
    get queued() {
      return ended ? 0 : Math.max(0, -(controller.desiredSize ?? 0));
    },
    get ended() {
      return ended;
    }
  };
}

// src/web/local_cache.ts
var ALL_KEYS = /* @__PURE__ */ new Set([
  "mget",
  "exists"
]);
function readKeys(args) {
  return ALL_KEYS.has(args[0].toLowerCase()) ? args.slice(1) : args.slice(1, 2);
}
var LocalCache = class {
  #entries = /* @__PURE__ */ new Map();
  #byKey = /* @__PURE__ */ new Map();
  hits = 0;
  misses = 0;
  invalidations = 0;
  /** The cached reply for \`args\`, or undefined (a miss: the caller reads and \`store\`s). */
  lookup(args) {
    const entry = this.#entries.get(commandKey(args));
    if (entry === void 0) return void 0;
    entry.hits++;
    this.hits++;
    return entry.value;
  }
  /** Remembers the read of \`args\` (in flight); a failed read forgets it again. */
  store(args, value) {
    this.misses++;
    const id = commandKey(args);
    const keys = readKeys(args);
    const entry = {
      keys,
      value,
      settled: false,
      hits: 0
    };
    this.#entries.set(id, entry);
    for (const k of keys) {
      let ids = this.#byKey.get(k);
      if (ids === void 0) this.#byKey.set(k, ids = /* @__PURE__ */ new Set());
      ids.add(id);
    }
    value.then(() => entry.settled = true, () => {
      if (this.#entries.get(id) === entry) this.#remove(id);
    });
    return value;
  }
  /** An \`invalidate\` push: drops every entry that read one of \`keys\` (null: all). */
  invalidate(keys) {
    this.invalidations++;
    if (keys === null) return this.clear();
    for (const k of keys) {
      const ids = this.#byKey.get(k);
      if (ids === void 0) continue;
      for (const id of [
        ...ids
      ]) this.#remove(id);
    }
  }
  /** Forgets everything (disconnect, FLUSHALL). */
  clear() {
    this.#entries.clear();
    this.#byKey.clear();
  }
  get size() {
    return this.#entries.size;
  }
  stats() {
    return {
      hits: this.hits,
      misses: this.misses,
      invalidations: this.invalidations,
      entries: [
        ...this.#entries
      ].map(([id, e]) => ({
        command: id.split("\\0").join(" "),
        keys: e.keys,
        hits: e.hits
      }))
    };
  }
  #remove(id) {
    const entry = this.#entries.get(id);
    if (entry === void 0) return;
    this.#entries.delete(id);
    for (const k of entry.keys) {
      const ids = this.#byKey.get(k);
      ids?.delete(id);
      if (ids?.size === 0) this.#byKey.delete(k);
    }
  }
};
function commandKey(args) {
  return [
    args[0].toUpperCase(),
    ...args.slice(1)
  ].join("\\0");
}

// src/web/client.ts
var RedisError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "RedisError";
  }
  /** The error's first word: "ERR", "WRONGTYPE", "NOAUTH", ... */
  get code() {
    const space = this.message.indexOf(" ");
    return space < 0 ? this.message : this.message.slice(0, space);
  }
};
var ConnectionError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ConnectionError";
  }
};
var SUB_KINDS = /* @__PURE__ */ new Set([
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe"
]);
var decoder = new TextDecoder();
var PendingQueue = class {
  #items = [];
  #head = 0;
  push(entry) {
    this.#items.push(entry);
  }
  peek() {
    return this.#items[this.#head];
  }
  shift() {
    if (this.#head >= this.#items.length) return void 0;
    const entry = this.#items[this.#head];
    this.#items[this.#head++] = void 0;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry;
  }
  /** Removes and returns every entry. */
  drain() {
    const all = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return all;
  }
};
function socketStream(ws) {
  const stream = messageStream();
  ws.addEventListener("message", (e) => stream.push(e.data));
  ws.addEventListener("close", () => stream.end());
  return stream.readable;
}
function frameText(f) {
  if (f.kind === "bulk" || f.kind === "verbatim") return decoder.decode(f.value);
  if (f.kind === "simple") return f.value;
  return null;
}
var Client = class {
  #ws;
  #options;
  #protocol = 2;
  #queue = [];
  #queuedBytes = 0;
  #flushScheduled = false;
  #pending = new PendingQueue();
  #closeInfo = {
    code: 1006,
    reason: ""
  };
  #closed = false;
  /** Handlers by channel / pattern, as the caller asked (updated at call time). */
  #channelHandlers = /* @__PURE__ */ new Map();
  #patternHandlers = /* @__PURE__ */ new Map();
  /** Subscriptions the server has confirmed (the truth for subscribed mode). */
  #serverChannels = /* @__PURE__ */ new Set();
  #serverPatterns = /* @__PURE__ */ new Set();
  /** Resolves when the connection has closed and every pending command was settled. */
  closed;
  /** Replies of \`cached\` reads; null until the first one turns tracking on. */
  #cache = null;
  /**
   * A reply array that swallowed push frames (see #onFrame): its elements so far and how
   * many more top-level frames complete it.
   */
  #partial = null;
  /** Use \`connect()\`: it waits for the socket to open and the HELLO to be answered. */
  constructor(ws, options = {}) {
    this.#ws = ws;
    this.#options = options;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("close", (e) => {
      this.#closed = true;
      this.#closeInfo = {
        code: e.code,
        reason: e.reason
      };
    });
    this.closed = this.#readLoop(new ByteReader(socketStream(ws), 16 * 1024));
  }
  /** The protocol in use (2 or 3). */
  get protocol() {
    return this.#protocol;
  }
  /** True until the connection closes. */
  get open() {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }
  /** Sends a command; resolves with its decoded reply, rejects with a \`RedisError\`. */
  send(...args) {
    return this.#command(args, "text");
  }
  /** Like \`send\`, but bulk strings come back as their exact bytes (\`Uint8Array\`). */
  sendBytes(...args) {
    return this.#command(args, "bytes");
  }
  /**
   * Like \`send\`, but resolves with the reply's protocol \`Frame\` itself (its exact RESP
   * type: simple vs bulk, integer vs double...), for tools that show replies as they are.
   */
  sendFrame(...args) {
    return this.#command(args, "frame");
  }
  /**
   * A read served from a local cache: the first call sends it (with the server tracking
   * the keys it reads); later calls with the same arguments are answered locally, until
   * any client changes one of those keys and the server's invalidation drops the entry.
   * \`db.cached("GET", "user:1")\`, \`db.cached("HGETALL", "cart")\`, \`db.cached("MGET", "a",
   * "b")\`: the key is the first argument (every argument for MGET and EXISTS). Needs RESP3
   * (the default). The cache is dropped when the connection closes.
   */
  cached(...args) {
    if (this.#protocol !== 3) {
      return Promise.reject(new RedisError("ERR cached() needs a RESP3 connection"));
    }
    if (this.#cache === null) {
      this.#cache = new LocalCache();
      this.#command([
        "CLIENT",
        "TRACKING",
        "on",
        "OPTIN"
      ], "text").catch(() => {
      });
    }
    const hit = this.#cache.lookup(args);
    if (hit !== void 0) return hit;
    this.#command([
      "CLIENT",
      "CACHING",
      "yes"
    ], "text").catch(() => {
    });
    return this.#cache.store(args, this.#command(args, "text"));
  }
  /** What the local cache holds and how often it answered (zeros before \`cached\`). */
  cacheStats() {
    return this.#cache?.stats() ?? {
      hits: 0,
      misses: 0,
      invalidations: 0,
      entries: []
    };
  }
  /** Subscribes to channels; resolves when the server confirmed them all. */
  subscribe(channels, handler) {
    return this.#subscribe("subscribe", this.#channelHandlers, channels, handler);
  }
  /** Subscribes to glob patterns (as KEYS); the callback's \`msg.pattern\` says which matched. */
  psubscribe(patterns, handler) {
    return this.#subscribe("psubscribe", this.#patternHandlers, patterns, handler);
  }
  /** Unsubscribes from channels (all of them with no arguments); drops their callbacks. */
  unsubscribe(...channels) {
    return this.#unsubscribe("unsubscribe", this.#channelHandlers, channels);
  }
  /** Unsubscribes from patterns (all of them with no arguments); drops their callbacks. */
  punsubscribe(...patterns) {
    return this.#unsubscribe("punsubscribe", this.#patternHandlers, patterns);
  }
  /** Closes the connection; pending commands reject. Resolves once closed. */
  close() {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      this.#flush();
      this.#ws.close(1e3, "client closed");
    }
    return this.closed;
  }
  async [Symbol.asyncDispose]() {
    await this.close();
  }
  #subscribe(kind, handlers, names, handler) {
    const list = typeof names === "string" ? [
      names
    ] : names;
    for (const name of list) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, set = /* @__PURE__ */ new Set());
      set.add(handler);
    }
    return this.#command([
      kind.toUpperCase(),
      ...list
    ], "text").then(() => {
    });
  }
  #unsubscribe(kind, handlers, names) {
    if (names.length === 0) handlers.clear();
    for (const name of names) handlers.delete(name);
    return this.#command([
      kind.toUpperCase(),
      ...names
    ], "text").then(() => {
    });
  }
  #command(args, mode) {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ConnectionError("connection is closed"));
    }
    const encoded = encodeCommand(args);
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        reject,
        mode
      };
      const name = String(args[0] ?? "").toLowerCase();
      if (SUB_KINDS.has(name)) {
        entry.sub = {
          kind: name,
          remaining: args.length > 1 ? args.length - 1 : null
        };
      } else if (name === "hello" && args.length > 1) {
        entry.special = "hello";
        entry.protocol = Number(args[1]) === 3 ? 3 : 2;
      } else if (name === "reset") {
        entry.special = "reset";
      }
      this.#pending.push(entry);
      this.#queue.push(encoded);
      this.#queuedBytes += encoded.length;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }
  /** Sends every queued command as one binary message. */
  #flush() {
    this.#flushScheduled = false;
    if (this.#queue.length === 0) return;
    let message;
    if (this.#queue.length === 1) {
      message = this.#queue[0];
    } else {
      message = new Uint8Array(this.#queuedBytes);
      let pos = 0;
      for (const chunk of this.#queue) {
        message.set(chunk, pos);
        pos += chunk.length;
      }
    }
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(message);
  }
  async #readLoop(reader) {
    let failure = null;
    try {
      const decoder2 = new FrameDecoder();
      while (await reader.fill()) {
        let last = reader.start;
        let malformed = null;
        try {
          for (; ; ) {
            const end = checkFrame(reader.buf, last, reader.end);
            if (end === INCOMPLETE) break;
            last = end;
          }
        } catch (e) {
          malformed = e;
        }
        if (last > reader.start) {
          const owned = reader.buf.slice(reader.start, last);
          reader.consume(last);
          for (let p = 0; p < owned.length; p = decoder2.end) {
            const frame = decoder2.decode(owned, p, owned.length);
            if (frame === INCOMPLETE) throw new Error("a checked frame did not decode");
            this.#onFrame(frame);
          }
        }
        if (malformed !== null) throw malformed;
        reader.shrink(16 * 1024);
      }
    } catch (e) {
      failure = e instanceof Error ? e : new Error(String(e));
      this.#closed = true;
      this.#closeInfo = {
        code: 1002,
        reason: failure.message
      };
      try {
        this.#ws.close(1002, failure.message.slice(0, 120));
      } catch {
      }
    }
    this.#cache?.clear();
    const { code, reason } = this.#closeInfo;
    const error = failure ?? new ConnectionError(\`connection closed (\${code}\${reason ? \`: \${reason}\` : ""})\`);
    for (const p of this.#pending.drain()) p.reject(error);
    return this.#closeInfo;
  }
  #onFrame(frame) {
    if (frame.kind === "push" || frame.kind === "array" && this.#protocol === 2) {
      if (this.#onPubSub(frame.value, frame.kind === "push")) return;
    }
    if (this.#partial !== null) {
      this.#partial.items.push(frame);
      if (--this.#partial.missing > 0) return;
      frame = {
        kind: "array",
        value: this.#partial.items
      };
      this.#partial = null;
    } else if (frame.kind === "array" && frame.value.some((f) => f.kind === "push")) {
      const items = frame.value.filter((f) => f.kind !== "push");
      for (const f of frame.value) if (f.kind === "push") this.#onPubSub(f.value, true);
      this.#partial = {
        items,
        missing: frame.value.length - items.length
      };
      return;
    }
    const entry = this.#pending.shift();
    if (!entry) return;
    if (frame.kind === "error") return entry.reject(new RedisError(frame.value));
    if (entry.special === "hello") this.#protocol = entry.protocol;
    if (entry.special === "reset") {
      this.#cache?.clear();
      this.#cache = null;
      this.#protocol = 2;
      this.#serverChannels.clear();
      this.#serverPatterns.clear();
      this.#channelHandlers.clear();
      this.#patternHandlers.clear();
    }
    entry.resolve(entry.mode === "frame" ? frame : this.#decode(frame, entry.mode === "bytes"));
  }
  /** Handles a message or subscription confirmation; false when \`items\` is a plain reply. */
  #onPubSub(items, isPush) {
    const head = items.length > 0 ? frameText(items[0]) : null;
    if (head === null) {
      if (isPush) this.#options.onPush?.(items.map((f) => this.#decode(f, false)));
      return isPush;
    }
    const subscribed = this.#serverChannels.size + this.#serverPatterns.size > 0;
    const kind = head.toLowerCase();
    if (isPush && kind === "invalidate" && items.length === 2 && this.#cache !== null) {
      const keys = items[1].kind === "array" ? items[1].value.map((k) => frameText(k) ?? "") : null;
      this.#cache.invalidate(keys);
      this.#options.onInvalidate?.(keys);
      return true;
    }
    if (kind === "message" && items.length === 3 && (isPush || subscribed)) {
      const channel = frameText(items[1]) ?? "";
      this.#deliver(this.#channelHandlers.get(channel), channel, items[2]);
      return true;
    }
    if (kind === "pmessage" && items.length === 4 && (isPush || subscribed)) {
      const pattern = frameText(items[1]) ?? "";
      const channel = frameText(items[2]) ?? "";
      this.#deliver(this.#patternHandlers.get(pattern), channel, items[3], pattern);
      return true;
    }
    const entry = this.#pending.peek();
    if (SUB_KINDS.has(kind) && items.length === 3 && entry?.sub) {
      const name = frameText(items[1]);
      const count = items[2].kind === "integer" ? Number(items[2].value) : 0;
      const sub = entry.sub;
      if (sub.remaining === null) {
        const current = sub.kind === "unsubscribe" ? this.#serverChannels : this.#serverPatterns;
        sub.remaining = Math.max(1, current.size);
      }
      if (name !== null) {
        if (kind === "subscribe") this.#serverChannels.add(name);
        else if (kind === "unsubscribe") this.#serverChannels.delete(name);
        else if (kind === "psubscribe") this.#serverPatterns.add(name);
        else this.#serverPatterns.delete(name);
      }
      if (--sub.remaining === 0) {
        this.#pending.shift();
        entry.resolve(count);
      }
      return true;
    }
    if (isPush) {
      this.#options.onPush?.(items.map((f) => this.#decode(f, false)));
      return true;
    }
    return false;
  }
  #deliver(handlers, channel, payload, pattern) {
    if (!handlers) return;
    const bytes = payload.kind === "bulk" ? payload.value : new Uint8Array(0);
    const msg = {
      channel,
      message: decoder.decode(bytes),
      bytes
    };
    if (pattern !== void 0) msg.pattern = pattern;
    for (const handler of handlers) {
      try {
        handler(msg);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
  #decode(f, bytes) {
    switch (f.kind) {
      case "simple":
        return f.value;
      case "error":
        return new RedisError(f.value);
      case "bulk":
        return bytes ? f.value : decoder.decode(f.value);
      case "verbatim":
        return bytes ? f.value : decoder.decode(f.value);
      case "integer":
      case "double":
      case "boolean":
      case "bignum":
        return f.value;
      case "null":
        return null;
      case "array":
      case "set":
      case "push":
        return f.value.map((item) => this.#decode(item, bytes));
      case "map": {
        if (this.#options.maps === "map") {
          return new Map(f.value.map(([k, v]) => [
            this.#decode(k, bytes),
            this.#decode(v, bytes)
          ]));
        }
        return Object.fromEntries(f.value.map(([k, v]) => [
          frameText(k) ?? String(this.#decode(k, false)),
          this.#decode(v, bytes)
        ]));
      }
    }
  }
};
async function connect(url, options = {}) {
  const ws = new WebSocket(url);
  const client = new Client(ws, options);
  await new Promise((resolve, reject) => {
    const onOpen = () => {
      ws.removeEventListener("close", onClose);
      resolve();
    };
    const onClose = (e) => {
      ws.removeEventListener("open", onOpen);
      reject(new ConnectionError(\`could not connect to \${url} (\${e.code}\${e.reason ? \`: \${e.reason}\` : ""})\`));
    };
    ws.addEventListener("open", onOpen, {
      once: true
    });
    ws.addEventListener("close", onClose, {
      once: true
    });
  });
  const protocol = options.protocol ?? 3;
  if (protocol === 2 && options.password === void 0 && options.name === void 0) {
    return client;
  }
  const hello = [
    "HELLO",
    protocol
  ];
  if (options.password !== void 0) {
    hello.push("AUTH", options.username ?? "default", options.password);
  }
  if (options.name !== void 0) hello.push("SETNAME", options.name);
  try {
    await client.send(...hello);
  } catch (e) {
    await client.close();
    throw e;
  }
  return client;
}
export {
  Client,
  ConnectionError,
  RedisError,
  connect
};
`;
