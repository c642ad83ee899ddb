"""to_xarray and from_xarray on a 256^3 volume: costs follow the axis lengths, not the voxels.

    python benchmarks/bench_xarray.py

Both conversions share memory; the table shows their time next to one pass over
the data (np.copy) for scale.
"""

from __future__ import annotations

import timeit

import numpy as np

import spatial_ndarray as sn


def best(func: object, repeat: int = 7) -> float:
    timer = timeit.Timer(func)  # type: ignore[arg-type]
    number = max(1, timer.autorange()[0] // 4)
    return min(timer.repeat(repeat, number)) / number


def main() -> None:
    print(f"{'side':>6}{'voxels':>12}{'to_xarray ms':>15}{'from_xarray ms':>16}{'np.copy ms':>12}")
    rotation = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    for side in (64, 128, 256):
        image = sn.SpatialArray(np.zeros((side,) * 3, dtype=np.float32), origin=[1, 2, 3], spacing=[0.5, 0.5, 1.0],
                                direction=rotation)
        data_array = image.to_xarray()
        to = best(lambda: image.to_xarray())
        back = best(lambda: sn.from_xarray(data_array))
        copy = best(lambda: np.copy(image.view(np.ndarray)), repeat=3)
        print(f"{side:>6}{side ** 3:>12}{to * 1e3:>15.3f}{back * 1e3:>16.3f}{copy * 1e3:>12.3f}")


if __name__ == "__main__":
    main()
