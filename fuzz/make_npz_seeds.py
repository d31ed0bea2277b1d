#!/usr/bin/python3
"""Writes small .npz/.npy seeds for the NPZ fuzz target with numpy itself (the format's reference
writer): a crop of the real PneumoniaMNIST archive plus every dtype, layout, header version and
compression MedSight reads. Usage: make_npz_seeds.py OUT_DIR DATA_DIR"""
import io
import os
import sys

import numpy as np


def main():
    out, data = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    count = 0
    mnist = os.path.join(data, "pneumoniamnist", "pneumoniamnist.npz")
    if os.path.exists(mnist):
        with np.load(mnist) as z:
            crop = {k: z[k][:4] for k in z.files}
        np.savez_compressed(os.path.join(out, "pneumoniamnist_crop.npz"), **crop)
        np.savez(os.path.join(out, "pneumoniamnist_crop_stored.npz"), **crop)
        count += 2
    rng = np.random.default_rng(7)
    arrays = {
        "u1_images": rng.integers(0, 255, (2, 5, 4), dtype=np.uint8),
        "i2_images": rng.integers(-1000, 3000, (2, 3, 4), dtype=np.int16),
        "f4_images": rng.random((1, 4, 3, 3), dtype=np.float32),
        "f8_volumes": rng.random((1, 2, 3, 4)),
        "labels": np.array([[0], [1]], dtype=np.int64),
        "flags": np.array([True, False]),
    }
    np.savez_compressed(os.path.join(out, "dtypes.npz"), **arrays)
    np.savez(os.path.join(out, "dtypes_stored.npz"), **arrays)
    count += 2
    variants = {
        "fortran_i2.npy": np.asfortranarray(arrays["i2_images"]),
        "bigendian_f4.npy": arrays["f4_images"].astype(">f4"),
        "u2_rgb.npy": rng.integers(0, 65535, (1, 3, 2, 3), dtype=np.uint16),
        "u4.npy": np.arange(6, dtype=np.uint32).reshape(1, 2, 3),
        "i1.npy": np.arange(-3, 3, dtype=np.int8).reshape(1, 2, 3),
        "empty.npy": np.zeros((0, 4, 4), dtype=np.uint8),
        "scalar.npy": np.float64(2.5),
    }
    for name, array in variants.items():
        np.save(os.path.join(out, name), array)
        count += 1
    # Format 2.0 header (uint32 header length).
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, arrays["u1_images"], version=(2, 0))
    with open(os.path.join(out, "v2_u1.npy"), "wb") as f:
        f.write(buffer.getvalue())
    count += 1
    print(f"npz seeds: {count}")


if __name__ == "__main__":
    main()
