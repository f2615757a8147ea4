"""A real HTTP server on 127.0.0.1 speaking each provider's documented streaming wire format.

One server serves all four formats under path prefixes:
  /anthropic/v1/messages                          Anthropic Messages (SSE events)
  /openai/responses                               OpenAI Responses (typed SSE events)
  /gemini/models/MODEL:streamGenerateContent      Gemini (alt=sse)
  /compat/chat/completions                        OpenAI Chat Completions (data: chunks, [DONE])

Tests queue scripted replies (`Reply`): text, a tool call, reasoning before the answer, an HTTP
error, a slow stream. Every
request is recorded (path, headers, JSON body) for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted answer."""

    text: str = ""
    tool_call: tuple[str, dict] | None = None  # (wire tool name, arguments)
    status: int = 200
    error_body: str = ""
    chunk_delay: float = 0.0  # seconds between text chunks
    chunks: int = 1  # the text is split into this many deltas
    headers: dict = field(default_factory=dict)
    reasoning: str = ""  # thinking streamed before the text (Anthropic: signed "sig-fake")


class FakeProviders:
    """The server; use as a context manager."""

    def __init__(self):
        self.replies: list[Reply] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def queue(self, *replies: Reply):
        with self.lock:
            self.replies.extend(replies)

    def _next(self) -> Reply:
        with self.lock:
            return self.replies.pop(0) if self.replies else Reply(text="(no scripted reply)")

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode(errors="replace")}
                with server.lock:
                    server.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                reply = server._next()
                if reply.status != 200:
                    payload = reply.error_body.encode()
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if self.path.startswith("/anthropic/"):
                    events = anthropic_events(reply)
                elif self.path.startswith("/openai/"):
                    events = openai_events(reply)
                elif self.path.startswith("/gemini/"):
                    events = gemini_events(reply)
                elif self.path.startswith("/compat/"):
                    events = compat_events(reply)
                else:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                try:
                    for chunk, delay in events:
                        if delay:
                            time.sleep(delay)
                        self.wfile.write(chunk.encode())
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler


