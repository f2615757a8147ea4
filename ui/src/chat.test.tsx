import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { App } from "./App";
import type { FakeBackend } from "./ipc/fake";
import { addExchange, callsTo, renderWithFake } from "./test/helpers";

function composer() {
  return screen.getByTestId("composer") as HTMLTextAreaElement;
}

function type(text: string) {
  fireEvent.change(composer(), { target: { value: text } });
}

async function lastAssistant() {
  const bodies = await screen.findAllByTestId("message-assistant");
  return bodies[bodies.length - 1];
}

test("Enter sends, Shift+Enter does not, and the answer streams into the assistant message", async () => {
  const { fake } = renderWithFake(<App />);
  await screen.findByTestId("empty-chat");
  type("Explain lifetimes");
  fireEvent.keyDown(composer(), { key: "Enter", shiftKey: true });
  expect(callsTo(fake, "send_message")).toHaveLength(0);
  fireEvent.keyDown(composer(), { key: "Enter" });
  await waitFor(() => expect(callsTo(fake, "send_message")).toHaveLength(1));
  expect(callsTo(fake, "send_message")[0]).toEqual({
    conversation_id: null,
    text: "Explain lifetimes",
    model: { provider: "anthropic", model: "claude-sonnet-4-5" },
  });
  expect(composer().value).toBe("");
  await waitFor(async () => expect((await lastAssistant()).textContent).toContain("Reach for Rc/Arc only when"), { timeout: 4000 });
  // Highlighted code with a copy button, usage and cost, provider/model named.
  const body = await lastAssistant();
  expect(body.querySelector(".code-block .code-copy")).toBeTruthy();
  expect(await screen.findByTestId("message-usage")).toBeTruthy();
  expect(screen.getAllByText("anthropic · claude-sonnet-4-5").length).toBeGreaterThan(0);
  expect(screen.getByTestId("message-user").textContent).toContain("Explain lifetimes");
});

test("Esc stops a streaming answer and keeps what was written", async () => {
  const { fake } = renderWithFake(<App />, { tokenDelayMs: 25, chunkChars: 4 });
  await screen.findByTestId("empty-chat");
  type("Explain lifetimes slowly");
  fireEvent.click(screen.getByTestId("send"));
  await screen.findByTestId("stop");
  await waitFor(async () => expect((await lastAssistant()).textContent!.length).toBeGreaterThan(8));
  fireEvent.keyDown(window, { key: "Escape" });
  await waitFor(() => expect(callsTo(fake, "stop_turn")).toHaveLength(1));
  await waitFor(() => expect(document.querySelector("[data-status='cancelled']")).toBeTruthy());
  expect(screen.getByText("Stopped")).toBeTruthy();
  expect(screen.getByTestId("send")).toBeTruthy();
});

function withShellScript(fake: FakeBackend) {
  fake.script.push([
    { kind: "text", text: "Checking." },
    { kind: "tool", name: "shell.run", arguments: { command: "git status", cwd: "~/code" }, result: "clean" },
    { kind: "text", text: " All clean." },
  ]);
}

test("an approval shows inline; Allow once calls answer_approval and the tool runs", async () => {
  const { fake } = renderWithFake(<App />, {}, withShellScript);
  await screen.findByTestId("empty-chat");
  type("git status please");
  fireEvent.click(screen.getByTestId("send"));
  const card = await screen.findByTestId("tool-card");
  await waitFor(() => expect(card.dataset.state).toBe("asked"));
  expect(within(card).getByText("$ git status")).toBeTruthy();
  // Inline, not the dialog: the approval belongs to the conversation on screen.
  expect(screen.queryByTestId("approval-dialog")).toBeNull();
  fireEvent.click(within(card).getByTestId("approve-once"));
  await waitFor(() => expect(callsTo(fake, "answer_approval")).toHaveLength(1));
  expect(callsTo(fake, "answer_approval")[0]).toMatchObject({ answer: { kind: "allow_once" } });
  await waitFor(() => expect(screen.getByTestId("tool-card").dataset.state).toBe("done"), { timeout: 4000 });
  await waitFor(async () => expect((await lastAssistant()).textContent).toContain("All clean."));
});

test("Deny with a note sends the note and the card shows denied", async () => {
  const { fake } = renderWithFake(<App />, {}, withShellScript);
  await screen.findByTestId("empty-chat");
  type("git status please");
  fireEvent.click(screen.getByTestId("send"));
  const card = await screen.findByTestId("tool-card");
  fireEvent.click(await within(card).findByTestId("deny-note"));
  fireEvent.change(within(card).getByLabelText("Note for the model"), { target: { value: "not now" } });
  fireEvent.click(within(card).getByTestId("deny-confirm"));
  await waitFor(() => expect(callsTo(fake, "answer_approval")[0]).toMatchObject({ answer: { kind: "deny", note: "not now" } }));
  await waitFor(() => expect(screen.getByTestId("tool-card").dataset.state).toBe("denied"), { timeout: 4000 });
});

