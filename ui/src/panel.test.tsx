import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { App } from "./App";
import { addExchange, callsTo, renderWithFake } from "./test/helpers";

async function openPanel(tab: "activity" | "permissions") {
  fireEvent.click(await screen.findByTestId("toggle-panel"));
  fireEvent.click(screen.getByTestId(`tab-${tab}`));
}

test("a permission toggle calls set_tool_decision and shows the new state", async () => {
  const { fake } = renderWithFake(<App />);
  await openPanel("permissions");
  const ask = await screen.findByTestId("perm-shell.run-ask");
  expect(ask.getAttribute("aria-checked")).toBe("true");
  fireEvent.click(screen.getByTestId("perm-shell.run-deny"));
  await waitFor(() => expect(callsTo(fake, "set_tool_decision")).toEqual([{ tool: "shell.run", decision: "deny" }]));
  await waitFor(() => expect(screen.getByTestId("perm-shell.run-deny").getAttribute("aria-checked")).toBe("true"));
  expect(fake.decisions.get("shell.run")).toBe("deny");
});

test("rules are added and removed; the pause switch calls set_paused", async () => {
  const { fake } = renderWithFake(<App />);
  await openPanel("permissions");
  const row = await screen.findByTestId("perm-files.write");
  fireEvent.click(within(row).getByRole("button", { name: "Add a rule for files.write" }));
  fireEvent.change(within(row).getByTestId("rule-input-files.write"), { target: { value: "files.write(~/notes/**)" } });
  fireEvent.click(within(row).getByRole("button", { name: "Add" }));
  await waitFor(() => expect(callsTo(fake, "add_rule")).toEqual([{ rule: "files.write(~/notes/**)", effect: "allow" }]));
  expect(await within(row).findByText("files.write(~/notes/**)")).toBeTruthy();
  fireEvent.click(within(row).getByRole("button", { name: "Remove rule allow files.write(~/notes/**)" }));
  await waitFor(() => expect(callsTo(fake, "remove_rule")).toHaveLength(1));
  await waitFor(() => expect(within(row).queryByText("files.write(~/notes/**)")).toBeNull());

  fireEvent.click(screen.getByTestId("pause-switch"));
  await waitFor(() => expect(callsTo(fake, "set_paused")).toEqual([{ paused: true }]));
  await waitFor(() => expect(screen.getAllByText("Agent paused").length).toBeGreaterThan(0));
});

test("the activity log lists entries newest first and updates live", async () => {
  const { fake } = renderWithFake(<App />, {}, (f) => {
    f.logDone({ kind: "config_change", actor: "user", summary: "first", detail: {} });
    f.logDone({ kind: "key_use", actor: "system", summary: "second", detail: { provider: "openai" } });
  });
  await openPanel("activity");
  await waitFor(() => expect(screen.getAllByTestId("activity-entry")).toHaveLength(2));
  expect(screen.getAllByTestId("activity-entry")[0].textContent).toContain("second");
  fake.logDone({ kind: "tool_call", actor: "agent", summary: "third", detail: { tool: "files.read" } });
  await waitFor(() => expect(screen.getAllByTestId("activity-entry")).toHaveLength(3));
  expect(screen.getAllByTestId("activity-entry")[0].textContent).toContain("third");
  // Expand an entry.
  fireEvent.click(within(screen.getAllByTestId("activity-entry")[0]).getByRole("button"));
  expect(screen.getByText("#3 ·", { exact: false })).toBeTruthy();
  // Filter by provider.
  fireEvent.change(screen.getByTestId("filter-provider"), { target: { value: "openai" } });
  await waitFor(() => expect(screen.getAllByTestId("activity-entry")).toHaveLength(1));
  expect(callsTo(fake, "action_log").pop()).toMatchObject({ provider: "openai" });
});

test("a pending entry is completed in place, not duplicated", async () => {
  const { fake } = renderWithFake(<App />);
  await openPanel("activity");
  const entry = fake.logBegin({ kind: "model_call", actor: "agent", summary: "anthropic/claude", detail: { provider: "anthropic" } });
  await waitFor(() => expect(screen.getAllByTestId("activity-entry")[0].dataset.status).toBe("pending"));
  fake.logEnd(entry, "ok", "done", { input_tokens: 1200, output_tokens: 30, cost_usd: 0.004 }, 900);
  await waitFor(() => expect(screen.getAllByTestId("activity-entry")[0].dataset.status).toBe("ok"));
  expect(screen.getAllByTestId("activity-entry")).toHaveLength(1);
  expect(screen.getByText("1.2k in · 30 out · $0.0040")).toBeTruthy();
});

