// The one module through which the UI reaches the core.
export * from "./types";
export { commands, commands as ipc } from "./commands";
export { onEvent, onOpenConversation, EVENT_CHANNEL, OPEN_CONVERSATION_CHANNEL } from "./events";
export { setTransport, transport, insideTauri, errorMessage } from "./transport";
export { approvalHook, setApprovalHook } from "./hooks";
