// The fake backend's command dispatcher: one case per IPC command (see commands.ts).
import type * as T from "./types";
import { OPEN_CONVERSATION_CHANNEL } from "./events";
import type { FakeBackend } from "./fake";
import { fail, FakeError } from "./fakeErrors";
import { TOOLS } from "./fakeWorld";

/** Runs one command against the fake backend. */
export function dispatch(fake: FakeBackend, command: string, a: Record<string, unknown>): unknown {
  fake.calls.push({ command, args: a });
  const s = (k: string) => a[k] as string;
  switch (command) {
    case "app_info":
      return { version: "0.1.0-dev", data_dir: fake.settings.data_dir } satisfies T.AppInfo;
    case "list_conversations":
      return fake.listConversations((a.query as T.ListQuery | null) ?? null);
    case "get_conversation":
      return fake.view(s("id"));
    case "create_conversation":
      return fake.createConversation("New chat");
    case "rename_conversation":
      return fake.patchConversation(s("id"), { title: s("title").trim() || "Untitled" });
    case "set_pinned":
      return fake.patchConversation(s("id"), { pinned: Boolean(a.pinned) });
    case "set_archived":
      return fake.patchConversation(s("id"), { archived: Boolean(a.archived) });
    case "delete_conversation":
      fake.conversationOr404(s("id"));
      fake.trash.add(s("id"));
      return null;
    case "restore_conversation":
      fake.trash.delete(s("id"));
      return fake.conversationOr404(s("id"));
    case "search_history":
      return fake.search((a.query as T.SearchQuery).text);
    case "send_message":
      return fake.send(a.conversation_id as string | null, s("text"), a.model as T.ModelRef | null);
    case "stop_turn": {
      const turn = fake.turns.get(s("conversation_id"));
      if (turn) {
        turn.cancelled = true;
        turn.wake?.();
      }
      return null;
    }
    case "regenerate":
      return fake.regenerate(s("message_id"), a.model as T.ModelRef | null);
    case "edit_message":
      return fake.edit(s("message_id"), s("text"));
    case "switch_branch":
      return fake.switchBranch(s("message_id"));
    case "list_models":
      return fake.providers.flatMap((p) =>
        p.models.map((m) => ({ provider: p.id, model: m, label: m })),
      ) satisfies T.ModelInfo[];
    case "list_providers":
      return fake.providers;
    case "add_provider":
      return fake.addProvider(a as unknown as T.ProviderSpec);
    case "remove_provider":
      fake.providers = fake.providers.filter((p) => p.id !== s("id"));
      fake.keys.delete(s("id"));
      return null;
    case "test_provider":
      return fake.testProvider(s("id"));
    case "key_status":
      return fake.providers.map((p) => fake.keyStatus(p.id));
    case "set_key": {
      const key = s("key").trim();
      if (key.length < 8) fail("invalid_input", "That key looks too short. Paste the whole key.");
      fake.keys.set(s("provider_id"), key.slice(-4));
      fake.logDone({ kind: "config_change", actor: "user", summary: `key for ${s("provider_id")} set via ui`, detail: { setting: `keys.${s("provider_id")}`, via: "ui", provider: s("provider_id") } });
      return fake.keyStatus(s("provider_id"));
    }
    case "delete_key":
      fake.keys.delete(s("provider_id"));
      return fake.keyStatus(s("provider_id"));
    case "list_tools":
      return TOOLS.map((t) => fake.toolInfo(t));
    case "set_tool_decision": {
      const tool = TOOLS.find((t) => t.name === s("tool")) ?? fail("not_found", `No tool named ${s("tool")}.`);
      fake.decisions.set(tool.name, a.decision as T.Decision);
      fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.tools.${tool.name} changed via ui`, detail: { setting: `permissions.tools.${tool.name}`, to: a.decision as string, via: "ui", tool: tool.name } });
      return fake.toolInfo(tool);
    }
    case "add_rule": {
      const rule = s("rule").trim();
      if (!/^[\w.-]+(\(.+\))?$/.test(rule)) {
        fail("invalid_input", `“${rule}” is not a rule. Write it like shell.run(git status*).`);
      }
      if (!fake.rules.some((r) => r.rule === rule && r.effect === a.effect)) {
        fake.rules.push({ rule, effect: a.effect as T.RuleEffect });
      }
      fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.${a.effect as string} changed via ui`, detail: { setting: `permissions.${a.effect as string}`, to: rule, via: "ui" } });
      return null;
    }
    case "remove_rule":
      fake.rules = fake.rules.filter((r) => !(r.rule === s("rule") && r.effect === a.effect));
      return null;
    case "set_paused":
      fake.settings.paused = Boolean(a.paused);
      fake.emit({ type: "agent_paused", paused: fake.settings.paused });
      fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.paused changed via ui`, detail: { setting: "permissions.paused", to: String(fake.settings.paused), via: "ui" } });
      return null;
    case "pending_approvals":
      return [...fake.approvals.values()].map((p) => p.request);
    case "answer_approval": {
      const pending = fake.approvals.get(s("id")) ?? fail("not_found", "That approval is no longer pending.");
      pending.answer(a.answer as T.ApprovalAnswer);
      return null;
    }
    case "action_log":
      return fake.audit.query(a as unknown as T.LogQuery);
    case "get_settings":
      return fake.settings;
    case "set_settings": {
      const patch = a.patch as T.SettingsPatch;
      const { local_api_enabled, ...rest } = patch;
      Object.assign(fake.settings, rest);
      if (local_api_enabled !== undefined) fake.settings.local_api.enabled = local_api_enabled;
      return fake.settings;
    }
    case "export_history":
      return {
        path: `${fake.settings.data_dir}/exports/hearth-${new Date().toISOString().slice(0, 10)}.${a.format === "markdown" ? "md" : "json"}`,
        conversations: a.id ? 1 : fake.conversations.size,
      } satisfies T.ExportResult;
    case "import_history":
      if (!s("path")) fail("invalid_input", "Choose a file to import.");
      return { imported: [], skipped_existing: [] } satisfies T.ImportReport;
    case "hide_quick_ask":
      return null;
    case "open_in_main":
      fake.emitOn(OPEN_CONVERSATION_CHANNEL, { conversation_id: s("conversation_id") });
      return null;
    case "open_external":
      if (typeof window !== "undefined" && /^(https?:|mailto:)/.test(s("url"))) {
        window.open(s("url"), "_blank", "noopener");
      }
      return null;
    default:
      throw new FakeError("internal", `The fake backend has no command ${command}.`).toJSON();
  }
}
