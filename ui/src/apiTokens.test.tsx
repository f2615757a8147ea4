import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { SettingsApiTokens } from "./components/SettingsApiTokens";
import { callsTo, renderWithFake } from "./test/helpers";

test("creating a token sends name, patterns and record, shows the token once, then lists it without the token", async () => {
  const { fake } = renderWithFake(<SettingsApiTokens address="127.0.0.1:8765" />);
  await screen.findByText(/No tokens yet/);
  fireEvent.change(screen.getByTestId("api-token-name"), { target: { value: " editor " } });
  fireEvent.change(screen.getByTestId("api-token-models"), { target: { value: "ollama/*, openai/gpt-4o*" } });
  fireEvent.click(screen.getByTestId("api-token-record"));
  fireEvent.click(screen.getByTestId("api-token-create"));

  const shown = await screen.findByTestId("api-token-text");
  expect(callsTo(fake, "create_api_token")).toEqual([{ name: "editor", models: ["ollama/*", "openai/gpt-4o*"], record: true }]);
  const token = shown.textContent ?? "";
  expect(token).toMatch(/^hth_[0-9a-f]{64}$/);
  expect(screen.getByTestId("api-token-created").textContent).toContain("http://127.0.0.1:8765/v1");

  const row = screen.getByTestId("api-token-editor");
  expect(row.textContent).toContain("ollama/*, openai/gpt-4o*");
  expect(row.textContent).toContain("recorded as conversations");
  expect(row.textContent).not.toContain(token);

  fireEvent.click(screen.getByTestId("api-token-done"));
  expect(screen.queryByTestId("api-token-text")).toBeNull();
  expect(document.body.textContent).not.toContain(token);
  expect(fake.audit.entries.some((e) => e.summary === "api_tokens.editor changed via ui")).toBe(true);
});

test("a refused name shows the core's error and creates nothing", async () => {
  const { fake } = renderWithFake(<SettingsApiTokens address="127.0.0.1:8765" />);
  await screen.findByText(/No tokens yet/);
  fireEvent.change(screen.getByTestId("api-token-name"), { target: { value: "my editor!" } });
  fireEvent.click(screen.getByTestId("api-token-create"));
  expect((await screen.findByTestId("api-token-error")).textContent).toContain("invalid token name");
  expect(fake.apiTokens).toEqual([]);
  expect(screen.queryByTestId("api-token-created")).toBeNull();
});

test("revoking asks first, then removes the token from the list", async () => {
  const { fake } = renderWithFake(<SettingsApiTokens address="127.0.0.1:8765" />, {}, (f) => {
    f.apiTokens = [
      { name: "script", prefix: "hth_0a1b2c", models: [], record: false, created_at: Date.now() - 60_000 },
      { name: "editor", prefix: "hth_9f8e7d", models: ["ollama/*"], record: false, created_at: Date.now() },
    ];
  });
  const row = await screen.findByTestId("api-token-script");
  expect(row.textContent).toContain("every model");
  const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
  fireEvent.click(within(row).getByTestId("api-token-revoke-script"));
  expect(callsTo(fake, "revoke_api_token")).toEqual([]);
  fireEvent.click(within(row).getByTestId("api-token-revoke-script"));
  await waitFor(() => expect(screen.queryByTestId("api-token-script")).toBeNull());
  expect(callsTo(fake, "revoke_api_token")).toEqual([{ name: "script" }]);
  expect(fake.apiTokens.map((t) => t.name)).toEqual(["editor"]);
  confirm.mockRestore();
});
