import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "./App";
import { ToolCard, toolState } from "./components/ToolCard";
import type { ApprovalRequest, ToolCallBlock, ToolResultBlock } from "./ipc";
import { QuickAsk } from "./QuickAsk";
import { addExchange, callsTo, installFake, renderWithFake } from "./test/helpers";

const call: ToolCallBlock = { type: "tool_call", id: "c1", name: "files.read", arguments: { path: "~/notes/a.md" } };
const ok: ToolResultBlock = { type: "tool_result", call_id: "c1", content: "hello", is_error: false };
const failed: ToolResultBlock = { type: "tool_result", call_id: "c1", content: "No such file", is_error: true };
const denied: ToolResultBlock = { type: "tool_result", call_id: "c1", content: "Denied by the user: not now", is_error: true };
const approval: ApprovalRequest = {
  id: "a1",
  tool: "files.read",
  risk: "read",
  arguments: { path: "~/notes/a.md" },
  preview: "read ~/notes/a.md",
  reason: "outside your roots",
  rule: null,
  taint: [{ tool: "web.fetch", source: "web page https://example.com" }],
  suggested_rule: "files.read(~/notes/a.md)",
  conversation_id: "conv",
  call_id: "c1",
  requested_at: new Date().toISOString(),
  timeout_secs: 300,
};

test("tool card states: asked, running, done, failed, denied, not run", () => {
  expect(toolState(undefined, approval, true)).toBe("asked");
  expect(toolState(undefined, undefined, true)).toBe("running");
  expect(toolState(ok, undefined, true)).toBe("done");
  expect(toolState(failed, undefined, false)).toBe("failed");
  expect(toolState(denied, undefined, false)).toBe("denied");
  expect(toolState(undefined, undefined, false)).toBe("stopped");

  installFake();
  const onAnswer = vi.fn();
  const { rerender } = render(<ToolCard call={call} approval={approval} live onAnswer={onAnswer} />);
  const card = screen.getByTestId("tool-card");
  expect(card.dataset.state).toBe("asked");
  expect(card.textContent).toContain("path: ~/notes/a.md"); // arguments on one line
  expect(card.textContent).toContain("Untrusted content came before this call: web page https://example.com");
  fireEvent.click(screen.getByTestId("approve-once"));
  expect(onAnswer).toHaveBeenCalledWith("a1", { kind: "allow_once" });

  rerender(<ToolCard call={call} result={ok} live={false} onAnswer={onAnswer} />);
  expect(screen.getByTestId("tool-card").dataset.state).toBe("done");
  expect(screen.queryByText("hello")).toBeNull(); // the result is folded
  fireEvent.click(screen.getByRole("button", { expanded: false }));
  expect(screen.getByText("hello")).toBeTruthy();
  rerender(<ToolCard call={call} result={failed} live={false} onAnswer={onAnswer} />);
  expect(screen.getByTestId("tool-card").dataset.state).toBe("failed");
});

test("settings: a key is sent once, cleared from the field, and only its last four are shown", async () => {
  const { fake } = renderWithFake(<App />);
  fireEvent.click(await screen.findByTestId("open-settings"));
  const local = await screen.findByTestId("provider-local");
  fireEvent.click(within(local).getByTestId("key-set-local"));
  const input = within(local).getByTestId("key-input-local") as HTMLInputElement;
  expect(input.type).toBe("password");
  fireEvent.change(input, { target: { value: "sk-local-secret-9876" } });
  fireEvent.click(within(local).getByTestId("key-save-local"));
  await waitFor(() => expect(callsTo(fake, "set_key")).toEqual([{ provider_id: "local", key: "sk-local-secret-9876" }]));
  await waitFor(() => expect(within(local).getByTestId("key-status-local").textContent).toContain("••••9876"));
  expect(document.body.innerHTML).not.toContain("sk-local-secret");
  // Test a provider.
  fireEvent.click(within(local).getByTestId("provider-test-local"));
  expect(await within(local).findByTestId("provider-test-result-local")).toBeTruthy();
  // About shows the version.
  fireEvent.click(screen.getByTestId("settings-about"));
  expect((await screen.findByTestId("about-version")).textContent).toBe("0.1.0-dev");
});

