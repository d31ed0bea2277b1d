#!/usr/bin/env bash
# The MedSight demo: runs the main job on sample data with the freshly built executable.
set -euo pipefail
MEDSIGHT="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

echo "== $("$MEDSIGHT" --version)"
"$MEDSIGHT" env
