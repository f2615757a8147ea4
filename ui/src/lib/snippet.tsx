// Search snippets: plain text in which only <mark>…</mark> is markup. Everything is rendered as
// React text nodes (escaped); the marks become <mark> elements. No HTML is ever parsed.
import type { ReactNode } from "react";
import type { SnippetPart } from "../ipc";

/** Splits a snippet into text and highlighted parts. */
export function parseSnippet(snippet: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), marked: false });
    parts.push({ text: m[1], marked: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), marked: false });
  return parts;
}

/** Renders a snippet safely: structured parts (store::SnippetPart) or a `<mark>`-marked string. */
export function Snippet({ text }: { text: string | SnippetPart[] }): ReactNode {
  const parts = typeof text === "string" ? parseSnippet(text) : text.map((p) => ({ text: p.text, marked: p.highlighted }));
  return (
    <>
      {parts.map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
