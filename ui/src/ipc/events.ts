// Events from the core: one channel, payload = the `Event` enum (ipc/types.ts).
import type { Event, OpenConversation } from "./types";
import { transport } from "./transport";

/** The channel every core event arrives on. */
export const EVENT_CHANNEL = "hearth://event";
/** The channel the core uses to ask the main window to show a conversation (after `open_in_main`). */
export const OPEN_CONVERSATION_CHANNEL = "hearth://open-conversation";

/** Subscribes to every core event; returns the unsubscribe function. */
export function onEvent(handler: (event: Event) => void): () => void {
  return transport().listen(EVENT_CHANNEL, (payload) => handler(payload as Event));
}

/** Subscribes to "open this conversation" requests. */
export function onOpenConversation(handler: (payload: OpenConversation) => void): () => void {
  return transport().listen(OPEN_CONVERSATION_CHANNEL, (payload) =>
    handler(payload as OpenConversation),
  );
}
