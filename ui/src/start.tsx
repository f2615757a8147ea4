// The app proper, loaded by main.tsx once the window's first frame is on screen.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { QuickAsk } from "./QuickAsk";
import { insideTauri, setTransport } from "./ipc";

/** Mounts the app (or the quick-ask window) into #root, replacing the frame index.html painted. */
export async function start() {
  if (!insideTauri()) {
    // A plain browser (`npm run dev`): use the in-memory backend. ?fake=empty shows the first run.
    const { FakeBackend } = await import("./ipc/fake");
    const seed = new URLSearchParams(window.location.search).get("fake");
    const fake = new FakeBackend({ seed: seed === "empty" || seed === "ready" || seed === "long" ? seed : "demo" });
    setTransport(fake.transport());
    (window as unknown as { hearthFake: unknown }).hearthFake = fake;
    const script = new URLSearchParams(window.location.search).get("do");
    if (script) void import("./lib/demoScript").then((m) => m.runDemoScript(script));
  }
  const quickAsk = window.location.hash.startsWith("#/quick-ask");
  document.documentElement.classList.toggle("is-quick-ask", quickAsk);
  createRoot(document.getElementById("root")!).render(<StrictMode>{quickAsk ? <QuickAsk /> : <App />}</StrictMode>);
}

