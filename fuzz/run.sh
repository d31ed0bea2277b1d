#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] [TARGET...]: builds the libFuzzer targets with clang (separate build
# folder), seeds their corpora from ../shared/datasets plus generated files and the committed
# regression inputs, and runs each target for SECONDS (default 600), one at a time and niced.
# Targets: dicom nifti npz (default: all). Corpora, crash inputs and logs go to fuzz-corpus/
# (git-ignored); a summary table with executions and findings per target is printed at the end
# and appended to fuzz-corpus/history.tsv (with date and commit), which bench/io reports.
# Environment: MEDSIGHT_FUZZ_BUILD_DIR (default build-fuzz), MEDSIGHT_FUZZ_OUT (default
# fuzz-corpus), MEDSIGHT_DATA (datasets), MEDSIGHT_JOBS (build jobs, default 2).
# Exit status: 0 when no target found a crash, leak, timeout or out-of-memory input; 1 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(dicom nifti npz); fi
BUILD="${MEDSIGHT_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
OUT="${MEDSIGHT_FUZZ_OUT:-$ROOT/fuzz-corpus}"
DATA="${MEDSIGHT_DATA:-$ROOT/../shared/datasets}"
JOBS="${MEDSIGHT_JOBS:-2}"

if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMEDSIGHT_BUILD_FUZZERS=ON -DMEDSIGHT_BUILD_TESTS=ON -DMEDSIGHT_BUILD_BENCH=OFF
fi
nice ninja -C "$BUILD" -j "$JOBS" medsight_fuzzers medsight_tests_io

# Every committed crash input first, under the same sanitizers (memory errors, leaks and UB
# abort the test binary).
"$BUILD/tests/io/medsight_tests_io" --gtest_filter='IoRegressionInputs.*' --gtest_brief=1

# Seeds: rebuilt every run from the data, so they never drift from the datasets.
SEEDS="$OUT/seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{dicom,nifti,npz} "$OUT/artifacts" "$OUT/logs"
"$BUILD/fuzz/medsight_fuzz_seeds" "$SEEDS/generated" "$DATA"
i=0
for f in "$SEEDS"/generated/dicom/*/*; do
  [ -f "$f" ] && cp "$f" "$SEEDS/dicom/generated_$((i++)).dcm"
done
cp "$SEEDS"/generated/nifti/* "$SEEDS/nifti/"
if [ -d "$DATA/dicom-samples" ]; then
  # Every sample under 128 KiB (all transfer syntaxes, malformed files, character sets).
  while IFS= read -r -d '' f; do
    cp "$f" "$SEEDS/dicom/sample_$(basename "$f")"
  done < <(find "$DATA/dicom-samples" -type f -size -128k ! -name '*.md' ! -name '*.txt' -print0)
fi
for patient in STS_001 STS_002; do
  for modality in CT MR_T1 PET; do
    dir="$DATA/sts/dicom/$patient/$modality"
    [ -d "$dir" ] || continue
    cp "$(find "$dir/image" -type f | sort | head -1)" "$SEEDS/dicom/sts_${patient}_${modality}.dcm"
    rs="$(find "$dir/mask" -type f -size -128k | head -1)"
    [ -n "$rs" ] && cp "$rs" "$SEEDS/dicom/sts_${patient}_${modality}_rtstruct.dcm"
  done
  for f in "$DATA/sts/nifti/$patient"/*_mask.nii.gz; do
    [ -f "$f" ] && cp "$f" "$SEEDS/nifti/sts_${patient}_$(basename "$f")"
  done
done
for f in "$DATA"/ibsi/digital_phantom/*.nii.gz; do
  [ -f "$f" ] && cp "$f" "$SEEDS/nifti/ibsi_$(basename "$f")"
done
/usr/bin/python3 "$ROOT/fuzz/make_npz_seeds.py" "$SEEDS/npz" "$DATA"
# Committed regression inputs seed the target that found them.
for f in "$ROOT"/tests/io/regressions/*; do
  [ -f "$f" ] || continue
  name="$(basename "$f")"
  case "$name" in
    dicom-*) cp "$f" "$SEEDS/dicom/" ;;
    nifti-*) cp "$f" "$SEEDS/nifti/" ;;
    npz-* | npy-*) cp "$f" "$SEEDS/npz/" ;;
  esac
done

SUMMARY="$OUT/summary.tsv"
HISTORY="$OUT/history.tsv"
COLUMNS_TSV='target\tseconds\texecutions\texec_per_s\tcorpus\tcrashes\tleaks\ttimeouts\tooms'
printf "$COLUMNS_TSV\\n" >"$SUMMARY"
[ -f "$HISTORY" ] || printf "date\\tcommit\\t$COLUMNS_TSV\\n" >"$HISTORY"
COMMIT="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
status=0
for target in "${TARGETS[@]}"; do
  corpus="$OUT/corpus/$target"
  artifacts="$OUT/artifacts/$target"
  log="$OUT/logs/$target.log"
  mkdir -p "$corpus" "$artifacts"
  stamp="$OUT/logs/$target.start"
  touch "$stamp"
  echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)"
  # Fork mode with one child: crashes, leaks, timeouts and OOMs are saved and fuzzing goes on, so
  # one run finds every bug it can rather than stopping at the first.
  nice -n 10 "$BUILD/fuzz/medsight_fuzz_$target" "$corpus" "$SEEDS/$target" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=131072 -timeout=30 -rss_limit_mb=3072 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || true
  last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)"
  execs="$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")"
  rate="$(sed -E 's/.*exec\/s:? ([0-9]+).*/\1/' <<<"$last")"
  corp="$(sed -E 's/.*corp: ([0-9]+).*/\1/' <<<"$last")"
  # Findings of this run: artifact files newer than the start stamp.
  found() { find "$artifacts" -type f -name "$1" -newer "$stamp" | wc -l; }
  crashes="$(found 'crash-*')"
  leaks="$(found 'leak-*')"
  timeouts="$(found 'timeout-*')"
  ooms="$(found 'oom-*')"
  new="$(found '*')"
  row="$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$target" "$SECONDS_PER_TARGET" \
    "${execs:-0}" "${rate:-0}" "${corp:-0}" "$crashes" "$leaks" "$timeouts" "$ooms")"
  echo "$row" >>"$SUMMARY"
  printf '%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$COMMIT" "$row" >>"$HISTORY"
  if [ "$new" -gt 0 ]; then
    echo "  $target: $new finding(s) in $artifacts"
    status=1
  fi
done
echo
echo "Fuzzing summary (findings: files in $OUT/artifacts/<target>/):"
column -t -s $'\t' "$SUMMARY"
exit $status
