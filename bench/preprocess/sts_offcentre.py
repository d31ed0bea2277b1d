#!/usr/bin/env python3
"""Off-centre check of a segmentation package trained on lesion-centred crops.

Each patient's crop is padded with zeros (air) on the +x side, so the tumour sits off-centre in
a wider field of view, and is segmented three ways by the fold network that never saw the
patient: the original crop, the padded image, and the padded image with `--roi-mask` set to the
reference outline (an optimistic prompt: tighter than a reader's box). Prints per-patient and
mean Dice. Uses only numpy and the `medsight` CLI.

  bench/preprocess/sts_offcentre.py --medsight build/apps/medsight/medsight \\
      --model models/sts-mr-t1-unet --data ../shared/datasets/sts/nifti
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import subprocess
import tempfile

import numpy as np

from sts_packages import fold_package, load_nifti


def pad_nifti(src, dst, pad):
    """Copies a NIfTI-1 .nii.gz with `pad` zero columns appended along x (origin unchanged)."""
    head, a = load_nifti(src)
    padded = np.concatenate([a, np.zeros((a.shape[0], a.shape[1], pad), a.dtype)], axis=2)
    head = bytearray(head)
    dim = list(struct.unpack("<8h", head[40:56]))
    dim[1] = padded.shape[2]
    head[40:56] = struct.pack("<8h", *dim)
    with gzip.open(dst, "wb") as f:
        f.write(bytes(head) + np.ascontiguousarray(padded).tobytes())


def dice(medsight, package, args):
    out = subprocess.run([medsight, "--threads", "2", "--json", "segment", "--model", package] +
                         args, capture_output=True, text=True)
    if out.returncode != 0:
        print("  failed:", out.stderr.strip())
        return None
    return json.loads(out.stdout)["reference"]["dice"]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--medsight", required=True)
    a.add_argument("--model", required=True)
    a.add_argument("--data", required=True, help="sts/nifti folder")
    a.add_argument("--pad", type=int, default=80, help="zero columns added along +x")
    args = a.parse_args()
    manifest = json.load(open(os.path.join(args.model, "manifest.json")))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, member in enumerate(manifest["members"]):
            fold = os.path.join(tmp, f"fold{k}")
            fold_package(args.model, manifest, member, fold)
            for p in member["held_out"]:
                image = os.path.join(args.data, p, "MR_T1_image.nii.gz")
                mask = os.path.join(args.data, p, "MR_T1_mask.nii.gz")
                pimage, pmask = os.path.join(tmp, p + "_image.nii.gz"), os.path.join(tmp, p + "_mask.nii.gz")
                pad_nifti(image, pimage, args.pad)
                pad_nifti(mask, pmask, args.pad)
                out = os.path.join(tmp, "out.nii.gz")
                row = {"patient": p,
                       "crop": dice(args.medsight, fold, [image, out, "--reference", mask]),
                       "padded": dice(args.medsight, fold, [pimage, out, "--reference", pmask]),
                       "padded_roi": dice(args.medsight, fold,
                                          [pimage, out, "--reference", pmask, "--roi-mask", pmask])}
                print(json.dumps(row), flush=True)
                rows.append(row)
    for key in ("crop", "padded", "padded_roi"):
        v = [r[key] for r in rows if r[key] is not None]
        print(f"{key}: mean Dice {statistics.mean(v):.3f}, median {statistics.median(v):.3f}, "
              f"{len(v)} of {len(rows)} patients")


if __name__ == "__main__":
    main()
