"""Container health probe: exit 0 when this machine's /healthz answers 200.

Standard library only, so it works without loading Django. Sends the first
ALLOWED_HOSTS entry as Host (Django refuses unknown hosts) and the header the
TLS proxy would add, so production's HTTPS redirect does not get in the way.
Usage: python scripts/healthcheck.py [url]
"""

import os
import sys
import urllib.error
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"
hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = hosts[0].lstrip(".") if hosts and "*" not in hosts[0] else "127.0.0.1"
request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        print(response.read().decode())
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as exc:  # 503: the body says which check failed
    print(exc.code, exc.read().decode())
except OSError as exc:
    print(f"unreachable: {exc}")
sys.exit(1)
