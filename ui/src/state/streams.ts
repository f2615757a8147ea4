// Live assistant messages. Deltas are appended to a mutable draft as they arrive and published to
// subscribers at most once per animation frame, per message: a 200 tokens/s stream costs one
// small re-render of ONE message component per frame, never a re-render of the conversation.
import { useMemo, useSyncExternalStore } from "react";
import type { Block, Event, Message, MessageStatus, Usage } from "../ipc";

/** A message being written right now (or just finished, until the view reloads it). */
export interface LiveMessage {
  id: string;
  conversation_id: string;
  provider: string;
  model: string;
  blocks: Block[];
  usage: Usage | null;
  cost_usd: number | null;
  status: MessageStatus;
  error: string | null;
  /** Things worth saying about this answer (a fallback to another model). */
  notices: string[];
  started_at: number;
}

type Listener = () => void;

const raf: (cb: () => void) => void =
  typeof requestAnimationFrame === "function"
    ? (cb) => requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16);

/** The store of live messages (one per app; see `streams`). */
export class StreamStore {
  private drafts = new Map<string, LiveMessage>();
  private snapshots = new Map<string, LiveMessage>();
  private dirty = new Set<string>();
  private messageListeners = new Map<string, Set<Listener>>();
  private conversationListeners = new Set<Listener>();
  private liveByConversation = new Map<string, string[]>();
  private scheduled = false;
  private streamingKey = "";

  /** Applies one core event. */
  apply(event: Event): void {
    switch (event.type) {
      case "turn_started": {
        const draft: LiveMessage = {
          id: event.message_id,
          conversation_id: event.conversation_id,
          provider: event.provider,
          model: event.model,
          blocks: [],
          usage: null,
          cost_usd: null,
          status: "streaming",
          error: null,
          notices: [],
          started_at: Date.now(),
        };
        this.drafts.set(draft.id, draft);
        this.snapshots.set(draft.id, { ...draft, blocks: [] });
        this.recomputeConversations();
        return;
      }
      case "text_delta":
      case "reasoning_delta": {
        const d = this.drafts.get(event.message_id);
        if (!d) return;
        const kind = event.type === "text_delta" ? "text" : "reasoning";
        const last = d.blocks[d.blocks.length - 1];
        if (last && last.type === kind) {
          // Replace rather than mutate: the previous snapshot may share this block object.
          d.blocks[d.blocks.length - 1] = { ...last, text: last.text + event.text };
        } else {
          d.blocks.push(kind === "text" ? { type: "text", text: event.text } : { type: "reasoning", text: event.text });
        }
        this.touch(d.id);
        return;
      }
      case "tool_call":
      case "tool_result": {
        const d = this.drafts.get(event.message_id);
        if (!d) return;
        d.blocks.push(event.type === "tool_call" ? event.call : event.result);
        this.touch(d.id);
        return;
      }
      case "usage": {
        const d = this.drafts.get(event.message_id);
        if (!d) return;
        d.usage = event.usage;
        d.cost_usd = event.cost_usd;
        this.touch(d.id);
        return;
      }
      case "error": {
        if (!event.conversation_id) return;
        for (const d of this.drafts.values()) {
          if (d.conversation_id === event.conversation_id && d.status === "streaming") {
            d.error = event.message;
            this.touch(d.id);
          }
        }
        return;
      }
      case "fallback_used": {
        for (const d of this.drafts.values()) {
          if (d.conversation_id !== event.conversation_id || d.status !== "streaming") continue;
          d.notices = [...d.notices, `Switched from ${event.from} to ${event.to}: ${event.reason}`];
          const slash = event.to.indexOf("/");
          if (slash > 0) {
            d.provider = event.to.slice(0, slash);
            d.model = event.to.slice(slash + 1);
          }
          this.touch(d.id);
        }
        return;
      }
      case "done": {
        const d = this.drafts.get(event.message_id);
        if (!d) return;
        d.status = event.status;
        this.touch(d.id);
        this.flush();
        this.recomputeConversations();
        return;
      }
      default:
        return;
    }
  }

  /** Takes over a message that was already streaming before this window subscribed (the window
   * was reopened mid-answer): later deltas append to what the store had persisted. */
  adopt(conversationId: string, m: Message): void {
    if (this.drafts.has(m.id) || m.status !== "streaming") return;
    const draft: LiveMessage = {
      id: m.id,
      conversation_id: conversationId,
      provider: m.provider ?? "",
      model: m.model ?? "",
      blocks: m.blocks.map((b) => ({ ...b })),
      usage: m.usage,
      cost_usd: m.cost_usd,
      status: "streaming",
      error: m.error ?? null,
      notices: [],
      started_at: m.created_at,
    };
    this.drafts.set(m.id, draft);
    this.snapshots.set(m.id, { ...draft, blocks: draft.blocks.slice() });
    this.recomputeConversations();
    this.notify(m.id);
  }

