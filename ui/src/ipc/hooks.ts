// Hook points the shell may fill in. The core shows the system notification for an approval when
// the window is hidden (it knows window visibility); the UI only calls this hook when an approval
// arrives, so a future shell-side integration has one place to attach.
import type { ApprovalRequest } from "./types";

type ApprovalHook = (request: ApprovalRequest, windowHidden: boolean) => void;

let hook: ApprovalHook = () => {};

/** Called by the UI for every new approval request. */
export function approvalHook(request: ApprovalRequest): void {
  hook(request, typeof document !== "undefined" && document.hidden);
}

/** Replaces the approval hook (e.g. to request a notification through a plugin). */
export function setApprovalHook(next: ApprovalHook): void {
  hook = next;
}
