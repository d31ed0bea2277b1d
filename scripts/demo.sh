#!/usr/bin/env bash
# The MedSight demo: the diagnosis job on real sample images with the shipped model.
#   scripts/demo.sh PATH/TO/medsight
set -euo pipefail
MEDSIGHT="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${MEDSIGHT_DATA:-$ROOT/../shared/datasets}"
MODEL="$ROOT/models/pneumonia-cxr"

echo "== $("$MEDSIGHT" --version)"
if [ ! -d "$DATA" ]; then
  echo "demo: datasets folder $DATA not found; set MEDSIGHT_DATA to the shared datasets" >&2
  exit 1
fi
NPZ="$DATA/pneumoniamnist/pneumoniamnist.npz"

echo
echo "== 1. What is in the sample data"
"$MEDSIGHT" info "$NPZ"
"$MEDSIGHT" info "$DATA/sts/dicom/STS_001"

echo
echo "== 2. Chest X-ray screening with the shipped model ($MODEL)"
if [ -f "$MODEL/manifest.json" ]; then
  # Eight images of the validation split (labels: 0 normal, 1 pneumonia).
  "$MEDSIGHT" predict --model "$MODEL" "$NPZ" --array val_images --index 0 1 2 3 4 5 6 7
  echo
  echo "== 3. Quality gate: a CT slice is not a chest X-ray, so the model refuses it"
  "$MEDSIGHT" predict --model "$MODEL" "$DATA/dicom-samples/test_files/CT_small.dcm" \
    && echo "(unexpected: accepted)" || echo "(refused as expected)"
  echo
  echo "== 4. Validation-split performance with bootstrap 95% CIs"
  "$MEDSIGHT" eval --model "$MODEL" --data "$NPZ" --split val --bootstrap 500
else
  echo "demo: $MODEL is missing; train it with: medsight train --config configs/pneumonia-cxr.json" >&2
  exit 1
fi
