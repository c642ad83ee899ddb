"""Decide which geometry a reduction leaves (SPEC.md chapter 8).

The binning maths is `Geometry.binned`; this module only reads ``axis`` and
``keepdims``.
"""

from __future__ import annotations

from typing import Any

from numpy.lib.array_utils import normalize_axis_tuple

from .errors import GeometryMismatchError
from .geometry import Geometry

__all__ = ["check_reduction_out", "reduction_rule"]


def _spatial_axes(axis: Any, n: int, ndim: int) -> list[int]:
    if axis is None:
        return list(range(n))
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, without numpy's helper
        axis = axis + ndim if axis < 0 else axis
        return [axis] if axis < n else []
    return sorted(a for a in normalize_axis_tuple(axis, ndim) if a < n)


def reduction_rule(
    geometry: Geometry, shape: tuple[int, ...], axis: Any, keepdims: bool
) -> tuple[Geometry | None, tuple[int, ...]]:
    """Geometry after reducing ``axis`` of an array of ``shape`` (None: plain), and the result's spatial shape.

    ``axis`` follows numpy: None (every axis), an int or a tuple of ints,
    negatives allowed. An invalid axis raises numpy's ``AxisError``. The answer
    is memoized on the geometry, so repeating a reduction costs a lookup.

    Examples
    --------
    >>> reduction_rule(Geometry.identity(2), (4, 5), axis=0, keepdims=False)[0].origin
    array([1.5, 0. ])
    >>> reduction_rule(Geometry.identity(2), (4, 5, 3), axis=(0, 2), keepdims=True)[1]
    (1, 5)
    >>> reduction_rule(Geometry.identity(2), (4, 5), axis=None, keepdims=False)[0] is None
    True
    >>> reduction_rule(Geometry.identity(2), (4, 5), axis=None, keepdims=True)[0] is None
    True
    """
    try:
        key = ("reduce", shape, axis, keepdims)
        hash(key)
    except TypeError:  # an axis given as a list: numpy accepts some of these
        return _reduction_rule(geometry, shape, axis, keepdims)
    return geometry._memoized(key, lambda: _reduction_rule(geometry, shape, axis, keepdims))


def _reduction_rule(
    geometry: Geometry, shape: tuple[int, ...], axis: Any, keepdims: bool
) -> tuple[Geometry | None, tuple[int, ...]]:
    n = geometry.spatial_ndim
    axes = _spatial_axes(axis, n, len(shape))
    if keepdims:
        spatial_shape = tuple(1 if i in axes else shape[i] for i in range(n))
    else:
        spatial_shape = tuple(shape[i] for i in range(n) if i not in axes)
    if not axes:
        return geometry, spatial_shape  # SA-8.3: component axes only
    if len(axes) == n:
        return None, spatial_shape  # SA-8.4: a global statistic, plain with or without keepdims
    lengths = [shape[a] for a in axes]
    if 0 in lengths:
        return None, spatial_shape  # SA-8.5: an empty axis has no centre
    return geometry.binned(axes, lengths, keepdims), spatial_shape


def check_reduction_out(out_geometry: Geometry | None, geometry: Geometry | None) -> None:
    """Raise unless a spatial ``out`` already has the reduction's geometry (SA-8.7).

    ``out_geometry`` None means ``out`` is plain (or its geometry is unknown):
    nothing to check.
    """
    if out_geometry is None:
        return
    if geometry is None:
        raise GeometryMismatchError(
            f"out has geometry {out_geometry!r} but the reduction's result has none (SA-8.4, SA-8.7)"
        )
    reason = out_geometry.mismatch(geometry)
    if reason is not None:
        raise GeometryMismatchError(
            f"out is not in the reduction's result space (SA-8.7): {reason}\n"
            f"  result: {geometry!r}\n  out: {out_geometry!r}"
        )
