"""The checker's own small oracle of SPEC.md: positions, and the geometry each operation must give.

Written from the spec's text, independently of any implementation, so that the
checker and the implementations it checks verify each other. ``None`` as an
expected geometry means "geometry undefined: the result must be plain".
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Geom", "binned", "compare", "describe", "diffed", "geometry_of", "indexed", "is_spatial",
           "orthonormal", "padded", "permuted", "position", "positions_kept", "source_index"]


class Geom(NamedTuple):
    """origin (P,), spacing (N,), direction (P, N), all float64."""

    origin: np.ndarray
    spacing: np.ndarray
    direction: np.ndarray


def position(origin: Any, spacing: Any, direction: Any, index: Any) -> np.ndarray:
    """SA-2.1: ``origin + direction @ (spacing * index)``, one axis at a time."""
    point = np.array(origin, dtype=np.float64)
    direction = np.asarray(direction, dtype=np.float64)
    for axis, k in enumerate(index):
        point = point + direction[:, axis] * (float(np.asarray(spacing)[axis]) * float(k))
    return point


def geometry_of(array: Any) -> Geom:
    """The three protocol attributes as float64 arrays of shapes (P,), (N,), (P, N).

    Read by size, not by shape: the shape clauses (SA-1.2 to SA-1.4) have checks
    of their own, and a wrong shape must fail those, not every position check.
    """
    origin = np.asarray(array.origin, dtype=np.float64).reshape(-1)
    spacing = np.asarray(array.spacing, dtype=np.float64).reshape(-1)
    direction = np.asarray(array.direction, dtype=np.float64).reshape(origin.size, spacing.size)
    return Geom(origin, spacing, direction)


def is_spatial(value: Any) -> bool:
    """True when ``value`` carries the protocol attributes."""
    return all(hasattr(value, name) for name in ("origin", "spacing", "direction"))


def orthonormal(rng: np.random.Generator, p: int, n: int) -> np.ndarray:
    """A random ``(p, n)`` matrix with orthonormal columns."""
    q, r = np.linalg.qr(rng.normal(size=(p, p)))
    return np.ascontiguousarray((q * np.sign(np.diag(r)))[:, :n])


def source_index(value: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index an element came from, for data built as ``arange`` (unique values)."""
    return tuple(int(i) for i in np.unravel_index(int(value.real if isinstance(value, complex) else value), shape))


def positions_kept(original: Geom, original_shape: tuple[int, ...], derived: Any, values: np.ndarray,
                   scale: float) -> str | None:
    """SA-5.1: None when every element of ``derived`` sits where its source element sat, else a description."""
    o, s, d = original
    ro, rs, rd = geometry_of(derived)
    if values.size == 0:
        return None
    flat = np.asarray(values.real if np.iscomplexobj(values) else values).astype(np.int64).reshape(-1)
    source = np.stack(np.unravel_index(flat, original_shape), axis=-1)[:, : len(s)].astype(np.float64)
    index = np.stack(np.unravel_index(np.arange(values.size), values.shape), axis=-1)[:, : len(rs)].astype(np.float64)
    if ro.shape != o.shape:
        return f"the result has P={ro.size} physical coordinates, its source P={o.size}"
    got = ro + (index * rs) @ rd.T
    want = o + (source * s) @ d.T
    bad = np.flatnonzero(~np.all(np.abs(got - want) <= 1e-9 * scale, axis=1))
    if bad.size == 0:
        return None
    k = int(bad[0])
    at = tuple(int(i) for i in np.unravel_index(k, values.shape))
    src = tuple(int(i) for i in np.unravel_index(int(flat[k]), original_shape))
    return (f"element {at} (value {values[at]!r}, from element {src}) is at {_fmt(got[k])} "
            f"but its source was at {_fmt(want[k])}")


# -- the geometry each operation gives (SPEC chapters 5, 8, 9, 13) ------------------------------------------


def _moved(g: Geom, axis: int, steps: float) -> np.ndarray:
    return g.origin + g.direction[:, axis] * (g.spacing[axis] * steps)


