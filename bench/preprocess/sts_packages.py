"""Helpers shared by the STS segmentation check scripts in this folder (numpy only)."""
import gzip
import json
import os
import shutil
import struct

import numpy as np

DTYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64, 512: np.uint16}


def load_nifti(path):
    """(header bytes, voxel array (z, y, x) in the file's own type) of a NIfTI-1 .nii.gz."""
    b = gzip.open(path).read()
    offset = int(struct.unpack("<f", b[108:112])[0])
    dim = struct.unpack("<8h", b[40:56])
    dtype = DTYPES[struct.unpack("<h", b[70:72])[0]]
    n = dim[1] * dim[2] * dim[3]
    a = np.frombuffer(b[offset:offset + n * np.dtype(dtype).itemsize], dtype=dtype)
    return b[:offset], a.reshape(dim[3], dim[2], dim[1])


def fold_package(package, manifest, member, folder):
    """A package in `folder` holding only the networks trained without `member`'s fold: that
    member, and the same fold's member of every ensembled configuration."""
    os.makedirs(folder)
    one = dict(manifest, members=[member])
    files = [member["file"]]
    if "ensembled_with" in manifest:
        one["ensembled_with"] = []
        for config in manifest["ensembled_with"]:
            same = [m for m in config["members"] if m["fold"] == member["fold"]]
            one["ensembled_with"].append(dict(config, members=same))
            files += [m["file"] for m in same]
    json.dump(one, open(os.path.join(folder, "manifest.json"), "w"))
    for f in files:
        shutil.copy(os.path.join(package, f), folder)
