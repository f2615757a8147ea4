"""A small, well-behaved stdio MCP server (Python standard library only) for Hearth's own tests.

Tools:
  echo(text)            returns the text; annotated read-only
  slow(seconds)         sleeps, then answers; records `notifications/cancelled` it receives
  add_tool()            adds a tool `extra` and sends `notifications/tools/list_changed`
  crash()               exits the process at once (to test restarts)
  cancelled()           lists the request ids whose cancellation was received
  env(name)             the value of an environment variable ("<unset>" when missing)

Every request id is answered in order; `slow` answers from a thread so others are not blocked.
"""

import json
import sys
import threading
import time

lock = threading.Lock()
cancelled_ids = []
extra_tool = False


def send(message):
    with lock:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def tools():
    listed = [
        {"name": "echo", "description": "Echoes text", "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
         "annotations": {"readOnlyHint": True}},
        {"name": "slow", "description": "Sleeps", "inputSchema": {"type": "object", "properties": {"seconds": {"type": "number"}}}},
        {"name": "add_tool", "description": "Adds a tool", "inputSchema": {"type": "object"}},
        {"name": "crash", "description": "Exits", "inputSchema": {"type": "object"}},
        {"name": "cancelled", "description": "Cancelled ids", "inputSchema": {"type": "object"},
         "annotations": {"readOnlyHint": True}},
    ]
    listed.append({"name": "env", "description": "Reads an environment variable", "inputSchema": {"type": "object"},
                   "annotations": {"readOnlyHint": True}})
    if extra_tool:
        listed.append({"name": "extra", "description": "Added later", "inputSchema": {"type": "object"}})
    return listed


def text_result(request_id, text, is_error=False):
    send({"jsonrpc": "2.0", "id": request_id, "result": {"content": [{"type": "text", "text": text}], "isError": is_error}})


def call(request_id, name, args):
    global extra_tool
    if name == "echo":
        text_result(request_id, str(args.get("text", "")))
    elif name == "slow":
        def later():
            time.sleep(float(args.get("seconds", 1)))
            text_result(request_id, "slept")
        threading.Thread(target=later, daemon=True).start()
    elif name == "add_tool":
        extra_tool = True
        text_result(request_id, "added")
        send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
    elif name == "crash":
        print("scripted_server: crashing on request", file=sys.stderr, flush=True)
        sys.stdout.flush()
        import os
        os._exit(7)
    elif name == "env":
        import os
        text_result(request_id, os.environ.get(str(args.get("name")), "<unset>"))
    elif name == "cancelled":
        with lock:
            ids = list(cancelled_ids)
        text_result(request_id, json.dumps(ids))
    else:
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32602, "message": f"unknown tool {name}"}})


for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    method = message.get("method")
    request_id = message.get("id")
    params = message.get("params") or {}
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": request_id, "result": {
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {"listChanged": True}},
            "serverInfo": {"name": "scripted", "version": "1.0"},
        }})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": request_id, "result": {"tools": tools()}})
    elif method == "tools/call":
        call(request_id, params.get("name"), params.get("arguments") or {})
    elif method == "notifications/cancelled":
        with lock:
            cancelled_ids.append(params.get("requestId"))
    elif method == "ping":
        send({"jsonrpc": "2.0", "id": request_id, "result": {}})
    elif request_id is not None:
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32601, "message": f"no method {method}"}})
