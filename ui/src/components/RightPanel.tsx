// The right pane: Activity | Permissions tabs.
import { useEffect, useState } from "react";
import { commands } from "../ipc";
import { useApp } from "../state/app";
import { Activity } from "./Activity";
import { Permissions } from "./Permissions";
import { XIcon } from "./icons";

export function RightPanel({ onClose }: { onClose: () => void }) {
  const app = useApp();
  const [tab, setTab] = useState<"activity" | "permissions">("activity");
  const [tools, setTools] = useState<string[]>([]);
  return (
    <aside className="panel" aria-label="Activity and permissions">
      <div className="tabs" role="tablist" aria-label="Panel">
        {(["activity", "permissions"] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`tabpanel-${t}`}
            data-testid={`tab-${t}`}
            className={`tab ${tab === t ? "on" : ""}`}
            onClick={() => setTab(t)}
          >
            {t === "activity" ? "Activity" : "Permissions"}
          </button>
        ))}
        <button type="button" className="icon-btn panel-close" aria-label="Hide panel" onClick={onClose}>
          <XIcon size={14} />
        </button>
      </div>
      <div className="tabpanel" role="tabpanel" id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "activity" ? (
          <Activity tools={tools} providers={(app.providers ?? []).map((p) => p.id)} />
        ) : (
          <Permissions onTools={setTools} />
        )}
      </div>
      {/* Keep the tool list for the Activity filter even before Permissions was opened. */}
      {tab === "activity" && tools.length === 0 && <HiddenToolLoader onTools={setTools} />}
    </aside>
  );
}

function HiddenToolLoader({ onTools }: { onTools: (t: string[]) => void }) {
  useEffect(() => {
    commands.listTools().then((t) => onTools(t.map((x) => x.name)), () => {});
  }, [onTools]);
  return null;
}
