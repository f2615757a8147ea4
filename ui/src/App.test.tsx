import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { setTransport } from "./ipc";
import { App } from "./App";
import { addExchange, callsTo, renderWithFake } from "./test/helpers";

test("shows the version reported by app_info in #app-version", async () => {
  renderWithFake(<App />);
  await waitFor(() => expect(document.querySelector("#app-version")?.textContent).toBe("0.1.0-dev"));
});

test("onboarding appears when no provider is configured and ends in a chat", async () => {
  const { fake } = renderWithFake(<App />, { seed: "empty" });
  const dialog = await screen.findByTestId("onboarding");
  fireEvent.click(within(dialog).getByTestId("onboarding-start"));
  fireEvent.click(screen.getByTestId("onboarding-kind-openai"));
  fireEvent.click(screen.getByTestId("onboarding-next"));
  fireEvent.change(screen.getByTestId("provider-key"), { target: { value: "sk-test-1234567890" } });
  fireEvent.click(screen.getByTestId("provider-save"));
  fireEvent.click(await screen.findByTestId("onboarding-finish"));
  await waitFor(() => expect(screen.queryByTestId("onboarding")).toBeNull());
  expect(callsTo(fake, "add_provider")[0]).toMatchObject({ id: "openai", kind: "openai", models: ["gpt-5"] });
  expect(callsTo(fake, "set_key")[0]).toEqual({ provider_id: "openai", key: "sk-test-1234567890" });
  expect(fake.keyStatus("openai")).toMatchObject({ present: true, last_four: "7890" });
  expect((screen.getByTestId("composer") as HTMLTextAreaElement).disabled).toBe(false);
});

test("with a provider, no onboarding and the empty chat offers examples", async () => {
  renderWithFake(<App />);
  expect(await screen.findByTestId("empty-chat")).toBeTruthy();
  expect(screen.queryByTestId("onboarding")).toBeNull();
  expect(screen.getByTestId("no-conversations")).toBeTruthy();
});

test("Ctrl+K focuses search and Ctrl/Cmd+N starts a new chat", async () => {
  renderWithFake(<App />, {}, (fake) => addExchange(fake, "Existing", "hello", "Hi there"));
  // The most recent conversation opens first.
  expect(await screen.findByText("Hi there")).toBeTruthy();
  fireEvent.keyDown(window, { key: "k", ctrlKey: true });
  expect(document.activeElement).toBe(screen.getByTestId("search"));
  fireEvent.keyDown(window, { key: "n", metaKey: true });
  expect(await screen.findByTestId("empty-chat")).toBeTruthy();
  await act(async () => {
    await new Promise((r) => setTimeout(r, 5));
  });
  expect(document.activeElement).toBe(screen.getByTestId("composer"));
});

test("with only app_info implemented (the other commands reject), the window still shows the version", async () => {
  setTransport({
    native: true,
    invoke: async <T,>(cmd: string) => {
      if (cmd === "app_info") return { version: "1.2.3", data_dir: "/tmp/h" } as T;
      throw `Command ${cmd} not found`;
    },
    listen: () => () => {},
  });
  render(<App />);
  await waitFor(() => expect(document.querySelector("#app-version")?.textContent).toBe("1.2.3"));
  expect(await screen.findByTestId("onboarding")).toBeTruthy();
  expect(screen.getAllByRole("alert").length).toBeGreaterThan(0); // the failures are said, not swallowed
});
