// Test helpers: every UI test runs against the in-memory fake backend through the real IPC module.
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { setTransport } from "../ipc";
import { FakeBackend, type FakeOptions } from "../ipc/fake";

/** A fast fake backend installed as the transport. */
export function installFake(options: FakeOptions = {}): FakeBackend {
  const fake = new FakeBackend({ seed: "ready", tokenDelayMs: 1, chunkChars: 16, ...options });
  setTransport(fake.transport());
  return fake;
}

/** Renders `ui` against a fresh fake backend. */
export function renderWithFake(ui: ReactElement, options: FakeOptions = {}, prepare?: (fake: FakeBackend) => void) {
  const fake = installFake(options);
  prepare?.(fake);
  return { fake, ...render(ui) };
}

/** The calls the UI made to one command. */
export function callsTo(fake: FakeBackend, command: string): Record<string, unknown>[] {
  return fake.calls.filter((c) => c.command === command).map((c) => c.args);
}

/** Adds a finished exchange to a new conversation. */
export function addExchange(fake: FakeBackend, title: string, question: string, answer: string, at = Date.now()) {
  const c = fake.createConversation(title, at);
  const u = fake.addMessage(c.id, { role: "user", blocks: [{ type: "text", text: question }], created_at: at });
  const a = fake.addMessage(c.id, {
    role: "assistant",
    parent_id: u.id,
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    blocks: [{ type: "text", text: answer }],
    usage: { input_tokens: 1200, output_tokens: 340, cached_input_tokens: 0, reasoning_tokens: 0 },
    cost_usd: 0.0087,
    created_at: at + 1,
  });
  return { conversation: c, user: u, assistant: a };
}
