/**
 * WebSocket messages → one byte `ReadableStream`, for the server's WebSocket transport and
 * the browser client alike (so it uses web-platform APIs only: the client bundle has it).
 *
 * Messages are only the envelope: their bytes go into a stream of type "bytes", so a RESP
 * frame may span messages and a message may hold many frames, exactly as TCP segments, and
 * a `ByteReader` reads it like any socket. When a BYOB read is waiting, a message is copied
 * straight into its view and the remainder stays queued for the next read. Text messages
 * are their UTF-8 bytes (inline commands typed in a console work).
 *
 * The stream knows nothing of sockets: each side wires its own events to `push`/`end`
 * (the server lingers on close and bounds the queue; the client just forwards).
 */

const encoder = new TextEncoder();

/** The byte stream of a socket's messages, and the two calls that feed it. */
export interface MessageStream {
  readonly readable: ReadableStream<Uint8Array>;
  /** Adds one message's data (text is UTF-8 encoded); ignored once the stream has ended. */
  push(data: string | ArrayBuffer | Uint8Array): void;
  /** Ends the stream; a BYOB read still waiting settles as done. Idempotent. */
  end(): void;
  /** Bytes received and not yet read. */
  readonly queued: number;
  /** True once `end()` was called or the reader cancelled the stream. */
  readonly ended: boolean;
}

/** Makes an empty message stream; see the module comment. */
export function messageStream(): MessageStream {
  let controller!: ReadableByteStreamController;
  let ended = false;
  const readable = new ReadableStream({
    type: "bytes",
    start(c) {
      controller = c;
    },
    cancel() {
      ended = true;
    },
  });

  return {
    readable,
    push(data: string | ArrayBuffer | Uint8Array): void {
      if (ended) return;
      let bytes = typeof data === "string"
        ? encoder.encode(data)
        : data instanceof Uint8Array
        ? data
        : new Uint8Array(data);
      if (bytes.length === 0) return;
      const request = controller.byobRequest;
      // The view is a Uint8Array: a BYOB request's view has the type of the read's (the
      // DOM's typings, which the demo page's script brings in, say only ArrayBufferView).
      const view = request?.view as Uint8Array | null | undefined;
      if (view) {
        if (bytes.length <= view.length) { // the usual case: the whole message fits
          view.set(bytes);
          return request!.respond(bytes.length);
        }
        const n = view.length; // respond() detaches the view: its length becomes 0
        view.set(bytes.subarray(0, n));
        request!.respond(n);
        bytes = bytes.subarray(n);
      }
      // enqueue() transfers the buffer: the caller hands over a message it no longer uses.
      if (bytes.length !== 0) controller.enqueue(bytes);
    },
    end(): void {
      if (ended) return;
      ended = true;
      try {
        controller.close();
        // a BYOB read still waiting must be answered, or it would never settle
        controller.byobRequest?.respond(0);
      } catch {
        // already closed or errored
      }
    },
    get queued(): number {
      // a byte stream's high-water mark is 0, so -desiredSize is the bytes queued
      return ended ? 0 : Math.max(0, -(controller.desiredSize ?? 0));
    },
    get ended(): boolean {
      return ended;
    },
  };
}
