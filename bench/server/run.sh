#!/usr/bin/env bash
# bench/server/run.sh BUILD_DIR [--smoke]
# MedSight server figures, each against its peer in the same run:
#  1. DICOM ingest, instances/s with durable acknowledgement (file fsynced, row committed):
#     `medsight serve` vs Orthanc (Debian, SQLite index) receiving the same files from storescu
#     (TCP_NODELAY=1 on every side: field notes).
#  2. REST latency p50/p99 under 32 concurrent keep-alive clients (wrk): /api/health and the
#     authenticated /api/worklist.
#  3. 10,000 malformed requests (bad JSON, truncated uploads, unknown IDs, bad tokens, oversized
#     bodies): every answer must be 4xx, and RSS before/after is printed.
#  4. kill -9 during ingest (the e2e test): acknowledged instances present after restart.
set -euo pipefail
BUILD="$(cd "${1:?usage: bench/server/run.sh BUILD_DIR [--smoke]}" && pwd)"
SMOKE=0
[ "${2:-}" = "--smoke" ] && SMOKE=1
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MEDSIGHT="$BUILD/apps/medsight/medsight"
DATA="${MEDSIGHT_DATA:-$ROOT/../shared/datasets}"
PY=/usr/bin/python3
export TCP_NODELAY=1
WORK="$(mktemp -d /tmp/medsight-bench-server.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

