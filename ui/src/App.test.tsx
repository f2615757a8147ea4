import { render, screen } from "@testing-library/react";
import { vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    if (cmd === "app_info") return { version: "9.9.9", data_dir: "/tmp/h" };
    throw new Error("unexpected " + cmd);
  }),
}));

import { App } from "./App";

test("shows the version reported by app_info", async () => {
  render(<App />);
  expect(await screen.findByText("9.9.9")).toBeTruthy();
});
