#!/usr/bin/env bash
# MedSight (LibTorch C++) vs PyTorch-from-Python (Debian python3-torch 1.13): same ResNet-18,
# same input, batch and threads, in one run. Prints per-case medians, peak RSS and ratios.
#   bench/models/run.sh BUILD_DIR [--quick]
set -euo pipefail
BUILD="${1:?build dir}"
QUICK="${2:-}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CPP="$BUILD/bench/models/medsight_bench_models"
PY=/usr/bin/python3
THREADS="${MEDSIGHT_BENCH_THREADS:-2}"
ITER=20; REPEAT=3
if [ "$QUICK" = "--quick" ]; then ITER=2; REPEAT=1; fi
# case: mode size channels batch
CASES=("train 28 1 64" "infer 28 1 1" "infer 28 1 64" "train 224 3 16" "infer 224 3 1" "infer 224 3 64")
if [ "$QUICK" = "--quick" ]; then CASES=("train 28 1 16" "infer 28 1 1"); fi
[ -x "$CPP" ] || { echo "missing $CPP (build the bench target)"; exit 1; }
$PY -c "import torch" || { echo "python3-torch missing"; exit 1; }

run() {  # impl mode size channels batch -> "ms rss_kb"
  local impl=$1 mode=$2 size=$3 ch=$4 batch=$5 out rss
  local args=(--mode "$mode" --size "$size" --channels "$ch" --batch "$batch" --iterations "$ITER" --threads "$THREADS")
  local tmp; tmp=$(mktemp)
  if [ "$impl" = cpp ]; then
    /usr/bin/time -f "%M" -o "$tmp" "$CPP" "${args[@]}" > "$tmp.out"
  else
    /usr/bin/time -f "%M" -o "$tmp" $PY "$HERE/peer_pytorch.py" "${args[@]}" > "$tmp.out"
  fi
  out=$(grep -o '"median_ms": [0-9.]*' "$tmp.out" | awk '{print $2}')
  rss=$(tail -n1 "$tmp")
  rm -f "$tmp" "$tmp.out"
  echo "$out $rss"
}

printf "%-6s %4s %2s %5s | %12s %12s | %10s %10s | %s\n" mode size ch batch "medsight ms" "pytorch ms" "ms RSS MB" "py RSS MB" "speed-up"
for c in "${CASES[@]}"; do
  read -r mode size ch batch <<< "$c"
  cpp_ms=(); py_ms=(); cpp_rss=0; py_rss=0
  for ((r = 0; r < REPEAT; r++)); do  # interleaved so both see the same machine load
    read -r ms rss <<< "$(run cpp "$mode" "$size" "$ch" "$batch")"; cpp_ms+=("$ms"); cpp_rss=$(( rss > cpp_rss ? rss : cpp_rss ))
    read -r ms rss <<< "$(run py "$mode" "$size" "$ch" "$batch")"; py_ms+=("$ms"); py_rss=$(( rss > py_rss ? rss : py_rss ))
  done
  cm=$(printf "%s\n" "${cpp_ms[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  pm=$(printf "%s\n" "${py_ms[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf "%-6s %4s %2s %5s | %12.2f %12.2f | %10.0f %10.0f | %.2fx\n" "$mode" "$size" "$ch" "$batch" "$cm" "$pm" \
    "$(echo "$cpp_rss/1024" | bc -l)" "$(echo "$py_rss/1024" | bc -l)" "$(echo "$pm/$cm" | bc -l)"
done
echo "threads=$THREADS iterations=$ITER repeats=$REPEAT (median per repeat, median of repeats; RSS = peak of repeats)"
