// The fake backend's world: its tools, prices, a tiny rule matcher and canned answers.
import type * as T from "./types";

/** A tool of the fake registry. */
export interface ToolDef {
  name: string;
  description: string;
  risk: T.Risk;
}

/** The fake tool registry. */
export const TOOLS: ToolDef[] = [
  { name: "files.read", description: "Read a file inside your roots", risk: "read" },
  { name: "files.list", description: "List a folder inside your roots", risk: "read" },
  { name: "files.write", description: "Create or change a file inside your roots", risk: "write" },
  { name: "shell.run", description: "Run a command in a root folder", risk: "execute" },
  { name: "web.fetch", description: "Fetch a web page", risk: "network" },
  { name: "calendar.list_events", description: "List calendar events in a range", risk: "read" },
  { name: "calendar.create_event", description: "Create a calendar event", risk: "write" },
  { name: "mail.search", description: "Search your mailboxes", risk: "read" },
  { name: "mail.send", description: "Send an email", risk: "send" },
];

/** $ per million tokens. */
export const PRICES: Record<string, [number, number]> = {
  // $ per million tokens: input, output
  "claude-sonnet-4-5": [3, 15],
  "claude-haiku-4-5": [1, 5],
  "gpt-5": [1.25, 10],
  "gpt-5-mini": [0.25, 2],
};

/** The argument a rule matches against (a command, a path, a URL…). */
export function primaryArg(args: T.Json): string {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    for (const key of ["command", "path", "url", "to", "range", "query"]) {
      const v = (args as Record<string, T.Json>)[key];
      if (typeof v === "string") return v;
    }
  }
  return JSON.stringify(args);
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    "^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
  );
  return re.test(text);
}

/** Whether a rule like `shell.run(git status*)` matches a call. */
export function ruleMatches(rule: string, tool: string, args: T.Json): boolean {
  const m = /^([\w.-]+)(?:\((.*)\))?$/.exec(rule.trim());
  if (!m) return false;
  const [, name, pattern] = m;
  if (name !== tool && !(tool.startsWith(name + ".") && name.indexOf(".") < 0)) return false;
  return pattern === undefined || globMatch(pattern, primaryArg(args));
}

/** Zero usage. */
export function emptyUsage(): T.Usage {
  return { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
}

/** One scripted step of a fake answer. */
export type Step =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string }
  | { kind: "tool"; name: string; arguments: T.Json; result: string; is_error?: boolean };

/** The canned answer to a prompt, as steps (the fake's "model"). */
export function cannedAnswer(prompt: string): Step[] {
  const p = prompt.toLowerCase();
  if (p.includes("think")) {
    return [
      { kind: "reasoning", text: "The user wants a careful answer. Compare the options by cost and time, then pick one and say why." },
      { kind: "text", text: "Taking the **train** is the better choice: it is about as fast door to door, costs less, and you can work on the way." },
    ];
  }
  if (p.includes("fail")) return [{ kind: "text", text: "Let me try…" }, { kind: "text", text: "\u0000fail" }];
  if (p.includes("git") || p.includes("status")) {
    return [
      { kind: "text", text: "I'll check the repository state for you." },
      {
        kind: "tool",
        name: "shell.run",
        arguments: { command: "git status --short", cwd: "~/code/hearth" },
        result: " M src-tauri/gateway/src/agent.rs\n M ui/src/App.tsx\n?? ui/src/ipc/",
      },
      {
        kind: "text",
        text: "\n\nYou have **two modified files** and one new folder:\n\n| File | State |\n|---|---|\n| `src-tauri/gateway/src/agent.rs` | modified |\n| `ui/src/App.tsx` | modified |\n| `ui/src/ipc/` | untracked |\n\nNothing is staged yet. Want me to draft a commit message?",
      },
    ];
  }
  if (p.includes("calendar") || p.includes("evening") || p.includes("week")) {
    return [
      { kind: "text", text: "Let me look at your calendar." },
      {
        kind: "tool",
        name: "calendar.list_events",
        arguments: { range: "Mon–Sun next week", calendar: "personal" },
        result: "Mon 19:00 Climbing\nTue 18:30 Book club\nThu 20:00 Call with Ana",
      },
      {
        kind: "text",
        text: "\n\n**Wednesday** and **Friday** evenings are free. Wednesday looks calmest — nothing before or after. Shall I hold 19:30 on Wednesday?",
      },
    ];
  }
  return [
    {
      kind: "text",
      text:
        "Here is a small example in Rust that keeps the borrow short:\n\n```rust\nfn longest<'a>(x: &'a str, y: &'a str) -> &'a str {\n    if x.len() >= y.len() { x } else { y }\n}\n\nfn main() {\n    let a = String::from(\"hearth\");\n    let b = \"fire\";\n    println!(\"{}\", longest(&a, b));\n}\n```\n\nThe lifetime `'a` says the result lives **no longer than the shorter** of the two inputs. A few rules of thumb:\n\n1. Borrow for as short a time as you can.\n2. Return owned data (`String`) when the caller should keep it.\n3. Reach for `Rc`/`Arc` only when ownership really is shared.\n\nSee [the Rust book](https://doc.rust-lang.org/book/ch10-03-lifetime-syntax.html) for more.",
    },
  ];
}

