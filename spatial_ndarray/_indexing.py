"""Decide which geometry rule a basic index applies (SPEC.md chapters 5 and 6).

The maths is in `spatial_ndarray.geometry`; this module only reads the key.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .geometry import Geometry

__all__ = ["index_geometry"]


def _as_integer(item: Any) -> int | None:
    """The integer a basic-index entry stands for, or None when it is not an integer index."""
    if type(item) is int:
        return item
    if isinstance(item, (bool, np.bool_)):
        return None  # numpy treats booleans as advanced (mask) indices
    if isinstance(item, np.ndarray) and item.ndim != 0:
        return None
    try:
        return operator.index(item)
    except TypeError:
        return None


def index_geometry(geometry: Geometry, shape: tuple[int, ...], key: Any) -> Geometry | None:
    """Geometry of ``array[key]``, or None when the result must be a plain array.

    Call this only after numpy has indexed successfully, so that the key is
    known to be valid for ``shape``.

    Parameters
    ----------
    geometry : Geometry
        Geometry of the indexed array.
    shape : tuple of int
        Shape of the indexed array.
    key : object
        The key given to ``__getitem__``.

    Returns
    -------
    Geometry or None
        None for advanced indexing (SA-6.1), a new axis before a kept spatial
        axis (SA-5.5), or no spatial axis left (SA-4.3).

    Examples
    --------
    >>> g = Geometry.identity(2)
    >>> index_geometry(g, (4, 5), (slice(1, None), 2)).origin
    array([1., 2.])
    >>> index_geometry(g, (4, 5), [0, 1]) is None
    True
    """
    if type(key) is not tuple:
        if type(key) is slice:  # the commonest case: one slice on axis 0
            start, _, step = key.indices(shape[0])
            if not start and step == 1:
                return geometry
            return geometry.first_axis_sliced(start, step)
        key = (key,)
    n = geometry.spatial_ndim
    starts = [0] * n
    steps = [1] * n
    keep: list[bool] | None = None
    changed = False
    new_axis_at: list[int] = []
    axis = 0
    for position, item in enumerate(key):
        if type(item) is slice:
            if axis < n:
                start, _, step = item.indices(shape[axis])
                if start or step != 1:
                    starts[axis] = start
                    steps[axis] = step
                    changed = True
            axis += 1
        elif item is None:
            new_axis_at.append(axis)
        elif item is Ellipsis:
            # the ellipsis stands for every axis the items after it do not consume
            after = 0
            for later in key[position + 1 :]:
                if later is None or later is Ellipsis:
                    continue
                if type(later) is not slice and _as_integer(later) is None:
                    return _advanced_on_components(geometry, shape, key)
                after += 1
            axis = len(shape) - after
        else:
            index = _as_integer(item)
            if index is None:
                return _advanced_on_components(geometry, shape, key)
            if axis < n:
                starts[axis] = index + shape[axis] if index < 0 else index
                if keep is None:
                    keep = [True] * n
                keep[axis] = False
                changed = True
            axis += 1

    if keep is not None and not any(keep):
        return None  # SA-4.3: no spatial axis left
    if new_axis_at:
        last_kept = max(i for i in range(n) if keep is None or keep[i])
        if min(new_axis_at) <= last_kept:
            return None  # SA-5.5: a new axis in front of a spatial axis has no geometry
    if not changed:
        return geometry
    return geometry.sliced(starts, steps, keep)


def _advanced_on_components(geometry: Geometry, shape: tuple[int, ...], key: tuple[Any, ...]) -> Geometry | None:
    """Geometry of an index with integer-array or boolean-array entries, or None (plain).

    The grid is kept only when the advanced entries all fall on component axes,
    next to each other (numpy then leaves them in place, after the spatial axes),
    with no integer or newaxis entry (numpy would fold an integer into the advanced
    block, and may move it in front); the spatial axes take slices only (SA-6.2).
    Anything else selects elements that do not form a grid: plain (SA-6.1).
    """
    consumed: list[int | None] = []  # axes each entry consumes; None for the ellipsis
    advanced: list[bool] = []
    for item in key:
        if item is None or (item is not Ellipsis and type(item) is not slice and _as_integer(item) is not None):
            return None
        if item is Ellipsis:
            consumed.append(None)
            advanced.append(False)
        elif type(item) is slice:
            consumed.append(1)
            advanced.append(False)
        else:
            entry = np.asarray(item)
            if entry.dtype == np.bool_ and entry.ndim > 0:
                consumed.append(entry.ndim)
            elif entry.dtype.kind in "iu" and entry.size > 0 or (entry.dtype.kind in "iuf" and entry.size == 0 and entry.ndim == 1):
                consumed.append(1)
            else:
                return None  # a boolean scalar adds an axis; anything else is numpy's error or not an index
            advanced.append(True)
    flags = [i for i, is_advanced in enumerate(advanced) if is_advanced]
    if flags[-1] - flags[0] + 1 != len(flags):
        return None  # advanced entries apart: numpy moves their axes to the front
    explicit = sum(c for c in consumed if c is not None)
    n = geometry.spatial_ndim
    starts = [0] * n
    steps = [1] * n
    axis = 0
    for item, count, is_advanced in zip(key, consumed, advanced):
        if count is None:
            axis += len(shape) - explicit
            continue
        if is_advanced and axis < n:
            return None  # an advanced index on a spatial axis: the elements leave the grid
        if type(item) is slice and axis < n:
            starts[axis], _, steps[axis] = item.indices(shape[axis])
        axis += count
    if starts == [0] * n and steps == [1] * n:
        return geometry
    return geometry.sliced(starts, steps, None)
