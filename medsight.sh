#!/usr/bin/env bash
# MedSight entry script: set-up, build, test, demo, benchmarks, fuzzing.
#   ./medsight.sh demo    install dependencies, build, run the diagnosis demo on sample data
#   ./medsight.sh test    install dependencies, build, run every test (ctest + browser tests)
#   ./medsight.sh build   install dependencies and build
#   ./medsight.sh bench   build and run the benchmarks against their peers
#   ./medsight.sh fuzz    build the libFuzzer targets with clang and run them
# Environment: MEDSIGHT_BUILD_DIR (default build), MEDSIGHT_DATA (datasets folder),
# MEDSIGHT_REQUIRE_DATA=1 (missing datasets fail tests instead of skipping them),
# MEDSIGHT_JOBS (parallel jobs, default: number of cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="${MEDSIGHT_BUILD_DIR:-$ROOT/build}"
JOBS="${MEDSIGHT_JOBS:-$(nproc)}"

setup() {
  "$ROOT/scripts/setup.sh"
}

build() {
  setup
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja
  fi
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

run_tests() {
  build
  # ctest runs two tests at a time, and LibTorch's OpenMP threads spin while they wait: two such
  # processes on 2 cores slowed the segmentation tests 4x (304 s against 67 s passive, measured).
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
  local labels="${MEDSIGHT_TEST_LABELS:-}"
  local args=(--test-dir "$BUILD_DIR" -j "$JOBS" --output-on-failure --timeout 1200)
  if [ -n "$labels" ]; then args+=(-L "$labels"); fi
  ctest "${args[@]}"
}

demo() {
  build
  "$ROOT/scripts/demo.sh" "$BUILD_DIR/apps/medsight/medsight"
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  test) run_tests ;;
  demo) demo ;;
  bench) build; "$ROOT/bench/run.sh" "$BUILD_DIR" ;;
  fuzz) setup; "$ROOT/fuzz/run.sh" "${2:-600}" ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
