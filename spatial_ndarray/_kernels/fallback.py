"""The numpy twin of ``_resample.c``: the same arithmetic, operation for operation, so results agree bit for bit.

Used when the compiled extension is not importable (an sdist built without a compiler) or when
``SPATIAL_NDARRAY_PURE_PYTHON=1``. See ``_resample.c`` for the contract.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NEAREST, LINEAR = 0, 1
_PLANES_PER_PASS = 8  # bounds the temporary arrays (a few float64 per output voxel of one pass)


def round_to(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float64 -> ``dtype``: integers by ``rint`` (ties to even), NaN -> 0, clamped to the type's range."""
    if dtype.kind == "f":
        return values.astype(dtype)
    info = np.iinfo(dtype)
    high = float(info.max) if info.bits < 64 else float(np.nextafter(2.0**63, 0))
    rounded = np.clip(np.rint(values), float(info.min), high)
    return np.where(np.isnan(rounded), 0.0, rounded).astype(dtype)


def resample(
    values: np.ndarray, out: np.ndarray, matrix: Sequence[float], offset: Sequence[float], out_start: Sequence[int],
    in_start: Sequence[int], full_shape: Sequence[int], interp: int, default: bytes, plane_lo: int, plane_hi: int,
) -> None:
    """Fill planes ``[plane_lo, plane_hi)`` of ``out``; the signature of the compiled ``_resample.resample``."""
    nd = values.ndim - 1
    m = np.asarray(matrix, dtype=np.float64).reshape(nd, nd)
    b = np.asarray(offset, dtype=np.float64)
    full = np.asarray(full_shape, dtype=np.int64)
    start = np.asarray(in_start, dtype=np.int64)
    fill = np.frombuffer(default, dtype=out.dtype)[0]
    for lo in range(max(0, plane_lo), min(plane_hi, out.shape[0]), _PLANES_PER_PASS):
        hi = min(lo + _PLANES_PER_PASS, plane_hi, out.shape[0])
        grids = [np.arange(lo, hi)] + [np.arange(n) for n in out.shape[1:nd]]
        g = [(out_start[a] + grid).astype(np.float64) for a, grid in enumerate(grids)]
        j = (out_start[nd - 1] + np.arange(out.shape[nd - 1])).astype(np.float64)
        positions = []
        for a in range(nd):
            row = b[a] + m[a, 0] * g[0]  # the C kernel's order: b + m0 * g0 [+ m1 * g1], then + m_last * j
            if nd == 3:
                row = row[:, None] + m[a, 1] * g[1][None, :]
            positions.append(row[..., None] + m[a, nd - 1] * j)
        inside = np.ones(positions[0].shape, dtype=bool)
        for a in range(nd):
            inside &= (positions[a] >= -0.5) & (positions[a] < full[a] - 0.5)
        block = out[lo:hi]
        picked = interpolate(values, positions, inside, full, start, interp)
        block[...] = picked if picked.dtype == out.dtype else round_to(picked.astype(np.float64), out.dtype)
        block[~inside] = fill


def interpolate(values: np.ndarray, positions: list[np.ndarray], inside: np.ndarray, full: np.ndarray, start: np.ndarray,
                interp: int) -> np.ndarray:
    """Values at continuous input ``positions`` (one array per spatial axis), the C kernel's arithmetic.

    Nearest returns the input's own values (its dtype); linear returns float64. Entries where ``inside`` is
    False are computed at index 0 and meant to be overwritten.
    """
    nd = len(positions)
    if interp == NEAREST:
        index = []
        for a in range(nd):
            k = np.right_shift(np.rint(np.where(inside, positions[a], 0.0) * 2 + 0.5).astype(np.int64), 1)
            index.append(_crop_index(np.clip(k, 0, full[a] - 1) - start[a], values.shape[a], inside))
        return values[tuple(index)]  # type: ignore[no-any-return]
    base, upper, distance = [], [], []
    extra = (None,) * (values.ndim - nd)
    for a in range(nd):
        x = np.where(inside, positions[a], 0.0)
        f = np.floor(x)
        i = f.astype(np.int64)
        d = x - f
        d = np.where(i < 0, 0.0, d)
        i = np.maximum(i, 0)
        n = np.where((i + 1 > full[a] - 1) | ~(d > 0.0), i, i + 1)
        base.append(_crop_index(i - start[a], values.shape[a], inside))
        upper.append(_crop_index(n - start[a], values.shape[a], inside))
        distance.append(d[(...,) + extra])
    return _lerp(values, base, upper, distance)


def _crop_index(index: np.ndarray, length: int, inside: np.ndarray) -> np.ndarray:
    if np.any(inside & ((index < 0) | (index >= length))):
        raise ValueError("the input crop does not hold every voxel this output block reads")
    return np.where(inside, index, 0)


def _lerp(values: np.ndarray, base: list[np.ndarray], upper: list[np.ndarray], distance: list[np.ndarray]) -> np.ndarray:
    """ITK's order: along the last axis first, each step ``a + (b - a) * d`` in float64."""
    def at(corner: tuple[int, ...]) -> np.ndarray:
        index = tuple(upper[a] if c else base[a] for a, c in enumerate(corner))
        return values[index].astype(np.float64)

    def reduce(prefix: tuple[int, ...]) -> np.ndarray:
        axis = len(prefix)
        if axis == len(base) - 1:
            low, high = at(prefix + (0,)), at(prefix + (1,))
        else:
            low, high = reduce(prefix + (0,)), reduce(prefix + (1,))
        return low + (high - low) * distance[axis]

    return reduce(())
