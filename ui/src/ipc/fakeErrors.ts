// Errors of the fake backend, shaped like the core's IpcError.
import type * as T from "./types";

/** An error with a kind, serialised like an IpcError. */
export class FakeError extends Error {
  constructor(
    public kind: T.ErrorKind,
    message: string,
  ) {
    super(message);
  }
  toJSON(): T.IpcError {
    return { kind: this.kind, message: this.message };
  }
}

/** Rejects the current command with an IpcError. */
export function fail(kind: T.ErrorKind, message: string): never {
  throw { kind, message } satisfies T.IpcError;
}
