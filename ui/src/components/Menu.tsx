// A small popover menu (context menus, pickers), positioned at a point and closed by Esc / outside click.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";

export interface MenuItem {
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  danger?: boolean;
  checked?: boolean;
  hint?: string;
  testId?: string;
}

export interface MenuSection {
  title?: string;
  items: MenuItem[];
}

interface Props {
  x: number;
  y: number;
  label: string;
  sections: MenuSection[];
  onClose: () => void;
  align?: "left" | "right";
}

export function Menu({ x, y, label, sections, onClose, align = "left" }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    let left = align === "right" ? x - r.width : x;
    let top = y;
    if (left + r.width > window.innerWidth - 8) left = window.innerWidth - r.width - 8;
    if (top + r.height > window.innerHeight - 8) top = Math.max(8, y - r.height);
    setPos({ left: Math.max(8, left), top });
    el.querySelector<HTMLElement>("[role=menuitem], [role=menuitemradio]")?.focus();
  }, [x, y, align]);
  useEffect(() => {
    const down = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onClose();
      }
    };
    document.addEventListener("mousedown", down);
    window.addEventListener("keydown", key, true);
    return () => {
      document.removeEventListener("mousedown", down);
      window.removeEventListener("keydown", key, true);
    };
  }, [onClose]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const items = [...(ref.current?.querySelectorAll<HTMLElement>("[role^=menuitem]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length];
    next?.focus();
  };
  return createPortal(
    <div ref={ref} className="menu" role="menu" aria-label={label} style={pos} onKeyDown={onKeyDown}>
      {sections.map((s, si) => (
        <div key={si} className="menu-section">
          {s.title && <div className="menu-title">{s.title}</div>}
          {s.items.map((item) => (
            <button
              key={item.label}
              type="button"
              role={item.checked === undefined ? "menuitem" : "menuitemradio"}
              aria-checked={item.checked}
              data-testid={item.testId}
              className={`menu-item ${item.danger ? "danger" : ""}`}
              onClick={() => {
                onClose();
                item.onSelect();
              }}
            >
              <span className="menu-icon">{item.checked ? "✓" : item.icon}</span>
              <span className="menu-label">{item.label}</span>
              {item.hint && <span className="menu-hint">{item.hint}</span>}
            </button>
          ))}
        </div>
      ))}
    </div>,
    document.body,
  );
}
