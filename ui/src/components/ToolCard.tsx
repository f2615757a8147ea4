// A tool call as a compact, collapsible card: name, state, arguments on one line, result folded.
import { memo, useState } from "react";
import type { ApprovalAnswer, ApprovalRequest, ToolCallBlock, ToolResultBlock } from "../ipc";
import { argsLine } from "../lib/format";
import { ApprovalActions, ApprovalWhy } from "./Approval";
import { RiskBadge } from "./RiskBadge";
import { ChevronRight } from "./icons";

/** The states a card can show. */
export type ToolState = "asked" | "running" | "done" | "failed" | "denied" | "stopped";

/** Derives the state of a call from its result, a pending approval and whether the turn is live. */
export function toolState(result: ToolResultBlock | undefined, approval: ApprovalRequest | undefined, live: boolean): ToolState {
  if (result) {
    if (!result.is_error) return "done";
    return /^denied|denied\b|refused/i.test(result.content) ? "denied" : "failed";
  }
  if (approval) return "asked";
  return live ? "running" : "stopped";
}

const STATE_LABEL: Record<ToolState, string> = {
  asked: "needs your approval",
  running: "running…",
  done: "done",
  failed: "failed",
  denied: "denied",
  stopped: "not run",
};

interface Props {
  call: ToolCallBlock;
  result?: ToolResultBlock;
  approval?: ApprovalRequest;
  live: boolean;
  onAnswer: (id: string, answer: ApprovalAnswer) => void;
}

export const ToolCard = memo(function ToolCard({ call, result, approval, live, onAnswer }: Props) {
  const state = toolState(result, approval, live);
  const [open, setOpen] = useState(false);
  const args = argsLine(call.arguments);
  return (
    <div className={`tool-card tool-${state}`} data-testid="tool-card" data-state={state} data-tool={call.name}>
      <button
        type="button"
        className="tool-head"
        aria-expanded={open}
        aria-label={`${call.name}, ${STATE_LABEL[state]}. ${open ? "Hide" : "Show"} details`}
        onClick={() => setOpen((o) => !o)}
      >
        <ChevronRight className={`tool-chevron ${open ? "open" : ""}`} size={12} />
        <span className="tool-name mono">{call.name}</span>
        <span className="tool-args mono" title={args}>
          {args}
        </span>
        <span className={`tool-state state-${state}`}>
          {state === "running" && <span className="spinner" aria-hidden="true" />}
          {STATE_LABEL[state]}
        </span>
      </button>
      {approval && (
        <div className="tool-approval">
          <div className="approval-line">
            <RiskBadge risk={approval.risk} />
            <pre className="approval-preview">{approval.preview}</pre>
          </div>
          <ApprovalWhy request={approval} />
          <ApprovalActions request={approval} onAnswer={(a) => onAnswer(approval.id, a)} />
        </div>
      )}
      {open && (
        <div className="tool-body">
          <div className="tool-section-label">Arguments</div>
          <pre className="tool-pre">{JSON.stringify(call.arguments, null, 2)}</pre>
          {result && (
            <>
              <div className="tool-section-label">{result.is_error ? "Error" : "Result"}</div>
              <pre className={`tool-pre ${result.is_error ? "is-error" : ""}`}>{result.content || "(empty)"}</pre>
            </>
          )}
        </div>
      )}
    </div>
  );
});
