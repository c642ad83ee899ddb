"""A lazy spatial array backed by dask, written from SPEC.md alone (independent of duck.py and of the checker).

It claims level ``ufuncs`` with the features ``components`` and ``mapping`` and is
lazy (SA-11.3): values stay a dask graph until ``np.asarray``; plain results are
dask arrays; it is immutable, so ``out=``, in-place operators and item assignment
raise ``TypeError`` (the fallback of the ``out`` feature, SA-15.6).
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import dask.array as da
import numpy as np

__all__ = ["LazyImage", "make_lazy", "to_numpy"]

TOLERANCE = 1e-6


class MismatchError(ValueError):
    """Two operands are not in one space (SA-10.3)."""


GeometryMismatchError = MismatchError  # the name SA-15.4 recommends


def _locked(values: Any) -> np.ndarray:
    return np.frombuffer(np.asarray(values, dtype=np.float64).tobytes(), dtype=np.float64).reshape(np.shape(values))


class Grid(NamedTuple):
    """origin (P,), spacing (N,), direction (P, N); always read-only float64."""

    origin: np.ndarray
    spacing: np.ndarray
    direction: np.ndarray

    @classmethod
    def validated(cls, origin: Any, spacing: Any, direction: Any, ndim: int) -> Grid:
        o, s, d = (np.array(v, dtype=np.float64) for v in (origin, spacing, direction))
        if o.ndim != 1 or not np.all(np.isfinite(o)):
            raise ValueError(f"origin: expected a finite 1-D vector, got {origin!r}")
        if s.ndim != 1 or not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise ValueError(f"spacing: expected finite values > 0, got {spacing!r}")
        if s.size > o.size or s.size > ndim or s.size == 0:
            raise ValueError(f"spacing: {s.size} spatial axes do not fit origin {origin!r} and {ndim} array axes")
        if d.shape != (o.size, s.size) or not np.all(np.isfinite(d)):
            raise ValueError(f"direction: expected shape {(o.size, s.size)}, got {direction!r}")
        if np.max(np.abs(d.T @ d - np.eye(s.size))) > TOLERANCE:
            raise ValueError(f"direction: columns are not orthonormal: {direction!r}")
        return cls(_locked(o), _locked(s), _locked(d))

    def at(self, index: list[float]) -> np.ndarray:
        return self.origin + self.direction @ (self.spacing * np.asarray(index, dtype=np.float64))

    def differs(self, other: Grid) -> str | None:
        """The part in which ``other`` is another space (SA-10.1), or None."""
        if other.spacing.shape != self.spacing.shape:
            return f"spatial_ndim: {self.spacing.size} != {other.spacing.size}"
        if other.origin.shape != self.origin.shape:
            return f"physical_ndim: {self.origin.size} != {other.origin.size}"
        smallest = np.minimum(self.spacing, other.spacing)
        if np.any(np.abs(self.spacing - other.spacing) > TOLERANCE * smallest):
            return f"spacing: {self.spacing.tolist()} != {other.spacing.tolist()} (tolerance {TOLERANCE})"
        if np.any(np.abs(self.direction - other.direction) > TOLERANCE):
            return f"direction: {self.direction.tolist()} != {other.direction.tolist()} (tolerance {TOLERANCE})"
        shift = other.origin - self.origin
        along = self.direction.T @ shift
        off_plane = shift - self.direction @ along
        if np.any(np.abs(along) > TOLERANCE * smallest) or np.any(np.abs(off_plane) > TOLERANCE * smallest.min()):
            return f"origin: {self.origin.tolist()} != {other.origin.tolist()} (tolerance {TOLERANCE})"
        return None


def _grid_of(value: Any) -> Grid:
    return Grid(*(np.asarray(getattr(value, name), dtype=np.float64) for name in ("origin", "spacing", "direction")))


def _is_spatial(value: Any) -> bool:
    return isinstance(getattr(type(value), "__spatial_protocol__", None), str) and hasattr(value, "origin")


def _values(value: Any) -> Any:
    if isinstance(value, LazyImage):
        return value._values
    if _is_spatial(value):
        return da.from_array(np.asarray(value))
    return value


class LazyImage(np.lib.mixins.NDArrayOperatorsMixin):
    """A dask array with a geometry."""

    __spatial_protocol__ = "1.2"

    def __init__(self, data: Any, origin: Any, spacing: Any, direction: Any) -> None:
        values = data if isinstance(data, da.Array) else da.from_array(np.asarray(data), chunks=2)
        self._grid = Grid.validated(origin, spacing, direction, values.ndim)
        self._values = values

    @classmethod
    def _derived(cls, values: da.Array, grid: Grid) -> LazyImage:
        result = object.__new__(cls)
        result._values, result._grid = values, Grid(*(_locked(v) for v in grid))
        return result

    origin = property(lambda self: self._grid.origin)
    spacing = property(lambda self: self._grid.spacing)
    direction = property(lambda self: self._grid.direction)
    shape = property(lambda self: self._values.shape)
    ndim = property(lambda self: self._values.ndim)
    dtype = property(lambda self: self._values.dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = np.asarray(self._values.compute())
        return values if dtype is None else values.astype(dtype)

    def __repr__(self) -> str:
        return f"LazyImage(shape={self.shape}, origin={self.origin.tolist()}, spacing={self.spacing.tolist()})"

    # mapping (SA-2.4)
    def index_to_physical(self, index: Any) -> np.ndarray:
        return np.asarray(index, dtype=np.float64) * self.spacing @ self.direction.T + self.origin

    def physical_to_index(self, point: Any) -> np.ndarray:
        return (np.asarray(point, dtype=np.float64) - self.origin) @ self.direction / self.spacing

    # immutable: the fallback of the `out` feature (SA-15.6)
    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("LazyImage is immutable: item assignment is not supported (no 'out' feature)")

    # indexing (chapters 4 to 6)
    def __getitem__(self, key: Any) -> Any:
        parts = key if isinstance(key, tuple) else (key,)
        simple = all(p is None or p is Ellipsis or isinstance(p, slice)
                     or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_))) for p in parts)
        if not simple:  # advanced: plain, as a dask array (SA-6.1, SA-11.3)
            return da.from_array(np.asarray(self)[key])
        values = self._values[_normalised(parts, self.shape)]
        grid = self._indexed(parts)
        return values if grid is None else LazyImage._derived(values, grid)

    def _indexed(self, parts: tuple[Any, ...]) -> Grid | None:
        n = self._grid.spacing.size
        real = [p for p in parts if p is not None and p is not Ellipsis]
        if Ellipsis in parts:
            where = parts.index(Ellipsis)
            parts = parts[:where] + (slice(None),) * (self.ndim - len(real)) + parts[where + 1:]
        parts = parts + (slice(None),) * (self.ndim - len([p for p in parts if p is not None]))
        start: list[float] = []
        kept: list[tuple[float, np.ndarray]] = []
        newaxis_after: list[int] = []
        axis = 0
        for p in parts:
            if p is None:
                newaxis_after.append(len(kept))
                continue
            if axis < n:
                column, step = self._grid.direction[:, axis], self._grid.spacing[axis]
                if isinstance(p, slice):
                    first, _, stride = p.indices(self.shape[axis])
                    start.append(first)
                    kept.append((step * abs(stride), column if stride > 0 else -column))
                else:
                    j = operator.index(p)
                    start.append(j % self.shape[axis] if self.shape[axis] else j)
            axis += 1
        if not kept or any(count < len(kept) for count in newaxis_after):
            return None
        origin = self._grid.at(start)
        return Grid(origin, np.array([s for s, _ in kept]), np.stack([c for _, c in kept], axis=1))

    # elementwise (chapter 7)
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(_is_spatial(o) for o in kwargs.get("out", ()) or ()) or method == "at":
            raise TypeError("LazyImage is immutable: out= into it and ufunc.at are not supported (no 'out' feature)")
        out = kwargs.pop("out", None)
        where = kwargs.pop("where", True)
        spatial = [x for x in inputs if _is_spatial(x)] + ([where] if _is_spatial(where) else [])
        plain_inputs = [_values(x) for x in inputs]
        if method == "__call__":
            shape = np.broadcast_shapes(*[np.shape(x) for x in inputs])
            grid = _common(spatial, shape)
            if out is not None:  # plain out= arrays only (SA-15.6): computed into them, as numpy does
                return ufunc(*[np.asarray(x) for x in inputs], out=out, where=np.asarray(where), **kwargs)
            if where is not True:  # numpy leaves unselected elements uninitialised: compute, as numpy would
                result = da.from_array(ufunc(*[np.asarray(x) for x in inputs], where=np.asarray(where), **kwargs))
            else:
                result = ufunc(*plain_inputs, **kwargs)
            if isinstance(result, tuple):
                return tuple(_wrap(r, grid) for r in result)
            return _wrap(result, grid)
        first = inputs[0]
        if method == "reduce":
            return _reduced(first, ufunc, kwargs.get("axis", 0), bool(kwargs.get("keepdims", False)))
        if method == "accumulate":
            axis = kwargs.get("axis", 0) % first.ndim
            values = first._values.rechunk({axis: -1}).map_blocks(ufunc.accumulate, axis=axis,
                                                                   dtype=ufunc.accumulate(np.zeros(1, first.dtype)).dtype)
            return LazyImage._derived(values, first._grid)
        if method == "reduceat":
            axis = kwargs.get("axis", 0) % first.ndim
            values = da.from_array(ufunc.reduceat(np.asarray(first), *[np.asarray(x) for x in inputs[1:]], axis=axis))
            return values if axis < first._grid.spacing.size else _wrap(values, first._grid)
        if method == "outer":
            values = ufunc.outer(*[np.asarray(x) for x in inputs])
            only = len(spatial) == 1 and spatial[0] is first
            return _wrap(da.from_array(values), first._grid) if only else da.from_array(values)
        return NotImplemented


def _normalised(parts: tuple[Any, ...], shape: tuple[int, ...]) -> tuple[Any, ...]:
    """Slices with in-range bounds: dask 2026.8 gives x[-100::-1] all rows where numpy gives none."""
    if Ellipsis in parts:
        where = parts.index(Ellipsis)
        real = len([p for p in parts if p is not None and p is not Ellipsis])
        parts = parts[:where] + (slice(None),) * (len(shape) - real) + parts[where + 1:]
    result, axis = [], 0
    for p in parts:
        if isinstance(p, slice):
            start, stop, step = p.indices(shape[axis])
            empty = len(range(start, stop, step)) == 0
            result.append(slice(0, 0) if empty else slice(start, None if stop < 0 else stop, step))
        else:
            result.append(p)
        axis += p is not None
    return tuple(result)


def _wrap(values: Any, grid: Grid | None) -> Any:
    """The result on ``grid``, when it has the grid's spatial axes leading, else plain (SA-7.3, SA-7.4)."""
    if grid is None or not isinstance(values, da.Array) or values.ndim < grid.spacing.size:
        return values
    return LazyImage._derived(values, grid)


