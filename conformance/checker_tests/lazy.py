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
STORAGE = 2.0**-22  # SA-10.2's allowance for float32-stored coordinates


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

    def differs(self, other: Grid, shape: tuple[int, ...], free: frozenset[int] = frozenset(),
                pairs: list[tuple[int, int]] | None = None) -> str | None:
        """The part in which ``other`` is another space (SA-10.1), or None.

        ``pairs`` lines up (my axis, its axis); ``free`` are my axes it is broadcast along (SA-7.7).
        """
        if pairs is None:
            if other.spacing.shape != self.spacing.shape:
                return f"spatial_ndim: {self.spacing.size} != {other.spacing.size}"
            pairs = [(i, i) for i in range(self.spacing.size)]
        if other.origin.shape != self.origin.shape:
            return f"physical_ndim: {self.origin.size} != {other.origin.size}"
        for mine, theirs in pairs:
            far = max(shape[mine] - 1, 1)
            small = min(self.spacing[mine], other.spacing[theirs])
            allowed = TOLERANCE * small + STORAGE * far * small
            if far * abs(self.spacing[mine] - other.spacing[theirs]) > allowed:
                return f"spacing on axis {mine}: {self.spacing[mine]} != {other.spacing[theirs]}"
            turn = self.direction[:, mine] - other.direction[:, theirs]
            if np.max(np.abs(turn)) > TOLERANCE or far * small * np.linalg.norm(turn) > allowed:
                return f"direction on axis {mine}: {self.direction[:, mine].tolist()} != {other.direction[:, theirs].tolist()}"
        shift = other.origin - self.origin
        for axis in free:
            shift = shift - self.direction[:, axis] * (self.direction[:, axis] @ shift)
        budget = np.array([TOLERANCE * min(self.spacing[m], other.spacing[t]) for m, t in pairs] or [TOLERANCE * self.spacing.min()])
        budget = budget + STORAGE * np.array([np.abs(self.direction[:, m]) @ np.abs(self.origin) for m, _ in pairs] or [0.0])
        along = np.array([self.direction[:, m] @ shift for m, _ in pairs] or [0.0])
        off_plane = shift - self.direction @ (self.direction.T @ shift)
        if np.any(np.abs(along) > budget) or np.linalg.norm(off_plane) > budget.min():
            return f"origin: {self.origin.tolist()} != {other.origin.tolist()} (tolerance {TOLERANCE}, storage {STORAGE})"
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
        for mask in [p for p in parts if _is_spatial(p)]:  # SA-6.3
            _common([self], [mask], self.shape)
        parts = tuple(np.asarray(p) if _is_spatial(p) else p for p in parts)
        key = parts
        simple = all(p is None or p is Ellipsis or isinstance(p, slice)
                     or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_))) for p in parts)
        if not simple:
            picked = self._components(parts)
            if picked is not None:  # SA-6.2: component selection keeps the grid
                return LazyImage._derived(self._values[key], picked)
            return da.from_array(np.asarray(self)[key])  # advanced: plain, as a dask array (SA-6.1, SA-11.3)
        values = self._values[_normalised(parts, self.shape)]
        grid = self._indexed(parts)
        return values if grid is None else LazyImage._derived(values, grid)

    def _components(self, parts: tuple[Any, ...]) -> Grid | None:
        n = self._grid.spacing.size
        where = next((i for i, p in enumerate(parts) if p is Ellipsis), None)
        if where is not None:
            parts = parts[:where] + (slice(None),) * (self.ndim - len(parts) + 1) + parts[where + 1:]
        fancy = [i for i, p in enumerate(parts) if not isinstance(p, slice)]
        if (not fancy or fancy[0] < n or fancy != list(range(fancy[0], fancy[-1] + 1))
                or any(p is None or np.ndim(p) == 0 for p in parts if not isinstance(p, slice))):
            return None
        return self._indexed(tuple(parts[:n]))

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
        spatial = [x for x in inputs if _is_spatial(x)]
        plain_inputs = [_values(x) for x in inputs]
        if method == "__call__":
            shape = np.broadcast_shapes(*[np.shape(x) for x in inputs])
            grid = _common(spatial, [where] if _is_spatial(where) else [], shape)
            if out is not None:  # plain out= arrays only (SA-15.6): computed into them, as numpy does
                return ufunc(*[np.asarray(x) for x in inputs], out=out, where=np.asarray(where), **kwargs)
            if where is not True:  # numpy leaves unselected elements uninitialised: compute, as numpy would
                result = da.from_array(ufunc(*[np.asarray(x) for x in inputs], where=np.asarray(where), out=None, **kwargs))
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


def _full(x: Any, shape: tuple[int, ...]) -> bool:
    return np.ndim(x) == len(shape) and np.shape(x)[: np.size(x.spacing)] == shape[: np.size(x.spacing)]


def _common(inputs: list[Any], masks: list[Any], shape: tuple[int, ...]) -> Grid | None:
    """SA-7.2 to SA-7.8: the grid of the result (from a full input, never a mask), None (plain), or MismatchError."""
    everything = inputs + masks
    if not everything:
        return None
    full = [x for x in inputs if _full(x, shape)]
    if not full:
        if len({np.shape(x) for x in everything}) > 1:
            raise MismatchError("no operand spans the result's grid; np.asarray(one operand) gives a plain result")
        reference, spatial_shape = _grid_of(everything[0]), np.shape(everything[0])
        for other in everything[1:]:
            problem = reference.differs(_grid_of(other), spatial_shape)
            if problem:
                raise MismatchError(f"operands are in different spaces: {problem}")
        return None
    reference = _grid_of(full[0])
    for other in everything:
        if other is full[0]:
            continue
        problem = reference.differs(_grid_of(other), shape) if _full(other, shape) else _off_grid(reference, other, shape)
        if problem:
            raise MismatchError(f"operands are in different spaces: {problem}")
    return reference


def _off_grid(reference: Grid, part: Any, shape: tuple[int, ...]) -> str | None:
    """Why an operand broadcast along some spatial axes does not lie in ``reference``'s grid (None: it does)."""
    grid = _grid_of(part)
    lead = len(shape) - np.ndim(part)
    n = reference.spacing.size
    if lead < 0 or lead + grid.spacing.size != n:
        return "the broadcast operand's axes do not line up with the full operand's spatial axes"
    stretched = frozenset(i for i in range(n) if i < lead or np.shape(part)[i - lead] != shape[i])
    pairs = [(i, i - lead) for i in range(lead, n) if i not in stretched]
    return reference.differs(grid, shape, stretched, pairs)


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
