#!/usr/bin/env bash
# bench/explain/run.sh BUILD_DIR [--smoke] [MODEL_DIR...]
# Explanation sanity figures for the shipped models (models/*/ by default): cascading
# model-parameter randomisation (Adebayo et al. 2018, Spearman rank correlation with the
# trained model's maps), deletion/insertion AUCs against random pixel orders (Petsiuk et al.
# 2018) and seconds per explanation, for Grad-CAM, occlusion and integrated gradients, on the
# validation split each model records in its manifest. Exit 77 when there is no model.
# Environment: MEDSIGHT_DATA (datasets), MEDSIGHT_BENCH_SANITY_SAMPLES (default 64).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:?usage: bench/explain/run.sh BUILD_DIR [--smoke] [MODEL_DIR...]}"
shift
BUILD="$(cd "$BUILD" && pwd)"
MEDSIGHT="$BUILD/apps/medsight/medsight"
DATA="${MEDSIGHT_DATA:-$ROOT/../shared/datasets}"
samples="${MEDSIGHT_BENCH_SANITY_SAMPLES:-64}"
extra=()
if [ "${1:-}" = "--smoke" ]; then
  shift
  samples=4
  extra=(--stages 2 --curve-steps 5)
fi
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  for m in "$ROOT"/models/*/; do
    # Binary image classifiers only (segmentation packages have no class to explain).
    if [ -f "$m/manifest.json" ] && /usr/bin/python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(0 if m.get("task","binary")=="binary" and m.get("architecture",{}).get("outputs",1)==1 and "config" in m.get("training",{}) else 1)' "$m/manifest.json"; then
      models+=("${m%/}")
    fi
  done
fi
if [ ${#models[@]} -eq 0 ]; then
  echo "bench/explain: no binary classifier package under models/ (not shipped yet)"
  exit 77
fi
for model in "${models[@]}"; do
  # The data file and validation split recorded in the manifest's training config.
  read -r data split < <(/usr/bin/python3 - "$model/manifest.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["training"]["config"]["data"]
print(d["path"], d.get("val_split", "val"))
PY
)
  case "$data" in /*) ;; *) data="$DATA/$data" ;; esac
  # A labels CSV has no split (cross-validated models): the sample comes from the whole file.
  splitArgs=(--split "$split")
  case "$data" in *.npz) ;; *) splitArgs=(); split="(all rows; cross-validated model)" ;; esac
  echo "--- $model on $data split $split ($samples images)"
  TIMEFORMAT="wall time: %R s"
  time nice "$MEDSIGHT" -q --threads 2 explain-sanity --model "$model" --data "$data" "${splitArgs[@]}" \
    --samples "$samples" --method all "${extra[@]}"
done
