#!/usr/bin/env bash
# bench/run.sh BUILD_DIR: runs every benchmark area's bench/<area>/run.sh BUILD_DIR in turn
# (called by ./medsight.sh bench). Areas add their own run.sh; a failing area is reported and
# the others still run. Exit status: 1 if any area failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:?usage: bench/run.sh BUILD_DIR}"
failed=()
for script in "$ROOT"/*/run.sh; do
  [ -x "$script" ] || continue
  area="$(basename "$(dirname "$script")")"
  echo "=== bench/$area"
  if ! "$script" "$BUILD"; then failed+=("$area"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "benchmark areas that failed: ${failed[*]}" >&2
  exit 1
fi
