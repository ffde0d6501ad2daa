/**
 * The error a command raises to answer with a `-` reply instead of its result, and the
 * texts several layers share. It sits below both the store and the command layer: the
 * store raises WRONGTYPE (typed lookup) and INCRBYFLOAT's float errors itself, and must
 * not import the command layer. The command pipeline (commands/pipeline.ts) is the one
 * place a `CommandError` becomes an error reply; the connection stays open (unlike a
 * protocol error).
 */

export class CommandError extends Error {
  /** `message` is the whole error line after `-`, e.g. "ERR syntax error". */
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

export const SYNTAX_ERROR = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
