// One message. Memoised: a finished message renders once; a live one subscribes to its own stream
// snapshot so only it re-renders while tokens arrive.
import { memo, useState, type MouseEvent } from "react";
import type { ApprovalAnswer, ApprovalRequest, Block, Message, ToolResultBlock } from "../ipc";
import { money, usageLine } from "../lib/format";
import { useLiveMessage } from "../state/streams";
import { Markdown, StreamingMarkdown } from "./Markdown";
import { ToolCard } from "./ToolCard";
import { AlertIcon, ChevronDown, ChevronLeft, ChevronRight, CopyIcon, EditIcon, RefreshIcon } from "./icons";

/** What a message can ask its conversation to do (a stable object). */
export interface MessageActions {
  regenerate: (messageId: string) => void;
  pickModelAndRegenerate: (messageId: string, at: { x: number; y: number }) => void;
  edit: (messageId: string, text: string) => void;
  switchTo: (messageId: string) => void;
  answer: (approvalId: string, answer: ApprovalAnswer) => void;
}

interface Props {
  message: Message;
  siblings: string[] | undefined;
  results: Map<string, ToolResultBlock>;
  approvals: Map<string, ApprovalRequest>;
  actions: MessageActions;
  busy: boolean;
}

function plainText(blocks: Block[]): string {
  return blocks
    .filter((b): b is Extract<Block, { type: "text" }> => b.type === "text")
    .map((b) => b.text)
    .join("");
}

function BranchSwitcher({ id, siblings, actions, disabled }: { id: string; siblings?: string[]; actions: MessageActions; disabled: boolean }) {
  if (!siblings || siblings.length < 2) return null;
  const i = siblings.indexOf(id);
  return (
    <span className="branch" role="group" aria-label="Versions of this message">
      <button type="button" className="icon-btn" data-testid="branch-prev" aria-label="Previous version" disabled={disabled || i <= 0} onClick={() => actions.switchTo(siblings[i - 1])}>
        <ChevronLeft size={14} />
      </button>
      <span className="branch-pos" data-testid="branch-position">
        {i + 1}/{siblings.length}
      </span>
      <button type="button" className="icon-btn" data-testid="branch-next" aria-label="Next version" disabled={disabled || i >= siblings.length - 1} onClick={() => actions.switchTo(siblings[i + 1])}>
        <ChevronRight size={14} />
      </button>
    </span>
  );
}

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={done ? "Copied" : "Copy message"}
      title={done ? "Copied" : "Copy"}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        })
      }
    >
      <CopyIcon size={14} />
    </button>
  );
}

function UserMessage({ message, siblings, actions, busy }: Props) {
  const text = plainText(message.blocks);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(text);
  if (editing) {
    return (
      <div className="msg msg-user editing">
        <form
          className="edit-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!draft.trim()) return;
            setEditing(false);
            actions.edit(message.id, draft);
          }}
        >
          <textarea
            className="input edit-area"
            value={draft}
            autoFocus
            rows={Math.min(10, draft.split("\n").length + 1)}
            aria-label="Edit message"
            data-testid="edit-input"
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              } else if (e.key === "Escape") {
                e.stopPropagation();
                setEditing(false);
              }
            }}
          />
          <div className="edit-buttons">
            <span className="hint">Sending creates a new branch; the original stays.</span>
            <button type="button" className="btn btn-ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="edit-save" disabled={busy}>
              Send
            </button>
          </div>
        </form>
      </div>
    );
  }
  return (
    <div className="msg msg-user" data-testid="message-user" data-message-id={message.id}>
      <div className="user-bubble">{text}</div>
      <div className="msg-actions">
        <BranchSwitcher id={message.id} siblings={siblings} actions={actions} disabled={busy} />
        <span className="hover-actions">
        <CopyButton text={text} />
        <button
          type="button"
          className="icon-btn"
          data-testid="edit-message"
          aria-label="Edit message"
          title="Edit"
          disabled={busy}
          onClick={() => {
            setDraft(text);
            setEditing(true);
          }}
        >
          <EditIcon size={14} />
        </button>
        </span>
      </div>
    </div>
  );
}

const STATUS_NOTE: Partial<Record<Message["status"], string>> = {
  cancelled: "Stopped",
  interrupted: "Interrupted — Hearth closed before the answer finished",
};

