"""The rule families numpy functions follow (SPEC.md chapter 13), one handler factory each.

A factory takes the numpy function and returns ``handler(spatial_cls, args,
kwargs)``. Factories decide *which* geometry a result gets; the maths comes from
`spatial_ndarray.geometry` through `Geometry` methods.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from ._operands import SpatialOperands, attach, plain
from ._reductions import check_reduction_out, reduction_rule
from .errors import GeometryMismatchError

__all__ = [
    "along_axis", "block", "column_stack", "component_pair", "concatenate", "cumulative", "diff", "elementwise", "expand_dims", "implementation",
    "pad", "plain_result", "reduction", "refused", "split", "stack", "stacked", "tile", "unstack",
]

Handler = Callable[[Any, tuple[Any, ...], dict[str, Any]], Any]
_ndarray_view = np.ndarray.view
_NO_VALUE: Any = np._NoValue  # numpy's marker for "argument not given"


class Parameters:
    """Positions and defaults of a numpy function's parameters, read once (no `inspect` per call)."""

    __slots__ = ("positions", "defaults")

    def __init__(self, func: Callable[..., Any]) -> None:
        signature = inspect.signature(func)
        self.positions = {name: i for i, name in enumerate(signature.parameters)}
        self.defaults = {
            name: p.default for name, p in signature.parameters.items() if p.default is not inspect.Parameter.empty
        }

    def get(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The value passed for ``name``, else its default, else None."""
        if name in kwargs:
            return kwargs[name]
        position = self.positions.get(name)
        if position is not None and position < len(args):
            return args[position]
        value = self.defaults.get(name)
        return None if value is _NO_VALUE else value

    def first(self) -> str:
        return next(iter(self.positions))


def _spatial_arrays(value: Any, spatial_cls: Any) -> list[Any]:
    """Every spatial array with a geometry in ``value`` (nested lists and tuples too)."""
    if isinstance(value, spatial_cls):
        return [value] if value._geometry is not None else []
    if type(value) is list or type(value) is tuple:
        return [a for v in value for a in _spatial_arrays(v, spatial_cls)]
    return []


def _wrap_results(result: Any, operands: SpatialOperands) -> Any:
    """Give each array in ``result`` (lists, tuples, named tuples) the common geometry where its grid survived."""
    if isinstance(result, np.ndarray):
        if operands.keeps(result.shape, result.ndim):
            return attach(result, operands.cls, operands.geometry, operands.meta)  # type: ignore[arg-type]
        return result
    if isinstance(result, tuple):
        items = [_wrap_results(r, operands) for r in result]
        return type(result)(*items) if hasattr(result, "_fields") else tuple(items)
    if isinstance(result, list):
        return [_wrap_results(r, operands) for r in result]
    return result


def _call_plain(func: Callable[..., Any], spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if kwargs:
        return func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))
    return func(*plain(args, spatial_cls))


def plain_result(func: Callable[..., Any]) -> Handler:
    """Geometry undefined (SA-13.8): run on the plain values, return plain results."""

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return _call_plain(func, spatial_cls, args, kwargs)

    return handler


def refused(func: Callable[..., Any], reason: str) -> Handler:
    """Refused with a TypeError that says why (SA-13.9)."""

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        raise TypeError(f"numpy.{func.__name__} is refused for spatial arrays: {reason}")

    return handler


def elementwise(func: Callable[..., Any], aligned: tuple[str, ...] | None = None) -> Handler:
    """Results on the grid of the aligned operands (SA-13.1).

    The aligned parameters (all array arguments when ``aligned`` is None) are
    checked like ufunc operands (SA-7.2); a result keeps the common geometry
    when its spatial shape and number of axes are those of the operands. An
    explicit ``subok=False`` asks for a plain result and gets one.
    """
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if aligned is None:
            candidates = _spatial_arrays(args, spatial_cls) + _spatial_arrays(list(kwargs.values()), spatial_cls)
        else:
            candidates = [a for name in aligned for a in _spatial_arrays(parameters.get(name, args, kwargs), spatial_cls)]
        operands = SpatialOperands()
        for position, array in enumerate(candidates):
            operands.add(array, f"array argument {position}")
        if operands.pending:
            operands.resolve()  # before the call: copyto and putmask write (SA-7.7)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if "out" in parameters.positions:
            out = parameters.get("out", args, kwargs)
            if out is not None:
                return out  # numpy returns out itself (clip, round)
        if operands.geometry is None or kwargs.get("subok", True) is False:
            return result
        return _wrap_results(result, operands)

    return handler


def implementation(func: Callable[..., Any]) -> Handler:
    """numpy's own implementation on the spatial array (SA-13.2).

    Used where numpy's code only indexes, calls ndarray methods that
    SpatialArray overrides, or calls other numpy functions (which dispatch back
    here): the rules then apply step by step.
    """
    implementation_ = func._implementation  # type: ignore[attr-defined]

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return implementation_(*args, **kwargs)

    return handler


def reduction(func: Callable[..., Any]) -> Handler:
    """Reductions with no ndarray method: the binning rule on the reduced axes (SA-8.1 to SA-8.7)."""
    parameters = Parameters(func)
    first = parameters.first()

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get(first, args, kwargs)
        geometry = array._geometry if isinstance(array, spatial_cls) else None
        expected: tuple[int, ...] = ()
        operands = SpatialOperands()
        if geometry is not None:
            keepdims = bool(parameters.get("keepdims", args, kwargs))
            axis = parameters.get("axis", args, kwargs)
            geometry, expected = reduction_rule(geometry, _ndarray_view(array, np.ndarray).shape, axis, keepdims)
            if "q" in parameters.positions and np.ndim(parameters.get("q", args, kwargs)) > 0:
                geometry = None  # several quantiles add a leading axis
            operands.add(array, first)
            for name in ("weights", "where"):  # aligned with the array element by element
                value = parameters.get(name, args, kwargs)
                if isinstance(value, spatial_cls):
                    operands.add(value, name)
            if operands.pending:
                operands.resolve(_ndarray_view(array, np.ndarray).shape)
        out = parameters.get("out", args, kwargs)
        if isinstance(out, spatial_cls) and isinstance(array, spatial_cls) and array._geometry is not None:
            check_reduction_out(out._geometry, geometry)  # a plain input writes plain values (SA-8.7)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if out is not None:
            return out
        if geometry is None:
            return result
        reduced = geometry

        def wrap(r: Any) -> Any:  # every array the rule predicts (average's returned= gives two)
            if isinstance(r, np.ndarray) and r.ndim >= len(expected) and r.shape[: len(expected)] == expected:
                return attach(r, type(array), reduced, array._meta)
            return tuple(wrap(x) for x in r) if isinstance(r, tuple) else r

        return wrap(result)

    return handler


def cumulative(func: Callable[..., Any]) -> Handler:
    """Cumulative functions: the same grid along an axis; ``axis=None`` flattens (SA-13.3)."""
    parameters = Parameters(func)
    first = parameters.first()
    same_grid = elementwise(func, (first, "out"))

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get(first, args, kwargs)
        axis = parameters.get("axis", args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None or (axis is None and array.ndim != 1):
            return _call_plain(func, spatial_cls, args, kwargs)
        axis = normalize_axis_index(0 if axis is None else axis, array.ndim)
        if parameters.get("include_initial", args, kwargs) and axis < array._geometry.spatial_ndim:
            return _call_plain(func, spatial_cls, args, kwargs)  # one more element along a spatial axis
        return same_grid(spatial_cls, args, kwargs)

    return handler


def along_axis(func: Callable[..., Any], array_name: str | None = None, axis_default: int | None = None) -> Handler:
    """Operations along one axis (sort, delete, take_along_axis...): plain along a spatial axis (SA-13.4).

    Along a component axis the grid is untouched and the result keeps the
    geometry where its spatial shape is unchanged.
    """
    parameters = Parameters(func)
    name = array_name or parameters.first()
    same_grid = elementwise(func, (name,))

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get(name, args, kwargs)
        axis = parameters.get("axis", args, kwargs) if "axis" in parameters.positions else axis_default
        if not isinstance(array, spatial_cls) or array._geometry is None or axis is None:
            return _call_plain(func, spatial_cls, args, kwargs)
        if normalize_axis_index(axis, array.ndim) < array._geometry.spatial_ndim:
            return _call_plain(func, spatial_cls, args, kwargs)
        return same_grid(spatial_cls, args, kwargs)

    return handler


def component_pair(func: Callable[..., Any]) -> Handler:
    """``diagonal`` and ``trace`` over ``axis1`` and ``axis2``: the grid is kept when both are component axes (SA-13.12).

    Along a spatial axis the diagonal mixes positions of two axes: plain.
    """
    parameters = Parameters(func)
    first = parameters.first()

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get(first, args, kwargs)
        out = parameters.get("out", args, kwargs)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if out is not None:
            return out
        if not isinstance(array, spatial_cls) or array._geometry is None or not isinstance(result, np.ndarray):
            return result
        n = array._geometry.spatial_ndim
        axes = [normalize_axis_index(parameters.get(name, args, kwargs), array.ndim) for name in ("axis1", "axis2")]
        if min(axes) < n or result.shape[:n] != array.shape[:n]:
            return result
        return attach(result, type(array), array._geometry, array._meta)

    return handler


def stacked(func: Callable[..., Any], core: int) -> Handler:
    """Linear algebra on stacks of matrices or vectors (SA-13.7).

    The last ``core`` axes are the matrix (vector) axes. When every spatial axis
    of every spatial operand is a stacking axis, results keep the geometry on
    those axes; otherwise the maths mixes positions and results are plain.
    """

    parameters = Parameters(func)
    axis_names = [name for name in ("axis", "axisa", "axisb", "axisc") if name in parameters.positions]

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        arrays = _spatial_arrays(args, spatial_cls) + _spatial_arrays(list(kwargs.values()), spatial_cls)
        if not arrays or any(a.ndim - core < a._geometry.spatial_ndim for a in arrays):
            return _call_plain(func, spatial_cls, args, kwargs)
        for name in axis_names:  # an axis argument may put the vectors on a spatial axis: that mixes positions
            value = parameters.get(name, args, kwargs)
            if value is not None and any(
                normalize_axis_index(value, a.ndim) < a._geometry.spatial_ndim for a in arrays
            ):
                return _call_plain(func, spatial_cls, args, kwargs)
        loop = arrays[0].ndim - core
        others = [v for v in list(args) + list(kwargs.values()) if isinstance(v, np.ndarray)]
        if any(np.ndim(v) - core > loop for v in others):
            return _call_plain(func, spatial_cls, args, kwargs)  # another operand adds leading stacking axes
        operands = SpatialOperands(leading=True)
        for position, array in enumerate(arrays):
            operands.add(array, f"array argument {position}")
        result = _call_plain(func, spatial_cls, args, kwargs)
        n = len(operands.spatial_shape)

        def wrap(r: Any) -> Any:
            if isinstance(r, np.ndarray) and r.ndim >= n and r.shape[:n] == operands.spatial_shape:
                return attach(r, operands.cls, operands.geometry, operands.meta)  # type: ignore[arg-type]
            if isinstance(r, tuple):
                items = [wrap(x) for x in r]
                return type(r)(*items) if hasattr(r, "_fields") else tuple(items)
            return r

        return wrap(result)

    return handler


def expand_dims(func: Callable[..., Any]) -> Handler:
    """`np.expand_dims` as the equivalent basic index with newaxis entries (SA-5.5)."""
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("a", args, kwargs)
        axis = parameters.get("axis", args, kwargs)
        if not isinstance(array, spatial_cls):
            return _call_plain(func, spatial_cls, args, kwargs)
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        new_axes = normalize_axis_tuple(axes, array.ndim + len(axes))
        key = tuple(None if i in new_axes else slice(None) for i in range(array.ndim + len(axes)))
        return array[key]

    return handler


def pad(func: Callable[..., Any]) -> Handler:
    """`np.pad`: the origin moves back by the leading pad width on each spatial axis (SA-13.5), every mode."""
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("array", args, kwargs)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None:
            return result
        geometry = array._geometry
        n = geometry.spatial_ndim
        # the pad in front of each spatial axis is what the result has more than the input, less the pad behind:
        # read it from numpy's own normalisation of pad_width, for every form numpy accepts
        width = parameters.get("pad_width", args, kwargs)
        if isinstance(width, dict):  # numpy 2: {axis: width or (before, after)}, other axes unpadded
            before = [0] * n
            for axis, value in width.items():
                index = normalize_axis_index(axis, array.ndim)
                if index < n:
                    before[index] = int(np.broadcast_to(np.asarray(value), (2,))[0])
        elif isinstance(width, (int, np.integer)):
            before = [int(width)] * n
        else:
            widths = np.broadcast_to(np.asarray(width), (array.ndim, 2))
            before = [int(w) for w in widths[:n, 0]]
        return attach(result, type(array), geometry.padded(before), array._meta)

    return handler


def diff(func: Callable[..., Any]) -> Handler:
    """`np.diff`: each difference sits between its two elements (SA-13.5).

    Along a spatial axis the origin moves by ``n / 2`` spacings, less the length
    of ``prepend``; along a component axis the geometry is unchanged.
    """
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("a", args, kwargs)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None or not isinstance(result, np.ndarray):
            return result
        geometry = array._geometry
        n = int(parameters.get("n", args, kwargs))
        if n == 0:
            return attach(result, type(array), geometry, array._meta)
        axis = normalize_axis_index(parameters.get("axis", args, kwargs), array.ndim)
        if axis >= geometry.spatial_ndim:
            return attach(result, type(array), geometry, array._meta)
        prepend = parameters.get("prepend", args, kwargs)
        append = parameters.get("append", args, kwargs)
        # a scalar prepend is broadcast to one slab: it counts as length 1 along the axis
        before = 0 if prepend is None else (1 if np.ndim(prepend) == 0 else np.shape(prepend)[axis])
        for label, piece, at in (("prepend", prepend, -before), ("append", append, array.shape[axis])):
            if isinstance(piece, spatial_cls) and piece._geometry is not None:
                _check_continues(geometry, axis, at, piece, label)
        offsets = [0.0] * geometry.spatial_ndim
        offsets[axis] = n / 2.0 - before
        return attach(result, type(array), geometry.shifted(offsets), array._meta)

    return handler


def _check_continues(geometry: Any, axis: int, at: int, piece: Any, label: str) -> None:
    """Raise the mismatch error unless spatial ``piece`` starts ``at`` elements along ``axis`` of ``geometry``'s grid (SA-13.5)."""
    offsets = [0] * geometry.spatial_ndim
    offsets[axis] = at
    expected = geometry.shifted(offsets)
    reason = expected.mismatch(piece._geometry)
    if reason is not None:
        raise GeometryMismatchError(
            f"{label} of np.diff does not continue the array's grid along axis {axis} (SA-13.5): {reason}\n"
            f"  expected: {expected!r}\n  {label}: {piece._geometry!r}"
        )


def column_stack(func: Callable[..., Any]) -> Handler:
    """`np.column_stack`: a 1-D array becomes the column ``a[:, None]`` (SA-13.2), then the columns concatenate on axis 1.

    numpy's own code makes the column through ``np.array(a, ndmin=2).T``, which has
    no geometry; the result the spec states is that of ``a[:, None]``.
    """
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        columns = []
        for value in parameters.get("tup", args, kwargs):
            array = value if isinstance(value, np.ndarray) else np.asarray(value)
            if array.ndim == 0:
                array = _ndarray_view(array, np.ndarray).reshape(1, 1)
            elif array.ndim == 1:
                array = array[:, None]
            columns.append(array)
        return np.concatenate(columns, axis=1)  # dispatches: the concatenation rule checks the columns

    return handler


def tile(func: Callable[..., Any]) -> Handler:
    """`np.tile`: copies continue the grid (SA-13.5); new leading axes make it plain."""
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("A", args, kwargs)
        result = _call_plain(func, spatial_cls, args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None or result.ndim != array.ndim:
            return result
        return attach(result, type(array), array._geometry, array._meta)

    return handler


def _out_checked(out: Any, spatial_cls: Any, geometry: Any, spatial_input: bool, what: str) -> None:
    """Refuse, before writing, a spatial ``out`` whose geometry is not the result's (SA-13.6, as SA-8.7).

    ``geometry`` None with spatial inputs means the result is plain: only a plain ``out`` fits it.
    With no spatial input, ``out`` keeps its geometry and receives the plain values (SA-7.5).
    """
    if not isinstance(out, spatial_cls) or out._geometry is None or not spatial_input:
        return
    if geometry is None:
        raise GeometryMismatchError(
            f"out has geometry {out._geometry!r} but the result of {what} has none (SA-13.6); pass a plain out"
        )
    check_reduction_out(out._geometry, geometry)


def concatenate(func: Callable[..., Any]) -> Handler:
    """`np.concatenate`: pieces must continue one grid along a spatial axis (SA-13.6).

    Along a component axis they must share one space, as ufunc operands do.
    A plain piece along a spatial axis leaves the result plain; ``axis=None``
    flattens.
    """
    parameters = Parameters(func)
    same_space = elementwise(func, ("arrays",))

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        out = parameters.get("out", args, kwargs)
        result = _concatenated(spatial_cls, args, kwargs, out)
        return result if out is None else out  # numpy returns out itself

    def _concatenated(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> Any:
        pieces = parameters.get("arrays", args, kwargs)
        axis = parameters.get("axis", args, kwargs)
        first = pieces[0] if len(pieces) else None
        spatial_input = bool(_spatial_arrays(list(pieces), spatial_cls))
        if axis is None or not isinstance(first, spatial_cls) or first._geometry is None:
            if axis is not None and spatial_input and _is_component_axis(pieces, axis, spatial_cls):
                return same_space(spatial_cls, args, kwargs)  # out is an operand there
            _out_checked(out, spatial_cls, None, spatial_input, "concatenate")
            return _call_plain(func, spatial_cls, args, kwargs)
        geometry = first._geometry
        n = geometry.spatial_ndim
        ndim = first.ndim
        axis = axis + ndim if -ndim <= axis < 0 else (axis if 0 <= axis < ndim else normalize_axis_index(axis, ndim))
        if axis >= n:
            return same_space(spatial_cls, args, kwargs)
        expected = geometry
        offsets = [0] * n
        previous = first
        for index in range(1, len(pieces)):
            piece = pieces[index]
            if not isinstance(piece, spatial_cls) or piece._geometry is None:
                _out_checked(out, spatial_cls, None, spatial_input, "concatenate")
                return _call_plain(func, spatial_cls, args, kwargs)  # a plain piece: no geometry to claim
            offsets[axis] = _ndarray_view(previous, np.ndarray).shape[axis]
            expected = expected.shifted(offsets)
            actual = piece._geometry
            reason = None if actual is expected else expected.mismatch(actual)
            if reason is None and actual.spatial_ndim != n:
                reason = "spatial_ndim differs"
            if reason is not None:
                raise GeometryMismatchError(
                    f"piece {index} does not continue the grid of piece {index - 1} along axis {axis}: {reason}\n"
                    f"  expected: {expected!r}\n  piece {index}: {actual!r}"
                )
            previous = piece
        _out_checked(out, spatial_cls, geometry, spatial_input, "concatenate")
        values = [_ndarray_view(piece, np.ndarray) for piece in pieces]  # all spatial: checked above
        if args:
            result = func(values, *plain(args[1:], spatial_cls), **plain(kwargs, spatial_cls))
        else:
            rest = dict(kwargs)
            del rest["arrays"]
            result = func(values, **plain(rest, spatial_cls))
        return attach(result, type(first), geometry, first._meta)

    return handler


def _is_component_axis(pieces: Any, axis: int, spatial_cls: Any) -> bool:
    spatial = _spatial_arrays(list(pieces), spatial_cls)[0]
    return bool(normalize_axis_index(axis, spatial.ndim) >= spatial._geometry.spatial_ndim)


def stack(func: Callable[..., Any]) -> Handler:
    """`np.stack`: a new component axis after the spatial axes keeps the shared geometry; elsewhere plain (SA-13.6)."""
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        out = parameters.get("out", args, kwargs)
        pieces = list(parameters.get("arrays", args, kwargs))
        spatial = [p for p in pieces if isinstance(p, spatial_cls) and p._geometry is not None]
        if not spatial:
            result = _call_plain(func, spatial_cls, args, kwargs)
            return result if out is None else out
        axis = normalize_axis_index(parameters.get("axis", args, kwargs), spatial[0].ndim + 1)
        if axis < spatial[0]._geometry.spatial_ndim:
            _out_checked(out, spatial_cls, None, True, "stack")
            result = _call_plain(func, spatial_cls, args, kwargs)  # a new axis in front of a spatial axis
            return result if out is None else out
        operands = SpatialOperands()
        for position, piece in enumerate(spatial):
            operands.add(piece, f"array {position}")
        _out_checked(out, spatial_cls, operands.geometry, True, "stack")
        result = _call_plain(func, spatial_cls, args, kwargs)
        if out is not None:
            return out
        return attach(result, type(spatial[0]), operands.geometry, operands.meta)  # type: ignore[arg-type]

    return handler


def split(func: Callable[..., Any], axis_of: Callable[[Any, Any], int]) -> Handler:
    """The split family: each piece is the basic slice of the input it equals (SA-13.6).

    numpy computes the pieces; each is then taken from the spatial array by the
    same slice, so it is a view with the slice's geometry. ``axis_of(array,
    axis_argument)`` names the axis the function splits.
    """
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("ary", args, kwargs)
        pieces = _call_plain(func, spatial_cls, args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None:
            return pieces
        axis = normalize_axis_index(axis_of(array, parameters.get("axis", args, kwargs)), array.ndim)
        result, start = [], 0
        for piece in pieces:
            stop = start + piece.shape[axis]
            result.append(array[(slice(None),) * axis + (slice(start, stop),)])
            start = stop
        return result

    return handler


def unstack(func: Callable[..., Any]) -> Handler:
    """`np.unstack`: each part is the integer index it equals (SA-13.6)."""
    parameters = Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("x", args, kwargs)
        if not isinstance(array, spatial_cls) or array._geometry is None:
            return _call_plain(func, spatial_cls, args, kwargs)
        axis = normalize_axis_index(parameters.get("axis", args, kwargs), array.ndim)
        _call_plain(func, spatial_cls, args, kwargs)  # numpy's own argument checks
        return tuple(array[(slice(None),) * axis + (i,)] for i in range(array.shape[axis]))

    return handler


def block(func: Callable[..., Any]) -> Handler:
    """`np.block` as the nested concatenations it stands for, so pieces must continue one grid (SA-13.6)."""

    def depth(value: Any) -> int:
        return 1 + depth(value[0]) if type(value) is list and value else (1 if type(value) is list else 0)

    def leaves(value: Any) -> list[Any]:
        return [leaf for v in value for leaf in leaves(v)] if type(value) is list else [value]

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        arrays = args[0] if args else kwargs["arrays"]
        expected = _call_plain(func, spatial_cls, args, kwargs)  # numpy's values and its errors
        if not _spatial_arrays(leaves(arrays) if type(arrays) is list else [arrays], spatial_cls):
            return expected
        list_ndim = depth(arrays)
        result_ndim = max([list_ndim] + [np.ndim(leaf) for leaf in leaves(arrays)])

        def assemble(value: Any, level: int) -> Any:
            if level == list_ndim:
                missing = result_ndim - np.ndim(value)
                value = value if isinstance(value, np.ndarray) else np.asarray(value)
                return value[(None,) * missing] if missing else value
            parts = [assemble(v, level + 1) for v in value]
            return np.concatenate(parts, axis=-(list_ndim - level))

        return assemble(arrays, 0)

    return handler
