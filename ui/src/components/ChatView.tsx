// The centre pane: a conversation (or a new chat), its header with the model picker, the message
// list and the composer.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import {
  commands,
  errorMessage,
  onEvent,
  type ConversationView,
  type Message,
  type ModelRef,
  type ToolResultBlock,
  type ApprovalRequest,
} from "../ipc";
import { useApp } from "../state/app";
import { streams, useLiveIds, useStreaming } from "../state/streams";
import { Composer, type ComposerHandle } from "./Composer";
import { Menu } from "./Menu";
import { MessageItem, type MessageActions } from "./MessageItem";
import { MessageList } from "./MessageList";
import { ModelPicker, modelSections } from "./ModelPicker";
import { AlertIcon, PanelIcon, SparkIcon } from "./icons";

export interface ChatHandle {
  focusComposer: () => void;
}

interface Props {
  conversationId: string | null;
  /** A conversation was created by sending from a new chat. */
  onOpened: (id: string) => void;
  /** Something changed that the sidebar should show (title, order). */
  onChanged: () => void;
  panelOpen: boolean;
  onTogglePanel: () => void;
  /** Shown in the header before the model picker (e.g. approvals waiting elsewhere). */
  headerExtra?: React.ReactNode;
}

const EXAMPLES = [
  "Find a free evening next week for dinner with Sam",
  "What's the git status of ~/code/hearth?",
  "Explain Rust lifetimes with a short example",
  "Summarise the notes in ~/notes/meetings from this week",
];

/** A stand-in for a live answer the store has not returned yet. */
function placeholderFor(id: string): Message {
  const live = streams.get(id);
  return {
    id,
    parent_id: null,
    role: "assistant",
    blocks: [],
    provider: live?.provider ?? null,
    model: live?.model ?? null,
    usage: null,
    cost_usd: null,
    status: "streaming",
    created_at: live?.started_at ?? Date.now(),
  };
}

