"""A minimal, correct spatial duck array (not an ndarray subclass), written for the checker's own tests.

It implements SPEC.md just far enough for every check, with one small method
per rule so that a broken variant can override exactly one of them.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin


class DuckImage(NDArrayOperatorsMixin):
    """Values plus origin (P,), spacing (N,), direction (P, N)."""

    tolerance = 1e-6

    def __init__(self, data: Any, origin: Any, spacing: Any, direction: Any) -> None:
        self._data = np.asarray(data)
        self._origin, self._spacing, self._direction = self.validate(origin, spacing, direction)

    # -- validation (SA-1.5 to SA-1.8) -------------------------------------------------------------------
    def validate(self, origin: Any, spacing: Any, direction: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        o = np.array(origin, dtype=np.float64)
        s = np.array(spacing, dtype=np.float64)
        d = np.array(direction, dtype=np.float64)
        if o.ndim != 1 or not np.isfinite(o).all():
            raise ValueError(f"origin must be a finite vector, got {origin!r}")
        if s.ndim != 1 or not np.isfinite(s).all() or (s <= 0).any() or s.size > self._data.ndim:
            raise ValueError(f"spacing must be finite, > 0, one per spatial axis, got {spacing!r}")
        if d.shape != (o.size, s.size) or not np.isfinite(d).all() or not np.allclose(d.T @ d, np.eye(s.size), atol=1e-6):
            raise ValueError(f"direction must be ({o.size}, {s.size}) with orthonormal columns, got {direction!r}")
        for a in (o, s, d):
            a.flags.writeable = False
        return o, s, d

    # -- protocol attributes (SA-1.1 to SA-1.4, SA-1.9) ------------------------------------------------------
    @property
    def origin(self) -> Any:
        return self._origin

    @property
    def spacing(self) -> Any:
        return self._spacing

    @property
    def direction(self) -> Any:
        return self._direction

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def new(self, data: np.ndarray, origin: Any, spacing: Any, direction: Any) -> Any:
        result = object.__new__(type(self))
        result._data = data
        result._origin, result._spacing, result._direction = origin, spacing, direction
        return result

    # -- mapping (SA-2.4) --------------------------------------------------------------------------------------
    def index_to_physical(self, index: Any) -> np.ndarray:
        return self._origin + (np.asarray(index, dtype=float) * self._spacing) @ self._direction.T

    def physical_to_index(self, points: Any) -> np.ndarray:
        return ((np.asarray(points, dtype=float) - self._origin) @ self._direction) / self._spacing

    # -- indexing (chapters 4 to 6) ----------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> Any:
        values = self._data[key]
        if not isinstance(key, tuple):
            key = (key,)
        if any(not (k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer))) or isinstance(k, bool) for k in key):
            return self.advanced_result(values)
        n = self._spacing.size
        consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
        origin = self._origin.copy()
        spacing, columns, axis, new_axes = [], [], 0, []
        for k in key:
            if k is Ellipsis:
                for _ in range(self.ndim - consumed):
                    if axis < n:
                        spacing.append(self._spacing[axis])
                        columns.append(self._direction[:, axis])
                    axis += 1
                continue
            if k is None:
                new_axes.append(len(spacing))
                continue
            if axis >= n:
                origin = origin + self.component_shift(k)
                axis += 1
                continue
            if isinstance(k, slice):
                start, _, step = k.indices(self.shape[axis])
                origin = origin + self._direction[:, axis] * self._spacing[axis] * start
                spacing.append(self.sliced_spacing(self._spacing[axis], step))
                columns.append(self.sliced_column(self._direction[:, axis], step))
            else:
                index = operator.index(k)
                index = index + self.shape[axis] if index < 0 else index
                origin = origin + self.integer_shift(axis, index)
                self.drop_axis_hook()
            axis += 1
        while axis < n:
            spacing.append(self._spacing[axis])
            columns.append(self._direction[:, axis])
            axis += 1
        if not spacing:
            return self.no_spatial_axis_result(values)
        if any(position < len(spacing) for position in new_axes):
            return self.leading_newaxis_result(values, origin, spacing, columns)
        return self.new(values, origin, np.array(spacing), np.stack(columns, axis=1))

    def sliced_spacing(self, spacing: float, step: int) -> float:
        return spacing * abs(step)

    def sliced_column(self, column: np.ndarray, step: int) -> np.ndarray:
        return -column if step < 0 else column

    def integer_shift(self, axis: int, index: int) -> np.ndarray:
        return self._direction[:, axis] * self._spacing[axis] * index

    def component_shift(self, key: Any) -> Any:
        """Indices on component axes do not move the origin (variants override)."""
        return 0.0

    def drop_axis_hook(self) -> None:
        """Called for each integer index on a spatial axis (variants use it)."""

    def advanced_result(self, values: np.ndarray) -> Any:
        return np.asarray(values)

    def no_spatial_axis_result(self, values: Any) -> Any:
        return values

    def leading_newaxis_result(self, values: np.ndarray, origin: Any, spacing: Any, columns: Any) -> Any:
        return np.asarray(values)

    # -- ufuncs (chapter 7) --------------------------------------------------------------------------------------
    def same_space(self, other: DuckImage) -> bool:
        tol = self.tolerance
        if other._spacing.size != self._spacing.size or other.shape[: self._spacing.size] != self.shape[: self._spacing.size]:
            return False
        along = self._direction.T @ (other._origin - self._origin)
        return bool(
            np.all(np.abs(along) <= tol * self._spacing)
            and np.all(np.abs(other._spacing - self._spacing) <= tol * self._spacing)
            and self.directions_match(other)
        )

    def directions_match(self, other: DuckImage) -> bool:
        return bool(np.all(np.abs(other._direction - self._direction) <= self.tolerance))

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__":
            return NotImplemented
        spatial = [x for x in inputs if isinstance(x, DuckImage)]
        outs = kwargs.pop("out", None)
        if outs:
            spatial += [o for o in outs if isinstance(o, DuckImage)]
            kwargs["out"] = tuple(o._data if isinstance(o, DuckImage) else o for o in outs)
        first = spatial[0]
        for other in spatial[1:]:
            if not first.same_space(other):
                raise ValueError(f"operands are not in the same space: {first._origin} vs {other._origin}")
        result = ufunc(*[x._data if isinstance(x, DuckImage) else x for x in inputs], **kwargs)
        if outs:
            return self.out_result(outs[0], result)
        return self.ufunc_result(ufunc, first, result)

    def out_result(self, out: Any, result: Any) -> Any:
        return out

    def ufunc_result(self, ufunc: np.ufunc, first: DuckImage, result: Any) -> Any:
        if not isinstance(result, np.ndarray) or result.ndim != first.ndim or result.shape[: first._spacing.size] != first.shape[: first._spacing.size]:
            return self.broadcast_result(first, result)
        return first.new(result, first._origin, first._spacing, first._direction)

    def broadcast_result(self, first: DuckImage, result: Any) -> Any:
        return result

    # -- numpy functions (chapters 8, 9, 13) ---------------------------------------------------------------------
    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        plain = [a._data if isinstance(a, DuckImage) else a for a in args]
        if func in (np.sum, np.mean, np.max):
            return self.reduce(func, kwargs.get("axis"), bool(kwargs.get("keepdims", False)))
        if func is np.transpose:
            axes = kwargs.get("axes", args[1] if len(args) > 1 else None)
            order = tuple(range(self.ndim))[::-1] if axes is None else tuple(axes)
            return self.permuted(order)
        if func is np.swapaxes:
            order = list(range(self.ndim))
            a, b = args[1] % self.ndim, args[2] % self.ndim
            order[a], order[b] = order[b], order[a]
            return self.permuted(tuple(order))
        if func in (np.reshape, np.ravel):
            return self.reshape_result(func(*plain, **kwargs))
        if func is np.concatenate:
            return self.concatenate(args[0], kwargs.get("axis", args[1] if len(args) > 1 else 0))
        return func(*plain, **kwargs)

    def reduce(self, func: Any, axis: Any, keepdims: bool) -> Any:
        values = func(self._data, axis=axis, keepdims=keepdims)
        n = self._spacing.size
        axes = range(self.ndim) if axis is None else [a % self.ndim for a in np.atleast_1d(axis)]
        spatial = [a for a in axes if a < n]
        if len(spatial) == n:
            return self.full_reduction_result(values)
        origin = self._origin + sum(self._direction[:, a] * self._spacing[a] * (self.shape[a] - 1) / 2 for a in spatial)
        origin = self.reduction_origin(origin, spatial)
        if keepdims:
            spacing = self._spacing.copy()
            for a in spatial:
                spacing[a] = self.keepdims_spacing(spacing[a], self.shape[a])
            return self.new(values, origin, spacing, self._direction)
        keep = [i for i in range(n) if i not in spatial]
        return self.new(values, origin, self._spacing[keep], self._direction[:, keep])

    def reduction_origin(self, origin: np.ndarray, spatial: list[int]) -> np.ndarray:
        return origin

    def keepdims_spacing(self, spacing: float, length: int) -> float:
        return spacing * length

    def full_reduction_result(self, values: Any) -> Any:
        return values

    def permuted(self, order: tuple[int, ...]) -> Any:
        n = self._spacing.size
        return self.new(np.transpose(self._data, order), self._origin, self.permuted_spacing(order[:n]), self._direction[:, list(order[:n])])

    def permuted_spacing(self, order: tuple[int, ...]) -> np.ndarray:
        return self._spacing[list(order)]

    def reshape_result(self, values: np.ndarray) -> Any:
        return values

    def concatenate(self, pieces: Any, axis: int) -> Any:
        values = np.concatenate([np.asarray(p) for p in pieces], axis=axis)
        first = pieces[0]
        expected = first
        for piece in pieces[1:]:
            shifted = expected._origin + expected._direction[:, axis] * expected._spacing[axis] * expected.shape[axis]
            moved = expected.new(expected._data, shifted, expected._spacing, expected._direction)
            if self.checks_continuity() and not piece.same_space_ignoring_shape(moved, axis):
                raise ValueError("pieces do not continue one grid")
            expected = piece
        return first.new(values, first._origin, first._spacing, first._direction)

    def checks_continuity(self) -> bool:
        return True

    def same_space_ignoring_shape(self, other: DuckImage, axis: int) -> bool:
        tol = self.tolerance
        along = self._direction.T @ (other._origin - self._origin)
        return bool(np.all(np.abs(along) <= tol * self._spacing) and np.allclose(self._spacing, other._spacing)
                    and np.allclose(self._direction, other._direction))
