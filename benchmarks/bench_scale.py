"""Images larger than memory: chunked resampling and OME-Zarr pyramids under a memory cap.

    python benchmarks/bench_scale.py                 # 2 GiB of uint16 under a 1 GiB address-space cap
    python benchmarks/bench_scale.py --gib 0.5 --cap-gib 0.5 --fits 160

Each case runs in a fresh process whose address space beyond what its imports
mapped is capped with ``RLIMIT_AS`` (the volume could not even be allocated
there; worker processes inherit the cap): write the volume as
OME-Zarr chunk by chunk, resample it lazily through a 10 degree rotation, write the
result as a 5-level pyramid. Reported: wall time and peak RSS, on dask's threaded
scheduler and on a local ``dask.distributed`` cluster of 2 worker processes (peak
RSS per worker). Then, on a volume that fits, the chunked path against the
in-memory ``sn.resample`` in one process: the cost of going chunk by chunk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CASE = r"""
import json, resource, sys, time
import numpy as np
import dask, dask.array as da
import spatial_ndarray as sn, spatial_ndarray.ome_zarr, spatial_ndarray.lazy, zarr, scipy.ndimage
cap = int(sys.argv[3])
if cap:  # address space beyond what the imports mapped: the volume itself could never fit
    mapped = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mapped + cap, mapped + cap))

edge, where, mode = int(sys.argv[1]), sys.argv[2], sys.argv[4]
shape = (edge, edge, edge)
client = None
if mode == "distributed":
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit=cap // 2 if cap else "auto")
    client = Client(cluster)
start = time.perf_counter()
volume = da.random.default_rng(0).integers(0, 4000, size=shape, chunks=(64, 128, 128), dtype=np.uint16)
geometry = sn.Geometry(origin=[0.0, 0.0, 0.0], spacing=[1.0, 1.0, 1.0])
sn.write_ome_zarr(sn.lazy.lazy_image(volume, geometry), where + "/in.zarr", chunks=(64, 128, 128), overwrite=True)
written = time.perf_counter()
lazy = sn.read_ome_zarr(where + "/in.zarr")
centre = geometry.index_to_physical(np.array(shape) / 2)
turn = sn.AffineTransform.from_euler([np.deg2rad(10.0), 0.0, 0.0], center=centre)
out = sn.lazy.resample(lazy, sn.lazy._placeholder(shape, geometry), transform=turn, chunks=(64, 128, 128))
sn.write_ome_zarr(out, where + "/out.zarr", levels=5, chunks=(64, 128, 128), overwrite=True)
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = []
if client is not None:
    workers = [v / 1024 for v in client.run(lambda: __import__("resource").getrusage(0).ru_maxrss).values()]
    client.close()
print(json.dumps({"write_s": written - start, "resample_pyramid_s": done - written, "peak_rss_mib": peak,
                  "worker_peak_rss_mib": workers}))
"""


def _run(edge: int, cap_bytes: int, mode: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as where:
        env = dict(os.environ, MALLOC_ARENA_MAX="2", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        done = subprocess.run([sys.executable, "-c", _CASE, str(edge), where, str(cap_bytes), mode],
                              capture_output=True, text=True, env=env)
        if done.returncode:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else f"exit {done.returncode}"}
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _fits(edge: int) -> tuple[float, float]:
    import numpy as np

    import spatial_ndarray as sn

    rng = np.random.default_rng(1)
    image = sn.SpatialArray(rng.integers(0, 4000, size=(edge,) * 3, dtype=np.uint16))
    centre = image.index_to_physical(np.array(image.shape) / 2)
    turn = sn.AffineTransform.from_euler([np.deg2rad(10.0), 0.0, 0.0], center=centre)
    best_memory = best_chunked = float("inf")
    for _ in range(3):  # interleaved, best of 3
        t0 = time.perf_counter()
        expected = sn.resample(image, image, transform=turn)
        t1 = time.perf_counter()
        chunked = sn.lazy.resample(image, image, transform=turn, chunks=(64, 128, 128)).compute()
        t2 = time.perf_counter()
        best_memory, best_chunked = min(best_memory, t1 - t0), min(best_chunked, t2 - t1)
    assert np.array_equal(np.asarray(expected), chunked.values), "chunked and in-memory results differ"
    return best_memory, best_chunked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=float, default=2.0, help="volume size in GiB (uint16, a cube)")
    parser.add_argument("--cap-gib", type=float, default=1.0, help="address-space cap per process in GiB (0: none)")
    parser.add_argument("--fits", type=int, default=256, help="edge of the cube for the in-memory comparison")
    args = parser.parse_args()
    edge = int(round((args.gib * 2**30 / 2) ** (1 / 3)))
    cap = int(args.cap_gib * 2**30)
    print(f"volume {edge}^3 uint16 = {edge**3 * 2 / 2**30:.2f} GiB; address-space cap {args.cap_gib:.2f} GiB per process",
          flush=True)
    print("| scheduler | write volume (s) | resample + 5-level pyramid (s) | peak RSS (MiB) | worker peak RSS (MiB) |")
    print("|---|---|---|---|---|")
    for mode in ("threads", "distributed"):
        r = _run(edge, cap, mode)
        if "error" in r:
            print(f"| {mode} | failed: {r['error']} | | | |", flush=True)
            continue
        workers = ", ".join(f"{w:.0f}" for w in r["worker_peak_rss_mib"]) or "-"  # type: ignore[attr-defined]
        print(f"| {mode} | {r['write_s']:.1f} | {r['resample_pyramid_s']:.1f} | {r['peak_rss_mib']:.0f} | {workers} |",
              flush=True)
    memory, chunked = _fits(args.fits)
    print(f"\n{args.fits}^3 uint16 linear resample, in one process: in memory {memory:.2f} s, chunked {chunked:.2f} s "
          f"(ratio {chunked / memory:.2f}); values identical")
    print(f"(machine: {Path('/proc/cpuinfo').read_text().count('processor')} cores)")


if __name__ == "__main__":
    main()
