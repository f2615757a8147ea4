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
    case "mcp_statuses":
      return fake.mcp;
    case "mcp_restart": {
      const server = fakeMcpServer(fake, s("name"));
      if (!server.enabled) fail("invalid_input", `MCP server '${server.name}' is disabled: enable it first.`);
      Object.assign(server, { state: "starting" });
      return server;
    }
    case "mcp_set_enabled": {
      const server = fakeMcpServer(fake, s("name"));
      const enabled = Boolean(a.enabled);
      fake.mcp = fake.mcp.map((x) => (x === server ? ({ ...x, enabled, state: enabled ? "starting" : "disabled" } as T.ServerStatus) : x));
      fake.logDone({ kind: "config_change", actor: "user", summary: `mcp.servers.${server.name}.enabled changed via ui`, detail: { setting: `mcp.servers.${server.name}.enabled`, to: String(enabled), via: "ui" } });
      return null;
    }
    case "mcp_add": {
      const name = s("name").trim();
      if (!/^[A-Za-z0-9_-]+$/.test(name)) fail("invalid_input", "A server name uses letters, digits, _ and - only.");
      if (fake.mcp.some((x) => x.name === name)) fail("invalid_input", `an MCP server named '${name}' already exists: remove it first`);
      if (!s("command").trim()) fail("invalid_input", "Name the program to run.");
      const target = [s("command").trim(), ...(a.args as string[])].join(" ");
      fake.mcp = [...fake.mcp, { name, enabled: true, transport: "stdio", target, state: "stopped", server_info: null, tools: [] }];
      return null;
    }
    case "mcp_remove":
      fakeMcpServer(fake, s("name"));
      fake.mcp = fake.mcp.filter((x) => x.name !== s("name"));
      return null;
    case "mcp_import_preview":
      return { path: (a.path as string | null) ?? "~/.config/Claude/claude_desktop_config.json", servers: fake.mcpImportFile.map((c) => (fake.mcp.some((x) => x.name === c.name) ? { ...c, skipped: "a server with this name already exists" } : c)) } satisfies T.McpImportPreview;
    case "mcp_import": {
      const added = fake.mcpImportFile.filter((c) => !c.skipped && !fake.mcp.some((x) => x.name === c.name));
      fake.mcp = [...fake.mcp, ...added.map((c) => ({ name: c.name, enabled: false, transport: "stdio", target: c.target, state: "disabled", server_info: null, tools: [] }) as T.ServerStatus)];
      return added.map((c) => c.name);
    }
    case "get_personal_settings":
      return fake.personal;
    case "set_personal_settings":
      return applyPersonalPatch(fake, a.patch as T.PersonalPatch);
    case "set_smtp_password":
      if (!fake.personal.smtp.host || !fake.personal.smtp.username) fail("invalid_input", "no SMTP server: set the host and login first");
      if (!s("password")) fail("invalid_input", "Type the password first.");
      fake.personal = { ...fake.personal, smtp: { ...fake.personal.smtp, password_stored: true } };
      return fake.personal;
    case "delete_smtp_password":
      fake.personal = { ...fake.personal, smtp: { ...fake.personal.smtp, password_stored: false } };
      return fake.personal;
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

/** The configured MCP server `name`, or a not_found error. */
function fakeMcpServer(fake: FakeBackend, name: string): T.ServerStatus {
  return fake.mcp.find((x) => x.name === name) ?? fail("not_found", `no MCP server named '${name}'`);
}

/** Applies a `set_personal_settings` patch ("" removes an optional setting). */
function applyPersonalPatch(fake: FakeBackend, patch: T.PersonalPatch): T.PersonalSettings {
  const lines = (l: string[]) => l.map((x) => x.trim()).filter(Boolean);
  const orNull = (v: string) => v.trim() || null;
  const p = fake.personal;
  const smtp = { ...p.smtp };
  if (patch.smtp_host !== undefined) smtp.host = patch.smtp_host.trim();
  if (patch.smtp_port !== undefined) smtp.port = patch.smtp_port;
  if (patch.smtp_security !== undefined) smtp.security = patch.smtp_security;
  if (patch.smtp_username !== undefined) smtp.username = orNull(patch.smtp_username);
  fake.personal = {
    calendar_paths: patch.calendar_paths !== undefined ? lines(patch.calendar_paths) : p.calendar_paths,
    timezone: patch.timezone !== undefined ? orNull(patch.timezone) : p.timezone,
    maildirs: patch.maildirs !== undefined ? lines(patch.maildirs) : p.maildirs,
    drafts: patch.drafts !== undefined ? orNull(patch.drafts) : p.drafts,
    from: patch.from !== undefined ? orNull(patch.from) : p.from,
    send_via: patch.send_via ?? p.send_via,
    smtp,
  };
  return fake.personal;
}