def split_text(reply: Reply) -> list[str]:
    n = max(1, reply.chunks)
    text = reply.text
    if not text:
        return []
    size = max(1, -(-len(text) // n))
    return [text[i : i + size] for i in range(0, len(text), size)]


def sse(data: dict, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


def anthropic_events(reply: Reply):
    yield sse(
        {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": "fake",
                "content": [],
                "stop_reason": None,
                "usage": {"input_tokens": 12, "output_tokens": 1},
            },
        },
        "message_start",
    ), 0
    index = 0
    if reply.reasoning:
        yield sse({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}}, "content_block_start"), 0
        yield sse({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": reply.reasoning}}, "content_block_delta"), 0
        yield sse({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig-fake"}}, "content_block_delta"), 0
        yield sse({"type": "content_block_stop", "index": 0}, "content_block_stop"), 0
        index = 1
    parts = split_text(reply)
    if parts:
        yield sse({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}, "content_block_start"), 0
        yield sse({"type": "ping"}, "ping"), 0
        for part in parts:
            yield sse({"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": part}}, "content_block_delta"), reply.chunk_delay
        yield sse({"type": "content_block_stop", "index": index}, "content_block_stop"), 0
        index += 1
    stop = "end_turn"
    if reply.tool_call:
        name, args = reply.tool_call
        encoded = json.dumps(args)
        half = len(encoded) // 2
        yield sse({"type": "content_block_start", "index": index, "content_block": {"type": "tool_use", "id": f"toolu_{int(time.time()*1e6)}", "name": name, "input": {}}}, "content_block_start"), 0
        for piece in (encoded[:half], encoded[half:]):
            yield sse({"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": piece}}, "content_block_delta"), 0
        yield sse({"type": "content_block_stop", "index": index}, "content_block_stop"), 0
        stop = "tool_use"
    yield sse({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None}, "usage": {"output_tokens": 7}}, "message_delta"), 0
    yield sse({"type": "message_stop"}, "message_stop"), 0


def openai_events(reply: Reply):
    yield sse({"type": "response.created", "sequence_number": 0, "response": {"id": "resp_fake", "object": "response", "status": "in_progress", "output": []}}, "response.created"), 0
    output = []
    parts = split_text(reply)
    if parts:
        item = {"id": "msg_fake", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        yield sse({"type": "response.output_item.added", "output_index": 0, "item": item, "sequence_number": 1}, "response.output_item.added"), 0
        for part in parts:
            yield sse({"type": "response.output_text.delta", "item_id": "msg_fake", "output_index": 0, "content_index": 0, "delta": part, "sequence_number": 2}, "response.output_text.delta"), reply.chunk_delay
        done = {"id": "msg_fake", "type": "message", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": reply.text, "annotations": []}]}
        yield sse({"type": "response.output_item.done", "output_index": 0, "item": done, "sequence_number": 3}, "response.output_item.done"), 0
        output.append(done)
    if reply.tool_call:
        name, args = reply.tool_call
        call = {"id": "fc_fake", "type": "function_call", "call_id": f"call_{int(time.time()*1e6)}", "name": name, "arguments": json.dumps(args), "status": "completed"}
        yield sse({"type": "response.output_item.added", "output_index": len(output), "item": {**call, "arguments": "", "status": "in_progress"}, "sequence_number": 4}, "response.output_item.added"), 0
        yield sse({"type": "response.function_call_arguments.delta", "item_id": "fc_fake", "output_index": len(output), "delta": call["arguments"], "sequence_number": 5}, "response.function_call_arguments.delta"), 0
        yield sse({"type": "response.output_item.done", "output_index": len(output), "item": call, "sequence_number": 6}, "response.output_item.done"), 0
        output.append(call)
    usage = {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 19}
    yield sse({"type": "response.completed", "sequence_number": 7, "response": {"id": "resp_fake", "object": "response", "status": "completed", "output": output, "usage": usage}}, "response.completed"), 0


def gemini_events(reply: Reply):
    if reply.reasoning:
        yield sse({"candidates": [{"content": {"role": "model", "parts": [{"text": reply.reasoning, "thought": True}]}, "index": 0}], "modelVersion": "fake"}), 0
    for part in split_text(reply):
        yield sse({"candidates": [{"content": {"role": "model", "parts": [{"text": part}]}, "index": 0}], "modelVersion": "fake"}), reply.chunk_delay
    final_parts = []
    if reply.tool_call:
        name, args = reply.tool_call
        final_parts.append({"functionCall": {"name": name, "args": args}})
    final = {"candidates": [{"content": {"role": "model", "parts": final_parts or [{"text": ""}]}, "finishReason": "STOP", "index": 0}], "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 7, "totalTokenCount": 19}, "modelVersion": "fake"}
    yield sse(final), 0


def compat_events(reply: Reply):
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": "fake"}
    yield sse({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}), 0
    if reply.reasoning:
        yield sse({**base, "choices": [{"index": 0, "delta": {"reasoning_content": reply.reasoning}, "finish_reason": None}]}), 0
    for part in split_text(reply):
        yield sse({**base, "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}]}), reply.chunk_delay
    finish = "stop"
    if reply.tool_call:
        name, args = reply.tool_call
        encoded = json.dumps(args)
        half = len(encoded) // 2
        yield sse({**base, "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_fake1", "type": "function", "function": {"name": name, "arguments": encoded[:half]}}]}, "finish_reason": None}]}), 0
        yield sse({**base, "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": encoded[half:]}}]}, "finish_reason": None}]}), 0
        finish = "tool_calls"
    yield sse({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}), 0
    yield sse({**base, "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}}), 0
    yield "data: [DONE]\n\n", 0
