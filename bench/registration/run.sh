#!/usr/bin/env bash
# Registration (MR T1 -> CT and PET -> CT) of every STS patient after a seeded random
# misalignment: MedSight against elastix with comparable parameter files, in one run.
#   bench/registration/run.sh BUILD_DIR [bench options]
# Rigid by default; with `--settings S.json` whose transform is affine or bspline, elastix runs
# the matching stages (elastix_rigid.txt, elastix_affine.txt, elastix_bspline.txt), e.g.
#   echo '{"transform": "bspline"}' > /tmp/bspline.json
#   bench/registration/run.sh build --settings /tmp/bspline.json --out /tmp/bspline-bench.json
# Time and memory at clinical volume sizes: `--spacing-mm 0.5` resamples every image first, e.g.
#   bench/registration/run.sh build --settings /tmp/bspline.json --patients 1 --spacing-mm 0.5
set -euo pipefail
BUILD="${1:?build dir}"
shift
THREADS="${MEDSIGHT_BENCH_THREADS:-2}"
"$BUILD/bench/registration/medsight_bench_registration" --threads "$THREADS" "$@"
