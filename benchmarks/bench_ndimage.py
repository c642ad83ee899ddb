"""sn.ndimage against scipy.ndimage, side by side in one process: the cost of the geometry is a constant.

    python benchmarks/bench_ndimage.py

Each row times the same call through scipy on the plain array and through
spatial_ndarray.ndimage on the SpatialArray (interleaved, best of several), with
the overhead in microseconds and the ratio. On a busy machine compare the ratios.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage as scipy_ndi

import spatial_ndarray as sn
from spatial_ndarray import ndimage as ndi


def interleaved(first: Callable[[], Any], second: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best time per call of each, the two timed alternately (a busy machine slows both alike)."""
    timers = timeit.Timer(first), timeit.Timer(second)
    number = max(1, timers[0].autorange()[0] // 4)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for timer, found in zip(timers, times):
            found.append(timer.timeit(number) / number)
    return min(times[0]), min(times[1])


def main() -> None:
    print(f"{'call':<34}{'shape':>16}{'scipy us':>12}{'sn us':>12}{'overhead us':>13}{'ratio':>8}")
    for shape in ((16, 16), (96, 96, 96)):
        values = np.random.default_rng(0).normal(size=shape).astype(np.float32)
        image = sn.SpatialArray(values, origin=[1.0] * len(shape), spacing=[0.5] * len(shape))
        mask, plain_mask = image > 0.5, values > 0.5
        calls: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
            ("gaussian_filter(x, 1)", lambda: scipy_ndi.gaussian_filter(values, 1), lambda: ndi.gaussian_filter(image, 1)),
            ("median_filter(x, size=3)", lambda: scipy_ndi.median_filter(values, size=3), lambda: ndi.median_filter(image, size=3)),
            ("label(mask)", lambda: scipy_ndi.label(plain_mask), lambda: ndi.label(mask)),
            ("zoom(x, 0.5, order=1)", lambda: scipy_ndi.zoom(values, 0.5, order=1), lambda: ndi.zoom(image, 0.5, order=1)),
            ("center_of_mass(x)", lambda: scipy_ndi.center_of_mass(values), lambda: ndi.center_of_mass(image)),
        ]
        for name, theirs, ours in calls:
            repeat = 7 if len(shape) == 2 else 3
            t_scipy, t_ours = interleaved(theirs, ours, repeat)
            print(f"{name:<34}{str(shape):>16}{t_scipy * 1e6:>12.1f}{t_ours * 1e6:>12.1f}"
                  f"{(t_ours - t_scipy) * 1e6:>13.1f}{t_ours / t_scipy:>8.2f}")


if __name__ == "__main__":
    main()