for tool in storescu Orthanc wrk; do
  command -v "$tool" >/dev/null || { echo "bench/server: $tool missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
[ -x "$MEDSIGHT" ] || { echo "bench/server: $MEDSIGHT not built" >&2; exit 1; }
[ -d "$DATA/sts/dicom" ] || { echo "bench/server: $DATA/sts/dicom missing" >&2; exit 1; }

# The same files for both servers: the soft-tissue-sarcoma DICOM (CT, MR, PET of 2 patients).
FILES=()
while IFS= read -r f; do FILES+=("$f"); done < <(find "$DATA/sts/dicom" -type f | sort)
if [ "$SMOKE" = 1 ]; then FILES=("${FILES[@]:0:40}"); fi
REPEAT=$([ "$SMOKE" = 1 ] && echo 1 || echo 3)
BYTES=$(du -cb "${FILES[@]}" | tail -1 | cut -f1)
echo "ingest: ${#FILES[@]} instances, $((BYTES / 1024 / 1024)) MiB, $REPEAT run(s) each, fresh storage per run"

start_medsight() {  # data_dir http_port dicom_port
  "$MEDSIGHT" serve --data "$1" --port "$2" --dicom-port "$3" --workers 0 --max-upload 262144 \
    --ready-file "$1.ready" --log-level warn >"$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do [ -f "$1.ready" ] && return 0; sleep 0.1; done
  echo "medsight serve did not start: $(cat "$1.log")" >&2; return 1
}
start_orthanc() {  # dir http_port dicom_port
  mkdir -p "$1"
  cat >"$1/orthanc.json" <<JSON
{"Name": "bench", "StorageDirectory": "$1/storage", "IndexDirectory": "$1/index",
 "HttpPort": $2, "DicomPort": $3, "DicomAet": "ORTHANC", "RemoteAccessAllowed": false,
 "AuthenticationEnabled": false, "Plugins": [], "DicomCheckCalledAet": false}
JSON
  Orthanc --logdir="$1" "$1/orthanc.json" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$2/system" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Orthanc did not start" >&2; return 1
}
stop_last() { local p="${PIDS[-1]}"; kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; unset 'PIDS[-1]'; }
send() {  # called_ae port
  local t0 t1; t0=$(now)
  storescu -aet BENCH -aec "$1" 127.0.0.1 "$2" "${FILES[@]}" >"$WORK/storescu.log" 2>&1 \
    || { echo "storescu failed: $(tail -3 "$WORK/storescu.log")" >&2; return 1; }
  t1=$(now)
  echo "$t0 $t1" | awk -v n="${#FILES[@]}" '{printf "%.1f", n / ($2 - $1)}'
}

send4() {  # called_ae port: four storescu processes (four associations) at once
  local t0 t1 n=${#FILES[@]} q; q=$(( (n + 3) / 4 )); t0=$(now)
  for k in 0 1 2 3; do
    storescu -aet "BENCH$k" -aec "$1" 127.0.0.1 "$2" "${FILES[@]:$((k * q)):$q}" >"$WORK/storescu$k.log" 2>&1 &
  done
  wait  # (inside $(...): only the four storescu processes are this subshell's children)
  t1=$(now)
  echo "$t0 $t1" | awk -v n="$n" '{printf "%.1f", n / ($2 - $1)}'
}

declare -a MS OR MS4 OR4
for r in $(seq "$REPEAT"); do
  hp=$(free_port); dp=$(free_port)
  start_medsight "$WORK/ms$r" "$hp" "$dp"
  MS+=("$(send MEDSIGHT "$dp")")
  stop_last
  hp=$(free_port); dp=$(free_port)
  start_orthanc "$WORK/or$r" "$hp" "$dp"
  OR+=("$(send ORTHANC "$dp")")
  stop_last
  hp=$(free_port); dp=$(free_port)
  start_medsight "$WORK/ms4$r" "$hp" "$dp"
  MS4+=("$(send4 MEDSIGHT "$dp")")
  stop_last
  hp=$(free_port); dp=$(free_port)
  start_orthanc "$WORK/or4$r" "$hp" "$dp"
  OR4+=("$(send4 ORTHANC "$dp")")
  stop_last
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf "%-50s %12s   runs\n" "ingest (storescu)" "instances/s"
printf "%-50s %12s   %s\n" "MedSight, 1 association (encrypted, fsync+commit)" "$(median "${MS[@]}")" "${MS[*]}"
printf "%-50s %12s   %s\n" "Orthanc 1.10, 1 association (SQLite index)" "$(median "${OR[@]}")" "${OR[*]}"
printf "%-50s %12s   %s\n" "MedSight, 4 concurrent associations" "$(median "${MS4[@]}")" "${MS4[*]}"
printf "%-50s %12s   %s\n" "Orthanc 1.10, 4 concurrent associations" "$(median "${OR4[@]}")" "${OR4[*]}"

# --- REST latency and malformed requests on one server with some studies ---
hp=$(free_port); dp=$(free_port)
start_medsight "$WORK/rest" "$hp" "$dp"
SERVER_PID=$("$PY" -c "import json;print(json.load(open('$WORK/rest.ready'))['pid'])")
storescu -aet BENCH -aec MEDSIGHT 127.0.0.1 "$dp" "${FILES[@]:0:40}" >/dev/null 2>&1
echo "bench-password-1" | "$MEDSIGHT" user add bench --role radiologist --data "$WORK/rest" >/dev/null
TOKEN=$(curl -sf "http://127.0.0.1:$hp/api/auth/login" -d '{"username":"bench","password":"bench-password-1"}' \
  | "$PY" -c 'import json,sys;print(json.load(sys.stdin)["token"])')
DURATION=$([ "$SMOKE" = 1 ] && echo 2s || echo 10s)
echo
printf "%-36s %10s %10s %12s\n" "REST, 32 clients (wrk $DURATION)" "p50 ms" "p99 ms" "requests/s"
for route in /api/health /api/worklist; do
  wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$hp$route" >"$WORK/wrk.txt"
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.txt")
  printf "%-36s %10s %10s %12s %s\n" "GET $route" "$p50" "$p99" "$rps" "${non2xx:+(non-2xx: $non2xx)}"
done

N=$([ "$SMOKE" = 1 ] && echo 1000 || echo 10000)
"$PY" "$HERE/malformed_requests.py" --port "$hp" --count 1000 --token "$TOKEN" --sample "${FILES[0]}" >/dev/null
before=$(rss_kb "$SERVER_PID")
"$PY" "$HERE/malformed_requests.py" --port "$hp" --count "$N" --token "$TOKEN" --sample "${FILES[0]}"
after=$(rss_kb "$SERVER_PID")
echo "RSS of medsight serve: ${before} kB before, ${after} kB after $N malformed requests (after a 1,000-request warm-up)"
curl -sf "http://127.0.0.1:$hp/api/health" >/dev/null && echo "server still answering /api/health"

if [ "$SMOKE" = 0 ] && [ -x "$BUILD/tests/server/medsight_tests_server" ]; then
  echo
  echo "kill -9 during ingest:"
  MEDSIGHT_BINARY_DIR="$BUILD" "$BUILD/tests/server/medsight_tests_server" \
    --gtest_filter='IngestCrashE2E.*' 2>&1 | grep -E "OK|FAILED|acknowledged" || true
fi