export const ChatView = forwardRef<ChatHandle, Props>(function ChatView({ conversationId, onOpened, onChanged, panelOpen, onTogglePanel, headerExtra }, ref) {
  const app = useApp();
  const [view, setView] = useState<ConversationView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pendingUser, setPendingUser] = useState<Message | null>(null);
  const [chosenModel, setChosenModel] = useState<ModelRef | null>(null);
  const [sendError, setSendError] = useState<{ text: string; message: string } | null>(null);
  const [turnError, setTurnError] = useState<string | null>(null);
  const [regenMenu, setRegenMenu] = useState<{ id: string; x: number; y: number } | null>(null);
  const composer = useRef<ComposerHandle>(null);
  const liveIds = useLiveIds(conversationId);
  const streaming = useStreaming(conversationId);
  const cid = useRef(conversationId);
  cid.current = conversationId;

  useImperativeHandle(ref, () => ({ focusComposer: () => composer.current?.focus() }));

  const load = useCallback(async (id: string) => {
    try {
      const v = await commands.getConversation(id);
      if (cid.current !== id) return;
      setView(v);
      setLoadError(null);
      setPendingUser(null);
      // Finished live messages are now persisted: stop overlaying them.
      for (const m of v.messages) {
        if (m.status === "streaming") streams.adopt(id, m);
        const live = streams.get(m.id);
        if (live && live.status !== "streaming" && m.status !== "streaming") streams.forget(m.id);
      }
    } catch (e) {
      if (cid.current === id) setLoadError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    setView(null);
    setLoadError(null);
    setSendError(null);
    setTurnError(null);
    setChosenModel(null);
    if (conversationId) void load(conversationId);
  }, [conversationId, load]);

  useEffect(
    () =>
      onEvent((e) => {
        const id = cid.current;
        if (!id) return;
        if ((e.type === "done" || e.type === "turn_started") && e.conversation_id === id) {
          void load(id);
          if (e.type === "done") onChanged();
        } else if (e.type === "error" && e.conversation_id === id) {
          setTurnError(e.message);
        } else if (e.type === "turn_started") {
          onChanged();
        }
      }),
    [load, onChanged],
  );

  // The model for the next message: chosen here, else the one that wrote the last answer, else the default.
  const model = useMemo<ModelRef | null>(() => {
    if (chosenModel) return chosenModel;
    const last = [...(view?.messages ?? [])].reverse().find((m) => m.role === "assistant" && m.provider && m.model);
    if (last && app.models.some((m) => m.provider === last.provider && m.model === last.model)) {
      return { provider: last.provider!, model: last.model! };
    }
    const first = app.models[0];
    return first ? { provider: first.provider, model: first.model } : null;
  }, [chosenModel, view, app.models]);

  const send = useCallback(
    async (text: string): Promise<boolean> => {
      setSendError(null);
      setTurnError(null);
      setPendingUser({
        id: "pending-user",
        parent_id: null,
        role: "user",
        blocks: [{ type: "text", text }],
        provider: null,
        model: null,
        usage: null,
        cost_usd: null,
        status: "complete",
        created_at: Date.now(),
      });
      try {
        const handle = await commands.sendMessage(text, cid.current, model);
        if (!cid.current) onOpened(handle.conversation_id);
        else void load(handle.conversation_id);
        onChanged();
        return true;
      } catch (e) {
        setPendingUser(null);
        setSendError({ text, message: errorMessage(e) });
        return true; // the text is kept in the error banner for Retry
      }
    },
    [model, onOpened, onChanged, load],
  );

  const stop = useCallback(() => {
    if (cid.current) void commands.stopTurn(cid.current).catch((e) => app.toast({ text: errorMessage(e), tone: "error" }));
  }, [app]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && streaming && !document.querySelector("[role=dialog], [role=menu]")) {
        e.preventDefault();
        stop();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [streaming, stop]);

  // Stable actions for the memoised message items.
  const latest = useRef({ load, app, model, setRegenMenu });
  latest.current = { load, app, model, setRegenMenu };
  const actions = useMemo<MessageActions>(() => {
    const fail = (e: unknown) => latest.current.app.toast({ text: errorMessage(e), tone: "error" });
    const reload = () => cid.current && void latest.current.load(cid.current);
    return {
      regenerate: (id) => {
        setTurnError(null);
        void commands.regenerate(id, null).then(reload, fail);
      },
      pickModelAndRegenerate: (id, at) => latest.current.setRegenMenu({ id, ...at }),
      edit: (id, text) => {
        setTurnError(null);
        void commands.editMessage(id, text).then(reload, fail);
      },
      switchTo: (id) => {
        void commands.switchBranch(id).then((v) => {
          if (v.conversation.id === cid.current) setView(v);
        }, fail);
      },
      answer: (id, answer) => void latest.current.app.answerApproval(id, answer),
    };
  }, []);

  const results = useMemo(() => {
    const map = new Map<string, ToolResultBlock>();
    for (const m of view?.messages ?? []) for (const b of m.blocks) if (b.type === "tool_result") map.set(b.call_id, b);
    return map;
  }, [view]);

  const approvalsByCall = useMemo(() => {
    const map = new Map<string, ApprovalRequest>();
    for (const a of app.approvals) if (a.call_id && a.conversation_id === conversationId) map.set(a.call_id, a);
    return map;
  }, [app.approvals, conversationId]);

  const messages = useMemo(() => {
    const list = (view?.messages ?? []).filter((m) => m.role === "user" || m.role === "assistant");
    if (pendingUser && !list.some((m) => m.role === "user" && m.created_at >= pendingUser.created_at - 1000 && m.blocks[0]?.type === "text" && m.blocks[0].text === (pendingUser.blocks[0] as { text: string }).text)) {
      list.push(pendingUser);
    }
    for (const id of liveIds) if (!list.some((m) => m.id === id)) list.push(placeholderFor(id));
    return list;
  }, [view, pendingUser, liveIds, conversationId]);

  const busy = streaming;
  const render = useCallback(
    (m: Message) => (
      <MessageItem message={m} siblings={view?.siblings[m.id]} results={results} approvals={approvalsByCall} actions={actions} busy={busy} />
    ),
    [view, results, approvalsByCall, actions, busy],
  );

  const [renamingTitle, setRenamingTitle] = useState(false);
  const renameTo = (next: string) => {
    setRenamingTitle(false);
    const id = cid.current;
    if (!id || !next.trim() || next.trim() === view?.conversation.title) return;
    commands.renameConversation(id, next.trim()).then(
      () => {
        void load(id);
        onChanged();
      },
      (e) => app.toast({ text: errorMessage(e), tone: "error" }),
    );
  };

  const noProvider = app.providers !== null && app.providers.length === 0;
  const title = view?.conversation.title ?? (conversationId ? "" : "New chat");

  let body: React.ReactNode;
  if (loadError) {
    body = (
      <div className="empty">
        <AlertIcon size={24} />
        <p>{loadError}</p>
      </div>
    );
  } else if (!conversationId && messages.length === 0) {
    body = noProvider ? (
      <div className="empty" data-testid="empty-no-provider">
        <h2>Add a provider to start</h2>
        <p>Hearth talks to the AI providers you choose — Anthropic, OpenAI, Gemini, or a model running on this machine. Your keys stay in the system keychain.</p>
        <button type="button" className="btn btn-primary" onClick={() => app.openSettings("providers")}>
          Add a provider
        </button>
      </div>
    ) : (
      <div className="empty welcome" data-testid="empty-chat">
        <div className="welcome-mark" aria-hidden="true">
          <SparkIcon size={22} />
        </div>
        <h2>What can I help with?</h2>
        <p>Ask anything. Tools run only inside your folders, and anything risky waits for your OK.</p>
        <div className="examples">
          {EXAMPLES.map((x) => (
            <button key={x} type="button" className="example" onClick={() => composer.current?.setText(x)}>
              {x}
            </button>
          ))}
        </div>
      </div>
    );
  } else if (conversationId && !view) {
    body = <div className="messages loading" aria-busy="true" />;
  } else {
    body = <MessageList messages={messages} resetKey={conversationId ?? "new"} render={render} />;
  }

  return (
    <section className="chat" aria-label="Conversation">
      <header className="chat-header">
        {renamingTitle && view ? (
          <input
            className="input chat-title-input"
            autoFocus
            defaultValue={title}
            aria-label="Conversation title"
            onFocus={(e) => e.currentTarget.select()}
            onBlur={(e) => renameTo(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") renameTo(e.currentTarget.value);
              if (e.key === "Escape") {
                e.stopPropagation();
                setRenamingTitle(false);
              }
            }}
          />
        ) : (
          <h1 className="chat-title" title={view ? `${title} — double-click to rename` : title} onDoubleClick={() => view && setRenamingTitle(true)}>
            {title}
          </h1>
        )}
        <div className="chat-header-tools">
          {headerExtra}
          <ModelPicker models={app.models} value={model} onChange={setChosenModel} />
          <button
            type="button"
            className={`icon-btn ${panelOpen ? "active" : ""}`}
            data-testid="toggle-panel"
            aria-label={panelOpen ? "Hide activity and permissions" : "Show activity and permissions"}
            aria-pressed={panelOpen}
            title="Activity & permissions"
            onClick={onTogglePanel}
          >
            <PanelIcon />
          </button>
        </div>
      </header>
      {body}
      {(sendError || (turnError && !streaming && !messages.some((m) => m.status === "error"))) && (
        <div className="banner-error" role="alert">
          <AlertIcon size={16} />
          <span>{sendError ? sendError.message : turnError}</span>
          {sendError && (
            <button type="button" className="btn btn-small" data-testid="retry-send" onClick={() => void send(sendError.text)}>
              Retry
            </button>
          )}
          <button type="button" className="btn btn-small btn-ghost" aria-label="Dismiss" onClick={() => (setSendError(null), setTurnError(null))}>
            Dismiss
          </button>
        </div>
      )}
      <Composer
        ref={composer}
        streaming={streaming}
        disabled={noProvider}
        placeholder={noProvider ? "Add a provider to start chatting" : undefined}
        onSend={send}
        onStop={stop}
        footer={
          app.paused ? (
            <span className="paused-note">
              Agent paused: tools won't run.{" "}
              <button type="button" className="btn-link" onClick={() => void app.setPaused(false)}>
                Resume
              </button>
            </span>
          ) : (
          <span>
            <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line{streaming && <> · <kbd>Esc</kbd> to stop</>}
          </span>
          )
        }
      />
      {regenMenu && (
        <Menu
          x={regenMenu.x}
          y={regenMenu.y}
          label="Regenerate with"
          sections={modelSections(app.models, null, (m) => {
            setTurnError(null);
            void commands.regenerate(regenMenu.id, m).then(
              () => conversationId && void load(conversationId),
              (e) => app.toast({ text: errorMessage(e), tone: "error" }),
            );
          })}
          onClose={() => setRegenMenu(null)}
        />
      )}
    </section>
  );
});
