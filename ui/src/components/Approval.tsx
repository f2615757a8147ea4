// The approval controls: allow once / always allow / deny (with an optional note). Used inline in a
// tool card and in the approval dialog.
import { useEffect, useState } from "react";
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
          answer({ kind: "deny", note: note.trim() || null });
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
      <button type="button" className="btn btn-primary" data-testid="approve-once" disabled={busy} onClick={() => answer({ kind: "allow_once" })} aria-label={`Allow ${request.tool} once`}>
        Allow once
      </button>
      <button type="button" className="btn" data-testid="approve-always" disabled={busy} onClick={() => answer({ kind: "always_allow" })} aria-label={`Always allow ${request.tool} with these arguments`} title={request.suggested_rule ? `Adds the rule ${request.suggested_rule}` : undefined}>
        Always allow
      </button>
      <button type="button" className="btn btn-ghost-danger" data-testid="deny" disabled={busy} aria-label={`Deny ${request.tool}`} onClick={() => answer({ kind: "deny", note: null })}>
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
      <ApprovalWhy request={request} />
    </div>
  );
}

/** Why it asks, untrusted content seen before, and when it will be denied on its own. */
export function ApprovalWhy({ request }: { request: ApprovalRequest }) {
  const deadline = Date.parse(request.requested_at) + request.timeout_secs * 1000;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!request.timeout_secs) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [request.timeout_secs]);
  const left = Math.max(0, Math.round((deadline - now) / 1000));
  return (
    <div className="approval-reason">
      {request.reason}
      {request.taint.length > 0 && (
        <div className="approval-taint" role="note">
          Untrusted content came before this call: {request.taint.map((t) => t.source).join("; ")}.
        </div>
      )}
      {request.timeout_secs > 0 && Number.isFinite(deadline) && (
        <span className="approval-timeout">
          {" "}
          · denied automatically in {Math.floor(left / 60)}:{String(left % 60).padStart(2, "0")}
        </span>
      )}
    </div>
  );
}
