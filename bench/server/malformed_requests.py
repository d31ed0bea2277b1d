"""Sends COUNT malformed requests to a MedSight server over keep-alive connections and checks
that every answer is a 4xx with MedSight's JSON error body. Exit status 1 on any 5xx, any
dropped connection or any 2xx."""
import argparse
import http.client
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--count", type=int, default=10000)
parser.add_argument("--token", required=True)
parser.add_argument("--sample", required=True, help="a valid DICOM file (truncated copies are sent)")
args = parser.parse_args()
sample = open(args.sample, "rb").read()
auth = {"Authorization": "Bearer " + args.token}
cases = [
    ("POST", "/api/auth/login", b"{not json", {}),
    ("POST", "/api/auth/login", b'{"username": 1}', {}),
    ("POST", "/api/studies", sample[: len(sample) // 3], auth),
    ("POST", "/api/studies", b"PK\x03\x04truncated zip", auth),
    ("POST", "/api/studies", b"\x00" * 300000, auth),
    ("GET", "/api/studies/1.2.3.404", None, auth),
    ("GET", "/api/studies/not-a-uid/reports/sr", None, auth),
    ("POST", "/api/findings/abc/review", b'{"action": "accept"}', auth),
    ("POST", "/api/findings/99999999/review", b'{"action": "accept"}', auth),
    ("PUT", "/api/studies/1.2.3.404/report", b'{"text": "\xff\xfe"}', auth),
    ("GET", "/api/worklist", None, {"Authorization": "Bearer forged"}),
    ("GET", "/api/nothing/here", None, {}),
]
statuses = {}
conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
for i in range(args.count):
    method, path, body, headers = cases[i % len(cases)]
    try:
        conn.request(method, path, body=body, headers=headers)
        res = conn.getresponse()
        payload = res.read()
    except (http.client.HTTPException, OSError):
        # The server may close after refusing a body (e.g. over the size limit): reconnect.
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        statuses["closed"] = statuses.get("closed", 0) + 1
        continue
    statuses[res.status] = statuses.get(res.status, 0) + 1
    if res.status < 400 or res.status >= 500:
        print(f"unexpected {res.status} for {method} {path}: {payload[:200]!r}", file=sys.stderr)
    elif "error" not in json.loads(payload or b"{}"):
        print(f"{res.status} without error body for {method} {path}", file=sys.stderr)
print("malformed requests:", args.count, "answers:", dict(sorted(statuses.items(), key=str)))
bad = sum(v for k, v in statuses.items() if isinstance(k, int) and (k < 400 or k >= 500))
sys.exit(1 if bad else 0)
