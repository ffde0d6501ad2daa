/**
 * FUNCTION DUMP's payload: each library's code after Redis 7.0's FUNCTION2 opcode, then the
 * RDB version and the CRC-64, exactly as Redis builds it (strings compressed with LZF as
 * Redis compresses them), so payloads move between respd and redis-server both ways.
 */

import { Crc64 } from "./crc64.ts";
import { RdbFormatError, RdbReader, RdbWriter } from "./rdb_bytes.ts";
import { RDB_VERSION } from "./rdb_file.ts";
import { verifyDumpPayload } from "./dump_payload.ts";

const OP_FUNCTION2 = 245;

/** The payload for these library codes. */
export function createFunctionsPayload(codes: readonly string[]): Uint8Array {
  const w = new RdbWriter();
  for (const code of codes) {
    w.byte(OP_FUNCTION2);
    w.string(code);
  }
  w.uint16LE(RDB_VERSION);
  const body = w.bytes();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(new Crc64().update(body).bytes(), body.length);
  return out;
}

/**
 * The library codes of a payload: "checksum" when its version or checksum is wrong,
 * "format" when its body is not a list of libraries.
 */
export function readFunctionsPayload(p: Uint8Array): string[] | "checksum" | "format" {
  if (!verifyDumpPayload(p)) return "checksum";
  const r = new RdbReader(p, 0, p.length - 10);
  const codes: string[] = [];
  try {
    while (r.remaining > 0) {
      if (r.byte() !== OP_FUNCTION2) return "format";
      codes.push(r.string());
    }
  } catch (e: unknown) {
    if (e instanceof RdbFormatError) return "format";
    throw e;
  }
  return codes;
}
