"""Per-operation overhead of SpatialArray against plain numpy (and astropy Quantity when installed).

    python benchmarks/bench_core.py [--quick]

Every operation is timed for each array type in the same process, interleaved,
as the best of several repeats (the minimum is the least noisy estimate of
the cost itself). The table gives times in microseconds, the overhead over
numpy in microseconds, and the ratio to numpy.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

import spatial_ndarray as sn

try:  # optional: the reference for a widely used ndarray subclass
    import astropy
    import astropy.units as u
except ImportError:  # pragma: no cover - depends on the environment
    u = None

SHAPES = {10: (10, 1, 1), 1_000: (10, 10, 10), 1_000_000: (100, 100, 100)}

# Each operation takes a, b (same grid as a) and c (the grid continued after a along axis 0).
OPERATIONS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "a + b": lambda a, b, c: a + b,
    "np.sin(a)": lambda a, b, c: np.sin(a),
    "a.sum()": lambda a, b, c: a.sum(),
    "a.sum(axis=0)": lambda a, b, c: a.sum(axis=0),
    "a[1:-1]": lambda a, b, c: a[1:-1],
    "a[2:-2, ::2, ::-1]": lambda a, b, c: a[2:-2, ::2, ::-1],
    "np.concatenate([a, c])": lambda a, b, c: np.concatenate([a, c]),
    "np.mean(a, axis=0)": lambda a, b, c: np.mean(a, axis=0),
    "np.pad(a, 1)": lambda a, b, c: np.pad(a, 1),
    "np.moveaxis(a, 0, -1)": lambda a, b, c: np.moveaxis(a, 0, -1),
}


def best_times(funcs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best seconds per call of each function, interleaved: every repeat times every kind in turn,
    so that all kinds see the same machine state (a 2-core machine's noise is larger than the effect)."""
    timers = {kind: timeit.Timer(func) for kind, func in funcs.items()}
    numbers = {kind: max(1, timer.autorange()[0] // 4) for kind, timer in timers.items()}
    best = {kind: float("inf") for kind in funcs}
    for _ in range(repeat):
        for kind, timer in timers.items():
            best[kind] = min(best[kind], timer.timeit(numbers[kind]) / numbers[kind])
    return best


def operands(size: int) -> dict[str, tuple[Any, Any, Any]]:
    shape = SHAPES[size]
    rng = np.random.default_rng(0)
    a = rng.random(shape)
    b = rng.random(shape)
    direction = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    geometry = sn.Geometry(origin=[1.0, 2.0, 3.0], spacing=[0.5, 0.7, 2.0], direction=direction)
    after = geometry.shifted([shape[0], 0, 0])
    kinds = {
        "numpy": (a, b, b),
        "SpatialArray": (
            sn.SpatialArray(a, geometry=geometry),
            sn.SpatialArray(b, geometry=geometry),
            sn.SpatialArray(b, geometry=after),
        ),
    }
    if u is not None:
        kinds["Quantity"] = (a * u.rad, b * u.rad, b * u.rad)  # radians: sin accepts them
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 15

    versions = f"python {platform.python_version()}, numpy {np.__version__}, spatial_ndarray {sn.__version__}"
    if u is not None:
        versions += f", astropy {astropy.__version__}"
    print(versions, flush=True)
    header = f"{'operation':<22}{'elements':>10}{'numpy us':>11}{'spatial us':>12}{'overhead us':>13}{'ratio':>8}"
    if u is not None:
        header += f"{'Quantity us':>13}{'overhead us':>13}{'ratio':>8}"
    print(header)
    print("-" * len(header), flush=True)
    started = time.perf_counter()
    for number, (name, operation) in enumerate(OPERATIONS.items(), 1):
        # progress on stderr (the table on stdout stays clean when redirected)
        print(f"[{number}/{len(OPERATIONS)}] {name} ({time.perf_counter() - started:.0f} s elapsed)", file=sys.stderr, flush=True)
        for size in SHAPES:
            kinds = operands(size)
            for a, b, c in kinds.values():
                operation(a, b, c)  # warm up (and fill the geometry memo, as a loop would)
            times = best_times(
                {kind: (lambda a=a, b=b, c=c: operation(a, b, c)) for kind, (a, b, c) in kinds.items()}, repeat
            )
            base = times["numpy"]
            row = f"{name:<22}{size:>10.0e}{base * 1e6:>11.2f}"
            for kind in ("SpatialArray", "Quantity"):
                if kind in times:
                    row += f"{times[kind] * 1e6:>{12 if kind == 'SpatialArray' else 13}.2f}"
                    row += f"{(times[kind] - base) * 1e6:>13.2f}{times[kind] / base:>8.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
