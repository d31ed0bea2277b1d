#!/usr/bin/env python3
"""Would `medsight segment --aux PET=...` notice a PET of the wrong patient (NIfTI, no identity)?

For every ordered pair (MR of patient i, PET of patient j) of the STS cohort this measures
1. the fraction of the MR's field of view the PET covers, in the images' own coordinates
   (MedSight refuses an auxiliary image covering under half), and
2. the normalised mutual information (Studholme 1999, (H(A)+H(B))/H(A,B), 32 bins over the 1-99
   percentile range) between the MR and the PET resampled onto it (linear), for the true pairs, for
   the wrong pairs that pass the coverage rule, and for every wrong pair moved so that the two
   images' centres coincide (the worst case).

Usage: sts_aux_swap.py [DATA]   (default ../shared/datasets/sts/nifti; needs numpy and scipy)
"""
import glob
import gzip
import os
import struct
import sys

import numpy as np
from scipy.ndimage import map_coordinates

TYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 256: np.int8,
         512: np.uint16}


def load(path):
    """Voxels (z, y, x) and the voxel-to-world matrix from a NIfTI-1 file's qform (or sform)."""
    raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    dims = struct.unpack('<8h', raw[40:56])
    dtype = TYPES[struct.unpack('<h', raw[70:72])[0]]
    pixdim = struct.unpack('<8f', raw[76:108])
    offset = int(struct.unpack('<f', raw[108:112])[0])
    slope, inter = struct.unpack('<ff', raw[112:120])
    qcode, scode = struct.unpack('<hh', raw[252:256])
    n = dims[1:4]
    a = np.frombuffer(raw[offset:offset + int(np.prod(n)) * np.dtype(dtype).itemsize], dtype=dtype)
    a = a.astype(np.float64) * (slope if slope not in (0.0,) else 1.0) + inter
    a = a.reshape(n[2], n[1], n[0])
    if qcode > 0:
        b, c, d = struct.unpack('<3f', raw[256:268])
        q = struct.unpack('<3f', raw[268:280])
        aq = np.sqrt(max(0.0, 1.0 - (b * b + c * c + d * d)))
        r = np.array([[aq * aq + b * b - c * c - d * d, 2 * (b * c - aq * d), 2 * (b * d + aq * c)],
                      [2 * (b * c + aq * d), aq * aq + c * c - b * b - d * d, 2 * (c * d - aq * b)],
                      [2 * (b * d - aq * c), 2 * (c * d + aq * b), aq * aq + d * d - c * c - b * b]])
        qfac = -1.0 if pixdim[0] < 0 else 1.0
        m = r * np.array([pixdim[1], pixdim[2], qfac * pixdim[3]])
        return a, m, np.array(q)
    if scode > 0:
        rows = [struct.unpack('<4f', raw[280 + 16 * i:296 + 16 * i]) for i in range(3)]
        s = np.array(rows)
        return a, s[:, :3], s[:, 3]
    return a, np.diag(pixdim[1:4]), np.zeros(3)


def world(img):
    a, m, o = img
    z, y, x = np.meshgrid(*[np.arange(k) for k in a.shape], indexing='ij')
    return o[:, None] + m @ np.stack([x.ravel(), y.ravel(), z.ravel()]).astype(np.float64)


def centre(img):
    a, m, o = img
    return o + m @ ((np.array(a.shape[::-1]) - 1) / 2.0)


def sample(img, pts, shift):
    a, m, o = img
    idx = np.linalg.solve(m, pts - (o + shift)[:, None])
    return map_coordinates(a, [idx[2], idx[1], idx[0]], order=1, cval=np.nan)


def nmi(x, y, bins=32):
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]

    def codes(v):
        lo, hi = np.percentile(v, [1, 99])
        return np.clip(((v - lo) / max(hi - lo, 1e-12) * bins).astype(int), 0, bins - 1)

    h = np.histogram2d(codes(x), codes(y), bins=bins, range=[[0, bins], [0, bins]])[0]
    p = h / h.sum()

    def ent(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))

    return (ent(p.sum(1)) + ent(p.sum(0))) / ent(p.ravel())


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join('..', 'shared', 'datasets', 'sts',
                                                              'nifti')
    patients = sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, 'STS_*')))
    if not patients:
        sys.exit(f'no STS_* folders under {root}')
    mr = {p: load(os.path.join(root, p, 'MR_T1_image.nii.gz')) for p in patients}
    pet = {p: load(os.path.join(root, p, 'PET_image.nii.gz')) for p in patients}
    true_nmi, passing, centred = [], [], []
    for i in patients:
        pts, x = world(mr[i]), mr[i][0].ravel()
        for j in patients:
            v = sample(pet[j], pts, np.zeros(3))
            coverage = float(np.mean(~np.isnan(v)))
            if i == j:
                true_nmi.append(nmi(x, v))
                continue
            if coverage >= 0.5:
                passing.append((i, j, coverage, nmi(x, v)))
            shifted = sample(pet[j], pts, centre(mr[i]) - centre(pet[j]))
            centred.append(nmi(x, shifted))
    wrong = len(patients) * (len(patients) - 1)
    print(f'{len(patients)} patients, {wrong} wrong-patient MR/PET pairs')
    print(f'refused by the coverage rule (< 0.5 of the MR field of view): {wrong - len(passing)}')
    print(f'accepted by it: {len(passing)}')
    for i, j, c, s in passing:
        print(f'  MR {i} + PET {j}: coverage {c:.2f}, NMI {s:.3f}')
    t = np.array(true_nmi)
    print(f'NMI of the true pairs: min {t.min():.3f}, median {np.median(t):.3f}, max {t.max():.3f}')
    c = np.array(centred)
    print('NMI of every wrong pair, centres made to coincide: percentiles 50/90/95/99/100 = ' +
          ' / '.join(f'{v:.3f}' for v in np.percentile(c, [50, 90, 95, 99, 100])))
    below = np.mean(c < t.min())
    print(f'wrong pairs (centred) below the lowest true pair: {below:.0%}; '
          f'accepted wrong pairs below it: {sum(s < t.min() for *_, s in passing)} of {len(passing)}')


if __name__ == '__main__':
    main()
