import type { Event } from "../ipc";
import { StreamStore } from "./streams";

const ids = { conversation_id: "c1", message_id: "m1" };

test("deltas accumulate into one live message and are published once per flush", () => {
  const store = new StreamStore();
  let notified = 0;
  store.apply({ type: "turn_started", ...ids, provider: "anthropic", model: "claude" });
  store.subscribeMessage("m1", () => notified++);
  expect(store.liveIn("c1")).toEqual(["m1"]);
  expect(store.streamingIn("c1")).toBe(true);
  for (const text of ["Hel", "lo, ", "world"]) store.apply({ type: "text_delta", ...ids, text });
  expect(notified).toBe(0); // nothing published before the frame
  store.flush();
  expect(notified).toBe(1);
  expect(store.get("m1")?.blocks).toEqual([{ type: "text", text: "Hello, world" }]);

  const call: Event = { type: "tool_call", ...ids, call: { type: "tool_call", id: "t1", name: "files.read", arguments: { path: "a" } } };
  store.apply(call);
  store.apply({ type: "tool_result", ...ids, result: { type: "tool_result", call_id: "t1", content: "ok", is_error: false } });
  store.apply({ type: "text_delta", ...ids, text: "More" });
  store.apply({ type: "usage", ...ids, usage: { input_tokens: 5, output_tokens: 7, cached_input_tokens: 0, reasoning_tokens: 0 }, cost_usd: 0.001 });
  store.apply({ type: "done", ...ids, status: "complete" });
  const live = store.get("m1")!;
  expect(live.blocks.map((b) => b.type)).toEqual(["text", "tool_call", "tool_result", "text"]);
  expect(live.status).toBe("complete");
  expect(live.usage?.output_tokens).toBe(7);
  expect(store.streamingIn("c1")).toBe(false);
  store.forget("m1");
  expect(store.get("m1")).toBeUndefined();
  expect(store.liveIn("c1")).toEqual([]);
});

test("an earlier snapshot is never mutated by later deltas", () => {
  const store = new StreamStore();
  store.apply({ type: "turn_started", ...ids, provider: "p", model: "m" });
  store.apply({ type: "text_delta", ...ids, text: "a" });
  store.flush();
  const first = store.get("m1")!;
  store.apply({ type: "text_delta", ...ids, text: "b" });
  store.flush();
  expect((first.blocks[0] as { text: string }).text).toBe("a");
  expect((store.get("m1")!.blocks[0] as { text: string }).text).toBe("ab");
});

test("10,000 deltas are applied quickly and coalesced", () => {
  const store = new StreamStore();
  let notified = 0;
  store.apply({ type: "turn_started", ...ids, provider: "p", model: "m" });
  store.subscribeMessage("m1", () => notified++);
  const start = performance.now();
  for (let i = 0; i < 10_000; i++) store.apply({ type: "text_delta", ...ids, text: "tok " });
  store.flush();
  expect(performance.now() - start).toBeLessThan(500);
  expect(notified).toBe(1);
  expect((store.get("m1")!.blocks[0] as { text: string }).text.length).toBe(40_000);
});
