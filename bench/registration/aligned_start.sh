#!/bin/bash
# Registers each STS patient's MOVING image (MR_T1 or PET) to its CT starting from the curators'
# alignment, where the GTV masks coincide (Dice 1.0), and prints the GTV Dice after registration:
# how far the Mattes MI optimum lies from that alignment. Extra arguments go to `register`
# (MODE "metric" adds --metric-mask CT_mask.nii.gz --metric-margin MARGIN).
#   bench/registration/aligned_start.sh build/apps/medsight/medsight MR_T1 [metric [MARGIN]]
set -euo pipefail
MEDSIGHT=${1:?medsight binary}
MOVING=${2:-MR_T1}
MODE=${3:-}
MARGIN=${4:-30}
DATA=${MEDSIGHT_DATA:-../shared/datasets}/sts/nifti
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for d in "$DATA"/STS_*; do
  p=$(basename "$d")
  extra=()
  [ "$MODE" = metric ] && extra=(--metric-mask "$d/CT_mask.nii.gz" --metric-margin "$MARGIN")
  "$MEDSIGHT" --threads 2 --quiet --json register "$d/CT_image.nii.gz" "$d/${MOVING}_image.nii.gz" \
    "${extra[@]}" --moving-mask "$d/${MOVING}_mask.nii.gz" --fixed-mask "$d/CT_mask.nii.gz" \
    --out "$WORK/$p" |
    /usr/bin/python3 -c "import json,sys; r=json.load(sys.stdin); print('$p', round(r['mask_dice_after'], 4))"
done | tee "$WORK/rows.txt"
awk '{s += $2; n++; if ($2 < 0.9) b++} END {printf "mean GTV Dice %.3f over %d patients, %d below 0.9\n", s/n, n, b}' "$WORK/rows.txt"
