#!/usr/bin/env bash
# Multimodal fusion on the soft-tissue-sarcoma cohort (../shared/datasets/sts/nifti, 22 patients).
#
# The cohort folder has images and GTV masks only: no outcome (the TCIA collection's lung-
# metastasis labels are not part of it). To exercise early and late fusion on real data with an
# honest, documented target, the task here is *metabolic activity from anatomy*: predict whether
# the tumour's FDG uptake is high (PET SUVmax in the GTV at or above the cohort median) from CT
# and MR T1 radiomics alone. PET features are used only to define the label, never as inputs.
# With 22 patients the estimate is very uncertain; it demonstrates the mechanics, not a clinical
# model.
#
# usage: bench/classical/sts_fusion.sh MEDSIGHT DATASETS OUT
#   e.g. bench/classical/sts_fusion.sh build/apps/medsight/medsight ../shared/datasets /tmp/sts
set -euo pipefail
medsight=$1
data=$2/sts/nifti
out=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
rm -f "$out"/CT.csv "$out"/MR_T1.csv "$out"/PET.csv
start=$(date +%s)
for patient in "$data"/STS_*; do
  id=$(basename "$patient")
  for modality in CT MR_T1; do
    "$medsight" radiomics "$patient/${modality}_image.nii.gz" "$patient/${modality}_mask.nii.gz" \
      --config "$here/sts_radiomics.json" --table "$out/$modality.csv" --id "$id" >/dev/null
  done
  "$medsight" radiomics "$patient/PET_image.nii.gz" "$patient/PET_mask.nii.gz" \
    --families intensity_statistics --table "$out/PET.csv" --id "$id" >/dev/null
done
echo "radiomics of $(($(wc -l <"$out/CT.csv") - 1)) patients in $(($(date +%s) - start)) s"

# Label: SUVmax at or above the median of the cohort -> 1 ("high uptake").
column=$(head -1 "$out/PET.csv" | tr ',' '\n' | grep -n '^intensity_statistics.maximum.3d$' | cut -d: -f1)
median=$(tail -n +2 "$out/PET.csv" | cut -d, -f"$column" | sort -g |
  awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')
{
  echo "id,label"
  tail -n +2 "$out/PET.csv" | awk -F, -v c="$column" -v m="$median" '{print $1 "," ($c >= m ? 1 : 0)}'
} >"$out/labels.csv"
echo "label: SUVmax >= median $median; positives $(grep -c ',1$' "$out/labels.csv") of $(($(wc -l <"$out/labels.csv") - 1))"

common=(--labels "$out/labels.csv" --learner logistic_l2,svm_linear,random_forest --select 5,10,20
        --correlation-limit 0.9 --folds 5 --inner-folds 3 --repeats 5 --permutation-repeats 3)
for fusion in early late; do
  "$medsight" classical train --features "$out/CT.csv" "$out/MR_T1.csv" --fusion "$fusion" \
    "${common[@]}" --out "$out/model-$fusion" --json >"$out/$fusion.json"
done
for single in CT MR_T1; do
  "$medsight" classical train --features "$out/$single.csv" "${common[@]}" \
    --out "$out/model-$single" --json >"$out/$single.json"
done
for run in CT MR_T1 early late; do
  python3 -c "
import json,sys
j=json.load(open('$out/$run.json'))
m=j['validation']['out_of_fold']['metrics']['auc']
print('%-6s nested-CV AUC %.3f (95%% CI %.3f-%.3f), repeats %s' % ('$run', m['value'], m['ci_lower'], m['ci_upper'],
      ' '.join('%.3f' % a for a in j['validation']['repeat_auc'])))"
done
