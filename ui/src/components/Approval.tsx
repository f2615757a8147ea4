// The approval controls: allow once / always allow / deny (with an optional note). Used inline in a
// tool card and in the approval dialog.
import { useState } from "react";
import type { ApprovalAnswer, ApprovalRequest } from "../ipc";
import { RiskBadge } from "./RiskBadge";

interface Props {
  request: ApprovalRequest;
  onAnswer: (answer: ApprovalAnswer) => void;
}

export function ApprovalActions({ request, onAnswer }: Props) {
  const [denying, setDenying] = useState(false);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const answer = (a: ApprovalAnswer) => {
    setBusy(true);
    onAnswer(a);
  };
  if (denying) {
    return (
      <form
        className="approval-deny"
        onSubmit={(e) => {
          e.preventDefault();
          answer(note.trim() ? { type: "deny", note: note.trim() } : { type: "deny" });
        }}
      >
        <input
          className="input"
          autoFocus
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="Optional note for the model (why not?)"
          aria-label="Note for the model"
        />
        <button type="submit" className="btn btn-danger" data-testid="deny-confirm" disabled={busy}>
          Deny
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setDenying(false)}>
          Back
        </button>
      </form>
    );
  }
  return (
    <div className="approval-actions" role="group" aria-label={`Approve ${request.tool}`}>
      <button type="button" className="btn btn-primary" data-testid="approve-once" disabled={busy} onClick={() => answer({ type: "allow_once" })} aria-label={`Allow ${request.tool} once`}>
        Allow once
      </button>
      <button type="button" className="btn" data-testid="approve-always" disabled={busy} onClick={() => answer({ type: "always_allow" })} aria-label={`Always allow ${request.tool} with these arguments`}>
        Always allow
      </button>
      <button type="button" className="btn btn-ghost-danger" data-testid="deny" disabled={busy} aria-label={`Deny ${request.tool}`} onClick={() => answer({ type: "deny" })}>
        Deny
      </button>
      <button type="button" className="btn-link" data-testid="deny-note" disabled={busy} onClick={() => setDenying(true)} aria-label="Deny with a note for the model">
        Deny with note…
      </button>
    </div>
  );
}

/** What the approval is about: the preview and why it asks. */
export function ApprovalSummary({ request }: { request: ApprovalRequest }) {
  return (
    <div className="approval-summary">
      <div className="approval-title">
        <span className="mono">{request.tool}</span> <RiskBadge risk={request.risk} />
        <span className="approval-needs">needs your approval</span>
      </div>
      <pre className="approval-preview">{request.preview}</pre>
      <div className="approval-reason">{request.reason}</div>
    </div>
  );
}
