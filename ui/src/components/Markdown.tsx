// Rendered Markdown with copy buttons on code blocks and links opened outside the app.
//
// The renderer (markdown-it + highlight.js, most of the UI's JavaScript) is its own chunk, loaded
// right after start-up rather than parsed before the first frame; until it is there (a few
// milliseconds after the window appears) a message shows as plain text.
import { memo, useMemo, useSyncExternalStore, type MouseEvent } from "react";
import { commands } from "../ipc";
import { stableBoundary } from "../lib/streamBoundary";

type Render = (source: string) => string;

let render: Render | null = null;
const waiting = new Set<() => void>();
const loading = import("../lib/markdown").then((module) => {
  render = module.renderMarkdown;
  for (const notify of waiting) notify();
});

function subscribe(notify: () => void) {
  waiting.add(notify);
  return () => waiting.delete(notify);
}

/** The Markdown renderer once its chunk has loaded, else null. */
function useRenderer(): Render | null {
  return useSyncExternalStore(subscribe, () => render);
}

/** Resolves once the renderer is loaded (for tests and benches that need rendered Markdown). */
export function markdownReady(): Promise<void> {
  return loading;
}

function onClick(e: MouseEvent<HTMLDivElement>) {
  const target = e.target as HTMLElement;
  const copy = target.closest<HTMLButtonElement>("[data-copy]");
  if (copy) {
    const code = copy.closest(".code-block")?.querySelector("code")?.textContent ?? "";
    void navigator.clipboard?.writeText(code).then(() => {
      copy.textContent = "Copied";
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    });
    return;
  }
  const link = target.closest<HTMLAnchorElement>("a[href]");
  if (link) {
    e.preventDefault();
    const href = link.getAttribute("href") ?? "";
    if (/^(https?:|mailto:)/i.test(href)) void commands.openExternal(href).catch(() => {});
  }
}

/** Finished Markdown; re-renders only when the text (or the renderer's arrival) changes. */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  const renderer = useRenderer();
  const html = useMemo(() => (renderer ? renderer(source) : null), [renderer, source]);
  if (html === null) return <div className="md md-plain">{source}</div>;
  return <div className="md" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
});

/** Markdown still being written: the settled head (up to the last blank line outside a code
 * fence) is memoised, so each frame re-parses only the tail. */
export function StreamingMarkdown({ source }: { source: string }) {
  const cut = stableBoundary(source);
  return (
    <div className="md-stream">
      {cut > 0 && <Markdown source={source.slice(0, cut)} />}
      <Markdown source={source.slice(cut)} />
    </div>
  );
}