function AssistantMessage(props: Props) {
  const { message, siblings, results, approvals, actions, busy } = props;
  const live = useLiveMessage(message.id);
  const blocks = live ? live.blocks : message.blocks;
  const status = live ? live.status : message.status;
  const streaming = status === "streaming";
  const usage = live?.usage ?? message.usage;
  const cost = live ? live.cost_usd : message.cost_usd;
  const error = live?.error ?? message.error;
  const provider = live?.provider ?? message.provider;
  const model = live?.model ?? message.model;
  const own = new Map<string, ToolResultBlock>();
  for (const b of blocks) if (b.type === "tool_result") own.set(b.call_id, b);
  const lastText = blocks.reduce((at, b, i) => (b.type === "text" ? i : at), -1);
  const text = plainText(blocks);

  return (
    <div className={`msg msg-assistant ${streaming ? "is-streaming" : ""}`} data-message-id={message.id} data-status={status}>
      <div className="msg-meta">
        <span className="msg-author">Hearth</span>
        {provider && (
          <span className="msg-model" title="The provider and model that wrote this">
            {provider} · {model}
          </span>
        )}
        {STATUS_NOTE[status] && <span className="msg-status">{STATUS_NOTE[status]}</span>}
      </div>
      {live?.notices.map((n) => (
        <div key={n} className="msg-notice" role="note">
          {n}
        </div>
      ))}
      <div className="msg-body" data-testid="message-assistant" aria-live={streaming ? "polite" : undefined} aria-busy={streaming}>
        {blocks.map((b, i) => {
          switch (b.type) {
            case "text":
              return streaming && i === lastText ? <StreamingMarkdown key={i} source={b.text} /> : <Markdown key={i} source={b.text} />;
            case "reasoning":
              return b.text ? (
                <details key={i} className="reasoning">
                  <summary>{streaming && i === blocks.length - 1 ? "Thinking…" : "Thought process"}</summary>
                  <div className="reasoning-text">{b.text}</div>
                </details>
              ) : null;
            case "tool_call":
              return (
                <ToolCard
                  key={b.id}
                  call={b}
                  result={own.get(b.id) ?? results.get(b.id)}
                  approval={approvals.get(b.id)}
                  live={streaming}
                  onAnswer={actions.answer}
                />
              );
            default:
              return null;
          }
        })}
        {streaming && blocks.length === 0 && (
          <div className="thinking" aria-label="Waiting for the first words">
            <span />
            <span />
            <span />
          </div>
        )}
        {streaming && lastText === blocks.length - 1 && <span className="caret" aria-hidden="true" />}
      </div>
      {error && (
        <div className="msg-error" role="alert">
          <AlertIcon size={16} />
          <span>{error}</span>
          {!streaming && (
            <button type="button" className="btn btn-small" data-testid="retry" onClick={() => actions.regenerate(message.id)}>
              Retry
            </button>
          )}
        </div>
      )}
      {!streaming && (
        <div className="msg-actions">
          <BranchSwitcher id={message.id} siblings={siblings} actions={actions} disabled={busy} />
          {usage && (
            <span className="msg-usage" data-testid="message-usage">
              {usageLine(usage)}
              {cost != null && ` · ${money(cost)}`}
            </span>
          )}
          <span className="hover-actions always-last">
          {text && <CopyButton text={text} />}
          <span className="split-btn">
            <button type="button" className="icon-btn" data-testid="regenerate" aria-label="Regenerate answer" title="Regenerate" disabled={busy} onClick={() => actions.regenerate(message.id)}>
              <RefreshIcon size={14} />
            </button>
            <button
              type="button"
              className="icon-btn narrow"
              data-testid="regenerate-model"
              aria-label="Regenerate with another model"
              title="Regenerate with…"
              disabled={busy}
              onClick={(e: MouseEvent) => {
                const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
                actions.pickModelAndRegenerate(message.id, { x: r.left, y: r.bottom + 4 });
              }}
            >
              <ChevronDown size={12} />
            </button>
          </span>
          </span>
        </div>
      )}
    </div>
  );
}

/** One message of the conversation. */
export const MessageItem = memo(function MessageItem(props: Props) {
  if (props.message.role === "user") return <UserMessage {...props} />;
  if (props.message.role === "assistant") return <AssistantMessage {...props} />;
  return null; // tool results show inside their cards; system messages are not shown
});
