// First run with no provider: pick a kind, give the details and a key, test it, start chatting.
import { useState } from "react";
import { commands, errorMessage, type ProviderKind, type ProviderTestResult } from "../ipc";
import { useApp } from "../state/app";
import { Dialog } from "./Dialog";
import { KIND_DEFAULTS, ProviderForm, type ProviderFormValue } from "./ProviderForm";
import { CheckIcon, SparkIcon } from "./icons";

const KIND_BLURB: Record<ProviderKind, string> = {
  anthropic: "Claude models. Needs an API key from console.anthropic.com.",
  openai: "GPT models. Needs an API key from platform.openai.com.",
  gemini: "Gemini models. Needs an API key from Google AI Studio.",
  "openai-compatible": "A model on this machine or your network (Ollama, LM Studio, llama.cpp). Nothing leaves your machine.",
};

export function Onboarding({ onDone, onSkip }: { onDone: () => void; onSkip: () => void }) {
  const app = useApp();
  const [step, setStep] = useState<"welcome" | "kind" | "details" | "done">("welcome");
  const [kind, setKind] = useState<ProviderKind>("anthropic");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<ProviderTestResult | null>(null);

  const submit = async ({ spec, key }: ProviderFormValue) => {
    setBusy(true);
    setError(null);
    try {
      if (KIND_DEFAULTS[spec.kind].needsKey && !key.trim()) throw { message: "Paste your API key to continue." };
      await commands.addProvider(spec);
      if (key.trim()) await commands.setKey(spec.id, key.trim());
      const result = await commands.testProvider(spec.id);
      setTest(result);
      await app.reloadProviders();
      if (result.ok) setStep("done");
      else setError(`${result.message} You can fix this now, or continue and fix it later in Settings → Providers.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog label="Set up Hearth" onClose={onSkip} className="onboarding" testId="onboarding">
      {step === "welcome" && (
        <div className="onb-step">
          <div className="welcome-mark big" aria-hidden="true">
            <SparkIcon size={28} />
          </div>
          <h2>Welcome to Hearth</h2>
          <p>Your AI assistant on your desktop: you choose the provider, keys stay in the system keychain, every action is logged, and nothing risky runs without your OK.</p>
          <p className="muted">First, connect a model. It takes a minute.</p>
          <div className="form-buttons">
            <button type="button" className="btn btn-ghost" onClick={onSkip}>
              Later
            </button>
            <button type="button" className="btn btn-primary" data-testid="onboarding-start" data-autofocus onClick={() => setStep("kind")}>
              Add a provider
            </button>
          </div>
        </div>
      )}
      {step === "kind" && (
        <div className="onb-step">
          <h2>Which provider?</h2>
          <div className="kind-list" role="radiogroup" aria-label="Provider kind">
            {(Object.keys(KIND_DEFAULTS) as ProviderKind[]).map((k) => (
              <button
                key={k}
                type="button"
                role="radio"
                aria-checked={kind === k}
                data-testid={`onboarding-kind-${k}`}
                className={`kind-card ${kind === k ? "on" : ""}`}
                onClick={() => setKind(k)}
                onDoubleClick={() => setStep("details")}
              >
                <strong>{KIND_DEFAULTS[k].label}</strong>
                <span className="muted">{KIND_BLURB[k]}</span>
              </button>
            ))}
          </div>
          <div className="form-buttons">
            <button type="button" className="btn btn-ghost" onClick={() => setStep("welcome")}>
              Back
            </button>
            <button type="button" className="btn btn-primary" data-testid="onboarding-next" onClick={() => setStep("details")}>
              Continue
            </button>
          </div>
        </div>
      )}
      {step === "details" && (
        <div className="onb-step">
          <h2>{KIND_DEFAULTS[kind].label}</h2>
          <ProviderForm key={kind} fixedKind={kind} submitLabel="Test and continue" cancelLabel="Back" busy={busy} error={error} onSubmit={submit} onCancel={() => setStep("kind")} />
          {test && !test.ok && (
            <div className="form-buttons">
              <button type="button" className="btn btn-ghost" onClick={() => setStep("done")}>
                Continue anyway
              </button>
            </div>
          )}
        </div>
      )}
      {step === "done" && (
        <div className="onb-step">
          <div className="welcome-mark big ok" aria-hidden="true">
            <CheckIcon size={28} />
          </div>
          <h2>You're set</h2>
          <p>{test?.ok ? `${test.message}${test.latency_ms != null ? ` (${test.latency_ms} ms)` : ""}` : "The provider is saved."} Tools that only read ask nothing; anything that writes, runs or sends asks you first. Change that any time in Permissions.</p>
          <div className="form-buttons">
            <button type="button" className="btn btn-primary" data-testid="onboarding-finish" data-autofocus onClick={onDone}>
              Start chatting
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