function conv(name: string) {
  const el = screen.getAllByTestId("conversation").find((b) => b.textContent === name);
  if (!el) throw new Error(`no conversation ${name}`);
  return el;
}

test("sidebar: pinned first then by time; rename, pin and delete with undo via the menu", async () => {
  const now = Date.now();
  const { fake } = renderWithFake(<App />, {}, (f) => {
    addExchange(f, "Old one", "q", "a", now - 40 * 86_400_000);
    addExchange(f, "Fresh one", "q", "a", now - 1000);
    const p = addExchange(f, "Pinned one", "q", "a", now - 20 * 86_400_000);
    p.conversation.pinned = true;
  });
  await waitFor(() => expect(screen.getAllByTestId("conversation")).toHaveLength(3));
  expect(screen.getAllByTestId("conversation").map((b) => b.textContent)).toEqual(["Pinned one", "Fresh one", "Old one"]);
  expect(screen.getAllByTestId("group-title").map((h) => h.textContent)).toEqual(["Pinned", "Today", "Older"]);

  fireEvent.click(screen.getByRole("button", { name: "More actions for Old one" }));
  fireEvent.click(await screen.findByTestId("conv-rename"));
  const input = screen.getByLabelText("Conversation title");
  fireEvent.change(input, { target: { value: "Renamed" } });
  fireEvent.keyDown(input, { key: "Enter" });
  await waitFor(() => expect(callsTo(fake, "rename_conversation")[0]).toMatchObject({ title: "Renamed" }));
  await waitFor(() => expect(conv("Renamed")).toBeTruthy());

  fireEvent.contextMenu(conv("Renamed"));
  fireEvent.click(await screen.findByTestId("conv-pin"));
  await waitFor(() => expect(screen.getAllByTestId("conversation").map((b) => b.textContent)).toEqual(["Pinned one", "Renamed", "Fresh one"]));

  fireEvent.contextMenu(conv("Fresh one"));
  fireEvent.click(await screen.findByTestId("conv-delete"));
  await waitFor(() => expect(screen.getAllByTestId("conversation").map((b) => b.textContent)).toEqual(["Pinned one", "Renamed"]));
  fireEvent.click(await screen.findByRole("button", { name: "Undo" }));
  await waitFor(() => expect(callsTo(fake, "restore_conversation")).toHaveLength(1));
  await waitFor(() => expect(conv("Fresh one")).toBeTruthy());
});

test("search shows highlighted snippets and opens the conversation", async () => {
  const { fake } = renderWithFake(<App />, {}, (f) => {
    addExchange(f, "Cooking", "How long to boil an egg?", "About <b>nine</b> minutes for a hard egg.");
    addExchange(f, "Other", "Something else", "Nothing");
  });
  fireEvent.change(await screen.findByTestId("search"), { target: { value: "nine" } });
  const hit = await screen.findByTestId("search-hit");
  expect(hit.querySelector("mark")?.textContent).toBe("nine");
  expect(hit.querySelector("b")).toBeNull();
  expect(callsTo(fake, "search_history")[0]).toMatchObject({ query: { text: "nine" } });
  fireEvent.click(hit);
  await waitFor(() => expect(screen.getAllByText("Cooking").length).toBeGreaterThan(0));
});

test("structured snippet parts from the store render as marks", async () => {
  renderWithFake(<App />, {}, (f) => {
    addExchange(f, "Parts", "q", "a");
    f.search = () => [
      {
        conversation_id: [...f.conversations.keys()][0],
        conversation_title: "Parts",
        message_id: null,
        role: null,
        provider: null,
        model: null,
        created_at: Date.now(),
        snippet: [
          { text: "<img src=x onerror=alert(1)> before ", highlighted: false },
          { text: "match", highlighted: true },
        ],
        score: 0,
      },
    ];
  });
  fireEvent.change(await screen.findByTestId("search"), { target: { value: "match" } });
  const hit = await screen.findByTestId("search-hit");
  expect(hit.querySelector("img")).toBeNull();
  expect(hit.querySelector("mark")?.textContent).toBe("match");
  expect(hit.textContent).toContain("<img src=x onerror=alert(1)> before");
});
