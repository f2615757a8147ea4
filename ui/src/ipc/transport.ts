// How commands and events travel: the real Tauri IPC inside the app, or an in-memory backend
// (ipc/fake.ts) in a plain browser and in tests. Everything else goes through commands.ts/events.ts.

/** Calls one command by name with its (snake_case) arguments. */
export type InvokeFn = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
/** Subscribes to a channel; the returned function unsubscribes. */
export type ListenFn = (channel: string, handler: (payload: unknown) => void) => () => void;

/** A way to reach the core. */
export interface Transport {
  invoke: InvokeFn;
  listen: ListenFn;
  /** True inside the real app (Tauri), false for the fake backend. */
  native: boolean;
}

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
    /** Set to an array by end-to-end tests: every IPC result and event payload received from
     * the core is appended, so a test can scan all of them (e.g. for a leaked key). */
    __hearthIpcCapture?: unknown[];
  }
}

/** Records a payload for an end-to-end test that asked for it (see `__hearthIpcCapture`). */
function capture(kind: string, name: string, payload: unknown): void {
  const sink = typeof window !== "undefined" ? window.__hearthIpcCapture : undefined;
  if (Array.isArray(sink)) sink.push({ kind, name, payload });
}

/** True when running inside the Tauri webview. */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && window.__TAURI_INTERNALS__ !== undefined;
}

/** The transport over Tauri's IPC. Tauri's `listen` is async; this wraps it so callers can
 * unsubscribe synchronously (a late registration is undone as soon as it lands). */
export function tauriTransport(): Transport {
  const core = import("@tauri-apps/api/core");
  const event = import("@tauri-apps/api/event");
  return {
    native: true,
    invoke: async <T,>(command: string, args?: Record<string, unknown>) => {
      try {
        const result = await (await core).invoke<T>(command, args);
        capture("result", command, result);
        return result;
      } catch (error) {
        capture("error", command, error);
        throw error;
      }
    },
    listen: (channel, handler) => {
      let unlisten: (() => void) | null = null;
      let cancelled = false;
      void event.then((m) =>
        m.listen(channel, (e) => {
          capture("event", channel, e.payload);
          handler(e.payload);
        }).then((u) => {
          if (cancelled) u();
          else unlisten = u;
        }),
      );
      return () => {
        cancelled = true;
        unlisten?.();
      };
    },
  };
}

let current: Transport | null = null;

/** Chooses the transport (main.tsx at start-up, tests before rendering). */
export function setTransport(transport: Transport): void {
  current = transport;
}

/** The transport in use (Tauri by default). */
export function transport(): Transport {
  if (!current) current = tauriTransport();
  return current;
}

/** Turns whatever a command rejected with into a message for people. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
