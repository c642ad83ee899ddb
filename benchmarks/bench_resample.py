"""Resampling 256^3 float32 under a ~10 degree rotation: ours vs SimpleITK (1 and 2 threads) vs one scipy call.

    python benchmarks/bench_resample.py [--side 256]

All run in one process on the same data; times are the best of 3.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any, Callable

import numpy as np
import SimpleITK as sitk
from scipy import ndimage

import spatial_ndarray as sn
from spatial_ndarray.resample import resample
from spatial_ndarray.transforms import AffineTransform


def best(func: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(func: Callable[[], Any]) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=256)
    side = parser.parse_args().side
    image = sn.SpatialArray(np.random.default_rng(0).random((side,) * 3, dtype=np.float32), spacing=[1.0, 1.0, 1.0])
    centre = image.index_to_physical((np.array(image.shape) - 1) / 2)
    euler = sitk.Euler3DTransform(centre[::-1].tolist(), np.deg2rad(10), np.deg2rad(5), np.deg2rad(-7), [0.0, 0.0, 0.0])
    transform = AffineTransform.from_sitk(euler)
    itk_image = sn.to_sitk(image)
    matrix, offset = image.geometry.index_map_to(image.geometry, transform.matrix, transform.offset)
    print(f"{side}^3 float32, {side ** 3 * 4 / 2**20:.0f} MiB in and out")
    print(f"{'method':<34}{'linear s':>10}{'nearest s':>11}")
    rows: dict[str, list[float]] = {}
    for interpolator, sitk_interpolator, order in (("linear", sitk.sitkLinear, 1), ("nearest", sitk.sitkNearestNeighbor, 0)):
        for threads in (1, 2):
            sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(threads)
            rows.setdefault(f"sitk.Resample, {threads} thread(s)", []).append(best(
                lambda: sitk.Resample(itk_image, itk_image, euler, sitk_interpolator, 0.0, sitk.sitkFloat32)))
            rows.setdefault(f"spatial_ndarray.resample, {threads} thread(s)", []).append(best(
                lambda: resample(image, image, transform=transform, interpolator=interpolator, threads=threads)))
        rows.setdefault("one scipy affine_transform call", []).append(best(
            lambda: ndimage.affine_transform(np.asarray(image), matrix, offset, order=order, mode="nearest", prefilter=False)))
    for name, (linear, nearest) in rows.items():
        print(f"{name:<34}{linear:>10.3f}{nearest:>11.3f}")
    ratio = rows["spatial_ndarray.resample, 2 thread(s)"][0] / rows["sitk.Resample, 2 thread(s)"][0]
    print(f"linear, 2 threads: ours / SimpleITK = {ratio:.2f}")
    extra = peak_mib(lambda: resample(image, image, transform=transform, threads=2))
    print(f"peak Python-traced memory of one resample (output included): {extra:.0f} MiB")


if __name__ == "__main__":
    main()
