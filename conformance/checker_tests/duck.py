"""A correct spatial duck array (not an ndarray subclass), written from SPEC.md for the checker's own tests.

It wraps a numpy array and implements every rule the checker verifies, with
one small method per rule, so that each broken variant in `variants.py`
overrides exactly one line of it. It shares no code with the checker.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

__spatial_protocol__ = "1.2"


class GeometryMismatchError(ValueError):
    """Operands that are not in one space (SA-10.3, SA-15.4)."""


def is_spatial(value: Any) -> bool:
    """SA-15.3: a spatial array of any implementation."""
    return isinstance(getattr(type(value), "__spatial_protocol__", None), str) and all(
        hasattr(value, name) for name in ("origin", "spacing", "direction"))


def geometry(value: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """origin, spacing, direction of any implementation's spatial array, read through the protocol."""
    return tuple(np.asarray(getattr(value, name), dtype=np.float64) for name in ("origin", "spacing", "direction"))  # type: ignore[return-value]


class DuckImage(NDArrayOperatorsMixin):  # noqa: PLR0904 (one small method per rule, on purpose)
    """Values plus origin (P,), spacing (N,), direction (P, N).

    ``offers`` lists the SA-15.6 features this class implements; without one, it
    implements that feature's fallback (the checker's tests use both).
    """

    __spatial_protocol__ = "1.2"
    tolerance = 1e-6
    mismatch_error: type[Exception] = GeometryMismatchError
    offers: frozenset[str] = frozenset({"components", "out", "mapping"})

    def __init__(self, data: Any, origin: Any, spacing: Any, direction: Any) -> None:
        self._data = np.asarray(data)
        self._origin, self._spacing, self._direction = self.validate(origin, spacing, direction)
        self.meta: dict[str, Any] = {}

    # -- validation (SA-1.5 to SA-1.8, SA-1.10) -----------------------------------------------------------
    def validate(self, origin: Any, spacing: Any, direction: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        o = np.array(origin, dtype=np.float64)
        s = np.array(spacing, dtype=np.float64)
        d = np.array(direction, dtype=np.float64)
        if o.ndim != 1 or not np.isfinite(o).all():
            raise ValueError(f"origin must be a finite vector, got {origin!r}")
        if s.ndim != 1 or not np.isfinite(s).all() or not self.positive(s):
            raise ValueError(f"spacing must be finite and > 0, got {spacing!r}")
        if not self.enough_axes(s, o):
            raise ValueError(f"spacing has {s.size} entries for data with {self._data.ndim} axes and origin {origin!r}")
        if d.shape != (o.size, s.size) or not np.isfinite(d).all() or not self.orthonormal(d):
            raise ValueError(f"direction must be ({o.size}, {s.size}) with orthonormal columns, got {direction!r}")
        return self.frozen(o), self.frozen(s), self.frozen(d)

    def positive(self, s: np.ndarray) -> bool:
        return bool((s > 0).all())

    def enough_axes(self, s: np.ndarray, o: np.ndarray) -> bool:
        fits = s.size <= self._data.ndim if "components" in self.offers else s.size == self._data.ndim
        return fits and s.size <= o.size

    def orthonormal(self, d: np.ndarray) -> bool:
        return bool(np.allclose(d.T @ d, np.eye(d.shape[1]), rtol=0, atol=1e-6))

    def frozen(self, value: np.ndarray) -> np.ndarray:
        """A read-only copy that setflags(write=True) cannot unlock (its base is a read-only bytes buffer)."""
        return np.frombuffer(value.tobytes(), dtype=np.float64).reshape(value.shape)

    # -- protocol attributes (SA-1.1 to SA-1.4, SA-1.9 to SA-1.11) ---------------------------------------------
    @property
    def origin(self) -> Any:
        return self._origin

    @origin.setter
    def origin(self, value: Any) -> None:
        self._origin, self._spacing, self._direction = self.validate(value, self._spacing, self._direction)

    @property
    def spacing(self) -> Any:
        return self._spacing

    @spacing.setter
    def spacing(self, value: Any) -> None:
        self._origin, self._spacing, self._direction = self.validate(self._origin, value, self._direction)

    @property
    def direction(self) -> Any:
        return self._direction

    @direction.setter
    def direction(self, value: Any) -> None:
        self._origin, self._spacing, self._direction = self.validate(self._origin, self._spacing, value)

    @property
    def spatial_ndim(self) -> int:
        return int(self._spacing.size)

    @property
    def spatial_shape(self) -> tuple[int, ...]:
        return self.shape[: self.spatial_ndim]

    @property
    def affine(self) -> np.ndarray:
        p, n = self._direction.shape
        matrix = np.zeros((p + 1, n + 1))
        matrix[:p, :n] = self._direction * self._spacing
        matrix[:p, n] = self._origin
        matrix[p, n] = 1.0
        return matrix

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._data.dtype

    def __len__(self) -> int:
        return len(self._data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def new(self, data: Any, origin: Any, spacing: Any, direction: Any) -> Any:
        """A derived array: its own geometry (already valid), a shallow copy of meta."""
        if "components" not in self.offers and np.ndim(data) > np.size(spacing):
            return data  # SA-15.6: without components, a result with a component axis is plain
        result = object.__new__(type(self))
        result._data = data
        result._origin, result._spacing, result._direction = (self.frozen(np.asarray(v, dtype=np.float64))
                                                              for v in (origin, spacing, direction))
        result.meta = dict(self.meta)
        return result

    def with_values(self, values: Any) -> Any:
        """SA-12.4: plain values on this grid, not copied."""
        values = np.asarray(values)
        if values.shape[: self._spacing.size] != self.spatial_shape:
            raise ValueError(f"values of shape {values.shape} do not have the spatial shape {self.spatial_shape}")
        return self.like(values)

    def like(self, data: Any) -> Any:
        """``data`` on this array's grid."""
        return self.new(data, self._origin, self._spacing, self._direction)

    # -- mapping (SA-2.4), present only when offered (SA-15.6) -------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name in ("index_to_physical", "physical_to_index") and "mapping" in self.offers:
            return getattr(self, "_" + name)
        raise AttributeError(name)

    def _index_to_physical(self, index: Any) -> np.ndarray:
        return self._origin + (np.asarray(index, dtype=float) * self._spacing) @ self._direction.T

    def _physical_to_index(self, points: Any) -> np.ndarray:
        return ((np.asarray(points, dtype=float) - self._origin) @ self._direction) / self._spacing

    def writable(self) -> None:
        """SA-15.6: without the out feature, nothing writes into a spatial array."""
        if "out" not in self.offers:
            raise TypeError("this image type is immutable (no 'out' feature): out=, in-place operators and item "
                            "assignment are refused; use the result of the operation instead")

    # -- indexing (chapters 4 to 6) ----------------------------------------------------------------------------
    def is_basic(self, key: tuple[Any, ...]) -> bool:
        return all((k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer))) and not isinstance(k, (bool, np.bool_))
                   for k in key)

    def __getitem__(self, key: Any) -> Any:
        key = key if isinstance(key, tuple) else (key,)
        for mask in (k for k in key if is_spatial(k)):  # SA-6.3: a spatial mask is an operand
            self.check_mask(mask)
        key = tuple(np.asarray(k) if is_spatial(k) else k for k in key)
        values = self._data[key]
        if not self.is_basic(key):
            components = self.component_selection(key)
            return self.advanced_result(values) if components is None else self.new(values, *components)
        geometry = self.indexed_geometry(key)
        return values if geometry is None else self.new(values, *geometry)

    def indexed_geometry(self, key: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        n = self._spacing.size
        consumed = self.consumed(key)
        full: list[Any] = []
        for k in key:
            full.extend([slice(None)] * self.ellipsis_length(consumed) if k is Ellipsis else [k])
        origin = self._origin.copy()
        spacing, columns, new_axes = [], [], []
        axis = 0
        for k in full:
            if k is None:
                new_axes.append(len(spacing))
                continue
            if axis >= n:
                axis += 1
                continue
            if isinstance(k, slice):
                start, _, step = self.normalised(k, self.shape[axis])
                origin = origin + self._direction[:, axis] * self._spacing[axis] * start
                spacing.append(self.sliced_spacing(self._spacing[axis], step))
                columns.append(self.sliced_column(self._direction[:, axis], step))
            else:
                index = self.wrapped(operator.index(k), self.shape[axis])
                origin = origin + self.integer_shift(axis, index)
            axis += 1
        while axis < n:
            spacing.append(self._spacing[axis])
            columns.append(self._direction[:, axis])
            axis += 1
        if not spacing:
            return None
        if any(position < len(spacing) for position in new_axes):
            return self.leading_newaxis_geometry(origin, spacing, columns)
        return self.embedded(origin, np.array(spacing), np.stack(columns, axis=1))

    def embedded(self, origin: np.ndarray, spacing: np.ndarray, direction: np.ndarray) -> Any:
        """SA-4.2: the result keeps all P rows."""
        return origin, spacing, direction

    def wrapped(self, index: int, length: int) -> int:
        return index + length if index < 0 else index

    def check_mask(self, mask: Any) -> None:
        self.combined([self], self.shape, [mask])

    def component_selection(self, key: tuple[Any, ...]) -> Any:
        """SA-6.2: advanced entries only on component axes, next to each other, spatial axes sliced: the slices' geometry."""
        if "components" not in self.offers:
            return None
        consumed = sum(1 for k in key if k is not Ellipsis)
        full: list[Any] = []
        for k in key:
            full.extend([slice(None)] * (self.ndim - consumed) if k is Ellipsis else [k])
        advanced = [i for i, k in enumerate(full) if not isinstance(k, slice)]
        n = self._spacing.size
        if (any(k is None or isinstance(k, (int, np.integer, bool, np.bool_)) for k in full) or not advanced
                or advanced[0] < n or advanced != list(range(advanced[0], advanced[-1] + 1))
                or any(np.ndim(full[i]) == 0 for i in advanced)):
            return None
        return self.indexed_geometry(tuple(k for k in full[:n]))

    def consumed(self, key: tuple[Any, ...]) -> int:
        """How many array axes the key's entries index (newaxis and ... index none)."""
        return sum(1 for k in key if k is not None and k is not Ellipsis)

    def ellipsis_length(self, consumed: int) -> int:
        return self.ndim - consumed

    def normalised(self, key: slice, length: int) -> tuple[int, int, int]:
        return key.indices(length)

    def sliced_spacing(self, spacing: float, step: int) -> float:
        return spacing * abs(step)

    def sliced_column(self, column: np.ndarray, step: int) -> np.ndarray:
        return -column if step < 0 else column

    def integer_shift(self, axis: int, index: int) -> np.ndarray:
        return self._direction[:, axis] * self._spacing[axis] * index

    def advanced_result(self, values: np.ndarray) -> Any:
        return np.asarray(values)

    def leading_newaxis_geometry(self, origin: Any, spacing: Any, columns: Any) -> Any:
        return None

    def __setitem__(self, key: Any, value: Any) -> None:
        self.writable()
        parts = key if isinstance(key, tuple) else (key,)
        for mask in (k for k in parts if is_spatial(k)):  # SA-6.3
            self.check_mask(mask)
        key = tuple(np.asarray(k) if is_spatial(k) else k for k in parts)
        if is_spatial(value):
            target = self[key]
            if isinstance(target, DuckImage):
                self.check_assignment(target, value)
            value = np.asarray(value)
        self._data[key] = value

    def check_assignment(self, target: DuckImage, value: Any) -> None:
        target.combined([target, value], target.shape)

    # -- operands: one space, or in the full operand's grid (chapter 7, chapter 10) ------------------------------
    def mismatch(self, other: Any) -> str | None:
        """SA-10.1: the part in which ``other`` is not in this array's space (shapes aside), or None."""
        o, sp, d = geometry(other)
        if sp.size != self._spacing.size:
            return f"spatial_ndim differs: {self._spacing.size} vs {sp.size}"
        if o.size != self._origin.size:
            return f"physical_ndim differs: {self._origin.size} vs {o.size}"
        return self.axes_mismatch(o, sp, d, list(range(sp.size)), list(range(sp.size)))

    def axes_mismatch(self, o: np.ndarray, sp: np.ndarray, d: np.ndarray, mine: list[int], theirs: list[int],
                      free: list[int] | None = None) -> str | None:
        """SA-10.1 on the axes ``mine`` of this grid against axes ``theirs`` of (o, sp, d); ``free`` axes are not compared."""
        tol, rel = self.tolerance, self.storage
        free = free or []
        s = np.minimum(self._spacing[mine], sp[theirs])
        lengths = np.maximum(np.array(self.shape[: self._spacing.size])[mine] - 1, 1)
        if np.any(lengths * np.abs(sp[theirs] - self._spacing[mine]) > tol * s + rel * lengths * s):
            return f"spacing differs: {self._spacing[mine]} vs {sp[theirs]}"
        if not self.directions_match(d[:, theirs], mine, lengths, s):
            return f"direction differs: {self._direction[:, mine].tolist()} vs {d[:, theirs].tolist()}"
        delta = o - self._origin
        if free:  # broadcast axes: the operand may lie anywhere along them
            basis = self._direction[:, free]
            delta = delta - basis @ (basis.T @ delta)
        smallest = self._spacing.copy()
        smallest[mine] = s
        allowance = self.origin_tolerance(smallest) + rel * (np.abs(self._direction) * np.abs(self._origin)[:, None]).sum(axis=0)
        along = self._direction.T @ delta
        outside = delta - self._direction @ along
        if np.any(np.abs(along[mine]) > allowance[mine]) or np.linalg.norm(outside) > allowance.min():
            return f"origin differs: {self._origin} vs {o}"
        return None

    storage = 2.0**-22

    def origin_tolerance(self, s: np.ndarray) -> np.ndarray:
        return self.tolerance * s

    def directions_match(self, direction: np.ndarray, mine: list[int], lengths: np.ndarray, s: np.ndarray) -> bool:
        """Element-wise within dir_tol, and the far end of each axis moves less than the coordinate allowance."""
        difference = direction - self._direction[:, mine]
        far_end = lengths * s * np.linalg.norm(difference, axis=0)
        return bool(np.all(np.abs(difference) <= self.tolerance)
                    and np.all(far_end <= self.tolerance * s + self.storage * lengths * s))

    def in_grid(self, part: Any, result_shape: tuple[int, ...]) -> str | None:
        """SA-7.7: ``part`` (broadcast along some spatial axes) lies in this full operand's grid."""
        po, ps, pd = geometry(part)
        shape = np.shape(part)
        offset = len(result_shape) - len(shape)
        n = self._spacing.size
        axes = [offset + j for j in range(ps.size)]
        if offset < 0 or ps.size + offset != n or po.size != self._origin.size:
            return "the broadcast operand's spatial axes do not line up with the full operand's"
        broadcast = [i for i in range(n) if i < offset or shape[i - offset] != result_shape[i]]
        mine = [i for i in axes if i not in broadcast]
        return self.axes_mismatch(po, ps, pd, mine, [i - offset for i in mine], broadcast)

    def combined(self, spatial: list[Any], result_shape: tuple[int, ...], masks: list[Any] | None = None) -> DuckImage | None:
        """SA-7.2 to SA-7.8: the grid the result takes (None: plain); GeometryMismatchError when operands disagree.

        ``spatial`` are the inputs and out= arrays; ``masks`` (where=) are checked but never give the grid.
        """
        everything = list(spatial) + list(masks or [])
        full = [x for x in spatial if np.ndim(x) == len(result_shape)
                and np.shape(x)[: np.size(x.spacing)] == result_shape[: np.size(x.spacing)]]
        if not full:
            return self.no_full_operand(everything)
        first = full[0] if isinstance(full[0], DuckImage) else self.new(np.asarray(full[0]), *geometry(full[0]))
        for other in everything:
            if other is full[0]:
                continue
            same = np.ndim(other) == len(result_shape) and np.shape(other)[: np.size(other.spacing)] == result_shape[: np.size(other.spacing)]
            problem = first.mismatch(other) if same else first.in_grid(other, result_shape)
            if problem:
                raise self.mismatch_error(f"operands are not in the same space: {problem}")
        return first

    def no_full_operand(self, spatial: list[Any]) -> DuckImage | None:
        """SA-7.4, SA-7.8: same-shape operands are compared and give a plain result; different shapes are refused."""
        if len({np.shape(x) for x in spatial}) > 1:
            raise self.mismatch_error("no operand spans the result's grid; np.asarray(one operand) gives a plain result")
        first = next((x for x in spatial if isinstance(x, DuckImage)), None)
        for other in spatial:
            problem = None if first is None or other is first else first.mismatch(other)
            if problem:
                raise self.mismatch_error(f"operands are not in the same space: {problem}")
        return None

    # -- ufuncs (chapter 7) --------------------------------------------------------------------------------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        outs = kwargs.pop("out", None)
        outs = outs if isinstance(outs, tuple) else (outs,) if outs is not None else ()
        if any(is_spatial(o) for o in outs) or method == "at" and is_spatial(inputs[0]):
            self.writable()
        where = kwargs.get("where")
        plain_inputs = [np.asarray(x) if is_spatial(x) else x for x in inputs]
        if is_spatial(where):
            kwargs["where"] = np.asarray(where)
        if "where" in kwargs and not outs:
            kwargs["out"] = None  # the caller said out=None (numpy warns otherwise)
        if outs:
            kwargs["out"] = tuple(np.asarray(o) if is_spatial(o) else o for o in outs)
        if method == "__call__":
            return self.call(ufunc, inputs, plain_inputs, outs, where, kwargs)
        if method == "reduce":
            axis = kwargs.pop("axis", 0)
            keepdims = bool(kwargs.pop("keepdims", False))
            kwargs.pop("out", None)
            return inputs[0].reduce(lambda v, axis, keepdims, **kw: ufunc.reduce(v, axis=axis, keepdims=keepdims, **kw),
                                    axis, keepdims, outs[0] if outs else None, kwargs)
        values = getattr(ufunc, method)(*plain_inputs, **kwargs)
        first = inputs[0]
        if method == "accumulate":
            return self.accumulate_result(first, values)
        if method == "reduceat":
            axis = kwargs.get("axis", 0) % first.ndim
            return values if axis < first._spacing.size else first.like(values)
        if method == "outer":
            spatial = [x for x in inputs if is_spatial(x)]
            return first.like(values) if len(spatial) == 1 and spatial[0] is first else values
        return None  # at: in place

    def accumulate_result(self, first: DuckImage, values: Any) -> Any:
        return first.like(values)

    def call(self, ufunc: np.ufunc, inputs: Any, plain_inputs: list[Any], outs: tuple[Any, ...], where: Any,
             kwargs: dict[str, Any]) -> Any:
        operands = [x for x in inputs if self.is_operand(x)] + self.extra_operands(outs, None)
        shape = np.broadcast_shapes(*[np.shape(x) for x in plain_inputs])
        grid = self.combined(operands, shape, self.extra_operands((), where))
        result = ufunc(*plain_inputs, **kwargs)
        if outs:
            return outs[0] if ufunc.nout == 1 else outs
        if grid is None:
            return result
        wrap = (lambda r: grid.like(r) if isinstance(r, np.ndarray) and r.ndim == grid.ndim else r)
        return tuple(wrap(r) for r in result) if ufunc.nout > 1 else self.ufunc_result(grid, wrap(result))

    def is_operand(self, value: Any) -> bool:
        """SA-15.3: any implementation's spatial array is an operand."""
        return is_spatial(value)

    def extra_operands(self, outs: tuple[Any, ...], where: Any) -> list[Any]:
        extra = [o for o in outs if is_spatial(o)]
        return extra + ([where] if is_spatial(where) else [])

    def ufunc_result(self, grid: DuckImage, result: Any) -> Any:
        return result

    # -- numpy functions (chapters 8, 9, 13) ---------------------------------------------------------------------
    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = FUNCTIONS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        return func(*plain(args), **plain(kwargs))

    def reduce(self, func: Any, axis: Any, keepdims: bool, out: Any = None, kwargs: dict[str, Any] | None = None) -> Any:
        if is_spatial(out):
            self.writable()
        values = func(self._data, axis=axis, keepdims=keepdims, **(kwargs or {}))
        reduced = self.reduced_geometry(axis, keepdims)
        if out is not None:
            return self.into_out(out, values, reduced)
        if reduced is None:
            return self.full_reduction_result(values)
        return self.new(values, *reduced)

    def into_out(self, out: Any, values: Any, reduced: Any) -> Any:
        if isinstance(out, DuckImage):
            if reduced is None:
                raise ValueError("the reduction's geometry is undefined; out= must be plain")
            expected = self.new(values, *reduced)
            problem = expected.mismatch(out) or (None if out.shape == np.shape(values) else "shape differs")
            if problem:
                raise GeometryMismatchError(f"out= is not on the result's grid: {problem}")
        np.copyto(out._data if isinstance(out, DuckImage) else out, values)
        return out

    def reduced_geometry(self, axis: Any, keepdims: bool) -> Any:
        n = self._spacing.size
        axes = range(self.ndim) if axis is None else [a % self.ndim for a in np.atleast_1d(axis)]
        spatial = sorted({a for a in axes if a < n})
        if len(spatial) == n or not all(self.has_centre(self.shape[a]) for a in spatial):
            return None
        origin = self._origin.copy()
        for a in spatial:
            origin = origin + self._direction[:, a] * self._spacing[a] * (self.shape[a] - 1) / 2
        origin = self.reduction_origin(origin, spatial)
        if keepdims:
            spacing = self._spacing.copy()
            for a in spatial:
                spacing[a] = self.keepdims_spacing(spacing[a], self.shape[a])
            return origin, spacing, self._direction
        keep = [i for i in range(n) if i not in spatial]
        return origin, self._spacing[keep], self._direction[:, keep]

    def reduction_origin(self, origin: np.ndarray, spatial: list[int]) -> np.ndarray:
        return origin

    def has_centre(self, length: int) -> bool:
        return length > 0

    def keepdims_spacing(self, spacing: float, length: int) -> float:
        return spacing * length

    def full_reduction_result(self, values: Any) -> Any:
        return values

    def permuted(self, order: Any) -> Any:
        n = self._spacing.size
        order = [int(a) % self.ndim for a in order]
        values = np.transpose(self._data, order)
        if any(a >= n for a in order[:n]):
            return values
        return self.new(values, self._origin, self.permuted_spacing(order[:n]), self._direction[:, order[:n]])

    def permuted_spacing(self, order: list[int]) -> np.ndarray:
        return self._spacing[order]

    def squeezed(self, axis: Any = None) -> Any:
        axes = [i for i, length in enumerate(self.shape) if length == 1] if axis is None else [a % self.ndim for a in np.atleast_1d(axis)]
        key = tuple(0 if i in axes else slice(None) for i in range(self.ndim))
        result = self[self.squeeze_key(key)]
        return result

    def squeeze_key(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        return key

    @property
    def T(self) -> Any:
        return self.permuted(range(self.ndim)[::-1])

    def transpose(self, *axes: Any) -> Any:
        return self.permuted(axes[0] if len(axes) == 1 else axes or range(self.ndim)[::-1])

    def squeeze(self, axis: Any = None) -> Any:
        return self.squeezed(axis)

    def copy(self) -> Any:
        return self.like(self._data.copy())

    def astype(self, dtype: Any) -> Any:
        return self.like(self._data.astype(dtype))

    def view(self) -> Any:
        return self.like(self._data.view())

    def flatten(self) -> np.ndarray:
        return self._data.flatten()

    @property
    def real(self) -> Any:
        return self.like(self._data.real)

    @property
    def imag(self) -> Any:
        return self.like(self._data.imag)

    def padded(self, pad_width: Any, *args: Any, **kwargs: Any) -> Any:
        values = np.pad(self._data, pad_width, *args, **kwargs)
        widths = np.broadcast_to(np.asarray(pad_width), (self.ndim, 2))
        origin = self._origin.copy()
        for axis in range(self._spacing.size):
            origin = origin - self.pad_step(self._direction[:, axis] * self._spacing[axis] * widths[axis, 0])
        return self.new(values, origin, self._spacing, self._direction)

    def pad_step(self, step: np.ndarray) -> np.ndarray:
        return step

    def differenced(self, n: int = 1, axis: int = -1, prepend: Any = np._NoValue, append: Any = np._NoValue) -> Any:
        kwargs = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not np._NoValue}
        values = np.diff(self._data, n=n, axis=axis, **plain(kwargs))
        axis %= self.ndim
        if axis >= self._spacing.size:
            return self.like(values)
        m = 0 if prepend is np._NoValue else (np.shape(prepend)[axis] if np.ndim(prepend) else 1)
        shift = self.diff_shift(n, m)
        return self.new(values, self._origin + self._direction[:, axis] * self._spacing[axis] * shift, self._spacing, self._direction)

    def diff_shift(self, n: int, m: int) -> float:
        return n / 2 - m

    def concatenate(self, pieces: Any, axis: int = 0) -> Any:
        values = np.concatenate([np.asarray(p) for p in pieces], axis=axis)
        if axis is None or not all(isinstance(p, DuckImage) for p in pieces):
            return values
        axis %= values.ndim
        first = pieces[0]
        if axis >= first._spacing.size:
            first.combined(list(pieces), tuple(first.shape[: first._spacing.size]))
            return first.like(values)
        previous = first
        for piece in pieces[1:]:
            moved = previous._origin + previous._direction[:, axis] * previous._spacing[axis] * previous.shape[axis]
            expected = previous.new(previous._data, moved, previous._spacing, previous._direction)
            problem = self.continuity(expected, piece)
            if problem:
                raise GeometryMismatchError(f"pieces do not continue one grid: {problem}")
            previous = piece
        return first.like(values)

    def continuity(self, expected: DuckImage, piece: DuckImage) -> str | None:
        return expected.mismatch(piece)


def plain(value: Any) -> Any:
    """``value`` with every spatial array replaced by its numpy values (in lists, tuples and dicts too)."""
    if is_spatial(value):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _spatial(args: Any) -> list[Any]:
    found: list[Any] = []
    for value in args:
        if is_spatial(value):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(_spatial(value))
    return found


def _elementwise(func: Any) -> Any:
    """SA-13.1: array arguments are operands; a result with their spatial shape and axes keeps the common grid."""
    def run(*args: Any, **kwargs: Any) -> Any:
        operands = _spatial(list(args) + list(kwargs.values()))
        values = func(*plain(args), **plain(kwargs))
        if kwargs.get("subok") is False or not isinstance(values, np.ndarray):
            return values
        grid = next(x for x in operands if isinstance(x, DuckImage)).combined(operands, values.shape)
        return values if grid is None else grid.like(values)
    return run


def _reduction(func: Any) -> Any:
    def run(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
        if not isinstance(a, DuckImage):  # a plain input into a spatial out: plain values, out keeps its grid
            out.writable()
            np.copyto(out._data, func(np.asarray(a), axis=axis, keepdims=keepdims, **kwargs))
            return out
        return a.reduce(func, axis, keepdims, out, kwargs)
    return run


def _arg_reduction(func: Any) -> Any:
    def run(a: DuckImage, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
        return a.reduce(lambda v, axis, keepdims: func(v, axis=axis, keepdims=keepdims), axis, keepdims, out)
    return run


def _along_axis(func: Any) -> Any:
    """SA-13.4: plain along a spatial axis; along a component axis the grid is kept when the spatial shape is."""
    def run(a: DuckImage, *args: Any, axis: Any = -1, **kwargs: Any) -> Any:
        values = func(a._data, *plain(args), axis=axis, **plain(kwargs))
        if axis is None or axis % a.ndim < a._spacing.size or values.shape[: a._spacing.size] != a.spatial_shape:
            return values
        return a.like(values)
    return run


def _cumulative(func: Any) -> Any:
    def run(a: DuckImage, axis: Any = None, *args: Any, include_initial: bool = False, **kwargs: Any) -> Any:
        extra = {"include_initial": True} if include_initial else {}
        values = func(a._data, *args, axis=axis, **extra, **kwargs)
        if axis is None and a.ndim > 1 or include_initial and (axis or 0) % a.ndim < a._spacing.size:
            return values
        return a.like(values)
    return run


def _split(func: Any) -> Any:
    def run(a: DuckImage, indices: Any, axis: int = 0) -> Any:
        pieces, start = [], 0
        for piece in func(a._data, indices, axis=axis):
            key = (slice(None),) * (axis % a.ndim) + (slice(start, start + piece.shape[axis]),)
            pieces.append(a[key])
            start += piece.shape[axis]
        return pieces
    return run


def _stacked(func: Any, vectors: int) -> Any:
    """SA-13.7: linear algebra on the last one or two axes keeps the grid when those are component axes."""
    def run(a: DuckImage, *args: Any, **kwargs: Any) -> Any:
        values = func(a._data, *plain(args), **plain(kwargs))
        if a.ndim - vectors < a._spacing.size or "axis" in kwargs and kwargs["axis"] is not None and kwargs["axis"] % a.ndim < a._spacing.size:
            return values
        return a.like(values) if isinstance(values, np.ndarray) and values.shape[: a._spacing.size] == a.spatial_shape else values
    return run


def _refused(name: str) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"np.{name} would drop the geometry; save np.asarray(image) and its geometry explicitly")
    return run


def _plain(func: Any) -> Any:
    return lambda *args, **kwargs: func(*plain(args), **plain(kwargs))


def _into(out: Any, result: Any) -> Any:
    """SA-13.6: a result written into out=, checked against a spatial out first."""
    if out is None:
        return result
    if isinstance(out, DuckImage):
        out.writable()
        if not isinstance(result, DuckImage):
            raise GeometryMismatchError("the result is plain: it only fits a plain out=")
        problem = result.mismatch(out) or (None if out.shape == result.shape else "shape differs")
        if problem:
            raise GeometryMismatchError(f"out= is not on the result's grid: {problem}")
    np.copyto(out._data if isinstance(out, DuckImage) else out, np.asarray(result))
    return out


def _take(a: DuckImage, indices: Any, axis: Any = None, **kwargs: Any) -> Any:
    """SA-9.4: plain along a spatial axis or flattened; along a component axis a[..., indices] (SA-6.2)."""
    values = np.take(a._data, indices, axis=axis, **kwargs)
    if axis is None or axis % a.ndim < a._spacing.size or "components" not in a.offers:
        return values
    return a.like(values) if values.shape[: a._spacing.size] == a.spatial_shape else values


def _tile(a: DuckImage, reps: Any) -> Any:
    values = np.tile(a._data, reps)
    return a.like(values) if values.ndim == a.ndim else values


def _expand_dims(a: DuckImage, axis: Any) -> Any:
    key: list[Any] = [slice(None)] * a.ndim
    for position in sorted(int(x) % (a.ndim + len(np.atleast_1d(axis))) for x in np.atleast_1d(axis)):
        key.insert(position, None)
    return a[tuple(key)]


def _stack(arrays: Any, axis: int = 0, **kwargs: Any) -> Any:
    values = np.stack([np.asarray(x) for x in arrays], axis=axis, **kwargs)
    spatial = _spatial(list(arrays))
    if len(spatial) != len(arrays):
        return values
    first = next(x for x in spatial if isinstance(x, DuckImage))
    if axis % values.ndim < first._spacing.size:
        return values  # a batch of images: plain, pieces not compared
    first.combined(spatial, first.shape)
    return first.like(values)


def _flip(a: DuckImage, axis: Any = None) -> Any:
    axes = range(a.ndim) if axis is None else [x % a.ndim for x in np.atleast_1d(axis)]
    return a[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(a.ndim))]


def _rot90(a: DuckImage, k: int = 1, axes: Any = (0, 1)) -> Any:
    result = a
    for _ in range(k % 4):
        result = _flip(result, axes[1]).permuted(_swapped(a.ndim, *axes))
    return result


def _swapped(ndim: int, i: int, j: int) -> list[int]:
    order = list(range(ndim))
    order[i % ndim], order[j % ndim] = order[j % ndim], order[i % ndim]
    return order


def _moved(ndim: int, source: int, destination: int) -> list[int]:
    order = [i for i in range(ndim) if i != source % ndim]
    order.insert(destination % ndim, source % ndim)
    return order


def _atleast_3d(a: DuckImage) -> Any:
    return a[(Ellipsis,) + (None,) * (3 - a.ndim)] if a.ndim < 3 else a


def _repeat(a: DuckImage, repeats: Any, axis: Any = None) -> Any:
    values = np.repeat(a._data, repeats, axis=axis)
    return values if axis is None or axis % a.ndim < a._spacing.size else a.like(values)


def _np_copy(a: DuckImage, *args: Any, **kwargs: Any) -> Any:
    if kwargs.get("subok") is False:
        return np.copy(a._data)
    return a.copy()


FUNCTIONS: dict[Any, Any] = {
    **{f: _reduction(f) for f in (np.sum, np.mean, np.max, np.min, np.prod, np.std, np.any, np.all, np.amax, np.amin)},
    **{f: _arg_reduction(f) for f in (np.argmax, np.argmin)},
    np.transpose: lambda a, axes=None: a.permuted(range(a.ndim)[::-1] if axes is None else axes),
    np.swapaxes: lambda a, i, j: a.permuted(_swapped(a.ndim, i, j)),
    np.moveaxis: lambda a, source, destination: a.permuted(_moved(a.ndim, source, destination)),
    np.squeeze: lambda a, axis=None: a.squeezed(axis),
    np.copy: _np_copy,
    np.real: lambda a: a.real, np.imag: lambda a: a.imag,
    np.pad: lambda a, pad_width, *args, **kwargs: a.padded(pad_width, *args, **kwargs),
    np.diff: lambda a, n=1, axis=-1, prepend=np._NoValue, append=np._NoValue: a.differenced(n, axis, prepend, append),
    np.concatenate: lambda arrays, axis=0, out=None, **kwargs: _into(out, arrays[0].concatenate(arrays, axis)
                                                                    if isinstance(arrays[0], DuckImage)
                                                                    else np.concatenate(plain(arrays), axis, **kwargs)),
    np.stack: _stack, np.tile: _tile, np.repeat: _repeat, np.take: _take, np.expand_dims: _expand_dims, np.flip: _flip,
    np.fliplr: lambda a: _flip(a, 1), np.flipud: lambda a: _flip(a, 0), np.rot90: _rot90, np.atleast_3d: _atleast_3d,
    np.split: _split(np.split), np.array_split: _split(np.array_split),
    **{f: _elementwise(f) for f in (np.where, np.clip, np.isclose, np.round, np.around, np.nan_to_num, np.zeros_like,
                                    np.ones_like, np.full_like, np.empty_like, np.roll)},
    **{f: _cumulative(f) for f in (np.cumsum, np.cumprod, np.cumulative_sum, np.cumulative_prod)},
    **{f: _along_axis(f) for f in (np.sort, np.partition, np.delete)},
    np.linalg.det: _stacked(np.linalg.det, 2), np.linalg.inv: _stacked(np.linalg.inv, 2),
    np.linalg.norm: lambda a, ord=None, axis=None, keepdims=False: a.reduce(
        lambda v, axis, keepdims: np.linalg.norm(v, ord=ord, axis=axis, keepdims=keepdims), axis, keepdims),
    **{getattr(np, name): _refused(name) for name in ("save", "savez", "savez_compressed", "savetxt")},
}


class BareDuckImage(DuckImage):
    """The same implementation offering none of the SA-15.6 features: it implements their fallbacks."""

    offers: frozenset[str] = frozenset()
