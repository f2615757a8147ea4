// Streaming Markdown is re-parsed each frame; only its unsettled tail needs to be.

/** Where a streaming text can be cut so that the part before it never changes its rendering:
 * the last blank line outside a code fence. Returns 0 when there is none. */
export function stableBoundary(source: string): number {
  let boundary = 0;
  let inFence = false;
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf("\n", lineStart);
    if (lineEnd < 0) break; // the last, unfinished line is never stable
    const line = source.slice(lineStart, lineEnd);
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.trim() === "" && lineStart > 0) boundary = lineEnd + 1;
    lineStart = lineEnd + 1;
  }
  return boundary;
}
