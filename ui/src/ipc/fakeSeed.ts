// Demo data for the fake backend: a lived-in history, a branch, an error, and one live turn that
// waits for approval — what the window looks like after a few weeks of use.
import type { FakeBackend } from "./fake";
import type * as T from "./types";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function text(t: string): T.Block[] {
  return [{ type: "text", text: t }];
}

function usage(input: number, output: number): T.Usage {
  return { input_tokens: input, output_tokens: output, cached_input_tokens: 0, reasoning_tokens: 0 };
}

export function seedDemo(fake: FakeBackend): void {
  const now = Date.now();
  const ago = (ms: number) => now - ms;

  // Trip planning (pinned): a finished calendar exchange, then a live turn asking for approval.
  const trip = fake.createConversation("Trip planning", ago(3 * DAY));
  trip.pinned = true;
  const u1 = fake.addMessage(trip.id, { role: "user", blocks: text("Find a free evening next week for dinner with Sam."), created_at: ago(40 * 60_000) });
  fake.addMessage(trip.id, {
    role: "assistant",
    parent_id: u1.id,
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    usage: usage(1184, 96),
    cost_usd: 0.0050,
    created_at: ago(39 * 60_000),
    blocks: [
      { type: "text", text: "Let me look at your calendar." },
      { type: "tool_call", id: "call-seed-1", name: "calendar.list_events", arguments: { range: "Mon–Sun next week", calendar: "personal" } },
      { type: "tool_result", call_id: "call-seed-1", content: "Mon 19:00 Climbing\nTue 18:30 Book club\nThu 20:00 Call with Ana", is_error: false },
      { type: "text", text: "**Wednesday** and **Friday** evenings are free. Wednesday looks calmest — nothing before or after. Shall I hold 19:30 on Wednesday?" },
    ],
  });

  const pinned2 = fake.createConversation("Weekly review template", ago(12 * DAY));
  pinned2.pinned = true;
  const pu = fake.addMessage(pinned2.id, { role: "user", blocks: text("Give me a short weekly review template."), created_at: ago(12 * DAY) });
  fake.addMessage(pinned2.id, {
    role: "assistant", parent_id: pu.id, provider: "openai", model: "gpt-5-mini", usage: usage(310, 180), cost_usd: 0.0004, created_at: ago(12 * DAY - 60_000),
    blocks: text("## Weekly review\n\n- **Wins** — three things that went well\n- **Stuck** — what slowed you down\n- **Next** — the one thing that matters most next week\n- **Energy** — 1–5, and why"),
  });

  // Budget (today, from the local model).
  const budget = fake.createConversation("Budget for October", ago(2 * HOUR));
  const bu = fake.addMessage(budget.id, { role: "user", blocks: text("Summarise my October spending by category: rent 1450, groceries 420, transport 96, eating out 210."), created_at: ago(2 * HOUR) });
  fake.addMessage(budget.id, {
    role: "assistant", parent_id: bu.id, provider: "local", model: "llama3.2", usage: usage(240, 150), cost_usd: 0, created_at: ago(2 * HOUR - 30_000),
    blocks: text("| Category | Amount | Share |\n|---|---:|---:|\n| Rent | 1,450 | 66% |\n| Groceries | 420 | 19% |\n| Eating out | 210 | 10% |\n| Transport | 96 | 4% |\n| **Total** | **2,176** | |\n\nEating out is the easiest lever: halving it saves about 105 a month."),
  });

  // Rust lifetimes (yesterday), edited once: two branches, and a model switch mid-thread.
  const rust = fake.createConversation("Rust lifetimes question", ago(DAY + 3 * HOUR));
  const r1 = fake.addMessage(rust.id, { role: "user", blocks: text("Why does the borrow checker complain here?"), created_at: ago(DAY + 3 * HOUR) });
  fake.addMessage(rust.id, {
    role: "assistant", parent_id: r1.id, provider: "openai", model: "gpt-5", usage: usage(90, 40), cost_usd: 0.0005, created_at: ago(DAY + 3 * HOUR - 20_000),
    blocks: text("Could you paste the code? I need to see where the reference is created and used."),
  });
  const r2 = fake.addMessage(rust.id, { role: "user", parent_id: null, blocks: text("Why does `longest(&a, &b)` need a lifetime annotation in Rust?"), created_at: ago(DAY + 2 * HOUR) });
  fake.addMessage(rust.id, {
    role: "assistant", parent_id: r2.id, provider: "anthropic", model: "claude-sonnet-4-5", usage: usage(160, 260), cost_usd: 0.0044, created_at: ago(DAY + 2 * HOUR - 30_000),
    blocks: text(fake.answerFor("lifetimes")[0].kind === "text" ? (fake.answerFor("lifetimes")[0] as { text: string }).text : ""),
  });

  // Older ones.
  const olders: [string, number, string, string][] = [
    ["Reading list for winter", 3 * DAY, "Suggest five novels for long winter evenings.", "1. *The Remains of the Day* — Kazuo Ishiguro\n2. *Snow Country* — Yasunari Kawabata\n3. *Wolf Hall* — Hilary Mantel\n4. *The Left Hand of Darkness* — Ursula K. Le Guin\n5. *Stoner* — John Williams"],
    ["Email to the landlord", 5 * DAY, "Draft a polite email asking to fix the heating.", "Subject: Heating in flat 3\n\nHello Mr Berg,\n\nthe heating in the living room has not worked since Monday…"],
    ["Tax documents checklist", 19 * DAY, "What do I need for the tax return?", "- Payslips and the annual statement\n- Bank interest certificates\n- Receipts for work equipment\n- Health insurance statement"],
    ["Sourdough starter", 34 * DAY, "My starter smells like acetone. Is it dead?", "No — it is hungry. Feed it twice a day at 1:1:1 for three days."],
  ];
  for (const [title, age, q, a] of olders) {
    const c = fake.createConversation(title, ago(age));
    const u = fake.addMessage(c.id, { role: "user", blocks: text(q), created_at: ago(age) });
    fake.addMessage(c.id, { role: "assistant", parent_id: u.id, provider: "anthropic", model: "claude-haiku-4-5", usage: usage(120, 140), cost_usd: 0.0008, created_at: ago(age - 40_000), blocks: text(a) });
  }
  const broken = fake.createConversation("Flight prices to Lisbon", ago(6 * DAY));
  const fu = fake.addMessage(broken.id, { role: "user", blocks: text("Compare flight prices to Lisbon in March."), created_at: ago(6 * DAY) });
  fake.addMessage(broken.id, {
    role: "assistant", parent_id: fu.id, provider: "anthropic", model: "claude-sonnet-4-5", status: "error", created_at: ago(6 * DAY - 5000),
    error: "Anthropic rejected the key (401). Replace it in Settings → Providers.",
    blocks: [],
  });

  // The action log so far.
  const at = (age: number) => ago(age);
  const mc = fake.logBegin({ kind: "model_call", actor: "agent", summary: "anthropic/claude-sonnet-4-5", conversation_id: trip.id, detail: { provider: "anthropic", model: "claude-sonnet-4-5" } }, at(40 * 60_000));
  fake.logEnd(mc, "ok", "1184 in · 96 out", { input_tokens: 1184, output_tokens: 96, cost_usd: 0.005, first_token_ms: 640, stop_reason: "tool_use" }, 2140);
  fake.logDone({ kind: "key_use", actor: "system", conversation_id: trip.id, summary: "key for anthropic sent to api.anthropic.com", detail: { provider: "anthropic", origin: "https://api.anthropic.com", source: "keychain" } }, {}, at(40 * 60_000));
  const tc = fake.logBegin({ kind: "tool_call", actor: "agent", summary: "calendar.list_events: Mon–Sun next week", conversation_id: trip.id, detail: { tool: "calendar.list_events", call_id: "call-seed-1", arguments: { range: "Mon–Sun next week" }, preview: "Mon–Sun next week" } }, at(39 * 60_000));
  fake.logStage(tc, "decided", "system", "allow (read tools are allowed by default)", { decision: "allow", reason: "default for read" });
  fake.logEnd(tc, "ok", "3 events", { output_bytes: 64, truncated: false }, 38);
  fake.logDone({ kind: "api_request", actor: { api: "vim-plugin" }, summary: "POST /v1/chat/completions", detail: { method: "POST", path: "/v1/chat/completions", model: "openai/gpt-5-mini", provider: "openai" } }, { status: 200 }, at(20 * 60_000));

  // A live turn that stops at an approval.
  const ask = fake.addMessage(trip.id, { role: "user", parent_id: trip.current_leaf, blocks: text("Before I go — what's the git status of ~/code/hearth?") });
  fake.whenWatched(() => fake.startTurn(trip.id, ask.id, { provider: "anthropic", model: "claude-sonnet-4-5" }, "git status"));
}

/** One conversation of `count` messages (performance checks: `?fake=long`). */
export function seedLong(fake: FakeBackend, count: number): void {
  const c = fake.createConversation(`${count.toLocaleString()} messages`, Date.now() - count * 60_000);
  let parent: string | null = null;
  for (let i = 0; i < count; i++) {
    const assistant = i % 2 === 1;
    const m: T.Message = fake.addMessage(c.id, {
      role: assistant ? "assistant" : "user",
      parent_id: parent,
      provider: assistant ? "anthropic" : null,
      model: assistant ? "claude-haiku-4-5" : null,
      usage: assistant ? usage(200 + i, 80) : null,
      cost_usd: assistant ? 0.0006 : null,
      created_at: Date.now() - (count - i) * 60_000,
      blocks: text(
        assistant
          ? `Answer ${i}: here is a list.\n\n- one\n- two with \`code\`\n\n\`\`\`js\nconsole.log(${i});\n\`\`\`\n`
          : `Question ${i}: what about item ${i}?`,
      ),
    });
    parent = m.id;
  }
}
