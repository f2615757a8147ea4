// The main window: sidebar | conversation | activity & permissions, plus settings, onboarding and
// the approval dialog.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApprovalDialog } from "./components/ApprovalDialog";
import { ChatView, type ChatHandle } from "./components/ChatView";
import { Onboarding } from "./components/Onboarding";
import { RightPanel } from "./components/RightPanel";
import { Sidebar, type SidebarHandle } from "./components/Sidebar";
import { Toasts } from "./components/Toasts";
import { commands, errorMessage, onOpenConversation, type Conversation } from "./ipc";
import { useTheme } from "./lib/theme";
import { AppProvider, useApp } from "./state/app";

// Settings are not needed for the first frame: their code loads when they are first opened.
const SettingsDialog = lazy(() => import("./components/SettingsDialog").then((m) => ({ default: m.SettingsDialog })));

/** Below this width the right panel floats over the conversation instead of taking a column. */
const NARROW = 1040;

function Main() {
  const app = useApp();
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [panelOpen, setPanelOpen] = useState(() => typeof window === "undefined" || window.innerWidth >= NARROW);
  const [onboarding, setOnboarding] = useState<"unknown" | "open" | "closed">("unknown");
  const [laterApprovals, setLaterApprovals] = useState<Set<string>>(() => new Set());
  const [forcedApproval, setForcedApproval] = useState<string | null>(null);
  const chat = useRef<ChatHandle>(null);
  const sidebar = useRef<SidebarHandle>(null);
  const firstLoad = useRef(true);
  useTheme(app.settings?.appearance);

  const refreshList = useCallback(() => {
    commands.listConversations({ scope: "active", pinned_first: true, limit: 500, offset: 0 }).then(
      (list) => {
        setConversations(list);
        if (firstLoad.current) {
          firstLoad.current = false;
          const recent = list.slice().sort((a, b) => b.updated_at - a.updated_at)[0];
          if (recent) setSelected((s) => s ?? recent.id);
        }
      },
      (e) => {
        setConversations((c) => c ?? []);
        app.toast({ text: `Could not load conversations: ${errorMessage(e)}`, tone: "error" });
      },
    );
  }, [app.toast]);

  useEffect(() => refreshList(), [refreshList, app.conversationsVersion]);
  useEffect(() => onOpenConversation(({ conversation_id }) => {
    setSelected(conversation_id);
    refreshList();
  }), [refreshList]);

  const newChat = useCallback(() => {
    setSelected(null);
    setTimeout(() => chat.current?.focusComposer(), 0);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.metaKey || e.ctrlKey;
      if (!mod || e.altKey || e.shiftKey) return;
      const k = e.key.toLowerCase();
      if (k === "n") {
        e.preventDefault();
        app.openSettings(null);
        newChat();
      } else if (k === "k") {
        e.preventDefault();
        sidebar.current?.focusSearch();
      } else if (k === ",") {
        e.preventDefault();
        app.openSettings("providers");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [newChat, app]);

  // The dialog shows approvals that are not visible inline (or that the user asked to see).
  const dialogApproval = useMemo(() => {
    if (forcedApproval) return app.approvals.find((a) => a.id === forcedApproval) ?? null;
    return app.approvals.find((a) => !laterApprovals.has(a.id) && (!a.call_id || a.conversation_id !== selected)) ?? null;
  }, [app.approvals, laterApprovals, selected, forcedApproval]);

  // First run: decided once, when the provider list first arrives; the dialog then stays until done.
  useEffect(() => {
    if (onboarding === "unknown" && app.providers !== null) setOnboarding(app.providers.length === 0 ? "open" : "closed");
  }, [app.providers, onboarding]);
  const showOnboarding = onboarding === "open" && !app.settingsOpen;
  const narrow = typeof window !== "undefined" && window.innerWidth < NARROW;
  const pendingElsewhere = app.approvals.filter((a) => a.conversation_id !== selected).length;

  return (
    <div className={`layout ${panelOpen ? "panel-open" : "panel-closed"}`}>
      <Sidebar
        ref={sidebar}
        conversations={conversations}
        selected={selected}
        onSelect={(id) => {
          setSelected(id);
          if (narrow) setPanelOpen(false);
        }}
        onNewChat={newChat}
        onChanged={refreshList}
      />
      <main className="centre">
        <ChatView
          ref={chat}
          conversationId={selected}
          onOpened={(id) => {
            setSelected(id);
            refreshList();
          }}
          onChanged={refreshList}
          panelOpen={panelOpen}
          onTogglePanel={() => setPanelOpen((o) => !o)}
          headerExtra={
            pendingElsewhere > 0 && !dialogApproval ? (
              <button type="button" className="pending-pill" data-testid="pending-approvals" onClick={() => setForcedApproval(app.approvals.find((a) => a.conversation_id !== selected)?.id ?? null)}>
                {pendingElsewhere} approval{pendingElsewhere > 1 ? "s" : ""} waiting
              </button>
            ) : null
          }
        />
      </main>
      {panelOpen && <RightPanel onClose={() => setPanelOpen(false)} />}
      {app.settingsOpen && (
        <Suspense fallback={null}>
          <SettingsDialog />
        </Suspense>
      )}
      {showOnboarding && (
        <Onboarding
          onSkip={() => setOnboarding("closed")}
          onDone={() => {
            setOnboarding("closed");
            newChat();
          }}
        />
      )}
      {dialogApproval && !app.settingsOpen && !showOnboarding && (
        <ApprovalDialog
          request={dialogApproval}
          count={app.approvals.length}
          where={conversations?.find((c) => c.id === dialogApproval.conversation_id)?.title}
          onLater={() => {
            setForcedApproval(null);
            setLaterApprovals((s) => new Set(s).add(dialogApproval.id));
          }}
          onShow={
            dialogApproval.conversation_id
              ? () => {
                  setForcedApproval(null);
                  setLaterApprovals((s) => new Set(s).add(dialogApproval.id));
                  setSelected(dialogApproval.conversation_id);
                }
              : undefined
          }
        />
      )}
      <Toasts />
    </div>
  );
}

/** The main window. */
export function App() {
  return (
    <AppProvider>
      <Main />
    </AppProvider>
  );
}
