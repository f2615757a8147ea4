import { useApp } from "../state/app";
import { XIcon } from "./icons";

/** Short notices at the bottom of the window. */
export function Toasts() {
  const { toasts, dismissToast } = useApp();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.tone === "error" ? "toast-error" : ""}`} role={t.tone === "error" ? "alert" : "status"}>
          <span>{t.text}</span>
          {t.action && (
            <button
              type="button"
              className="btn-link"
              onClick={() => {
                t.action!.run();
                dismissToast(t.id);
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            <XIcon size={12} />
          </button>
        </div>
      ))}
    </div>
  );
}
