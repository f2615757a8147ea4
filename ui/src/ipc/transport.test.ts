import { vi } from "vitest";

const invoke = vi.fn(async (cmd: string, args?: unknown) => ({ cmd, args }));
const unlisten = vi.fn();
let handler: ((e: { payload: unknown }) => void) | null = null;
vi.mock("@tauri-apps/api/core", () => ({ invoke: (cmd: string, args?: unknown) => invoke(cmd, args) }));
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_channel: string, h: (e: { payload: unknown }) => void) => {
    handler = h;
    return unlisten;
  }),
}));

import { commands, onEvent, setTransport } from ".";
import { tauriTransport } from "./transport";

test("commands go through Tauri's invoke with one snake_case argument struct under `args`", async () => {
  setTransport(tauriTransport());
  invoke.mockClear();
  await commands.sendMessage("hi", null, { provider: "p", model: "m" });
  await commands.answerApproval("a1", { kind: "deny", note: null });
  await commands.actionLog({ limit: 10, tool: "shell.run" });
  await commands.appInfo();
  expect(invoke.mock.calls).toEqual([
    ["send_message", { args: { conversation_id: null, text: "hi", model: { provider: "p", model: "m" } } }],
    ["answer_approval", { args: { id: "a1", answer: { kind: "deny", note: null } } }],
    ["action_log", { args: { limit: 10, before: null, kind: null, tool: "shell.run", provider: null } }],
    ["app_info", undefined],
  ]);
});

test("the fake backend takes the same wire shape and records the argument struct", async () => {
  const { FakeBackend } = await import("./fake");
  const fake = new FakeBackend({ seed: "ready" });
  setTransport(fake.transport());
  const info = await commands.appInfo();
  expect(info.version).toBeTruthy();
  await commands.setPaused(true);
  expect(fake.calls.map((c) => [c.command, c.args])).toEqual([
    ["app_info", {}],
    ["set_paused", { paused: true }],
  ]);
  await expect(fake.transport().invoke("no_such_command")).rejects.toMatchObject({ kind: "internal" });
});

test("events arrive on hearth://event and unsubscribe cleanly", async () => {
  setTransport(tauriTransport());
  const seen: unknown[] = [];
  const off = onEvent((e) => seen.push(e));
  await vi.waitFor(() => expect(handler).not.toBeNull());
  handler!({ payload: { type: "agent_paused", paused: true } });
  expect(seen).toEqual([{ type: "agent_paused", paused: true }]);
  off();
  expect(unlisten).toHaveBeenCalledTimes(1);
});
