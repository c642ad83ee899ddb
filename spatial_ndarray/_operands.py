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
    """The spatial operands of an operation: a check that they share one grid, and the grid of the result.

    Operands with the first one's number of axes and spatial shape are compared
    at once (the common case). Others are broadcast by numpy or full where the
    first is broadcast; `resolve` sorts them out once the result's shape is known
    (SPEC SA-7.2, SA-7.7, SA-7.8).

    Attributes
    ----------
    geometry : Geometry or None
        The result's geometry; None when no operand has one.
    spatial_shape : tuple of int
        The spatial shape that goes with it.
    ndim : int
        ``ndim`` of the operand that gives the geometry.
    cls : type
        Type of that operand (the result's type).
    meta : dict or None
        Metadata of that operand.
    """

    __slots__ = ("geometry", "spatial_shape", "ndim", "cls", "meta", "_first_label", "ndims", "_pending", "_leading")

    def __init__(self, leading: bool = False) -> None:
        """``leading=True``: operands share their leading spatial axes whatever their number of axes
        (stacked linear algebra, where trailing core axes differ), and no broadcasting is resolved."""
        self.geometry: Geometry | None = None
        self.spatial_shape: tuple[int, ...] = ()
        self.ndim = 0
        self.ndims: set[int] = set()
        self.cls: Any = None
        self.meta: dict[str, Any] | None = None
        self._first_label = ""
        self._pending: list[tuple[Any, str]] | None = None
        self._leading = leading

    def add(self, array: Any, label: str) -> None:
        """Register a spatial array; raise `GeometryMismatchError` when it is not in the common space."""
        geometry = array._geometry
        if geometry is None:
            return  # a SpatialArray whose geometry numpy lost counts as plain
        shape = array.shape[: geometry.spatial_ndim]
        if self.geometry is None:
            self._take(array, label)
            return
        if self._leading:
            self.ndims.add(array.ndim)
            if shape != self.spatial_shape and geometry.spatial_ndim == self.geometry.spatial_ndim:
                self._raise(label, shape, geometry, f"spatial shape differs: {self.spatial_shape} vs {shape}")
        elif array.ndim != self.ndim or shape != self.spatial_shape:
            if self._pending is None:
                self._pending = []
            self._pending.append((array, label))  # broadcast, or full where the first is broadcast
            self.ndims.add(array.ndim)
            return
        if geometry is not self.geometry:
            reason = self.geometry.mismatch(geometry, shape=shape)
            if reason is not None:
                self._raise(label, shape, geometry, reason)

    def _take(self, array: Any, label: str) -> None:
        geometry = array._geometry
        self.geometry = geometry
        self.spatial_shape = array.shape[: geometry.spatial_ndim]
        self.ndim = array.ndim
        self.cls = type(array)
        self.meta = array._meta
        self._first_label = label
        self.ndims = {array.ndim}

    def _raise(self, label: str, shape: tuple[int, ...], geometry: Geometry, reason: str) -> None:
        raise GeometryMismatchError(
            f"{self._first_label} and {label} are not in the same space: {reason}\n"
            f"  {self._first_label}: shape {self.spatial_shape}, {self.geometry!r}\n"
            f"  {label}: shape {shape}, {geometry!r}"
        )

    @property
    def pending(self) -> bool:
        """True when operands of different shapes wait for `resolve`."""
        return self._pending is not None

    def resolve(self, result_shape: tuple[int, ...] | None = None) -> None:
        """Decide the result's grid once operands of different shapes were added (SA-7.7, SA-7.8).

        ``result_shape`` is the broadcast shape of the operation (by default, that
        of the added operands). The first full operand gives the grid; every other
        operand must be in its space (full) or lie in its grid (broadcast). With no
        full operand and operands of several shapes, raise.
        """
        pending = self._pending
        if pending is None or self.geometry is None:
            return
        self._pending = None
        first = _Stand(self.geometry, self.spatial_shape, self.ndim, self._first_label)
        others = [_Stand(a._geometry, a.shape[: a._geometry.spatial_ndim], a.ndim, label) for a, label in pending]
        kinds = {id(stand): a for stand, (a, _) in zip(others, pending)}
        if result_shape is None:
            try:
                result_shape = np.broadcast_shapes(first.padded, *(o.padded for o in others))
            except ValueError:
                shapes = ", ".join(f"{c.label} {c.spatial_shape}" for c in [first] + others)
                raise GeometryMismatchError(f"spatial shapes differ and do not broadcast: {shapes}") from None
        candidates = [first] + others
        full = next((c for c in candidates if c.is_full(result_shape)), None)
        if full is None:
            shapes = ", ".join(f"{c.label} {c.padded}" for c in candidates)
            raise GeometryMismatchError(
                "no operand spans the result's grid (SA-7.8): the spatial operands are broadcast along "
                f"different axes ({shapes}; result {tuple(result_shape)}). Use np.asarray on one operand "
                "for a plain result."
            )
        if full is not first:
            self._take(kinds[id(full)], full.label)
        for c in candidates:
            if c is full:
                continue
            if c.ndim == full.ndim and c.spatial_shape == full.spatial_shape:
                reason = full.geometry.mismatch(c.geometry, shape=c.spatial_shape)
            else:
                reason = full.geometry.broadcast_mismatch(full.spatial_shape, c.geometry, c.spatial_shape, full.ndim - c.ndim)
            if reason is not None:
                self._raise(c.label, c.spatial_shape, c.geometry, reason)

    def check(self, array: Any, label: str) -> None:
        """Check ``array`` (a ``where=`` mask) against the result's grid without giving it the result (SA-7.3)."""
        geometry = array._geometry
        if geometry is None or self.geometry is None:
            return
        shape = array.shape[: geometry.spatial_ndim]
        if array.ndim == self.ndim and shape == self.spatial_shape:
            reason = self.geometry.mismatch(geometry, shape=shape)
        else:
            reason = self.geometry.broadcast_mismatch(self.spatial_shape, geometry, shape, self.ndim - array.ndim)
        if reason is not None:
            self._raise(label, shape, geometry, reason)

    def keeps(self, result_shape: tuple[int, ...], result_ndim: int) -> bool:
        """True when a result of this shape still has the spatial axes leading and unstretched (SA-7.3, SA-7.4)."""
        if self._pending is not None:
            self.resolve(result_shape)
        if self._leading:
            return len(self.ndims) == 1 and result_ndim == self.ndim and result_shape[: len(self.spatial_shape)] == self.spatial_shape
        return result_ndim == self.ndim and result_shape[: len(self.spatial_shape)] == self.spatial_shape


class _Stand:
    """Shape facts of one registered operand (the array itself is not kept)."""

    __slots__ = ("geometry", "spatial_shape", "ndim", "label", "padded")

    def __init__(self, geometry: Geometry, spatial_shape: tuple[int, ...], ndim: int, label: str) -> None:
        self.geometry = geometry
        self.spatial_shape = spatial_shape
        self.ndim = ndim
        self.label = label
        # component axes as ones: enough to find the result's spatial shape and number of axes
        self.padded = spatial_shape + (1,) * (ndim - len(spatial_shape))

    def is_full(self, result_shape: tuple[int, ...]) -> bool:
        """True when numpy broadcasts none of this operand's spatial axes (SA-7.2)."""
        return self.ndim == len(result_shape) and self.spatial_shape == tuple(result_shape[: len(self.spatial_shape)])
