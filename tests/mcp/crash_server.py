"""A broken MCP server: complains on stderr and exits before answering anything."""

import sys

print("fatal: crash_server cannot find its settings", file=sys.stderr, flush=True)
sys.exit(3)