def _common(spatial: list[Any], shape: tuple[int, ...]) -> Grid | None:
    """SA-7.2 and SPEC 1.2 broadcasting: the grid of the result, None (plain), or MismatchError."""
    if not spatial:
        return None
    full = [x for x in spatial if np.ndim(x) == len(shape) and np.shape(x)[: np.size(x.spacing)] == shape[: np.size(x.spacing)]]
    if not full:
        return None
    reference = _grid_of(full[0])
    for other in spatial:
        if other is full[0]:
            continue
        problem = reference.differs(_grid_of(other)) if any(other is f for f in full) else _off_grid(reference, other, shape)
        if problem:
            raise MismatchError(f"operands are in different spaces: {problem}")
    return reference


def _off_grid(reference: Grid, part: Any, shape: tuple[int, ...]) -> str | None:
    """Why an operand broadcast along some spatial axes does not lie in ``reference``'s grid (None: it does)."""
    grid = _grid_of(part)
    lead = len(shape) - np.ndim(part)
    n = reference.spacing.size
    if lead < 0 or lead + grid.spacing.size > n or grid.origin.size != reference.origin.size:
        return "the broadcast operand's axes are not spatial axes of the full operand"
    stretched = {i for i in range(n) if i < lead or i - lead >= grid.spacing.size or np.shape(part)[i - lead] != shape[i]}
    for j in range(grid.spacing.size):
        i = lead + j
        if i in stretched:
            continue
        if abs(grid.spacing[j] - reference.spacing[i]) > TOLERANCE * min(grid.spacing[j], reference.spacing[i]):
            return f"spacing on axis {i}: {reference.spacing[i]} != {grid.spacing[j]}"
        if np.max(np.abs(grid.direction[:, j] - reference.direction[:, i])) > TOLERANCE:
            return f"direction on axis {i}"
    offset = reference.direction.T @ (grid.origin - reference.origin) / reference.spacing
    if any(abs(offset[i]) > TOLERANCE for i in range(n) if i not in stretched):
        return f"origin: {grid.origin.tolist()} is off the grid of {reference.origin.tolist()}"
    leftover = grid.origin - reference.origin - reference.direction @ (offset * reference.spacing)
    if np.max(np.abs(leftover), initial=0.0) > TOLERANCE * reference.spacing.min():
        return "origin: outside the full operand's plane"
    return None


