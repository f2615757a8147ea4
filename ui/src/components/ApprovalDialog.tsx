// The approval dialog: the loud element, for approvals not visible inline (another conversation,
// the quick-ask window, the local API) or when opened from the pending count.
import type { ApprovalRequest } from "../ipc";
import { useApp } from "../state/app";
import { ApprovalActions, ApprovalSummary } from "./Approval";
import { Dialog } from "./Dialog";

export function ApprovalDialog({ request, count, where, onLater, onShow }: { request: ApprovalRequest; count: number; where?: string; onLater: () => void; onShow?: () => void }) {
  const app = useApp();
  return (
    <Dialog label={`Approve ${request.tool}?`} onClose={onLater} tone="attention" className="approval-dialog" testId="approval-dialog">
      {where && <div className="approval-where muted">In “{where}”</div>}
      <ApprovalSummary request={request} />
      <ApprovalActions request={request} onAnswer={(a) => void app.answerApproval(request.id, a)} />
      <div className="approval-foot">
        {count > 1 && <span className="muted">{count - 1} more waiting</span>}
        {onShow && (
          <button type="button" className="btn-link" onClick={onShow}>
            Show in conversation
          </button>
        )}
        <button type="button" className="btn-link" data-testid="approval-later" onClick={onLater}>
          Later
        </button>
      </div>
    </Dialog>
  );
}