  /** Drops a finished message once its persisted version is shown. */
  forget(id: string): void {
    if (!this.drafts.delete(id)) return;
    this.snapshots.delete(id);
    this.recomputeConversations();
    this.notify(id);
  }

  /** The current snapshot of a live message. */
  get(id: string): LiveMessage | undefined {
    return this.snapshots.get(id);
  }

  /** Ids of the live messages of a conversation (stable array between changes). */
  liveIn(conversationId: string): string[] {
    return this.liveByConversation.get(conversationId) ?? EMPTY;
  }

  /** Conversations with a message streaming right now, as a stable sorted key ("a,b"). */
  streamingConversations(): string {
    return this.streamingKey;
  }

  /** Whether a conversation has a message still streaming. */
  streamingIn(conversationId: string): boolean {
    return this.liveIn(conversationId).some((id) => this.drafts.get(id)?.status === "streaming");
  }

  subscribeMessage(id: string, listener: Listener): () => void {
    let set = this.messageListeners.get(id);
    if (!set) this.messageListeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (!set!.size) this.messageListeners.delete(id);
    };
  }

  subscribeConversations(listener: Listener): () => void {
    this.conversationListeners.add(listener);
    return () => this.conversationListeners.delete(listener);
  }

  /** Publishes pending changes now (also called once per frame). */
  flush(): void {
    this.scheduled = false;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const d = this.drafts.get(id);
      if (!d) continue;
      this.snapshots.set(id, { ...d, blocks: d.blocks.slice() });
      this.notify(id);
    }
  }

  private touch(id: string): void {
    this.dirty.add(id);
    if (!this.scheduled) {
      this.scheduled = true;
      raf(() => this.flush());
    }
  }

  private notify(id: string): void {
    for (const l of this.messageListeners.get(id) ?? []) l();
  }

  private recomputeConversations(): void {
    const next = new Map<string, string[]>();
    for (const d of this.drafts.values()) {
      next.set(d.conversation_id, [...(next.get(d.conversation_id) ?? []), d.id]);
    }
    // Keep array identity for unchanged conversations so selectors stay stable.
    for (const [cid, ids] of next) {
      const prev = this.liveByConversation.get(cid);
      if (prev && prev.length === ids.length && prev.every((x, i) => x === ids[i])) next.set(cid, prev);
    }
    this.liveByConversation = next;
    this.streamingKey = [...new Set([...this.drafts.values()].filter((d) => d.status === "streaming").map((d) => d.conversation_id))]
      .sort()
      .join(",");
    for (const l of this.conversationListeners) l();
  }
}

const EMPTY: string[] = [];

/** The app's stream store. */
export const streams = new StreamStore();

/** The live snapshot of one message (re-renders only the caller, at most once per frame). */
export function useLiveMessage(id: string | null): LiveMessage | undefined {
  return useSyncExternalStore(
    (cb) => (id ? streams.subscribeMessage(id, cb) : () => {}),
    () => (id ? streams.get(id) : undefined),
  );
}

/** Live message ids of a conversation (changes only when a turn starts or ends). */
export function useLiveIds(conversationId: string | null): string[] {
  return useSyncExternalStore(
    (cb) => streams.subscribeConversations(cb),
    () => (conversationId ? streams.liveIn(conversationId) : EMPTY),
  );
}

/** Ids of the conversations being answered right now. */
export function useStreamingConversations(): Set<string> {
  const key = useSyncExternalStore(
    (cb) => streams.subscribeConversations(cb),
    () => streams.streamingConversations(),
  );
  return useMemo(() => new Set(key ? key.split(",") : []), [key]);
}

/** Whether the conversation is being answered right now. */
export function useStreaming(conversationId: string | null): boolean {
  return useSyncExternalStore(
    (cb) => streams.subscribeConversations(cb),
    () => (conversationId ? streams.streamingIn(conversationId) : false),
  );
}

/** Feeds core events into the stream store; returns the unsubscribe function. */
export function connectStreams(subscribe: (handler: (e: Event) => void) => () => void): () => void {
  return subscribe((e) => streams.apply(e));
}