test("settings: add a provider", async () => {
  const { fake } = renderWithFake(<App />);
  fireEvent.click(await screen.findByTestId("open-settings"));
  fireEvent.click(await screen.findByTestId("add-provider"));
  fireEvent.change(screen.getByTestId("provider-kind"), { target: { value: "openai-compatible" } });
  fireEvent.change(screen.getByTestId("provider-id"), { target: { value: "lmstudio" } });
  fireEvent.change(screen.getByTestId("provider-base-url"), { target: { value: "http://127.0.0.1:1234/v1" } });
  fireEvent.change(screen.getByTestId("provider-models"), { target: { value: "qwen3, gemma3" } });
  fireEvent.click(screen.getByTestId("provider-save"));
  await waitFor(() =>
    expect(callsTo(fake, "add_provider")).toEqual([{ id: "lmstudio", kind: "openai-compatible", base_url: "http://127.0.0.1:1234/v1", models: ["qwen3", "gemma3"] }]),
  );
  expect(await screen.findByTestId("provider-lmstudio")).toBeTruthy();
  expect(callsTo(fake, "set_key")).toHaveLength(0); // no key typed, none sent
});

test("quick ask: Enter sends, the answer streams, Open in Hearth, Esc hides", async () => {
  const { fake } = renderWithFake(<QuickAsk />);
  const input = (await screen.findByTestId("composer")) as HTMLInputElement;
  fireEvent.change(input, { target: { value: "Explain lifetimes" } });
  fireEvent.keyDown(input, { key: "Enter" });
  await waitFor(() => expect(screen.getByTestId("message-assistant").textContent).toContain("rules of thumb"), { timeout: 4000 });
  await waitFor(() => expect(screen.getByTestId("message-assistant").getAttribute("aria-busy")).toBe("false"));
  fireEvent.click(screen.getByTestId("open-in-main"));
  await waitFor(() => expect(callsTo(fake, "open_in_main")).toEqual([{ conversation_id: [...fake.conversations.keys()][0] }]));
  fireEvent.keyDown(window, { key: "Escape" });
  await waitFor(() => expect(callsTo(fake, "hide_quick_ask").length).toBeGreaterThan(0));
});

test("open_in_main shows the conversation in the main window", async () => {
  let id = "";
  const { fake } = renderWithFake(<App />, {}, (f) => {
    id = addExchange(f, "From tray", "q", "tray answer", Date.now() - 86_400_000 * 3).conversation.id;
    addExchange(f, "Newer", "q", "newer answer");
  });
  await screen.findByText("newer answer");
  fake.emitOn("hearth://open-conversation", { conversation_id: id });
  expect(await screen.findByText("tray answer")).toBeTruthy();
});

test("the approval dialog does not put focus on a button (no approval by a stray Enter)", async () => {
  const { fake } = renderWithFake(<App />);
  await screen.findByTestId("empty-chat");
  fake.script.push([{ kind: "tool", name: "mail.send", arguments: { to: "ana@example.com" }, result: "sent" }]);
  fake.send(null, "mail Ana", null);
  const dialog = await screen.findByTestId("approval-dialog");
  await waitFor(() => expect(document.activeElement).toBe(dialog));
  expect(dialog.textContent).toContain("SEND".toLowerCase());
});

test("appearance: choosing dark sets data-theme; system removes it", async () => {
  const { fake } = renderWithFake(<App />);
  fireEvent.click(await screen.findByTestId("open-settings"));
  fireEvent.click(await screen.findByTestId("settings-appearance"));
  fireEvent.click(screen.getByTestId("theme-dark"));
  await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
  expect(callsTo(fake, "set_settings")).toEqual([{ patch: { appearance: "dark" } }]);
  fireEvent.click(screen.getByTestId("theme-system"));
  await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
});
