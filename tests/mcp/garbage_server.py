"""A confused MCP server: answers every request with text that is not JSON-RPC."""

import sys

print("garbage_server: started", file=sys.stderr, flush=True)
for _line in sys.stdin:
    sys.stdout.write("Hello! This is not JSON at all {{{\n")
    sys.stdout.write("\x00\x01\x02 binary junk \xff\n")
    sys.stdout.flush()
