// Browser-only (fake backend) helper for screenshots: `?do=click:open-settings,wait:500,type:search=rust`
// clicks elements by data-testid, types into them, or waits. Never loaded inside the app.

function byTestId(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
}

async function waitFor(id: string, ms = 3000): Promise<HTMLElement | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const el = byTestId(id);
    if (el) return el;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

let mark = 0;

export async function runDemoScript(script: string): Promise<void> {
  if (!script.startsWith("measure")) await new Promise((r) => setTimeout(r, 600));
  for (const step of script.split(",")) {
    const [verb, arg = ""] = step.split(":");
    if (verb !== "mark" && verb !== "measure") await new Promise((r) => setTimeout(r, 120));
    if (verb === "wait") await new Promise((r) => setTimeout(r, Number(arg) || 300));
    else if (verb === "click") (await waitFor(arg))?.click();
    else if (verb === "text") {
      const label = decodeURIComponent(arg);
      [...document.querySelectorAll<HTMLElement>("button")].find((b) => b.textContent?.trim() === label)?.click();
    }
    else if (verb === "type") {
      const [id, text = ""] = arg.split("=");
      const el = (await waitFor(id)) as HTMLInputElement | HTMLTextAreaElement | null;
      if (!el) continue;
      const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value")?.set?.call(el, decodeURIComponent(text));
      el.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (verb === "enter") {
      (await waitFor(arg))?.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    } else if (verb === "measure") {
      // Time from navigation start until the element exists: written to <body data-measure>.
      const found = await waitFor(arg, 10_000);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      document.body.dataset.measure = found ? `${arg}:${Math.round(performance.now() - mark)}ms` : `${arg}:missing`;
    } else if (verb === "delay") {
      // Milliseconds between streamed chunks of the fake backend.
      (window as unknown as { hearthFake: { tokenDelayMs: number } }).hearthFake.tokenDelayMs = Number(arg);
    } else if (verb === "mark") {
      mark = performance.now();
    } else if (verb === "key") {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: arg, ctrlKey: false, bubbles: true }));
    }
  }
}
