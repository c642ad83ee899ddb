"""Hypothesis strategies and an independent position oracle for the tests.

The oracle computes physical positions from the three public attributes with its
own loop (SPEC SA-2.1), so a test never checks the implementation against its
own derivation code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spatial_ndarray as sn


def position(origin: np.ndarray, spacing: np.ndarray, direction: np.ndarray, index: Any) -> np.ndarray:
    """``origin + sum_i direction[:, i] * spacing[i] * index[i]``, written out."""
    point = np.array(origin, dtype=np.float64)
    for i, k in enumerate(index):
        point = point + direction[:, i] * (spacing[i] * float(k))
    return point


def array_position(array: Any, index: Any) -> np.ndarray:
    """Physical position of spatial ``index`` of ``array``, read through its public attributes."""
    return position(np.asarray(array.origin), np.asarray(array.spacing), np.asarray(array.direction), index)


@st.composite
def orthonormal(draw: st.DrawFn, p: int, n: int) -> np.ndarray:
    """A ``(p, n)`` matrix with orthonormal columns: axis-aligned, permuted, flipped or oblique."""
    kind = draw(st.sampled_from(["identity", "permuted", "oblique"]))
    if kind == "oblique":
        seed = draw(st.integers(0, 2**32 - 1))
        q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(p, p)))
        q = q * np.sign(np.diag(r))
        return np.ascontiguousarray(q[:, :n])
    eye = np.eye(p)
    if kind == "permuted":
        eye = eye[:, draw(st.permutations(range(p)))]
        signs = np.array(draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=p, max_size=p)))
        eye = eye * signs
    return eye[:, :n]


@st.composite
def geometries(draw: st.DrawFn, n: int, embedded: bool = True) -> sn.Geometry:
    """A valid geometry with ``n`` spatial axes, sometimes embedded in a larger space."""
    p = n + (draw(st.integers(0, 1)) if embedded else 0)
    origin = draw(hnp.arrays(np.float64, p, elements=st.floats(-1e3, 1e3, allow_nan=False)))
    spacing = draw(hnp.arrays(np.float64, n, elements=st.floats(1e-2, 1e2)))
    direction = draw(orthonormal(p, n))
    return sn.Geometry(origin, spacing, direction)


@st.composite
def spatial_arrays(draw: st.DrawFn, max_spatial: int = 3, components: bool = True, max_side: int = 6) -> sn.SpatialArray:
    """A SpatialArray of unique values (``arange``), so every element can be traced back."""
    n = draw(st.integers(1, max_spatial))
    n_components = draw(st.integers(0, 1)) if components else 0
    shape = tuple(draw(st.lists(st.integers(1, max_side), min_size=n, max_size=n)))
    shape += tuple(draw(st.lists(st.integers(1, 3), min_size=n_components, max_size=n_components)))
    geometry = draw(geometries(n))
    values = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    return sn.SpatialArray(values, geometry=geometry)


@st.composite
def basic_keys(draw: st.DrawFn, shape: tuple[int, ...], n: int) -> tuple[Any, ...]:
    """A basic index for ``shape``: slices (any steps, bounds past the ends), integers, ``...``, newaxis.

    Newaxis is only placed after the spatial axes, where it adds a component
    axis (SPEC SA-5.5), so the result keeps its geometry whenever a spatial axis
    survives.
    """
    items: list[Any] = []
    for axis, length in enumerate(shape):
        kind = draw(st.sampled_from(["slice", "slice", "int", "full"]))
        if kind == "int" and length > 0:
            items.append(draw(st.integers(-length, length - 1)))
        elif kind == "full":
            items.append(slice(None))
        else:
            start = draw(st.none() | st.integers(-length - 2, length + 2))
            stop = draw(st.none() | st.integers(-length - 2, length + 2))
            step = draw(st.none() | st.integers(-3, 3).filter(lambda s: s != 0))
            items.append(slice(start, stop, step))
    if draw(st.booleans()):
        items.append(None)  # a new trailing component axis
    if draw(st.booleans()) and len(items) > 1:
        # replace a run of trailing full slices by an ellipsis where that is equivalent
        cut = draw(st.integers(1, len(items)))
        tail = items[cut:]
        if all(isinstance(t, slice) and t == slice(None) for t in tail):
            items = items[:cut] + [Ellipsis]
    return tuple(items)
