// The scrolling list of messages. Short conversations render plainly; long ones (thousands of
// messages) are virtualised so only what is on screen exists in the DOM. Either way the view sticks
// to the bottom while an answer streams, unless the reader has scrolled up.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { ChevronDown } from "./icons";
import type { Message } from "../ipc";

/** Above this many messages the list is virtualised. */
export const VIRTUALISE_AFTER = 120;

interface Props {
  messages: Message[];
  /** Changes when another conversation is shown (scrolls to the end). */
  resetKey: string;
  render: (message: Message, index: number) => ReactNode;
  footer?: ReactNode;
}

function useStickToBottom(scroller: React.RefObject<HTMLDivElement | null>, content: React.RefObject<HTMLDivElement | null>, resetKey: string, setAway: (away: boolean) => void) {
  const atBottom = useRef(true);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      const now = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      if (now !== atBottom.current) setAway(!now);
      atBottom.current = now;
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [scroller]);
  useLayoutEffect(() => {
    atBottom.current = true;
    setAway(false);
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [resetKey, scroller, setAway]);
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    ro.observe(inner);
    return () => ro.disconnect();
  }, [scroller, content]);
  return atBottom;
}

/** "Jump to latest", shown while the reader is scrolled away from the end. */
function JumpToLatest({ away, onJump }: { away: boolean; onJump: () => void }) {
  if (!away) return null;
  return (
    <button type="button" className="jump-latest" data-testid="jump-latest" aria-label="Jump to the latest message" onClick={onJump}>
      <ChevronDown size={14} /> Latest
    </button>
  );
}

function PlainList({ messages, resetKey, render, footer }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const [away, setAway] = useState(false);
  const atBottom = useStickToBottom(scroller, content, resetKey, setAway);
  // A new message (sent by the user) brings the view to the end.
  const count = messages.length;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count, atBottom]);
  const jump = () => {
    const el = scroller.current;
    if (el) el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
  };
  return (
    <div className="messages-wrap">
      <div className="messages" ref={scroller} data-testid="messages">
        <div className="messages-inner" ref={content}>
          {messages.map((m, i) => (
            <div key={m.id} className="msg-row">
              {render(m, i)}
            </div>
          ))}
          {footer}
        </div>
      </div>
      <JumpToLatest away={away} onJump={jump} />
    </div>
  );
}

function VirtualList({ messages, resetKey, render, footer }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const [away, setAway] = useState(false);
  const atBottom = useStickToBottom(scroller, content, resetKey, setAway);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 140,
    overscan: 6,
    getItemKey: (i) => messages[i].id,
  });
  const count = messages.length;
  useLayoutEffect(() => {
    if (atBottom.current && count > 0) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [count, resetKey, virtualizer, atBottom]);
  return (
    <div className="messages-wrap">
    <div className="messages" ref={scroller} data-testid="messages" data-virtual="true">
      <div className="messages-inner" ref={content}>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="msg-row"
              style={{ position: "absolute", top: 0, left: 0, width: "100%", transform: `translateY(${item.start}px)` }}
            >
              {render(messages[item.index], item.index)}
            </div>
          ))}
        </div>
        {footer}
      </div>
    </div>
      <JumpToLatest away={away} onJump={() => virtualizer.scrollToIndex(count - 1, { align: "end" })} />
    </div>
  );
}

export function MessageList(props: Props) {
  return props.messages.length > VIRTUALISE_AFTER ? <VirtualList {...props} /> : <PlainList {...props} />;
}
