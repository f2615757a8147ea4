import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { SettingsMcp, splitArgs } from "./components/SettingsMcp";
import { callsTo, renderWithFake } from "./test/helpers";

test("each MCP server shows its status: running with tools, failed with the reason, disabled", async () => {
  renderWithFake(<SettingsMcp />);
  expect((await screen.findByTestId("mcp-status-filesystem")).textContent).toBe("running · 2 tools");
  expect(screen.getByTestId("mcp-status-github").textContent).toContain("failed · exited with status 1");
  expect(screen.getByTestId("mcp-status-weather").textContent).toBe("disabled");
  expect(screen.getByTestId("mcp-restart-weather")).toHaveProperty("disabled", true);
});

test("the enable switch calls mcp_set_enabled and the row follows", async () => {
  const { fake } = renderWithFake(<SettingsMcp />);
  const toggle = await screen.findByRole("switch", { name: "weather enabled" });
  expect(toggle).toHaveProperty("checked", false);
  fireEvent.click(toggle);
  await waitFor(() => expect(callsTo(fake, "mcp_set_enabled")).toEqual([{ name: "weather", enabled: true }]));
  await waitFor(() => expect(screen.getByTestId("mcp-status-weather").textContent).toBe("starting"));
});

test("add sends name, command and split arguments; remove asks first", async () => {
  const { fake } = renderWithFake(<SettingsMcp />);
  await screen.findByTestId("mcp-server-filesystem");
  fireEvent.change(screen.getByTestId("mcp-add-name"), { target: { value: "notes" } });
  fireEvent.change(screen.getByTestId("mcp-add-command"), { target: { value: "npx" } });
  fireEvent.change(screen.getByTestId("mcp-add-args"), { target: { value: '-y server "~/My Notes"' } });
  fireEvent.click(screen.getByTestId("mcp-add"));
  await waitFor(() => expect(callsTo(fake, "mcp_add")).toEqual([{ name: "notes", command: "npx", args: ["-y", "server", "~/My Notes"], env: {} }]));
  expect(await screen.findByTestId("mcp-server-notes")).toBeTruthy();

  vi.spyOn(window, "confirm").mockReturnValue(true);
  fireEvent.click(screen.getByTestId("mcp-remove-notes"));
  await waitFor(() => expect(screen.queryByTestId("mcp-server-notes")).toBeNull());
  expect(callsTo(fake, "mcp_remove")).toEqual([{ name: "notes" }]);
});

test("import previews what would run, then imports on confirm (path null = Claude Desktop)", async () => {
  const { fake } = renderWithFake(<SettingsMcp />);
  await screen.findByTestId("mcp-server-filesystem");
  fireEvent.click(screen.getByTestId("mcp-import"));
  const preview = await screen.findByTestId("mcp-import-preview");
  expect(within(preview).getByTestId("mcp-import-item-brave-search").textContent).toContain("secrets: BRAVE_API_KEY");
  expect(callsTo(fake, "mcp_import_preview")).toEqual([{ path: null }]);
  expect(callsTo(fake, "mcp_import")).toEqual([]);
  fireEvent.click(within(preview).getByTestId("mcp-import-confirm"));
  await waitFor(() => expect(callsTo(fake, "mcp_import")).toEqual([{ path: null }]));
  expect((await screen.findByTestId("mcp-import-status")).textContent).toContain("memory, brave-search");
  expect((await screen.findByTestId("mcp-server-memory")).getAttribute("data-state")).toBe("disabled");
});

test("arguments split on spaces and keep quoted parts", () => {
  expect(splitArgs(` -y  pkg "a b" 'c d' `)).toEqual(["-y", "pkg", "a b", "c d"]);
});
