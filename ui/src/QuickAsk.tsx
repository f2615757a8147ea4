// The tray's quick-ask window (#/quick-ask): one input, the answer streams below. Enter sends,
// Esc stops a running answer or hides the window, "Open in Hearth" continues in the main window.
import { useEffect, useRef, useState } from "react";
import { ToolCard } from "./components/ToolCard";
import { Markdown, StreamingMarkdown } from "./components/Markdown";
import { ExternalIcon, SparkIcon } from "./components/icons";
import { commands, errorMessage, type ToolResultBlock } from "./ipc";
import { useTheme } from "./lib/theme";
import { AppProvider, useApp } from "./state/app";
import { useLiveIds, useLiveMessage } from "./state/streams";

function Answer({ id }: { id: string }) {
  const app = useApp();
  const live = useLiveMessage(id);
  if (!live) return null;
  const streaming = live.status === "streaming";
  const results = new Map<string, ToolResultBlock>();
  for (const b of live.blocks) if (b.type === "tool_result") results.set(b.call_id, b);
  const lastText = live.blocks.reduce((at, b, i) => (b.type === "text" ? i : at), -1);
  return (
    <div className="qa-answer" data-testid="message-assistant" aria-live="polite" aria-busy={streaming}>
      {live.blocks.map((b, i) =>
        b.type === "text" ? (
          streaming && i === lastText ? <StreamingMarkdown key={i} source={b.text} /> : <Markdown key={i} source={b.text} />
        ) : b.type === "tool_call" ? (
          <ToolCard key={b.id} call={b} result={results.get(b.id)} approval={app.approvals.find((a) => a.call_id === b.id)} live={streaming} onAnswer={(aid, answer) => void app.answerApproval(aid, answer)} />
        ) : null,
      )}
      {streaming && live.blocks.length === 0 && (
        <div className="thinking">
          <span />
          <span />
          <span />
        </div>
      )}
      {live.error && (
        <p className="msg-error" role="alert">
          {live.error}
        </p>
      )}
      <div className="qa-meta muted">
        {live.provider} · {live.model}
      </div>
    </div>
  );
}

function QuickAskView() {
  const app = useApp();
  useTheme(app.settings?.appearance);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [question, setQuestion] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const liveIds = useLiveIds(conversationId);
  const answerId = liveIds[liveIds.length - 1] ?? null;
  const live = useLiveMessage(answerId);
  const streaming = live?.status === "streaming";

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      if (streaming && conversationId) void commands.stopTurn(conversationId);
      else void commands.hideQuickAsk().catch(() => {});
    };
    window.addEventListener("keydown", onKey);
    const onFocus = () => input.current?.focus();
    window.addEventListener("focus", onFocus);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("focus", onFocus);
    };
  }, [streaming, conversationId]);

  const send = async () => {
    const q = text.trim();
    if (!q || streaming) return;
    setError(null);
    setText("");
    setQuestion(q);
    try {
      const h = await commands.sendMessage(q, conversationId, null);
      setConversationId(h.conversation_id);
    } catch (e) {
      setError(errorMessage(e));
      setText(q);
    }
  };

  return (
    <div className="quick-ask" data-testid="quick-ask">
      <div className="qa-bar" data-tauri-drag-region>
        <SparkIcon className="qa-mark" size={18} />
        <input
          ref={input}
          autoFocus
          className="qa-input"
          data-testid="composer"
          aria-label="Ask Hearth"
          placeholder={conversationId ? "Ask a follow-up…" : "Ask Hearth…"}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        {conversationId && (
          <button type="button" className="btn btn-small" data-testid="open-in-main" aria-label="Open this conversation in Hearth" onClick={() => void commands.openInMain(conversationId).then(() => commands.hideQuickAsk(), () => {})}>
            <ExternalIcon size={14} /> Open in Hearth
          </button>
        )}
      </div>
      <div className="qa-body">
        {question && <div className="qa-question">{question}</div>}
        {answerId && <Answer id={answerId} />}
        {error && (
          <p className="msg-error" role="alert">
            {error}
          </p>
        )}
        {!question && !error && (
          <p className="qa-hint muted">
            <kbd>Enter</kbd> to ask · <kbd>Esc</kbd> to close
          </p>
        )}
      </div>
    </div>
  );
}

/** The quick-ask window. */
export function QuickAsk() {
  return (
    <AppProvider>
      <QuickAskView />
    </AppProvider>
  );
}
