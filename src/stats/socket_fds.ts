/**
 * The file descriptor behind each TCP connection, for CLIENT LIST's `fd=` field. Deno does
 * not expose descriptors, so they are found as an operator would find them: each socket's
 * inode from /proc/self/fd, each connection's two addresses and inode from /proc/net/tcp
 * and /proc/net/tcp6. Read on demand (CLIENT LIST, CLIENT INFO), never per command. On
 * another OS, or without read access to /proc, there are none and `fd=-1` stays, as Redis
 * prints for a client without a socket.
 */

/** Descriptors by connection, keyed `local remote` (addresses as CLIENT LIST prints them). */
export function socketDescriptors(): Map<string, number> {
  const out = new Map<string, number>();
  const fdByInode = new Map<string, number>();
  try {
    for (const entry of Deno.readDirSync("/proc/self/fd")) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(Deno.readLinkSync(`/proc/self/fd/${entry.name}`));
        if (m !== null) fdByInode.set(m[1], Number(entry.name));
      } catch {
        // closed meanwhile
      }
    }
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text: string;
      try {
        text = Deno.readTextFileSync(table);
      } catch {
        continue; // no IPv6
      }
      for (const line of text.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10) continue;
        const fd = fdByInode.get(f[9]);
        if (fd === undefined) continue;
        out.set(`${procAddress(f[1])} ${procAddress(f[2])}`, fd);
      }
    }
  } catch {
    // no /proc (not Linux) or no read permission: no descriptors known
  }
  return out;
}

/** `0100007F:18EB` (or 32 hex digits for IPv6) as `127.0.0.1:6379` / `[::1]:6379`. */
function procAddress(text: string): string {
  const [hex, portHex] = text.split(":");
  const port = parseInt(portHex, 16);
  // the kernel prints each 32-bit word of the address in host (little-endian) order
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (bytes.length === 4) return `${bytes.join(".")}:${port}`;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) is how a dual-stack listener sees IPv4 peers
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `[::ffff:${bytes.slice(12).join(".")}]:${port}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return `[${compressIpv6(groups)}]:${port}`;
}

/** RFC 5952's short form: the longest run of zero groups (two or more) becomes `::`. */
function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}
