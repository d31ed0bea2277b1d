#!/usr/bin/env python3
"""Cross-validated Dice of an ensemble of segmentation recipes trained on the same folds.

`medsight segment-train` writes one package per recipe, each holding one network per fold. For
every patient this script takes, from each package, the fold network that never saw the patient,
writes its probability map on the patient's grid (`medsight segment --probability`), averages the
maps of the packages with equal weight, thresholds at 0.5 and keeps the largest 26-connected
component, as `medsight segment` does. This is how nnU-Net chooses between its 2D, 3D and
ensembled configurations; here it lets a 2.5D and a 3D recipe be compared with their average.
With one package it reproduces that package's own cross-validated Dice, which checks the route.

The packages must share their folds (same cross_validation seed and patients). Needs numpy and
scipy (python3-scipy, installed with python3-sklearn), and the `medsight` CLI.

  bench/preprocess/sts_ensemble_cv.py --medsight build/apps/medsight/medsight \\
      --data ../shared/datasets/sts/nifti RUN_2D RUN_3D
"""
import argparse
import json
import os
import struct
import subprocess
import tempfile

import numpy as np
import scipy.ndimage as ndimage

from sts_packages import fold_package, load_nifti


def read_nifti(path):
    """Voxel array (z, y, x) of a NIfTI-1 .nii.gz, with its scale slope applied."""
    head, a = load_nifti(path)
    slope, inter = struct.unpack("<2f", head[112:120])
    a = a.astype(np.float32)
    return a * slope + inter if slope not in (0.0, 1.0) else a


def probability_maps(medsight, package, data, out_dir):
    """Writes out_dir/<patient>.nii.gz for every patient, from its held-out fold network."""
    manifest = json.load(open(os.path.join(package, "manifest.json")))
    os.makedirs(out_dir, exist_ok=True)
    folds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, member in enumerate(manifest["members"]):
            fold = os.path.join(tmp, f"fold{k}")
            fold_package(package, manifest, member, fold)
            for p in member["held_out"]:
                folds[p] = member["fold"]
                subprocess.run([medsight, "--threads", "2", "--quiet", "segment", "--model", fold,
                                os.path.join(data, p, "MR_T1_image.nii.gz"),
                                os.path.join(tmp, "mask.nii.gz"), "--probability",
                                os.path.join(out_dir, p + ".nii.gz")],
                               check=True, capture_output=True)
    return folds


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--medsight", required=True)
    a.add_argument("--data", required=True, help="sts/nifti folder")
    a.add_argument("packages", nargs="+", help="segmentation packages trained on the same folds")
    args = a.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folds = []
        for i, package in enumerate(args.packages):
            folds.append(probability_maps(args.medsight, package, args.data, os.path.join(tmp, str(i))))
            print(f"probability maps of {package}: {len(folds[-1])} patients", flush=True)
        if any(f != folds[0] for f in folds):
            raise SystemExit("the packages were not trained on the same folds")
        scores = []
        for p in sorted(folds[0]):
            prob = np.mean([read_nifti(os.path.join(tmp, str(i), p + ".nii.gz"))
                            for i in range(len(args.packages))], axis=0)
            ref = read_nifti(os.path.join(args.data, p, "MR_T1_mask.nii.gz")) > 0
            seg = prob >= 0.5
            labels, n = ndimage.label(seg, structure=np.ones((3, 3, 3)))
            if n > 1:
                sizes = ndimage.sum(seg, labels, range(1, n + 1))
                seg = labels == 1 + int(np.argmax(sizes))
            d = 2.0 * (seg & ref).sum() / max(1, seg.sum() + ref.sum())
            scores.append(d)
            print(json.dumps({"patient": p, "fold": folds[0][p], "dice": round(float(d), 4)}))
    s = np.array(scores)
    rng = np.random.default_rng(20240611)
    boot = [rng.choice(s, s.size).mean() for _ in range(10000)]
    lo, hi = np.percentile(boot, [2.5, 97.5])
    print(f"mean Dice {s.mean():.3f} (95% bootstrap CI {lo:.3f}-{hi:.3f}), "
          f"median {np.median(s):.3f}, {s.size} patients")


if __name__ == "__main__":
    main()
