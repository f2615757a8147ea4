// Rendered Markdown with copy buttons on code blocks and links opened outside the app.
import { memo, useMemo, type MouseEvent } from "react";
import { commands } from "../ipc";
import { renderMarkdown, stableBoundary } from "../lib/markdown";

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

/** Finished Markdown; re-renders only when the text changes. */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
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
