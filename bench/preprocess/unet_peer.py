#!/usr/bin/python3
"""Peer for SegmentationInferenceBenchmark: the same U-Net ensemble (weights read from the
MedSight package), on the same preprocessed volumes, with the same sliding window (tiles,
Gaussian blending, mirroring), in PyTorch from Python (Debian python3-torch), same threads.
Prints seconds per volume (network part) and peak RSS, and how far its probabilities are from
MedSight's on the same volumes (exit 3 when they differ by more than --tolerance)."""
import argparse
import glob
import json
import math
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn


class UNet(nn.Module):
    """Mirror of src/models/UNet.cpp (parameter names included, so weights load 1:1)."""

    def __init__(self, spec):
        super().__init__()
        d = spec["dimensions"]
        conv = nn.Conv2d if d == 2 else nn.Conv3d
        norm = (nn.InstanceNorm2d if d == 2 else nn.InstanceNorm3d) if spec["normalization"] == "instance" \
            else (nn.BatchNorm2d if d == 2 else nn.BatchNorm3d)
        up = nn.ConvTranspose2d if d == 2 else nn.ConvTranspose3d
        pool = nn.MaxPool2d if d == 2 else nn.MaxPool3d
        self.depth = spec["depth"]

        def block(i, o):
            n1 = norm(o, affine=True) if spec["normalization"] == "instance" else norm(o)
            n2 = norm(o, affine=True) if spec["normalization"] == "instance" else norm(o)
            return nn.Sequential(conv(i, o, 3, padding=1), n1, nn.LeakyReLU(0.01),
                                 conv(o, o, 3, padding=1), n2, nn.LeakyReLU(0.01))

        c = spec["input_channels"]
        for level in range(self.depth):
            o = spec["base_channels"] << level
            setattr(self, f"encoder{level}", block(c, o))
            c = o
        self.pool = pool(2)
        for level in range(self.depth - 2, -1, -1):
            o = spec["base_channels"] << level
            setattr(self, f"up{level}", up(c, o, 2, stride=2))
            setattr(self, f"decoder{level}", block(2 * o, o))
            c = o
        self.head = conv(c, spec["classes"], 1)

    def forward(self, x):
        skips = []
        for level in range(self.depth):
            x = getattr(self, f"encoder{level}")(x)
            if level < self.depth - 1:
                skips.append(x)
                x = self.pool(x)
        for level in range(self.depth - 2, -1, -1):
            x = getattr(self, f"up{level}")(x)
            x = torch.cat([skips.pop(), x], 1)
            x = getattr(self, f"decoder{level}")(x)
        return self.head(x)


def tile_starts(extent, tile, overlap):
    if extent <= tile:
        return [0]
    step = max(1.0, tile * (1.0 - overlap))
    n = int(math.ceil((extent - tile) / step)) + 1
    return [int(round(i * (extent - tile) / (n - 1))) for i in range(n)]


