import { render } from "@testing-library/react";
import type { Conversation } from "../ipc";
import { groupConversations } from "./format";
import { renderMarkdown } from "./markdown";
import { stableBoundary } from "./streamBoundary";
import { parseSnippet, Snippet } from "./snippet";

const DAY = 86_400_000;
const now = new Date(2026, 10, 25, 15, 0).getTime();
function conv(id: string, updated: number, pinned = false): Conversation {
  return { id, title: id, created_at: updated, updated_at: updated, pinned, archived: false, current_leaf: null };
}

test("conversations group pinned first, then Today / Yesterday / Last 7 days / Older, newest first", () => {
  const groups = groupConversations(
    [
      conv("old", now - 30 * DAY),
      conv("today-early", now - 3 * 3_600_000),
      conv("pinned-old", now - 40 * DAY, true),
      conv("yesterday", now - DAY),
      conv("today-late", now - 60_000),
      conv("week", now - 4 * DAY),
    ],
    now,
  );
  expect(groups.map(([g, list]) => [g, list.map((c) => c.id)])).toEqual([
    ["Pinned", ["pinned-old"]],
    ["Today", ["today-late", "today-early"]],
    ["Yesterday", ["yesterday"]],
    ["Last 7 days", ["week"]],
    ["Older", ["old"]],
  ]);
});

test("search snippets render only <mark> as markup; everything else is text", () => {
  const evil = `<img src=x onerror="alert(1)">before <mark>hit</mark> <script>alert(2)</script><b>bold</b> <mark><i>x</i></mark>`;
  const { container } = render(<Snippet text={evil} />);
  expect(container.querySelector("img, script, b, i")).toBeNull();
  const marks = [...container.querySelectorAll("mark")].map((m) => m.textContent);
  expect(marks).toEqual(["hit", "<i>x</i>"]);
  expect(container.textContent).toContain('<img src=x onerror="alert(1)">before ');
  expect(container.textContent).toContain("<script>alert(2)</script>");
  expect(parseSnippet("no marks")).toEqual([{ text: "no marks", marked: false }]);
});

test("markdown escapes raw HTML and drops javascript: links, highlights code with a copy button", () => {
  const html = renderMarkdown("<script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://example.com)\n\n```rust\nfn main() {}\n```\n");
  const div = document.createElement("div");
  div.innerHTML = html;
  expect(div.querySelector("script")).toBeNull();
  expect(div.textContent).toContain("<script>alert(1)</script>");
  const hrefs = [...div.querySelectorAll("a")].map((a) => a.getAttribute("href"));
  expect(hrefs).toEqual(["https://example.com"]);
  expect(div.querySelector(".code-block .code-copy")).toBeTruthy();
  expect(div.querySelector("code.hljs .hljs-keyword")?.textContent).toBe("fn");
});

test("the stable boundary of streaming Markdown never cuts inside a code fence", () => {
  const text = "Para one.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nTail";
  const cut = stableBoundary(text);
  expect(text.slice(0, cut)).toBe("Para one.\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n");
  expect(stableBoundary("```\nopen fence\n\nstill open\n")).toBe(0);
  expect(stableBoundary("no newline yet")).toBe(0);
});

test("markdown never loads images: they become links", () => {
  const div = document.createElement("div");
  div.innerHTML = renderMarkdown('![a "cat"](https://tracker.example/p.png) ![x](javascript:alert(1))');
  expect(div.querySelector("img")).toBeNull();
  const link = div.querySelector("a.md-image");
  expect(link?.getAttribute("href")).toBe("https://tracker.example/p.png");
  expect(link?.textContent).toBe('Image: a "cat"');
  expect([...div.querySelectorAll("[href]")].map((a) => a.getAttribute("href"))).toEqual(["https://tracker.example/p.png"]);
});

test("a message renders as Markdown once the renderer's chunk has loaded", async () => {
  const { Markdown, markdownReady } = await import("../components/Markdown");
  await markdownReady();
  const { container } = render(<Markdown source={"**bold** and `code`"} />);
  expect(container.querySelector("strong")?.textContent).toBe("bold");
  expect(container.querySelector(".md-plain")).toBeNull();
});
