#!/usr/bin/env bash
# De-identification benchmark: `medsight deid --profile basic` vs GDCM's `gdcmanon -e` (Debian
# libgdcm-tools, PS3.15 E.1 Basic Application Level Confidentiality Profile) on the same folder of
# real DICOM files, in one run. Prints files/s for each tool and the leftover findings that
# `medsight deid-verify --originals` counts in each output (attributes the profile removes,
# private tags, values equal to an original identifier).
#
# Usage: deid_vs_gdcmanon.sh MEDSIGHT_EXECUTABLE [--smoke] [--repeat N] [--copies N]
#                            [--library build/bench/privacy/medsight_bench_privacy]
#   --library   also time the same de-identification run in a process that links only the
#               privacy module (no LibTorch start-up of the all-modules `medsight` executable)
#   --copies N  process N copies of the cohort folder (more files, start-up amortised)
#
# Facts about the peer found while setting this up (GDCM 3.0.21):
# - `gdcmanon -e` is the only mode that applies GDCM's built-in Basic Profile table; it also
#   encrypts the original values into an Encrypted Attributes Sequence (0400,0500) with CMS, so it
#   needs an X.509 certificate (-c). A throw-away self-signed one is made here with openssl.
# - It refuses (exit 1, "Could not De-indentify") any file that already carries Patient Identity
#   Removed (0012,0062) / De-identification Method (0012,0063/0064). The TCIA sarcoma files carry
#   them, which is why a first try "refused the sarcoma CT series". We therefore strip those three
#   attributes from a temporary copy (dcmodify) before timing either tool; nothing else changes.
# - `--dumb` mode only applies the tags given on the command line: not a profile, not compared.
set -euo pipefail

MEDSIGHT=${1:?usage: deid_vs_gdcmanon.sh MEDSIGHT_EXECUTABLE [--smoke] [--repeat N]}
shift
SMOKE=0
REPEAT=3
COPIES=1
LIBRARY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1; REPEAT=1 ;;
    --repeat) REPEAT=$2; shift ;;
    --copies) COPIES=$2; shift ;;
    --library) LIBRARY=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

DATA=${MEDSIGHT_DATA:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/datasets}
for tool in gdcmanon dcmodify openssl python3; do
  command -v "$tool" >/dev/null || { echo "bench/privacy: $tool not installed (scripts/setup.sh)" >&2; exit 1; }
