#!/usr/bin/env python3
"""Peer for bench/preprocess/PreprocessBenchmark.cpp: the same noisy MR volumes through
scikit-image and SciPy (Debian python3-skimage, python3-scipy), single-threaded as those
functions are.

Checks that must hold, else exit 3 (the timings would not be of the same work):
  - median 3x3x3 (scipy.ndimage.median_filter, edge replicated like ITK's zero-flux Neumann
    boundary) equals MedSight's voxel for voxel;
  - linear and cubic B-spline resampling to MedSight's output grid (scipy.ndimage.affine_transform
    with the index-to-index map built from both grids' origin, spacing and direction) agree with
    MedSight's inside the input volume to 0.1 % of the peak intensity.
For non-local means, CLAHE and unsharp masking the implementations differ; the peer reports time
and, for NLM, the PSNR against the volume before noise was added, at scikit-image's recommended
setting (patch 5, search distance 6, h = 0.8 sigma, fast mode, sigma estimated by
skimage.restoration.estimate_sigma).
"""
import glob
import os
import sys
import time

import numpy as np
from scipy import ndimage
from skimage import exposure, filters, restoration


def psnr(clean, test, peak):
    fov = clean != 0
    mse = np.mean((test[fov].astype(np.float64) - clean[fov]) ** 2)
    return 10 * np.log10(peak * peak / mse)


def index_map(z, prefix_in, prefix_out):
    """Affine map from output (z, y, x) voxel indices to input (z, y, x) continuous indices."""
    def affine(prefix):
        d = z[prefix + "direction"].reshape(3, 3)
        return d @ np.diag(z[prefix + "spacing"]), z[prefix + "origin"]
    a_in, o_in = affine(prefix_in)
    a_out, o_out = affine(prefix_out)
    m = np.linalg.solve(a_in, a_out)           # xyz -> xyz
    off = np.linalg.solve(a_in, o_out - o_in)  # xyz
    rev = [2, 1, 0]
    return m[np.ix_(rev, rev)], off[rev]


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.npz")))
    totals, ours, gains = {}, {}, {}
    failures = []
    n = 0
    print("\nPeer (scikit-image %s, SciPy, 1 thread):" % __import__("skimage").__version__)
    print("%-10s %-22s %9s %9s %9s" % ("volume", "step", "seconds", "PSNR_dB", "vs_MedSight"))
    for f in files:
        vid = os.path.basename(f)[:-4]
        z = np.load(f)
        clean, noisy, peak = z["clean"], z["noisy"], float(z["peak"][0])
        spacing = z["input_spacing"]  # x, y, z
        noisy_psnr = psnr(clean, noisy, peak)
        n += 1

        def record(key, seconds, value=None, label=None):
            totals[key] = totals.get(key, 0) + seconds
            ours[key] = ours.get(key, 0) + float(z["seconds_" + key][0])
            if value is not None:
                gains[key] = gains.get(key, 0) + value - noisy_psnr
            print("%-10s %-22s %9.2f %9s %9s" % (
                vid, label or key, seconds, "" if value is None else "%.2f" % value,
                "%.2f" % float(z["seconds_" + key][0])))

        # Median: must equal MedSight's.
        med, t = timed(lambda: ndimage.median_filter(noisy, size=3, mode="nearest"))
        diff = np.abs(med - z["medsight_median_r1"]).max()
        if diff > 1e-6 * peak:
            failures.append("%s median differs by %g" % (vid, diff))
        record("median_r1", t, psnr(clean, med, peak))

        # Non-local means slice by slice, as MedSight's default (OpenCV) method always works.
        sigma = float(restoration.estimate_sigma(noisy))
        nlm_args = dict(patch_size=5, patch_distance=6, h=0.8 * sigma, sigma=sigma, fast_mode=True)
        nlm, t = timed(lambda: np.stack(
            [restoration.denoise_nl_means(s, **nlm_args) for s in noisy]))
        record("non-local_means", t, psnr(clean, nlm.astype(np.float32), peak),
               "non-local means (2D)")

        # CLAHE slice by slice with MedSight's default 8 x 8 tiles, on the intensities between the
        # 0.5th and 99.5th percentiles scaled to [0, 1], as MedSight's clahe step does.
        lo, hi = np.percentile(noisy, [0.5, 99.5])
        scaled = np.clip((noisy - lo) / (hi - lo), 0, 1)
        kernel = (noisy.shape[1] // 8, noisy.shape[2] // 8)
        _, t = timed(lambda: np.stack([exposure.equalize_adapthist(s, kernel_size=kernel)
                                       for s in scaled]))
        record("clahe", t)

        # Unsharp mask, Gaussian of 1 mm in each axis, MedSight's default amount 0.5.
        sig = tuple(1.0 / spacing[[2, 1, 0]])
        _, t = timed(lambda: filters.unsharp_mask(noisy, radius=sig, amount=0.5,
                                                  preserve_range=True))
        record("unsharp_mask", t)

        # Resampling to MedSight's 1 mm grid: must agree inside the input volume.
        for key, order in (("resample_1mm_linear", 1), ("resample_1mm_bspline", 3)):
            mine = z["medsight_" + key]
            m, off = index_map(z, "input_", "grid_" + key + "_")
            out, t = timed(lambda: ndimage.affine_transform(
                noisy, m, off, output_shape=mine.shape, order=order, mode="mirror"))
            idx = np.indices(mine.shape).reshape(3, -1).astype(np.float64)
            src = (m @ idx + off[:, None]).reshape((3,) + mine.shape)
            margin = 0 if order == 1 else 3
            inside = np.all([(src[a] >= margin) & (src[a] <= noisy.shape[a] - 1 - margin)
                             for a in range(3)], axis=0)
            diff = np.abs(out[inside] - mine[inside]).max() if inside.any() else 0.0
            if not inside.any() or diff > 1e-3 * peak:
                failures.append("%s %s differs by %g (%d voxels compared)" %
                                (vid, key, diff, int(inside.sum())))
            record(key, t)

    print("\nPeer mean over %d volumes against MedSight in the same run:" % n)
    for key in totals:
        line = "  %-22s %8.2f s (MedSight %.2f s)" % (key, totals[key] / n, ours[key] / n)
        if key in gains:
            line += "  PSNR gain %+6.2f dB" % (gains[key] / n)
        print(line)
    if failures:
        print("MISMATCH: " + "; ".join(failures))
        return 3
    print("median equal voxel for voxel; linear and B-spline resampling agree within 0.1% of "
          "the peak inside the volume")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
