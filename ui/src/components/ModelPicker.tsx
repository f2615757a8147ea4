// Picking a provider/model: a menu grouped by provider.
import { useState } from "react";
import type { ModelInfo, ModelRef } from "../ipc";
import { Menu, type MenuSection } from "./Menu";
import { ChevronDown } from "./icons";

/** Menu sections for a model list. */
export function modelSections(models: ModelInfo[], current: ModelRef | null, pick: (m: ModelRef) => void): MenuSection[] {
  const byProvider = new Map<string, ModelInfo[]>();
  for (const m of models) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  return [...byProvider].map(([provider, list]) => ({
    title: provider,
    items: list.map((m) => ({
      label: m.label,
      checked: current?.provider === m.provider && current.model === m.model,
      testId: `model-${m.provider}-${m.model}`,
      onSelect: () => pick({ provider: m.provider, model: m.model }),
    })),
  }));
}

export function ModelPicker({ models, value, onChange }: { models: ModelInfo[]; value: ModelRef | null; onChange: (m: ModelRef) => void }) {
  const [at, setAt] = useState<{ x: number; y: number } | null>(null);
  if (!models.length) return null;
  return (
    <>
      <button
        type="button"
        className="model-picker"
        data-testid="model-picker"
        aria-label={`Model: ${value ? `${value.provider} ${value.model}` : "default"}. Change model`}
        aria-haspopup="menu"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setAt({ x: r.right, y: r.bottom + 4 });
        }}
      >
        <span className="model-provider">{value?.provider}</span>
        <span className="model-name">{value?.model ?? "Choose a model"}</span>
        <ChevronDown size={12} />
      </button>
      {at && <Menu x={at.x} y={at.y} align="right" label="Models" sections={modelSections(models, value, onChange)} onClose={() => setAt(null)} />}
    </>
  );
}
