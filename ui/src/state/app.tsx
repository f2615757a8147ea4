// App-wide state shared by the panes: version, settings, providers and models, pending approvals.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import {
  approvalHook,
  commands,
  errorMessage,
  onEvent,
  type AppInfo,
  type ApprovalAnswer,
  type ApprovalRequest,
  type ModelInfo,
  type ProviderInfo,
  type Settings,
  type SettingsPatch,
} from "../ipc";
import { connectStreams } from "./streams";

/** Sections of the settings dialog. */
export type SettingsSection = "providers" | "tools" | "mcp" | "mail" | "context" | "api" | "data" | "appearance" | "about";

/** A short message at the bottom of the window, with an optional action. */
export interface Toast {
  id: number;
  text: string;
  tone?: "error" | "info";
  action?: { label: string; run: () => void };
}

export interface AppState {
  info: AppInfo | null;
  settings: Settings | null;
  updateSettings: (patch: SettingsPatch) => Promise<void>;
  paused: boolean;
  setPaused: (paused: boolean) => Promise<void>;
  providers: ProviderInfo[] | null;
  models: ModelInfo[];
  reloadProviders: () => Promise<void>;
  approvals: ApprovalRequest[];
  answerApproval: (id: string, answer: ApprovalAnswer) => Promise<void>;
  settingsOpen: SettingsSection | null;
  openSettings: (section?: SettingsSection | null) => void;
  toasts: Toast[];
  toast: (t: Omit<Toast, "id">) => void;
  /** Bumped when conversations change outside the sidebar (settings: unarchive, restore). */
  conversationsVersion: number;
  notifyConversationsChanged: () => void;
  dismissToast: (id: number) => void;
}

const Ctx = createContext<AppState | null>(null);

/** The shared app state. */
export function useApp(): AppState {
  const v = useContext(Ctx);
  if (!v) throw new Error("useApp outside <AppProvider>");
  return v;
}

let toastId = 0;

export function AppProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [paused, setPausedState] = useState(false);
  const [providers, setProviders] = useState<ProviderInfo[] | null>(null);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [approvals, setApprovals] = useState<ApprovalRequest[]>([]);
  const [settingsOpen, setSettingsOpen] = useState<SettingsSection | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [conversationsVersion, setConversationsVersion] = useState(0);
  const notifyConversationsChanged = useCallback(() => setConversationsVersion((v) => v + 1), []);

  const dismissToast = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (t: Omit<Toast, "id">) => {
      const id = ++toastId;
      setToasts((ts) => [...ts.slice(-2), { ...t, id }]);
      setTimeout(() => dismissToast(id), t.action ? 8000 : 5000);
    },
    [dismissToast],
  );

  const reloadProviders = useCallback(async () => {
    try {
      const [p, m] = await Promise.all([commands.listProviders(), commands.listModels()]);
      setProviders(p);
      setModels(m);
    } catch (e) {
      setProviders((prev) => prev ?? []);
      toast({ text: `Could not load providers: ${errorMessage(e)}`, tone: "error" });
    }
  }, [toast]);

  useEffect(() => {
    commands.appInfo().then(setInfo, (e) => toast({ text: errorMessage(e), tone: "error" }));
    commands.getSettings().then(
      (s) => {
        setSettings(s);
        setPausedState(s.paused);
      },
      () => {},
    );
    void reloadProviders();
    commands.pendingApprovals().then(setApprovals, () => {});
    const offStreams = connectStreams(onEvent);
    const offEvents = onEvent((e) => {
      if (e.type === "approval_requested") {
        approvalHook(e.request);
        setApprovals((list) => (list.some((a) => a.id === e.request.id) ? list : [...list, e.request]));
      } else if (e.type === "approval_resolved") {
        setApprovals((list) => list.filter((a) => a.id !== e.id));
      } else if (e.type === "error" && !e.conversation_id) {
        // Errors that belong to no conversation (config, keychain, local API) surface here.
        toast({ text: e.message, tone: "error" });
      } else if (e.type === "agent_paused") {
        setPausedState(e.paused);
      } else if (e.type === "config_reloaded") {
        void reloadProviders();
        commands.getSettings().then(setSettings, () => {});
        if (e.error) toast({ text: `Config not reloaded: ${e.error}`, tone: "error" });
      } else if (e.type === "turn_started" || e.type === "done") {
        // A turn started elsewhere (quick ask, another window) may have created or retitled a
        // conversation: refresh the list.
        setConversationsVersion((v) => v + 1);
      }
    });
    return () => {
      offStreams();
      offEvents();
    };
  }, [reloadProviders, toast]);

  const updateSettings = useCallback(
    async (patch: SettingsPatch) => {
      try {
        setSettings(await commands.setSettings(patch));
      } catch (e) {
        toast({ text: errorMessage(e), tone: "error" });
      }
    },
    [toast],
  );

  const setPaused = useCallback(
    async (next: boolean) => {
      setPausedState(next);
      try {
        await commands.setPaused(next);
      } catch (e) {
        setPausedState(!next);
        toast({ text: errorMessage(e), tone: "error" });
      }
    },
    [toast],
  );

  const answerApproval = useCallback(
    async (id: string, answer: ApprovalAnswer) => {
      try {
        await commands.answerApproval(id, answer);
        setApprovals((list) => list.filter((a) => a.id !== id));
      } catch (e) {
        toast({ text: errorMessage(e), tone: "error" });
        commands.pendingApprovals().then(setApprovals, () => {});
      }
    },
    [toast],
  );

  const openSettings = useCallback((section?: SettingsSection | null) => {
    setSettingsOpen(section === undefined ? "providers" : section);
  }, []);

  const value = useMemo<AppState>(
    () => ({
      info,
      settings,
      updateSettings,
      paused,
      setPaused,
      providers,
      models,
      reloadProviders,
      approvals,
      answerApproval,
      settingsOpen,
      openSettings,
      toasts,
      toast,
      dismissToast,
      conversationsVersion,
      notifyConversationsChanged,
    }),
    [info, settings, updateSettings, paused, setPaused, providers, models, reloadProviders, approvals, answerApproval, settingsOpen, openSettings, toasts, toast, dismissToast, conversationsVersion, notifyConversationsChanged],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
