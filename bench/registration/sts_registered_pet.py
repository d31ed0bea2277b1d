#!/usr/bin/env python3
"""How much does the MR + PET segmentation package lose when the PET is not given in the MR's
coordinates but registered to it by `medsight register`?

The STS curators registered every PET to its MR. Here each patient's PET/CT (PET, CT and their
GTV masks, moved together as one hybrid scanner's images are) gets a seeded random rigid
misalignment by rewriting the NIfTI headers (no resampling; up to 4, 4 and 8 degrees and 15, 15
and 7.5 mm, as in bench/registration). The PET then reaches the MR in one of three ways:
  "misaligned":      used as it is;
  "registered-pet":  `medsight register MR PET` (rigid, Mattes MI), PET resampled onto the MR;
  "registered-ct":   `medsight register MR CT`, and the PET follows with that transform
                     (`medsight fuse MR PET --transform T --out-image`), the PET/CT route.
For each condition a copy of the package is pointed at a data folder holding those PETs and
cross-validated by patient with `medsight segment-ensemble` (each patient segmented by the fold
networks that never saw it), as the package's own figure was. The Dice of the PET GTV mask on the
MR GTV mask is reported for each route too (about 0.9 in the curators' alignment).

Usage: sts_registered_pet.py --medsight BIN --package models/sts-mr-t1-pet-unet --work DIR
       [--data ../shared/datasets/sts/nifti] [--seed 2024] [--threads 2]
"""
import argparse
import gzip
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time

import numpy as np


def read_nifti(path):
    raw = bytearray(gzip.open(path).read())
    if struct.unpack('<hh', raw[252:256])[1] > 0:
        sys.exit(f'{path}: has an sform; this script rewrites the qform only')
    return raw


TYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 256: np.int8,
         512: np.uint16}


def voxels(path):
    """The voxel values of a NIfTI-1 file, flat, in file order."""
    raw = gzip.open(path).read() if path.endswith('.gz') else open(path, 'rb').read()
    n = int(np.prod(struct.unpack('<8h', raw[40:56])[1:4]))
    dtype = np.dtype(TYPES[struct.unpack('<h', raw[70:72])[0]])
    offset = int(struct.unpack('<f', raw[108:112])[0])
    return np.frombuffer(raw[offset:offset + n * dtype.itemsize], dtype=dtype)


def qform(raw):
    pixdim = struct.unpack('<8f', raw[76:108])
    b, c, d = struct.unpack('<3f', raw[256:268])
    o = np.array(struct.unpack('<3f', raw[268:280]), dtype=np.float64)
    a = np.sqrt(max(0.0, 1.0 - (b * b + c * c + d * d)))
    r = np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                  [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                  [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]])
    return r, o, pixdim


