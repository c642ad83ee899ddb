"""Collecting the spatial operands of an operation and checking they share one space.

Used by ufuncs and by numpy functions with several array arguments (SPEC SA-7.2).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import GeometryMismatchError
from .geometry import Geometry

__all__ = ["SpatialOperands", "attach", "has_foreign_spatial", "is_foreign_spatial", "plain"]

_ndarray_view = np.ndarray.view


def attach(values: np.ndarray, cls: Any, geometry: Geometry, meta: dict[str, Any] | None) -> Any:
    """``values`` viewed as ``cls`` (a SpatialArray type) with ``geometry`` and a shallow copy of ``meta``.

    The one place a derived spatial array is made: every rule ends here.
    """
    wrapped: Any = _ndarray_view(values, cls)
    wrapped._geometry = geometry
    if meta is not None:
        wrapped._meta = dict(meta)
    return wrapped


def plain(value: Any, spatial_cls: Any) -> Any:
    """``value`` with every spatial array in it (in lists, tuples and dict values too) replaced by a plain view."""
    if isinstance(value, spatial_cls):
        return _ndarray_view(value, np.ndarray)
    kind = type(value)
    if kind is tuple or kind is list:
        # a comprehension, not a generator: this runs on every function call's arguments
        return kind([
            _ndarray_view(v, np.ndarray) if isinstance(v, spatial_cls)
            else (plain(v, spatial_cls) if type(v) in _CONTAINERS else v)
            for v in value
        ])
    if kind is dict:
        return {k: plain(v, spatial_cls) for k, v in value.items()}
    return value


_CONTAINERS = (tuple, list, dict)


def is_foreign_spatial(value: Any, spatial_cls: Any) -> bool:
    """True when ``value`` is another implementation's spatial array (SPEC SA-15.3).

    Recognised by the protocol, not by class: its type declares a ``__spatial_protocol__`` string.
    """
    return not isinstance(value, spatial_cls) and isinstance(getattr(type(value), "__spatial_protocol__", None), str)


def has_foreign_spatial(value: Any, spatial_cls: Any) -> bool:
    """True when ``value`` or an item of it (lists, tuples, dict values, nested) is another implementation's spatial array."""
    kind = type(value)
    if kind is tuple or kind is list:
        return any(has_foreign_spatial(v, spatial_cls) for v in value if not isinstance(v, (spatial_cls, float, int)))
    if kind is dict:
        return any(has_foreign_spatial(v, spatial_cls) for v in value.values())
    return is_foreign_spatial(value, spatial_cls)


class SpatialOperands:
    """The first spatial operand of an operation, and a check that later ones match it.

    Attributes
    ----------
    geometry : Geometry or None
        The common geometry; None when no operand has one.
    spatial_shape : tuple of int
        The common spatial shape.
    ndim : int
        ``ndim`` of the first spatial operand.
    cls : type
        Type of the first spatial operand (the result's type).
    meta : dict or None
        Metadata of the first spatial operand.
    """

    __slots__ = ("geometry", "spatial_shape", "ndim", "cls", "meta", "_first_label", "ndims")

    def __init__(self) -> None:
        self.geometry: Geometry | None = None
        self.spatial_shape: tuple[int, ...] = ()
        self.ndim = 0
        self.ndims: set[int] = set()
        self.cls: Any = None
        self.meta: dict[str, Any] | None = None
        self._first_label = ""

    def add(self, array: Any, label: str) -> None:
        """Register a spatial array; raise `GeometryMismatchError` when it is not in the common space."""
        geometry = array._geometry
        if geometry is None:
            return  # a SpatialArray whose geometry numpy lost counts as plain
        shape = array.shape[: geometry.spatial_ndim]
        if self.geometry is None:
            self.geometry = geometry
            self.spatial_shape = shape
            self.ndim = array.ndim
            self.cls = type(array)
            self.meta = array._meta
            self._first_label = label
            self.ndims.add(array.ndim)
            return
        self.ndims.add(array.ndim)
        reason = None
        if geometry is not self.geometry:
            reason = self.geometry.mismatch(geometry)
        if reason is None and shape != self.spatial_shape and (
            geometry.spatial_ndim == self.geometry.spatial_ndim
        ):
            reason = f"spatial shape differs: {self.spatial_shape} vs {shape}"
        if reason is not None:
            raise GeometryMismatchError(
                f"{self._first_label} and {label} are not in the same space: {reason}\n"
                f"  {self._first_label}: shape {self.spatial_shape}, {self.geometry!r}\n"
                f"  {label}: shape {shape}, {geometry!r}"
            )

    def keeps(self, result_shape: tuple[int, ...], result_ndim: int) -> bool:
        """True when a result of this shape still has the spatial axes leading and unstretched (SA-7.3, SA-7.4)."""
        return (
            len(self.ndims) == 1
            and result_ndim == self.ndim
            and result_shape[: len(self.spatial_shape)] == self.spatial_shape
        )
