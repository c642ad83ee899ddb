"""to_xarray and from_xarray from 64^3 to 256^3: costs follow the axis lengths, not the voxels.

    python benchmarks/bench_xarray.py

Both conversions share memory, and the physical layout's coordinates are lazy (a
`GeometryIndex`): nothing is computed per voxel until asked. The table shows both
layouts, an oblique (N-D coordinates) and a flipped (1-D coordinates) volume, next
to one pass over the data (np.copy) for scale. The last columns materialise one
N-D coordinate, which is what the lazy index saves.
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
    rotation = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    flipped = np.diag([1.0, -1.0, 1.0])
    print(f"{'side':>6}{'voxels':>12}{'kind':>9}{'layout':>10}{'to_xarray ms':>14}{'from_xarray ms':>16}{'np.copy ms':>12}"
          f"{'one N-D coord ms':>18}")
    for side in (64, 128, 256):
        for kind, direction in (("oblique", rotation), ("flipped", flipped)):
            image = sn.SpatialArray(np.zeros((side,) * 3, dtype=np.float32), origin=[1, 2, 3], spacing=[0.5, 0.5, 1.0],
                                    direction=direction)
            copy = best(lambda: np.copy(image.view(np.ndarray)), repeat=3)
            for layout in ("physical", "itk"):
                data_array = image.to_xarray(layout=layout)
                to = best(lambda: image.to_xarray(layout=layout))
                back = best(lambda: sn.from_xarray(data_array))
                coordinate = ""
                if layout == "physical" and kind == "oblique":
                    coordinate = f"{best(lambda: data_array.coords['x'].values, repeat=2) * 1e3:>18.1f}"
                print(f"{side:>6}{side ** 3:>12}{kind:>9}{layout:>10}{to * 1e3:>14.3f}{back * 1e3:>16.3f}{copy * 1e3:>12.3f}"
                      f"{coordinate}")


if __name__ == "__main__":
    main()