done
[ -d "$DATA/sts/dicom" ] || { echo "bench/privacy: $DATA/sts/dicom not found (set MEDSIGHT_DATA)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/medsight-bench-privacy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Input: the CT, MR and PET series and RT structure sets of the two sarcoma patients (real
# clinical DICOM), copied to a temporary folder with the prior de-identification markers removed.
mkdir -p "$WORK/in"
if [ "$SMOKE" = 1 ]; then
  find "$DATA/sts/dicom/STS_001/CT/image" -name '*.dcm' | sort | head -10 | while read -r f; do
    cp "$f" "$WORK/in/"
  done
else
  for c in $(seq 1 "$COPIES"); do
    mkdir -p "$WORK/in/copy$c"
    cp -r "$DATA/sts/dicom/." "$WORK/in/copy$c/"
  done
fi
find "$WORK/in" -type f -exec dcmodify -q -nb -ea "(0012,0062)" -ea "(0012,0063)" -ea "(0012,0064)" {} +
FILES=$(find "$WORK/in" -type f | wc -l)
BYTES=$(du -sb "$WORK/in" | cut -f1)

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=medsight-bench" \
  -keyout "$WORK/peer-key.pem" -out "$WORK/peer-cert.pem" >/dev/null 2>&1
"$MEDSIGHT" -q keygen "$WORK/project.key" >/dev/null

now() { date +%s.%N; }
best=()  # best wall time per tool
run_timed() {  # name, command...
  local name=$1; shift
  local best_time=""
  for i in $(seq 1 "$REPEAT"); do
    rm -rf "$WORK/out-$name" "$WORK/out-$name-quarantine"
    local t0 t1 dt
    t0=$(now)
    "$@" >"$WORK/$name.log" 2>&1 || true
    t1=$(now)
    dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    if [ -z "$best_time" ] || awk -v a="$dt" -v b="$best_time" 'BEGIN { exit !(a < b) }'; then
      best_time=$dt
    fi
  done
  echo "$best_time"
}

t_ms1=$(run_timed medsight1 "$MEDSIGHT" -q --json --threads 1 deid "$WORK/in" "$WORK/out-medsight1" --profile basic --key "$WORK/project.key")
t_ms=$(run_timed medsight "$MEDSIGHT" -q --json deid "$WORK/in" "$WORK/out-medsight" --profile basic --key "$WORK/project.key")
t_lib=""
if [ -n "$LIBRARY" ]; then
  t_lib=$(run_timed library "$LIBRARY" "$WORK/in" "$WORK/out-library" "$WORK/project.key" 1)
fi
t_gd=$(run_timed gdcmanon gdcmanon -e -c "$WORK/peer-cert.pem" -r --continue -i "$WORK/in" -o "$WORK/out-gdcmanon")

count_out() { find "$1" -type f -name '*' ! -name '*.txt' 2>/dev/null | wc -l; }
verify() {  # folder -> "total attr private identifier marker unreadable"
  local json
  json=$("$MEDSIGHT" -q --json deid-verify "$1" --originals "$WORK/in" --max-findings 0 2>/dev/null || true)
  python3 - "$json" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
c = r.get("counts", {})
print(r.get("findings_total", 0), c.get("attribute-not-removed", 0), c.get("private-not-safe", 0),
      c.get("identifier-left", 0), c.get("marker-missing", 0), c.get("unreadable", 0))
EOF
}

printf '\nDe-identification benchmark (PS3.15 Basic Profile), %s real DICOM files, %.1f MB, best of %s\n' \
  "$FILES" "$(awk -v b="$BYTES" 'BEGIN { print b / 1048576 }')" "$REPEAT"
printf '%-26s %8s %8s %9s %11s | %7s %9s %8s %10s %7s\n' tool seconds files files/s "in-process" findings "attr-left" private identifier marker
names="medsight1 medsight"
[ -n "$LIBRARY" ] && names="$names library"
for name in $names gdcmanon; do
  case $name in
    library) t=$t_lib; label="privacy library (1 thread)" ;;
    medsight1) t=$t_ms1; label="medsight deid (1 thread)" ;;
    medsight) t=$t_ms; label="medsight deid ($(nproc) thr)" ;;
    gdcmanon) t=$t_gd; label="gdcmanon -e" ;;
  esac
  out="$WORK/out-$name"
  n=$(count_out "$out")
  read -r total attr priv ident marker unread <<<"$(verify "$out")"
  inproc="-"
  if [ "$name" != gdcmanon ]; then
    # medsight's own timer excludes process start-up; files = inputs processed (copies of one
    # instance share one output path, named by its replacement UID).
    read -r inproc n < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.1f" % d["files_per_second"], d["done"] + len(d["quarantined"]))' "$WORK/$name.log" 2>/dev/null || echo "- $n")
  fi
  printf '%-26s %8.3f %8s %9.1f %11s | %7s %9s %8s %10s %7s\n' "$label" "$t" "$n" "$(awk -v n="$n" -v t="$t" 'BEGIN { print n / t }')" \
    "$inproc" "$total" "$attr" "$priv" "$ident" "$marker"
done
printf '\nseconds/files/s: wall clock of the whole command, best of %s (includes process start-up;\n' "$REPEAT"
printf 'medsight start-up alone: %.3f s). in-process: medsight'"'"'s own timer over the batch.\n' \
  "$( { /usr/bin/time -f %e "$MEDSIGHT" env >/dev/null; } 2>&1 | tail -1)"
printf 'findings: medsight deid-verify --originals on each output (0 = nothing left).\n'
printf 'medsight (1 thread) vs gdcmanon, wall clock: %.2fx the files/s\n' \
  "$(awk -v g="$t_gd" -v m="$t_ms1" 'BEGIN { print g / m }')"