test("an approval from another conversation opens the dialog", async () => {
  const { fake } = renderWithFake(<App />, {}, withShellScript);
  await screen.findByTestId("empty-chat");
  // Started elsewhere (e.g. the quick-ask window): not the conversation on screen.
  await act(async () => {
    fake.send(null, "git status please", null);
  });
  const dialog = await screen.findByTestId("approval-dialog");
  expect(within(dialog).getByText("shell.run")).toBeTruthy();
  fireEvent.click(within(dialog).getByTestId("approve-always"));
  await waitFor(() => expect(callsTo(fake, "answer_approval")[0]).toMatchObject({ answer: { kind: "always_allow" } }));
  await waitFor(() => expect(screen.queryByTestId("approval-dialog")).toBeNull());
  expect(fake.rules.some((r) => r.rule === "shell.run(git status)" && r.effect === "allow")).toBe(true);
});

test("edit creates a branch; the switcher moves between versions", async () => {
  const { fake } = renderWithFake(<App />, {}, (f) => addExchange(f, "Rust", "What is a borrow?", "A reference."));
  expect(await screen.findByText("A reference.")).toBeTruthy();
  fireEvent.click(screen.getByTestId("edit-message"));
  fireEvent.change(screen.getByTestId("edit-input"), { target: { value: "What is a lifetime?" } });
  fireEvent.click(screen.getByTestId("edit-save"));
  await waitFor(() => expect(callsTo(fake, "edit_message")).toHaveLength(1));
  expect(callsTo(fake, "edit_message")[0]).toMatchObject({ text: "What is a lifetime?" });
  await waitFor(() => expect(screen.getAllByTestId("branch-position")[0].textContent).toBe("2/2"));
  expect(screen.getByText("What is a lifetime?")).toBeTruthy();
  await waitFor(() => expect(screen.getByTestId("send")).toBeTruthy(), { timeout: 4000 });
  fireEvent.click(screen.getAllByTestId("branch-prev")[0]);
  await waitFor(() => expect(screen.getByText("What is a borrow?")).toBeTruthy());
  expect(screen.getByText("A reference.")).toBeTruthy();
  expect(screen.getAllByTestId("branch-position")[0].textContent).toBe("1/2");
  fireEvent.click(screen.getAllByTestId("branch-next")[0]);
  await waitFor(() => expect(screen.getByText("What is a lifetime?")).toBeTruthy());
});

test("regenerate with another model makes a sibling answer written by that model", async () => {
  const { fake } = renderWithFake(<App />, {}, (f) => addExchange(f, "Q", "Question", "First answer"));
  await screen.findByText("First answer");
  fireEvent.click(screen.getByTestId("regenerate-model"));
  fireEvent.click(await screen.findByTestId("model-openai-gpt-5"));
  await waitFor(() => expect(callsTo(fake, "regenerate")).toHaveLength(1));
  expect(callsTo(fake, "regenerate")[0]).toMatchObject({ model: { provider: "openai", model: "gpt-5" } });
  await waitFor(() => expect(screen.getByText("openai · gpt-5")).toBeTruthy());
  await waitFor(() => expect(screen.getAllByTestId("branch-position")[0].textContent).toBe("2/2"), { timeout: 4000 });
});

test("a provider error is shown with Retry, which regenerates", async () => {
  const { fake } = renderWithFake(<App />);
  await screen.findByTestId("empty-chat");
  type("please fail");
  fireEvent.click(screen.getByTestId("send"));
  expect(await screen.findByText("Anthropic rejected the key (401). Replace it in Settings → Providers.", {}, { timeout: 4000 })).toBeTruthy();
  fireEvent.click(await screen.findByTestId("retry"));
  await waitFor(() => expect(callsTo(fake, "regenerate")).toHaveLength(1));
});

test("the model picker changes the model of the next message", async () => {
  const { fake } = renderWithFake(<App />);
  await screen.findByTestId("empty-chat");
  fireEvent.click(screen.getByTestId("model-picker"));
  fireEvent.click(await screen.findByTestId("model-local-llama3.2"));
  type("hello");
  fireEvent.click(screen.getByTestId("send"));
  await waitFor(() => expect(callsTo(fake, "send_message")[0]).toMatchObject({ model: { provider: "local", model: "llama3.2" } }));
});