def _reduced(image: LazyImage, ufunc: np.ufunc, axis: Any, keepdims: bool) -> Any:
    """SA-8.1 to SA-8.5 for ufunc.reduce."""
    axes = tuple(range(image.ndim)) if axis is None else tuple(a % image.ndim for a in np.atleast_1d(axis))
    sample = ufunc.reduce(np.zeros((1,) * image.ndim, image.dtype), axis=axes, keepdims=keepdims)
    values = da.reduction(image._values, ufunc.reduce, ufunc.reduce, axis=axes, keepdims=keepdims, dtype=sample.dtype)
    n = image._grid.spacing.size
    spatial = [a for a in axes if a < n]
    if len(spatial) == n or any(image.shape[a] == 0 for a in spatial):
        return values
    centre = [((image.shape[i] - 1) / 2 if i in spatial else 0.0) for i in range(n)]
    origin = image._grid.at(centre)
    if keepdims:
        spacing = np.array([image._grid.spacing[i] * (image.shape[i] if i in spatial else 1) for i in range(n)])
        return LazyImage._derived(values, Grid(origin, spacing, image._grid.direction))
    keep = [i for i in range(n) if i not in spatial]
    return LazyImage._derived(values, Grid(origin, image._grid.spacing[keep], image._grid.direction[:, keep]))


def make_lazy(data: np.ndarray, origin: Any, spacing: Any, direction: Any) -> LazyImage:
    """The factory the checker calls."""
    return LazyImage(data, origin, spacing, direction)


def to_numpy(value: Any) -> np.ndarray:
    """Values of a LazyImage or a plain dask array, for the checker's ``to_numpy`` hook."""
    if isinstance(value, da.Array):
        return np.asarray(value.compute())
    return np.asarray(value)
