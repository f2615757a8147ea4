// Every tool with its risk, an allow / ask / deny control and its rules; the pause switch on top.
import { useEffect, useState } from "react";
import { commands, errorMessage, onEvent, type Decision, type RuleEffect, type ToolInfo } from "../ipc";
import { useApp } from "../state/app";
import { RiskBadge } from "./RiskBadge";
import { XIcon } from "./icons";

const DECISIONS: Decision[] = ["allow", "ask", "deny"];

function ToolRow({ tool, onDecision, onRemoveRule, onAddRule }: { tool: ToolInfo; onDecision: (d: Decision) => void; onRemoveRule: (rule: string, effect: RuleEffect) => void; onAddRule: (rule: string, effect: RuleEffect) => Promise<boolean> }) {
  const [adding, setAdding] = useState(false);
  const [rule, setRule] = useState(`${tool.name}()`);
  const [effect, setEffect] = useState<RuleEffect>("allow");
  return (
    <li className="perm-row" data-testid={`perm-${tool.name}`}>
      <div className="perm-main">
        <div className="perm-name">
          <span className="mono" title={tool.name}>
            {tool.name}
          </span>
        </div>
        <div className="segmented" role="radiogroup" aria-label={`${tool.name} permission`} title={tool.reason}>
          {DECISIONS.map((d) => (
            <button
              key={d}
              type="button"
              role="radio"
              aria-checked={tool.decision === d}
              aria-label={`${d} ${tool.name}`}
              data-testid={`perm-${tool.name}-${d}`}
              className={`seg seg-${d} ${tool.decision === d ? "on" : ""}`}
              onClick={() => tool.decision !== d && onDecision(d)}
            >
              {d}
            </button>
          ))}
        </div>
      </div>
      <div className="perm-desc">
        <RiskBadge risk={tool.risk} />
        <span className="perm-desc-text">{tool.description}</span>
        {!adding && (
          <button type="button" className="btn-link add-rule" aria-label={`Add a rule for ${tool.name}`} onClick={() => setAdding(true)}>
            + Rule
          </button>
        )}
      </div>
      {(tool.rules.length > 0 || adding) && (
        <ul className="rules">
          {tool.rules.map((r) => (
            <li key={r.effect + r.rule} className={`rule rule-${r.effect}`}>
              <span className="rule-effect">{r.effect}</span>
              <span className="mono rule-text">{r.rule}</span>
              <button type="button" className="icon-btn" aria-label={`Remove rule ${r.effect} ${r.rule}`} onClick={() => onRemoveRule(r.rule, r.effect)}>
                <XIcon size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {adding && (
        <form
          className="rule-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await onAddRule(rule.trim(), effect)) {
              setAdding(false);
              setRule(`${tool.name}()`);
            }
          }}
        >
          <select className="select" aria-label="Rule effect" value={effect} onChange={(e) => setEffect(e.target.value as RuleEffect)}>
            <option value="allow">allow</option>
            <option value="deny">deny</option>
          </select>
          <input className="input mono" autoFocus aria-label={`New rule for ${tool.name}`} data-testid={`rule-input-${tool.name}`} value={rule} onChange={(e) => setRule(e.target.value)} />
          <button type="submit" className="btn btn-small">
            Add
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setAdding(false)}>
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}

export function Permissions({ onTools }: { onTools?: (names: string[]) => void }) {
  const app = useApp();
  const [tools, setTools] = useState<ToolInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = () =>
    commands.listTools().then(
      (t) => {
        setTools(t);
        setError(null);
        onTools?.(t.map((x) => x.name));
      },
      (e) => setError(errorMessage(e)),
    );

  useEffect(() => {
    void reload();
    return onEvent((e) => {
      if (e.type === "config_reloaded" || e.type === "approval_resolved") void reload();
    });
  }, []);

  const decide = (tool: ToolInfo, d: Decision) => {
    setTools((list) => list?.map((t) => (t.name === tool.name ? { ...t, decision: d } : t)) ?? null);
    commands.setToolDecision(tool.name, d).then(
      (updated) => setTools((list) => list?.map((t) => (t.name === updated.name ? updated : t)) ?? null),
      (e) => {
        app.toast({ text: errorMessage(e), tone: "error" });
        void reload();
      },
    );
  };

  const addRule = async (rule: string, effect: RuleEffect) => {
    try {
      await commands.addRule(rule, effect);
      await reload();
      return true;
    } catch (e) {
      app.toast({ text: errorMessage(e), tone: "error" });
      return false;
    }
  };

  const removeRule = (rule: string, effect: RuleEffect) =>
    void commands.removeRule(rule, effect).then(reload, (e) => app.toast({ text: errorMessage(e), tone: "error" }));

  return (
    <div className="permissions">
      <label className={`pause-card ${app.paused ? "paused" : ""}`}>
        <span>
          <strong>{app.paused ? "Agent paused" : "Agent on"}</strong>
          <span className="muted">{app.paused ? "No tool runs until you resume." : "Tools run within the permissions below."}</span>
        </span>
        <input type="checkbox" role="switch" className="switch" data-testid="pause-switch" aria-label="Agent on (uncheck to pause all tools)" checked={!app.paused} onChange={(e) => void app.setPaused(!e.target.checked)} />
      </label>
      {error && <p className="muted pad">{error}</p>}
      <ul className="perm-list">
        {tools?.map((t) => (
          <ToolRow key={t.name} tool={t} onDecision={(d) => decide(t, d)} onAddRule={addRule} onRemoveRule={removeRule} />
        ))}
      </ul>
      <p className="muted pad small">
        Rules match arguments, e.g. <span className="mono">shell.run(git status*)</span> or <span className="mono">files.write(~/notes/**)</span>. Deny wins.
      </p>
    </div>
  );
}
