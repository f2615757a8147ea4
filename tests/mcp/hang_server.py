"""A stuck MCP server: reads requests and never answers (not even `initialize`)."""

import sys
import time

print("hang_server: started, will never answer", file=sys.stderr, flush=True)
for _line in sys.stdin:
    pass
while True:
    time.sleep(3600)
