// The fake backend's command handlers: one per IPC command, typed by the generated `Commands` map
// (bindings.ts), so a change of a command's arguments or result in Rust fails the type check here
// too. `a` is the command's argument struct (what the core receives as `args`).
import type * as T from "./types";
import type { CommandName, Commands } from "./bindings";
import { OPEN_CONVERSATION_CHANNEL } from "./events";
import type { FakeBackend } from "./fake";
import { fail, FakeError } from "./fakeErrors";
import { TOOLS } from "./fakeWorld";

/** One handler per command: its generated arguments in, its generated result out. */
type Handlers = {
  [K in CommandName]: (fake: FakeBackend, a: Commands[K]["args"]) => Commands[K]["result"];
};

const handlers: Handlers = {
  app_info: (fake) => ({ version: "0.1.0-dev", data_dir: fake.settings.data_dir }),
  startup_painted: () => null,
  list_conversations: (fake, a) => fake.listConversations(a.query),
  get_conversation: (fake, a) => fake.view(a.id),
  create_conversation: (fake) => fake.createConversation("New chat"),
  rename_conversation: (fake, a) => fake.patchConversation(a.id, { title: a.title.trim() || "Untitled" }),
  set_pinned: (fake, a) => fake.patchConversation(a.id, { pinned: a.pinned }),
  set_archived: (fake, a) => fake.patchConversation(a.id, { archived: a.archived }),
  delete_conversation: (fake, a) => {
    fake.conversationOr404(a.id);
    fake.trash.add(a.id);
    return null;
  },
  restore_conversation: (fake, a) => {
    fake.trash.delete(a.id);
    return fake.conversationOr404(a.id);
  },
  search_history: (fake, a) => fake.search(a.query.text),
  send_message: (fake, a) => fake.send(a.conversation_id, a.text, a.model),
  stop_turn: (fake, a) => {
    const turn = fake.turns.get(a.conversation_id);
    if (turn) {
      turn.cancelled = true;
      turn.wake?.();
    }
    return null;
  },
  regenerate: (fake, a) => fake.regenerate(a.message_id, a.model),
  edit_message: (fake, a) => fake.edit(a.message_id, a.text),
  switch_branch: (fake, a) => fake.switchBranch(a.message_id),
  list_models: (fake) => fake.providers.flatMap((p) => p.models.map((m) => ({ provider: p.id, model: m, label: m }))),
  list_providers: (fake) => fake.providers,
  add_provider: (fake, a) => fake.addProvider(a),
  remove_provider: (fake, a) => {
    fake.providers = fake.providers.filter((p) => p.id !== a.id);
    fake.keys.delete(a.id);
    return null;
  },
  test_provider: (fake, a) => fake.testProvider(a.id),
  key_status: (fake) => fake.providers.map((p) => fake.keyStatus(p.id)),
  set_key: (fake, a) => {
    const key = a.key.trim();
    if (key.length < 8) fail("invalid_input", "That key looks too short. Paste the whole key.");
    fake.keys.set(a.provider_id, key.slice(-4));
    fake.logDone({ kind: "config_change", actor: "user", summary: `key for ${a.provider_id} set via ui`, detail: { setting: `keys.${a.provider_id}`, via: "ui", provider: a.provider_id } });
    return fake.keyStatus(a.provider_id);
  },
  delete_key: (fake, a) => {
    fake.keys.delete(a.provider_id);
    return fake.keyStatus(a.provider_id);
  },
  list_tools: (fake) => TOOLS.map((t) => fake.toolInfo(t)),
  set_tool_decision: (fake, a) => {
    const tool = TOOLS.find((t) => t.name === a.tool) ?? fail("not_found", `No tool named ${a.tool}.`);
    fake.decisions.set(tool.name, a.decision);
    fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.tools.${tool.name} changed via ui`, detail: { setting: `permissions.tools.${tool.name}`, to: a.decision, via: "ui", tool: tool.name } });
    return fake.toolInfo(tool);
  },
  add_rule: (fake, a) => {
    const rule = a.rule.trim();
    if (!/^[\w.-]+(\(.+\))?$/.test(rule)) {
      fail("invalid_input", `“${rule}” is not a rule. Write it like shell.run(git status*).`);
    }
    if (!fake.rules.some((r) => r.rule === rule && r.effect === a.effect)) {
      fake.rules.push({ rule, effect: a.effect });
    }
    fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.${a.effect} changed via ui`, detail: { setting: `permissions.${a.effect}`, to: rule, via: "ui" } });
    return null;
  },
  remove_rule: (fake, a) => {
    fake.rules = fake.rules.filter((r) => !(r.rule === a.rule && r.effect === a.effect));
    return null;
  },
  set_paused: (fake, a) => {
    fake.settings.paused = a.paused;
    fake.emit({ type: "agent_paused", paused: fake.settings.paused });
    fake.logDone({ kind: "config_change", actor: "user", summary: `permissions.paused changed via ui`, detail: { setting: "permissions.paused", to: String(fake.settings.paused), via: "ui" } });
    return null;
  },
  pending_approvals: (fake) => [...fake.approvals.values()].map((p) => p.request),
  answer_approval: (fake, a) => {
    const pending = fake.approvals.get(a.id) ?? fail("not_found", "That approval is no longer pending.");
    pending.answer(a.answer);
    return null;
  },
  action_log: (fake, a) => fake.audit.query(a),
  mcp_statuses: (fake) => fake.mcp,
  mcp_restart: (fake, a) => {
    const server = fakeMcpServer(fake, a.name);
    if (!server.enabled) fail("invalid_input", `MCP server '${server.name}' is disabled: enable it first.`);
    Object.assign(server, { state: "starting" });
    return server;
  },
  mcp_set_enabled: (fake, a) => {
    const server = fakeMcpServer(fake, a.name);
    const enabled = a.enabled;
    fake.mcp = fake.mcp.map((x) => (x === server ? ({ ...x, enabled, state: enabled ? "starting" : "disabled" } as T.ServerStatus) : x));
    fake.logDone({ kind: "config_change", actor: "user", summary: `mcp.servers.${server.name}.enabled changed via ui`, detail: { setting: `mcp.servers.${server.name}.enabled`, to: String(enabled), via: "ui" } });
    return null;
  },
  mcp_add: (fake, a) => {
    const name = a.name.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(name)) fail("invalid_input", "A server name uses letters, digits, _ and - only.");
    if (fake.mcp.some((x) => x.name === name)) fail("invalid_input", `an MCP server named '${name}' already exists: remove it first`);
    if (!a.command.trim()) fail("invalid_input", "Name the program to run.");
    const target = [a.command.trim(), ...a.args].join(" ");
    fake.mcp = [...fake.mcp, { name, enabled: true, transport: "stdio", target, state: "stopped", server_info: null, tools: [] }];
    return null;
  },
  mcp_remove: (fake, a) => {
    fakeMcpServer(fake, a.name);
    fake.mcp = fake.mcp.filter((x) => x.name !== a.name);
    return null;
  },
  mcp_import_preview: (fake, a) => ({
    path: a.path ?? "~/.config/Claude/claude_desktop_config.json",
    servers: fake.mcpImportFile.map((c) => (fake.mcp.some((x) => x.name === c.name) ? { ...c, skipped: "a server with this name already exists" } : c)),
  }),
  mcp_import: (fake) => {
    const added = fake.mcpImportFile.filter((c) => !c.skipped && !fake.mcp.some((x) => x.name === c.name));
    fake.mcp = [...fake.mcp, ...added.map((c) => ({ name: c.name, enabled: false, transport: "stdio", target: c.target, state: "disabled", server_info: null, tools: [] }) as T.ServerStatus)];
    return added.map((c) => c.name);
  },
  list_api_tokens: (fake) => fake.apiTokens,
  create_api_token: (fake, a) => {
    const name = a.name.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) fail("invalid_input", `invalid token name '${name}': use 1-64 letters, digits, '-', '_' or '.'`);
    if (fake.apiTokens.some((t) => t.name === name)) fail("invalid_input", `a token named '${name}' exists already`);
    const token = `hth_${Array.from({ length: 64 }, (_, i) => "0123456789abcdef"[(i * 7 + name.length) % 16]).join("")}`;
    const models = a.models.map((m) => m.trim()).filter(Boolean);
    const info: T.TokenInfo = { name, prefix: token.slice(0, 10), models, record: a.record, created_at: Date.now() };
    fake.apiTokens = [...fake.apiTokens, info];
    fake.logDone({ kind: "config_change", actor: "user", summary: `api_tokens.${name} changed via ui`, detail: { setting: `api_tokens.${name}`, to: models.join(", ") || "every model", via: "ui" } });
    return { token, info };
  },
  revoke_api_token: (fake, a) => {
    if (!fake.apiTokens.some((t) => t.name === a.name)) fail("not_found", `no token named '${a.name}'`);
    fake.apiTokens = fake.apiTokens.filter((t) => t.name !== a.name);
    fake.logDone({ kind: "config_change", actor: "user", summary: `api_tokens.${a.name} changed via ui`, detail: { setting: `api_tokens.${a.name}`, from: "active", to: "revoked", via: "ui" } });
    return fake.apiTokens;
  },
  get_personal_settings: (fake) => fake.personal,
  set_personal_settings: (fake, a) => applyPersonalPatch(fake, a.patch),
  set_smtp_password: (fake, a) => {
    if (!fake.personal.smtp.host || !fake.personal.smtp.username) fail("invalid_input", "no SMTP server: set the host and login first");
    if (!a.password) fail("invalid_input", "Type the password first.");
    fake.personal = { ...fake.personal, smtp: { ...fake.personal.smtp, password_stored: true } };
    return fake.personal;
  },
  delete_smtp_password: (fake) => {
    fake.personal = { ...fake.personal, smtp: { ...fake.personal.smtp, password_stored: false } };
    return fake.personal;
  },
  get_settings: (fake) => fake.settings,
  set_settings: (fake, a) => {
    const { local_api_enabled, ...rest } = a.patch;
    Object.assign(fake.settings, rest);
    if (local_api_enabled !== undefined) fake.settings.local_api.enabled = local_api_enabled;
    return fake.settings;
  },
  export_history: (fake, a) => ({
    path: `${fake.settings.data_dir}/exports/hearth-${new Date().toISOString().slice(0, 10)}.${a.format === "markdown" ? "md" : "json"}`,
    conversations: a.id ? 1 : fake.conversations.size,
  }),
  import_history: (_fake, a) => {
    if (!a.path) fail("invalid_input", "Choose a file to import.");
    return { imported: [], skipped_existing: [] };
  },
  hide_quick_ask: () => null,
  open_in_main: (fake, a) => {
    fake.emitOn(OPEN_CONVERSATION_CHANNEL, { conversation_id: a.conversation_id });
    return null;
  },
  open_external: (_fake, a) => {
    if (typeof window !== "undefined" && /^(https?:|mailto:)/.test(a.url)) {
      window.open(a.url, "_blank", "noopener");
    }
    return null;
  },
};

/** Runs one command against the fake backend; `args` is the argument struct (`null` for none). */
export function dispatch(fake: FakeBackend, command: string, args: unknown): unknown {
  fake.calls.push({ command, args: (args ?? {}) as Record<string, unknown> });
  if (!Object.prototype.hasOwnProperty.call(handlers, command)) {
    throw new FakeError("internal", `The fake backend has no command ${command}.`).toJSON();
  }
  const handler = handlers[command as CommandName] as (fake: FakeBackend, a: unknown) => unknown;
  return handler(fake, args ?? null);
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
