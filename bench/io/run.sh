#!/usr/bin/env bash
# bench/io/run.sh BUILD_DIR [--quick]: io benchmarks against their peers (see compare_io.py).
# Figures are printed and written to bench/results/io.json (git-ignored). Long runs are niced.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(cd "${1:?usage: bench/io/run.sh BUILD_DIR [--quick]}" && pwd)"
shift
DATA="${MEDSIGHT_DATA:-$ROOT/../shared/datasets}"
for binary in "$BUILD/apps/medsight/medsight" "$BUILD/bench/io/medsight_bench_npz_load"; do
  [ -x "$binary" ] || { echo "bench/io: $binary not built" >&2; exit 1; }
done
mkdir -p "$ROOT/bench/results"
exec nice /usr/bin/python3 "$ROOT/bench/io/compare_io.py" \
  --medsight "$BUILD/apps/medsight/medsight" \
  --npz-bench "$BUILD/bench/io/medsight_bench_npz_load" \
  --data "$DATA" --fuzz-history "${MEDSIGHT_FUZZ_OUT:-$ROOT/fuzz-corpus}/history.tsv" \
  --json "$ROOT/bench/results/io$([ "${1:-}" = --quick ] && echo -smoke).json" "$@"
