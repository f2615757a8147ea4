// The message box: Enter sends, Shift+Enter adds a line, the button turns into Stop while an
// answer streams. Its text lives here, so typing re-renders nothing else.
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState } from "react";
import { SendIcon, StopIcon } from "./icons";

export interface ComposerHandle {
  focus: () => void;
  setText: (text: string) => void;
}

interface Props {
  streaming: boolean;
  disabled?: boolean;
  placeholder?: string;
  onSend: (text: string) => Promise<boolean> | boolean;
  onStop: () => void;
  footer?: React.ReactNode;
}

export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ streaming, disabled, placeholder, onSend, onStop, footer }, ref) {
  const [text, setText] = useState("");
  const area = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => ({
    focus: () => area.current?.focus(),
    setText: (t: string) => {
      setText(t);
      area.current?.focus();
    },
  }));
  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = Math.min(el.scrollHeight, 240) + "px";
  }, [text]);
  const send = async () => {
    const t = text;
    if (!t.trim() || streaming || disabled) return;
    setText("");
    const ok = await onSend(t);
    if (!ok) setText((cur) => cur || t);
  };
  return (
    <div className="composer">
      <div className={`composer-box ${disabled ? "is-disabled" : ""}`}>
        <textarea
          ref={area}
          data-testid="composer"
          aria-label="Message"
          className="composer-input"
          placeholder={placeholder ?? "Message Hearth…"}
          rows={1}
          value={text}
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
        {streaming ? (
          <button type="button" className="composer-btn stop" data-testid="stop" aria-label="Stop answer (Esc)" title="Stop (Esc)" onClick={onStop}>
            <StopIcon size={14} />
          </button>
        ) : (
          <button
            type="button"
            className="composer-btn send"
            data-testid="send"
            aria-label="Send message (Enter)"
            title="Send (Enter)"
            disabled={!text.trim() || disabled}
            onClick={() => void send()}
          >
            <SendIcon size={16} />
          </button>
        )}
      </div>
      {footer && <div className="composer-foot">{footer}</div>}
    </div>
  );
});
