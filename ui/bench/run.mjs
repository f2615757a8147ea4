// UI benchmarks in a real browser (headless Chromium over the DevTools protocol) against the
// production build and the fake backend:
//   1. open a 5,000-message conversation (time from click to the first message painted);
//   2. stream 10,000 tokens at 200 tokens/s while typing one key every 40 ms (frame gaps, keys kept).
// Usage: npx vite build && node --experimental-websocket ui/bench/run.mjs [--tokens N] [--runs N]
// Prints one JSON object. Needs `chromium` (or CHROMIUM=/path) on PATH.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const TOKENS = opt("tokens", 10_000);
const RUNS = opt("runs", 3);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function browser() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "hearth-bench-"));
  const proc = spawn(process.env.CHROMIUM ?? "chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", `--user-data-dir=${dir}`, "--window-size=1280,800", `--remote-debugging-port=${port}`, "about:blank",
  ], { stdio: "ignore" });
  let targets;
  for (let i = 0; i < 100 && !targets; i++) {
    try {
      targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
    } catch {
      await sleep(100);
    }
  }
  const ws = new WebSocket(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (m) => {
    const d = JSON.parse(m.data);
    if (d.id && pending.has(d.id)) {
      pending.get(d.id)(d);
      pending.delete(d.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((r) => {
      const i = ++id;
      pending.set(i, r);
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  const evaluate = async (expression) => (await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })).result?.result?.value;
  const close = async () => {
    ws.close();
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  return { send, evaluate, close };
}

async function openLong(base) {
  const b = await browser();
  try {
    await b.send("Page.navigate", { url: `${base}/?fake=long&do=click:new-chat,wait:1500,mark,text:5%252C000%20messages,measure:message-assistant` });
    for (let i = 0; i < 100; i++) {
      await sleep(100);
      const m = await b.evaluate("document.body.dataset.measure || ''");
      if (m) return { ms: Number(/:(\d+)ms/.exec(m)?.[1] ?? NaN), rows: await b.evaluate("document.querySelectorAll('.msg-row').length") };
    }
    return { ms: NaN, rows: 0 };
  } finally {
    await b.close();
  }
}

async function stream(base, tokens) {
  const b = await browser();
  try {
    await b.send("Page.navigate", { url: `${base}/?fake=ready` });
    await sleep(2000);
    await b.evaluate(`(async () => {
      const fake = window.hearthFake;
      fake.tokenDelayMs = 5; fake.chunkChars = 4;
      let text = "";
      for (let i = 0; i < ${tokens}; i++) text += i % 60 === 59 ? "\\n\\n  " : i % 13 === 0 ? "**w** " : "tok ";
      fake.script.push([{ kind: "text", text }]);
      const c = document.querySelector('[data-testid=composer]');
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(c, 'go');
      c.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('[data-testid=send]').click();
      window.__gaps = []; let last = performance.now();
      const loop = (t) => { window.__gaps.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
    })()`);
    await sleep(300);
    await b.evaluate("document.querySelector('[data-testid=composer]').focus()");
    let keys = 0;
    const started = Date.now();
    while ((await b.evaluate("!!document.querySelector('[data-testid=stop]')")) && Date.now() - started < tokens * 10) {
      await b.send("Input.insertText", { text: "a" });
      keys++;
      await sleep(40);
    }
    const seconds = (Date.now() - started) / 1000;
    const r = JSON.parse(await b.evaluate(`(() => {
      window.__stop = true;
      const g = window.__gaps.slice(2).sort((a, b) => a - b);
      return JSON.stringify({ p50: g[Math.floor(g.length / 2)], p95: g[Math.floor(g.length * 0.95)], p99: g[Math.floor(g.length * 0.99)], max: g[g.length - 1], kept: document.querySelector('[data-testid=composer]').value.length });
    })()`));
    return { tokens, seconds: Math.round(seconds), keys_typed: keys, keys_kept: r.kept, frame_ms: { p50: +r.p50.toFixed(1), p95: +r.p95.toFixed(1), p99: +r.p99.toFixed(1), max: +r.max.toFixed(1) } };
  } finally {
    await b.close();
  }
}

const port = await freePort();
const preview = spawn("npx", ["vite", "preview", "--port", String(port), "--strictPort"], { stdio: "ignore", detached: true });
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    await sleep(100);
  }
}
try {
  const opens = [];
  for (let i = 0; i < RUNS; i++) opens.push(await openLong(base));
  const s = await stream(base, TOKENS);
  console.log(JSON.stringify({ open_5000_messages_ms: opens.map((o) => o.ms), rows_in_dom: opens[0]?.rows, stream: s }, null, 2));
} finally {
  process.kill(-preview.pid);
}