def indexed(g: Geom, shape: tuple[int, ...], key: Any) -> Geom | None:
    """SA-5.2 to SA-5.5 and SA-6.1: the geometry of ``a[key]``, or None when it must be plain."""
    key = key if isinstance(key, tuple) else (key,)
    basic = (slice, type(None), type(Ellipsis), int, np.integer)
    if any(isinstance(k, (bool, np.bool_)) or not isinstance(k, basic) for k in key):
        return None  # SA-6.1: advanced indexing
    n = len(g.spacing)
    consumed = sum(k is not None and k is not Ellipsis for k in key)
    expanded: list[Any] = []
    for k in key:
        expanded.extend([slice(None)] * (len(shape) - consumed) if k is Ellipsis else [k])
    origin = g.origin.copy()
    spacing: list[float] = []
    columns: list[np.ndarray] = []
    kept_before_newaxis: list[int] = []
    axis = 0
    for k in expanded:
        if k is None:
            kept_before_newaxis.append(len(spacing))
            continue
        if axis < n:
            if isinstance(k, slice):
                start, _, step = k.indices(shape[axis])
                origin = origin + g.direction[:, axis] * (g.spacing[axis] * start)
                spacing.append(g.spacing[axis] * abs(step))
                columns.append(g.direction[:, axis] * (1.0 if step > 0 else -1.0))
            else:
                j = operator.index(k)
                j = j + shape[axis] if j < 0 else j
                origin = origin + g.direction[:, axis] * (g.spacing[axis] * j)
        axis += 1
    for rest in range(axis, n):
        spacing.append(g.spacing[rest])
        columns.append(g.direction[:, rest])
    if not spacing or any(count < len(spacing) for count in kept_before_newaxis):
        return None  # SA-4.3, SA-5.5
    return Geom(origin, np.array(spacing), np.stack(columns, axis=1))


def binned(g: Geom, shape: tuple[int, ...], axes: Any, keepdims: bool) -> Geom | None:
    """SA-8.1 to SA-8.5: the geometry of a reduction over ``axes`` (None: every axis)."""
    n = len(g.spacing)
    ndim = len(shape)
    chosen = range(ndim) if axes is None else [a % ndim for a in np.atleast_1d(axes)]
    spatial = sorted({a for a in chosen if a < n})
    if len(spatial) == n or any(shape[a] == 0 for a in spatial):
        return None
    origin = g.origin.copy()
    for a in spatial:
        origin = origin + g.direction[:, a] * (g.spacing[a] * (shape[a] - 1) / 2)
    if keepdims:
        spacing = g.spacing.copy()
        for a in spatial:
            spacing[a] *= shape[a]
        return Geom(origin, spacing, g.direction.copy())
    keep = [a for a in range(n) if a not in spatial]
    return Geom(origin, g.spacing[keep], g.direction[:, keep])


def permuted(g: Geom, order: tuple[int, ...]) -> Geom | None:
    """SA-9.1: spatial axes permuted with the array axes; a component axis in front of one gives None."""
    n = len(g.spacing)
    if any(a >= n for a in order[:n]):
        return None
    return Geom(g.origin.copy(), g.spacing[list(order[:n])], g.direction[:, list(order[:n])])


def padded(g: Geom, before: list[int]) -> Geom:
    """SA-13.5: the origin moves back by the leading pad width of each spatial axis."""
    origin = g.origin.copy()
    for axis, width in enumerate(before[: len(g.spacing)]):
        origin = origin - g.direction[:, axis] * (g.spacing[axis] * width)
    return Geom(origin, g.spacing.copy(), g.direction.copy())


def diffed(g: Geom, axis: int, n: int, prepended: int = 0) -> Geom:
    """SA-13.5: ``diff`` of order n moves the origin by ``n / 2 - m`` spacings along a spatial axis."""
    if axis >= len(g.spacing):
        return Geom(g.origin.copy(), g.spacing.copy(), g.direction.copy())
    return Geom(_moved(g, axis, n / 2 - prepended), g.spacing.copy(), g.direction.copy())


# -- comparing and describing geometries ---------------------------------------------------------------------


def _fmt(value: Any) -> str:
    return np.array2string(np.asarray(value, dtype=np.float64), precision=12, separator=", ",
                           max_line_width=10_000, floatmode="maxprec")


def describe(g: Geom) -> str:
    """One line: origin, spacing, direction."""
    return f"origin={_fmt(g.origin)} spacing={_fmt(g.spacing)} direction={_fmt(g.direction)}"


def compare(expected: Geom, observed: Geom, scale: float) -> str | None:
    """None when the two geometries agree to rounding, else the differing parts side by side."""
    parts = []
    if observed.origin.shape != expected.origin.shape:
        parts.append("origin length")
    elif not np.allclose(observed.origin, expected.origin, rtol=0, atol=1e-9 * scale):
        parts.append("origin")
    if observed.spacing.shape != expected.spacing.shape:
        parts.append("spacing length")
    elif not np.allclose(observed.spacing, expected.spacing, rtol=1e-9, atol=0):
        parts.append("spacing")
    if observed.direction.shape != expected.direction.shape:
        parts.append("direction shape")
    elif not np.allclose(observed.direction, expected.direction, rtol=0, atol=1e-9):
        parts.append("direction")
    if not parts:
        return None
    return (f"{', '.join(parts)} differ\n"
            f"      expected {describe(expected)}\n"
            f"      observed {describe(observed)}")
