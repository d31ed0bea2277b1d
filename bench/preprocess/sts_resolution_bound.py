#!/usr/bin/env python3
"""How much Dice the STS networks' working resolution can cost at most.

The MR T1 networks work at 2.5 mm in-plane (about 2.5 times coarser than the images). This script
takes each patient's reference mask, resamples it to a working spacing in-plane (linear, as a
probability) and back onto its own grid (linear), thresholds at 0.5 and reports the Dice with the
original mask: what a network that was perfect at the working resolution would score. If that is
close to 1, the resolution is not what keeps the cross-validated Dice down.

  /usr/bin/python3 bench/preprocess/sts_resolution_bound.py --data ../shared/datasets/sts/nifti
"""
import argparse
import os
import struct

import numpy as np
import scipy.ndimage as ndimage

from sts_packages import load_nifti


def round_trip_dice(mask, spacing_xy, target):
    """Dice of `mask` (z, y, x) with itself carried to `target` mm in-plane and back."""
    f = spacing_xy / target
    small = ndimage.zoom(mask, (1, f, f), order=1)
    back = ndimage.zoom(small, (1, mask.shape[1] / small.shape[1], mask.shape[2] / small.shape[2]),
                        order=1)
    back = back[:, :mask.shape[1], :mask.shape[2]] > 0.5
    ref = mask > 0.5
    return 2.0 * np.count_nonzero(back & ref) / (np.count_nonzero(back) + np.count_nonzero(ref))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/datasets/sts/nifti")
    ap.add_argument("--mask", default="MR_T1_mask.nii.gz")
    ap.add_argument("--spacings", default="2.5,1.25", help="working in-plane spacings, mm")
    args = ap.parse_args()
    targets = [float(s) for s in args.spacings.split(",")]
    rows = []
    for p in sorted(os.listdir(args.data)):
        path = os.path.join(args.data, p, args.mask)
        if not os.path.exists(path):
            continue
        head, m = load_nifti(path)
        spacing_xy = struct.unpack("<8f", head[76:108])[1]
        d = [round_trip_dice((m > 0.5).astype(np.float32), spacing_xy, t) for t in targets]
        rows.append(d)
        print(p, f"{spacing_xy:.3f} mm", " ".join(f"{t:g} mm: {x:.3f}" for t, x in zip(targets, d)))
    a = np.array(rows)
    for i, t in enumerate(targets):
        print(f"working {t:g} mm in-plane: mean Dice {a[:, i].mean():.3f}, lowest {a[:, i].min():.3f}"
              f" ({len(rows)} patients)")


if __name__ == "__main__":
    main()