def quaternion(r):
    """(b, c, d) of a proper rotation matrix, with a >= 0 (NIfTI-1 quatern convention)."""
    t = np.trace(r)
    if t > 0:
        s = 2.0 * np.sqrt(1.0 + t)
        q = [0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s]
    elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
        s = 2.0 * np.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
        q = [(r[2, 1] - r[1, 2]) / s, 0.25 * s, (r[0, 1] + r[1, 0]) / s, (r[0, 2] + r[2, 0]) / s]
    elif r[1, 1] > r[2, 2]:
        s = 2.0 * np.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
        q = [(r[0, 2] - r[2, 0]) / s, (r[0, 1] + r[1, 0]) / s, 0.25 * s, (r[1, 2] + r[2, 1]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
        q = [(r[1, 0] - r[0, 1]) / s, (r[0, 2] + r[2, 0]) / s, (r[1, 2] + r[2, 1]) / s, 0.25 * s]
    if q[0] < 0:
        q = [-v for v in q]
    return q[1:]


def rotation(rx, ry, rz):
    cx, sx, cy, sy, cz, sz = np.cos(rx), np.sin(rx), np.cos(ry), np.sin(ry), np.cos(rz), np.sin(rz)
    x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return z @ y @ x


def misalign(src, dst, rot, shift, centre):
    """Moves the image rigidly in world space: x' = R (x - centre) + centre + shift."""
    raw = read_nifti(src)
    r, o, _ = qform(raw)
    r2 = rot @ r
    o2 = rot @ (o - centre) + centre + shift
    raw[256:268] = struct.pack('<3f', *quaternion(r2))
    raw[268:280] = struct.pack('<3f', *o2)
    check, o3, _ = qform(raw)
    assert np.allclose(check, r2, atol=1e-4) and np.allclose(o3, o2, atol=1e-2)
    with gzip.open(dst, 'wb') as f:
        f.write(bytes(raw))


def centre_of(path):
    raw = read_nifti(path)
    r, o, pixdim = qform(raw)
    n = np.array(struct.unpack('<8h', raw[40:56])[1:4], dtype=np.float64)
    qfac = -1.0 if pixdim[0] < 0 else 1.0
    m = r * np.array([pixdim[1], pixdim[2], qfac * pixdim[3]])
    return o + m @ ((n - 1) / 2.0)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(' '.join(cmd) + '\n' + p.stderr)
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--medsight', required=True)
    ap.add_argument('--package', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--data', default=os.path.join('..', 'shared', 'datasets', 'sts', 'nifti'))
    ap.add_argument('--seed', type=int, default=2024)
    ap.add_argument('--threads', default='2')
    a = ap.parse_args()
    data, work = os.path.abspath(a.data), os.path.abspath(a.work)
    manifest = json.load(open(os.path.join(a.package, 'manifest.json')))
    patients = manifest['training']['patients']
    rng = random.Random(a.seed)
    deg = np.pi / 180.0
    rows = []
    conditions = ('misaligned', 'registered-pet', 'registered-ct')
    for p in patients:
        src = os.path.join(data, p)
        u = [rng.uniform(-1, 1) for _ in range(6)]
        rot = rotation(u[0] * 4 * deg, u[1] * 4 * deg, u[2] * 8 * deg)
        shift = np.array([u[3] * 15, u[4] * 15, u[5] * 7.5])
        c = centre_of(os.path.join(src, 'CT_image.nii.gz'))
        folders = {}
        for cond in conditions + ('moved',):
            d = os.path.join(work, cond, p)
            os.makedirs(d, exist_ok=True)
            for f in ('MR_T1_image.nii.gz', 'MR_T1_mask.nii.gz'):
                if not os.path.exists(os.path.join(d, f)):
                    os.symlink(os.path.join(src, f), os.path.join(d, f))
            folders[cond] = d
        moved = folders['moved']
        for f in ('PET_image', 'PET_mask', 'CT_image', 'CT_mask'):
            misalign(os.path.join(src, f + '.nii.gz'), os.path.join(moved, f + '.nii.gz'), rot,
                     shift, c)
        for f in ('PET_image', 'PET_mask'):
            shutil.copy(os.path.join(moved, f + '.nii.gz'),
                        os.path.join(folders['misaligned'], f + '.nii.gz'))
        mr, mr_mask = os.path.join(src, 'MR_T1_image.nii.gz'), os.path.join(src, 'MR_T1_mask.nii.gz')
        row = {'patient': p}
        # PET registered to the MR directly.
        d = folders['registered-pet']
        t0 = time.time()
        r = json.loads(run([a.medsight, '--threads', a.threads, '--json', 'register', mr,
                            os.path.join(moved, 'PET_image.nii.gz'), '--out', os.path.join(d, 'reg'),
                            '--out-image', os.path.join(d, 'PET_image.nii.gz'),
                            '--moving-mask', os.path.join(moved, 'PET_mask.nii.gz'),
                            '--out-mask', os.path.join(d, 'PET_mask.nii.gz'),
                            '--fixed-mask', mr_mask]))
        row['pet_dice_misaligned'] = r['mask_dice_before']
        row['pet_dice_registered_pet'] = r['mask_dice_after']
        row['seconds_pet'] = time.time() - t0
        # CT registered to the MR; the PET follows.
        d = folders['registered-ct']
        t0 = time.time()
        run([a.medsight, '--threads', a.threads, 'register', mr,
             os.path.join(moved, 'CT_image.nii.gz'), '--out', os.path.join(d, 'reg')])
        row['seconds_ct'] = time.time() - t0
        for f, how in (('PET_image', 'linear'), ('PET_mask', 'nearest')):
            run([a.medsight, 'fuse', mr, os.path.join(moved, f + '.nii.gz'), '--transform',
                 os.path.join(d, 'reg.tfm'), '--interpolation', how, '--out-image',
                 os.path.join(d, f + '.nii.gz')])
        x, y = voxels(os.path.join(d, 'PET_mask.nii.gz')) > 0, voxels(mr_mask) > 0
        row['pet_dice_registered_ct'] = float(2.0 * (x & y).sum() / (x.sum() + y.sum()))
        rows.append(row)
        print(f"{p}: PET GTV on MR GTV, Dice {row['pet_dice_misaligned']:.3f} misaligned, "
              f"{row['pet_dice_registered_pet']:.3f} PET registered ({row['seconds_pet']:.1f} s), "
              f"{row['pet_dice_registered_ct']:.3f} via the CT ({row['seconds_ct']:.1f} s)",
              flush=True)
    results = {'registration': rows}
    for cond in conditions:
        pkg = os.path.join(work, 'package-' + cond)
        shutil.rmtree(pkg, ignore_errors=True)
        shutil.copytree(a.package, pkg)
        m = json.load(open(os.path.join(pkg, 'manifest.json')))
        m['training']['data_root'] = os.path.join(work, cond)
        json.dump(m, open(os.path.join(pkg, 'manifest.json'), 'w'), indent=2)
        out_dir = os.path.join(work, 'cv-' + cond)
        shutil.rmtree(out_dir, ignore_errors=True)
        t0 = time.time()
        out = run([a.medsight, '--threads', a.threads, '--json', 'segment-ensemble', pkg,
                   '--out', out_dir])
        cv = json.load(open(os.path.join(out_dir, 'manifest.json')))['validation']
        results[cond] = cv
        print(f'{cond}: cross-validated in {time.time() - t0:.0f} s', flush=True)
    json.dump(results, open(os.path.join(work, 'results.json'), 'w'), indent=2)
    base = {r['patient']: r['dice'] for r in manifest['validation']['per_patient']}
    for cond in conditions:
        per = {r['patient']: r['dice'] for r in results[cond]['per_patient']}
        d = np.array([per[p] for p in patients])
        diff = d - np.array([base[p] for p in patients])
        boot = np.random.default_rng(a.seed)
        means = [boot.choice(diff, len(diff)).mean() for _ in range(10000)]
        print(f'{cond}: mean Dice {d.mean():.3f} (package as shipped {np.mean(list(base.values())):.3f}); '
              f'paired {diff.mean():+.3f} (95% CI {np.percentile(means, 2.5):+.3f} to '
              f'{np.percentile(means, 97.5):+.3f}); worse on {int((diff < -0.01).sum())} of {len(d)}')
    for k in ('pet_dice_misaligned', 'pet_dice_registered_pet', 'pet_dice_registered_ct'):
        v = [r[k] for r in rows if r.get(k) is not None]
        if v:
            print(f'PET GTV on MR GTV, {k[9:]}: mean Dice {np.mean(v):.3f}')


if __name__ == '__main__':
    main()
