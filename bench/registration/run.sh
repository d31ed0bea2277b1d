#!/usr/bin/env bash
# Rigid registration (MR T1 -> CT and PET -> CT) of every STS patient after a seeded random
# misalignment: MedSight against elastix with a comparable parameter file, in one run.
#   bench/registration/run.sh BUILD_DIR
set -euo pipefail
BUILD="${1:?build dir}"
THREADS="${MEDSIGHT_BENCH_THREADS:-2}"
"$BUILD/bench/registration/medsight_bench_registration" --threads "$THREADS"
