"""Resampling under a ~10 degree oblique rotation: ours vs SimpleITK, interleaved in one process, 1 and 2 threads.

    python benchmarks/bench_resample.py [--side 256] [--side2d 2048] [--repeat 3]

Cases: 3-D float32 linear and nearest, 3-D uint8 labels (nearest), 2-D float32 linear and nearest. Each repetition
runs SimpleITK then ours on the same data; times are the best of ``--repeat``. The ratio is ours / SimpleITK
(below 1: we are faster). Also prints which kernel ran and the peak traced memory of one call against its output.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any, Callable

import numpy as np
import SimpleITK as sitk

import spatial_ndarray as sn
from spatial_ndarray import _kernels
from spatial_ndarray.resample import resample
from spatial_ndarray.transforms import AffineTransform


def timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def peak_mib(func: Callable[[], Any]) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def case(values: np.ndarray) -> tuple[sn.SpatialArray, Any, AffineTransform, Any]:
    image = sn.SpatialArray(values)
    centre = image.index_to_physical((np.array(image.shape) - 1) / 2)
    if values.ndim == 3:
        euler: Any = sitk.Euler3DTransform(centre[::-1].tolist(), np.deg2rad(10), np.deg2rad(5), np.deg2rad(-7), [0.0, 0.0, 0.0])
    else:
        euler = sitk.Euler2DTransform(centre[::-1].tolist(), np.deg2rad(10), [0.0, 0.0])
    return image, sn.to_sitk(image), AffineTransform.from_sitk(euler), euler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=256)
    parser.add_argument("--side2d", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    volume = (rng.normal(size=(args.side,) * 3) * 100).astype(np.float32)  # full-mantissa float32
    labels = rng.integers(0, 5, (args.side,) * 3).astype(np.uint8)
    plane = (rng.normal(size=(args.side2d,) * 2) * 100).astype(np.float32)
    cases = [
        (f"{args.side}^3 float32 linear", volume, "linear", sitk.sitkLinear),
        (f"{args.side}^3 float32 nearest", volume, "nearest", sitk.sitkNearestNeighbor),
        (f"{args.side}^3 uint8 label", labels, "label", sitk.sitkNearestNeighbor),
        (f"{args.side2d}^2 float32 linear", plane, "linear", sitk.sitkLinear),
        (f"{args.side2d}^2 float32 nearest", plane, "nearest", sitk.sitkNearestNeighbor),
    ]
    print(f"kernel: {'compiled' if _kernels.COMPILED else 'numpy fallback'}", flush=True)
    print(f"{'case':<28}{'threads':>8}{'sitk s':>9}{'ours s':>9}{'ratio':>7}", flush=True)
    for name, values, interpolator, sitk_interpolator in cases:
        image, itk_image, transform, euler = case(values)
        for threads in (1, 2):
            sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(threads)
            theirs, ours = [], []
            for _ in range(args.repeat):
                theirs.append(timed(lambda: sitk.Resample(itk_image, itk_image, euler, sitk_interpolator, 0.0)))
                ours.append(timed(lambda: resample(image, image, transform=transform, interpolator=interpolator, threads=threads)))
            print(f"{name:<28}{threads:>8}{min(theirs):>9.3f}{min(ours):>9.3f}{min(ours) / min(theirs):>7.2f}", flush=True)
        peak = peak_mib(lambda: resample(image, image, transform=transform, interpolator=interpolator, threads=2))
        print(f"{'':<28}peak traced memory {peak:.1f} MiB, output {values.nbytes / 2**20:.1f} MiB", flush=True)


if __name__ == "__main__":
    main()
