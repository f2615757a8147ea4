// A quick performance harness (jsdom, so only relative numbers matter; the real measurements are
// `make bench`). Guards against regressions that would re-render the whole conversation per token
// or put thousands of messages in the DOM.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { App } from "./App";
import { renderWithFake } from "./test/helpers";

test("a 5,000-message conversation opens virtualised", async () => {
  const started = { at: 0 };
  renderWithFake(<App />, {}, (f) => {
    const c = f.createConversation("Long", Date.now() - 1000);
    let parent: string | null = null;
    for (let i = 0; i < 5000; i++) {
      const m = f.addMessage(c.id, {
        role: i % 2 ? "assistant" : "user",
        parent_id: parent,
        blocks: [{ type: "text", text: `Message ${i} with **some** Markdown and \`code\`.` }],
        provider: i % 2 ? "anthropic" : null,
        model: i % 2 ? "claude-sonnet-4-5" : null,
        created_at: Date.now() - (5000 - i) * 1000,
      });
      parent = m.id;
    }
    started.at = performance.now();
  });
  await waitFor(() => expect(document.querySelector("[data-testid=messages][data-virtual=true]")).toBeTruthy(), { timeout: 10_000 });
  const ms = performance.now() - started.at;
  const rows = document.querySelectorAll(".msg-row").length;
  console.info(`5,000 messages: opened in ${ms.toFixed(0)} ms (jsdom), ${rows} rows in the DOM`);
  expect(rows).toBeLessThan(100);
  expect(ms).toBeLessThan(5000);
});

test("10,000 streamed deltas render while typed input is never dropped", async () => {
  const { fake } = renderWithFake(<App />, { tokenDelayMs: 1000 });
  await screen.findByTestId("empty-chat");
  const composer = screen.getByTestId("composer") as HTMLTextAreaElement;
  fireEvent.change(composer, { target: { value: "start" } });
  fireEvent.click(screen.getByTestId("send"));
  await screen.findByTestId("stop");
  const convId = [...fake.conversations.keys()][0];
  const messageId = [...fake.messages.values()].find((m) => m.role === "assistant")!.id;
  const started = performance.now();
  let typed = "";
  for (let batch = 0; batch < 100; batch++) {
    await act(async () => {
      for (let i = 0; i < 100; i++) fake.emit({ type: "text_delta", conversation_id: convId, message_id: messageId, text: "tok " });
      await new Promise((r) => setTimeout(r, 0));
    });
    typed += "x";
    fireEvent.change(composer, { target: { value: typed } });
  }
  await act(async () => {
    await new Promise((r) => setTimeout(r, 40));
  });
  const ms = performance.now() - started;
  console.info(`10,000 deltas with typing: ${ms.toFixed(0)} ms (jsdom)`);
  expect(composer.value).toBe("x".repeat(100));
  const body = screen.getAllByTestId("message-assistant").pop()!;
  await waitFor(() => expect(body.textContent!.split("tok").length - 1).toBeGreaterThanOrEqual(10_000));
  expect(ms).toBeLessThan(15_000);
});
