#!/usr/bin/env bash
# Preprocessing steps (ITK, OpenCV) against scikit-image / SciPy, and tumour-segmentation inference
# against the same networks in PyTorch, on the STS MR T1 volumes, in one run each.
#   bench/preprocess/run.sh BUILD_DIR
set -euo pipefail
BUILD="${1:?build dir}"
THREADS="${MEDSIGHT_BENCH_THREADS:-2}"
"$BUILD/bench/preprocess/medsight_bench_preprocess" --skip 1 --volumes 4 --threads "$THREADS" --python-peer
"$BUILD/bench/preprocess/medsight_bench_segmentation" --volumes 6 --threads "$THREADS" --python-peer
