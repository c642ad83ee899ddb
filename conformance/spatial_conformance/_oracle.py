"""The checker's own small oracle of SPEC.md: positions, tracing, binning, tolerance.

Written independently of any implementation, so that the checker and the
implementations it checks verify each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["geometry_of", "is_spatial", "orthonormal", "position", "positions_kept", "source_index"]


def position(origin: Any, spacing: Any, direction: Any, index: Any) -> np.ndarray:
    """SA-2.1: ``origin + direction @ (spacing * index)``, one axis at a time."""
    point = np.array(origin, dtype=np.float64)
    direction = np.asarray(direction, dtype=np.float64)
    for axis, k in enumerate(index):
        point = point + direction[:, axis] * (float(np.asarray(spacing)[axis]) * float(k))
    return point


def geometry_of(array: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three protocol attributes as float64 arrays of shapes (P,), (N,), (P, N).

    Read by size, not by shape: the shape clauses (SA-1.2 to SA-1.4) have checks
    of their own, and a wrong shape must fail those, not every position check.
    """
    origin = np.asarray(array.origin, dtype=np.float64).reshape(-1)
    spacing = np.asarray(array.spacing, dtype=np.float64).reshape(-1)
    direction = np.asarray(array.direction, dtype=np.float64).reshape(origin.size, spacing.size)
    return origin, spacing, direction


def is_spatial(value: Any) -> bool:
    """True when ``value`` carries the protocol attributes."""
    return all(hasattr(value, name) for name in ("origin", "spacing", "direction"))


def orthonormal(rng: np.random.Generator, p: int, n: int) -> np.ndarray:
    """A random ``(p, n)`` matrix with orthonormal columns."""
    q, r = np.linalg.qr(rng.normal(size=(p, p)))
    return np.ascontiguousarray((q * np.sign(np.diag(r)))[:, :n])


def source_index(value: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index an element came from, for data built as ``arange`` (unique values)."""
    return tuple(int(i) for i in np.unravel_index(int(value), shape))


def positions_kept(original: Any, original_shape: tuple[int, ...], derived: Any, scale: float) -> str | None:
    """SA-5.1: None when every element of ``derived`` sits where its source element sat, else a description."""
    o, s, d = geometry_of(original)
    n_original = len(s)
    ro, rs, rd = geometry_of(derived)
    n_derived = len(rs)
    values = np.asarray(derived)
    for index in np.ndindex(*values.shape):
        source = source_index(values[index], original_shape)
        got = position(ro, rs, rd, index[:n_derived])
        want = position(o, s, d, source[:n_original])
        if got.shape != want.shape or not np.allclose(got, want, rtol=0, atol=1e-9 * scale):
            return (
                f"element {index} (value {float(values[index])!r}, from element {source}) is at {got.tolist()} "
                f"but its source was at {want.tolist()}"
            )
    return None
