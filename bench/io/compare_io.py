#!/usr/bin/python3
"""MedSight io benchmarks against their peers, in one run (issue 4):

  (a) DICOM series -> NIfTI: `medsight convert` vs `dcm2niix` on the soft-tissue-sarcoma CT, MR
      and PET series, gzip level 6 (`.nii.gz`) and uncompressed (`.nii`), repetitions alternating
      between the two tools; medians of wall time per process, outputs checked to hold the same
      voxels (dimensions and the sum of scaled intensities).
  (b) `.npz` load: MedSight NpzReader (bench/io/NpzLoadBenchmark.cpp) vs numpy.load, every array
      fully materialised, in-process times (no interpreter or process start), same bytes checked.
  (c) fuzzing: executions and findings per target and run from fuzz/run.sh's history, if present.

Usage: compare_io.py --medsight BIN --npz-bench BIN --data DIR [--repeats N] [--quick]
                     [--fuzz-history TSV] [--json OUT]
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SERIES = [f"sts/dicom/{p}/{m}/image" for p in ("STS_001", "STS_002") for m in ("CT", "MR_T1", "PET")]
NIFTI_DTYPES = {2: np.uint8, 4: np.int16, 8: np.int32, 16: np.float32, 64: np.float64,
                256: np.int8, 512: np.uint16, 768: np.uint32}


def read_nifti(path):
    """Dimensions and the sum of scaled voxel values of a NIfTI-1/2 file (numpy only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if int.from_bytes(data[:4], "little") == 540:
        dims = np.frombuffer(data, "<i8", 8, 16)
        datatype = int(np.frombuffer(data, "<i2", 1, 12)[0])
        offset = int(np.frombuffer(data, "<i8", 1, 168)[0])
        slope, inter = np.frombuffer(data, "<f8", 2, 176)
    else:
        dims = np.frombuffer(data, "<i2", 8, 40)
        datatype = int(np.frombuffer(data, "<i2", 1, 70)[0])
        offset = int(np.frombuffer(data, "<f4", 1, 108)[0])
        slope, inter = np.frombuffer(data, "<f4", 2, 112)
    shape = tuple(int(d) for d in dims[1:1 + int(dims[0])])
    voxels = np.frombuffer(data, NIFTI_DTYPES[datatype], int(np.prod(shape)), offset)
    values = voxels.astype(np.float64)
    if slope not in (0.0, 1.0) or inter != 0.0:
        values = values * (slope if slope != 0 else 1.0) + inter
    return shape, float(values.sum())


def timed(cmd):
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def bench_series(args, work):
    rows = []
    series = SERIES[:1] if args.quick else SERIES
    compressions = ["gz"] if args.quick else ["gz", "none"]
    for rel in series:
        folder = os.path.join(args.data, rel)
        if not os.path.isdir(folder):
            print(f"  skipped {rel}: not found", file=sys.stderr)
            continue
        slices = len([f for f in os.listdir(folder) if f.endswith(".dcm")])
        for compression in compressions:
            ext = ".nii.gz" if compression == "gz" else ".nii"
            ours_out = os.path.join(work, "medsight" + ext)
            peer_dir = os.path.join(work, "dcm2niix")
            ours_cmd = [args.medsight, "convert", folder, ours_out]
            peer_cmd = ["dcm2niix", "-b", "n", "-f", "series", "-o", peer_dir,
                        "-z", "i" if compression == "gz" else "n", "-6", folder]
            ours, peer = [], []
            for r in range(args.repeats):
                for name, cmd, times in (("medsight", ours_cmd, ours), ("dcm2niix", peer_cmd, peer)):
                    if name == "dcm2niix":
                        shutil.rmtree(peer_dir, ignore_errors=True)
                        os.makedirs(peer_dir)
                    elif os.path.exists(ours_out):
                        os.remove(ours_out)
                    times.append(timed(cmd))
            peer_files = [f for f in os.listdir(peer_dir) if f.endswith(ext)]
            if len(peer_files) != 1:
                raise RuntimeError(f"dcm2niix wrote {peer_files} for {rel}")
            peer_out = os.path.join(peer_dir, peer_files[0])
            ours_shape, ours_sum = read_nifti(ours_out)
            peer_shape, peer_sum = read_nifti(peer_out)
            same = ours_shape == peer_shape and abs(ours_sum - peer_sum) <= 1e-4 * max(1.0, abs(peer_sum))
            rows.append({
                "series": rel, "slices": slices, "compression": compression,
                "medsight_s": statistics.median(ours), "dcm2niix_s": statistics.median(peer),
                "medsight_all_s": ours, "dcm2niix_all_s": peer,
                "medsight_bytes": os.path.getsize(ours_out), "dcm2niix_bytes": os.path.getsize(peer_out),
                "shape": list(ours_shape), "same_voxels": same,
            })
            if not same:
                rows[-1]["mismatch"] = {"medsight": [list(ours_shape), ours_sum],
                                        "dcm2niix": [list(peer_shape), peer_sum]}
    return rows


def numpy_load(path, repeats):
    seconds, arrays = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        with np.load(path) as z:
            loaded = {k: z[k] for k in z.files}  # reading an entry inflates it fully
        seconds.append(time.perf_counter() - start)
        arrays = loaded
    info = {k: {"shape": list(v.shape), "byte_sum": int(np.frombuffer(
        np.ascontiguousarray(v).tobytes(), np.uint8).sum(dtype=np.uint64))} for k, v in arrays.items()}
    return seconds, info


def bench_npz(args):
    path = os.path.join(args.data, "pneumoniamnist", "pneumoniamnist.npz")
    if not os.path.exists(path):
        print("  skipped npz: pneumoniamnist.npz not found", file=sys.stderr)
        return None
    repeats = 1 if args.quick else max(args.repeats, 10)
    # Interleave the two so that machine load affects both alike.
    ours, peer, ours_info, peer_info = [], [], None, None
    for _ in range(repeats):
        result = subprocess.run([args.npz_bench, path, "1"], stdout=subprocess.PIPE, text=True,
                                check=True)
        report = json.loads(result.stdout)
        ours += report["seconds"]
        ours_info = report["arrays"]
        seconds, peer_info = numpy_load(path, 1)
        peer += seconds
    same = all(ours_info[k]["shape"] == peer_info[k]["shape"] and
               ours_info[k]["byte_sum"] == peer_info[k]["byte_sum"] for k in peer_info)
    return {"file": "pneumoniamnist/pneumoniamnist.npz", "arrays": len(peer_info),
            "medsight_s": statistics.median(ours), "numpy_s": statistics.median(peer),
            "medsight_all_s": ours, "numpy_all_s": peer, "same_data": same,
            "numpy_version": np.__version__}


def read_fuzz_history(path):
    """Rows of fuzz/run.sh's history (one per target and run), and totals per target."""
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        runs = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]
    totals = {}
    for run in runs:
        t = totals.setdefault(run["target"], {"runs": 0, "seconds": 0, "executions": 0,
                                              "crashes": 0, "leaks": 0, "timeouts": 0, "ooms": 0})
        t["runs"] += 1
        for key in ("seconds", "executions", "crashes", "leaks", "timeouts", "ooms"):
            t[key] += int(run[key])
    return {"runs": runs, "totals": totals}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--medsight", required=True)
    parser.add_argument("--npz-bench", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="one repetition of one series")
    parser.add_argument("--fuzz-history")
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.quick:
        args.repeats = 1
    if shutil.which("dcm2niix") is None:
        sys.exit("dcm2niix not found (Debian package dcm2niix)")
    version = subprocess.run(["dcm2niix", "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout.splitlines()[0]
    if not os.path.isdir(os.path.join(args.data, "sts", "dicom")):
        # 77: ctest's SKIP_RETURN_CODE for this test; MEDSIGHT_REQUIRE_DATA=1 makes it a failure.
        print(f"bench/io: datasets not found in {args.data} (set MEDSIGHT_DATA)", file=sys.stderr)
        sys.exit(1 if os.environ.get("MEDSIGHT_REQUIRE_DATA") == "1" else 77)
    with tempfile.TemporaryDirectory(prefix="medsight-bench-io-") as work:
        series = bench_series(args, work)
    npz = bench_npz(args)
    fuzz = read_fuzz_history(args.fuzz_history)

    print(f"\nDICOM series -> NIfTI, median wall time of {args.repeats} run(s) per tool "
          f"({os.cpu_count()} cores; peer: {version})")
    print(f"{'series':34} {'slices':>6} {'output':>7} {'medsight s':>10} {'dcm2niix s':>10} "
          f"{'ratio':>6} {'MB ours/peer':>13} same")
    for r in series:
        print(f"{r['series']:34} {r['slices']:6d} {r['compression']:>7} {r['medsight_s']:10.3f} "
              f"{r['dcm2niix_s']:10.3f} {r['medsight_s'] / r['dcm2niix_s']:6.2f} "
              f"{r['medsight_bytes'] / 1e6:6.2f}/{r['dcm2niix_bytes'] / 1e6:<6.2f} "
              f"{'yes' if r['same_voxels'] else 'NO'}")
    if series:
        total_ours = sum(r["medsight_s"] for r in series)
        total_peer = sum(r["dcm2niix_s"] for r in series)
        print(f"{'total':34} {'':6} {'':>7} {total_ours:10.3f} {total_peer:10.3f} "
              f"{total_ours / total_peer:6.2f}")
    if npz:
        print(f"\n.npz load ({npz['file']}, {npz['arrays']} arrays fully in memory), median of "
              f"{len(npz['medsight_all_s'])}: MedSight {npz['medsight_s'] * 1e3:.1f} ms, numpy "
              f"{npz['numpy_version']} {npz['numpy_s'] * 1e3:.1f} ms, ratio "
              f"{npz['medsight_s'] / npz['numpy_s']:.2f}, same data: "
              f"{'yes' if npz['same_data'] else 'NO'}")
    if fuzz:
        print("\nFuzzing (fuzz/run.sh history; findings = crash/leak/timeout/oom inputs):")
        for run in fuzz["runs"]:
            print(f"  {run['date']} {run['commit']:>12} {run['target']:6} {run['seconds']:>5} s "
                  f"{int(run['executions']):>9} execs {run['exec_per_s']:>6}/s findings "
                  f"{run['crashes']}/{run['leaks']}/{run['timeouts']}/{run['ooms']}")
        for target, t in fuzz["totals"].items():
            print(f"  total {target:6} {t['runs']} runs, {t['seconds']} s, {t['executions']} "
                  f"execs, findings {t['crashes']}/{t['leaks']}/{t['timeouts']}/{t['ooms']}")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"dcm2niix": version, "repeats": args.repeats, "series": series, "npz": npz,
                       "fuzzing": fuzz}, f, indent=2)
    ok = bool(series) and npz is not None and all(r["same_voxels"] for r in series) and \
        npz["same_data"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