def sliding_window_2d(volumes, nets, inf):
    """volumes: the preprocessed main image, then each auxiliary image on its grid (PET beside
    MR); each contributes its 2k+1 slices, padded with its own minimum (TumourPatchSampler)."""
    px, py, _ = inf["patch_size"]
    k = inf["context_slices"]
    volume = volumes[0]
    sz, sy, sx = volume.shape
    g = lambda n: np.exp(-0.5 * ((np.arange(n) - (n - 1) / 2) / max(0.5, n / 8)) ** 2)
    weight = np.maximum(1e-3, np.outer(g(py), g(px))).astype(np.float32)
    acc = np.zeros(volume.shape, np.float64)
    norm = np.zeros(volume.shape, np.float64)
    tiles = [(z, y, x) for z in range(sz) for y in tile_starts(sy, py, inf["overlap"])
             for x in tile_starts(sx, px, inf["overlap"])]
    padded = []
    for v in volumes:
        p = np.full((sz, sy + py, sx + px), float(v.min()), np.float32)
        p[:, :sy, :sx] = v
        padded.append(p)

    def centre_distance(p, n):
        return np.abs(2.0 * p / (n - 1) - 1.0) if n > 1 else np.zeros_like(p, np.float64)

    def position(z, y, xx):
        # MedSight's position channels: box distance in-plane and slice distance from the volume
        # centre (TumourPatchSampler::appendPosition).
        if not inf.get("position_channels", False):
            return []
        box = np.maximum(centre_distance(np.arange(xx, xx + px, dtype=np.float64), sx)[None, :],
                         centre_distance(np.arange(y, y + py, dtype=np.float64), sy)[:, None])
        return [box.astype(np.float32),
                np.full((py, px), centre_distance(np.float64(z), sz), np.float32)]

    def prob(x):
        s = None
        for n in nets:
            p = torch.softmax(n(x), 1)[:, 1]
            s = p if s is None else s + p
        return s / len(nets)

    with torch.no_grad():
        for i in range(0, len(tiles), inf["batch_size"]):
            batch = tiles[i:i + inf["batch_size"]]
            x = np.stack([np.stack([p[min(max(z + c, 0), sz - 1), y:y + py, xx:xx + px]
                                    for p in padded for c in range(-k, k + 1)] +
                                   position(z, y, xx))
                          for z, y, xx in batch])
            x = torch.from_numpy(x)
            p = prob(x)
            if inf["mirror"]:
                p = (p + prob(x.flip(3)).flip(2) + prob(x.flip(2)).flip(1) +
                     prob(x.flip(2, 3)).flip(1, 2)) / 4
            p = p.numpy()
            for j, (z, y, xx) in enumerate(batch):
                h, w = min(py, sy - y), min(px, sx - xx)
                acc[z, y:y + h, xx:xx + w] += weight[:h, :w] * p[j, :h, :w]
                norm[z, y:y + h, xx:xx + w] += weight[:h, :w]
    return (acc / np.maximum(norm, 1e-12)).astype(np.float32)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--model", required=True)
    a.add_argument("--volumes", required=True)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--tolerance", type=float, default=1e-3,
                   help="largest allowed |p_python - p_medsight| on any voxel")
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    manifest = json.load(open(os.path.join(args.model, "manifest.json")))
    spec, inf = manifest["network"], manifest["inference"]
    if spec["dimensions"] != 2:
        raise SystemExit("peer implements the 2D/2.5D sliding window only")
    if inf.get("slice_axis", 2) != 2:
        raise SystemExit("peer reads the stored slices only (slice_axis 2)")
    nets = []
    for m in manifest["members"]:
        saved = torch.jit.load(os.path.join(args.model, m["file"]))
        state = {k: v for k, v in saved.named_parameters()}
        state.update({k: v for k, v in saved.named_buffers()})
        net = UNet(spec)
        missing, unexpected = net.load_state_dict(state, strict=False)
        if unexpected or any(not k.endswith(("running_mean", "running_var", "num_batches_tracked"))
                             for k in missing):
            raise SystemExit(f"weights do not match: missing {missing}, unexpected {unexpected}")
        net.eval()
        nets.append(net)
    total, n, diffs = 0.0, 0, []
    for f in sorted(glob.glob(os.path.join(args.volumes, "*.npz"))):
        d = np.load(f)
        t0 = time.perf_counter()
        volumes = [d["image"]] + [d[f"aux{i}"] for i in range(inf.get("image_channels", 1) - 1)]
        p = sliding_window_2d(volumes, nets, inf)
        total += time.perf_counter() - t0
        n += 1
        if "probability" in d.files:
            q = d["probability"]
            t = inf["threshold"]
            # MedSight's mask rule: at or above the threshold.
            diffs.append((float(np.abs(p - q).max()), float(np.mean((p >= t) != (q >= t)))))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PyTorch from Python ({args.threads} threads): {total / n:.2f} s per volume network, "
          f"{n} volumes, peak RSS {peak:.0f} MB")
    if diffs:
        worst = max(x for x, _ in diffs)
        print(f"agreement with MedSight: largest |probability difference| {worst:.2e}, "
              f"voxels on the other side of the threshold {100 * max(y for _, y in diffs):.4f}% "
              f"(worst volume)")
        if worst > args.tolerance:
            print(f"outputs differ by more than {args.tolerance}: "
                  "the comparison is not like for like")
            raise SystemExit(3)


if __name__ == "__main__":
    main()
