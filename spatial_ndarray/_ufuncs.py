"""Geometry through ufuncs: which rule each ufunc method applies (SPEC.md chapter 7)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ._operands import SpatialOperands, attach, is_foreign_spatial, plain
from ._reductions import check_reduction_out, reduction_rule
from .errors import GeometryDroppedWarning

__all__ = ["ELEMENTWISE_UFUNCS", "GENERALIZED_UFUNCS", "UFUNC_METHODS", "apply_ufunc"]

from numpy._core import umath as _umath

# Every ufunc numpy has, by name. Elementwise ufuncs follow SPEC chapter 7 for each
# method in UFUNC_METHODS; generalized ufuncs keep geometry on loop axes only. A ufunc
# in neither (one a future numpy adds) runs on plain values with a warning.
_ELEMENTWISE_NAMES = (
    "absolute add arccos arccosh arcsin arcsinh arctan arctan2 arctanh bitwise_and bitwise_count bitwise_or "
    "bitwise_xor cbrt ceil clip conjugate copysign cos cosh count deg2rad degrees divide divmod endswith equal "
    "exp exp2 expm1 fabs find float_power floor floor_divide fmax fmin fmod frexp gcd greater greater_equal "
    "heaviside hypot index invert isalnum isalpha isdecimal isdigit isfinite isinf islower isnan isnat isnumeric "
    "isspace istitle isupper lcm ldexp left_shift less less_equal log log10 log1p log2 logaddexp logaddexp2 "
    "logical_and logical_not logical_or logical_xor maximum minimum modf multiply negative nextafter not_equal "
    "positive power rad2deg radians reciprocal remainder rfind right_shift rindex rint sign signbit sin sinh "
    "spacing sqrt square startswith str_len subtract tan tanh trunc "
    # numpy.strings' private elementwise ufuncs
    "_center _expandtabs _expandtabs_length _ljust _lstrip_chars _lstrip_whitespace _ones_like _partition "
    "_partition_index _replace _rjust _rpartition _rpartition_index _rstrip_chars _rstrip_whitespace _slice "
    "_strip_chars _strip_whitespace _zfill"
)
_GENERALIZED_NAMES = "matmul matvec vecdot vecmat"
ELEMENTWISE_UFUNCS: frozenset[np.ufunc] = frozenset(
    u for u in (getattr(_umath, name, None) for name in _ELEMENTWISE_NAMES.split()) if u is not None
)
GENERALIZED_UFUNCS: frozenset[np.ufunc] = frozenset(
    u for u in (getattr(_umath, name, None) for name in _GENERALIZED_NAMES.split()) if u is not None
)
UFUNC_METHODS: dict[str, str] = {
    "__call__": "the common geometry of the spatial operands (SA-7.2 to SA-7.5)",
    "reduce": "the binning rule (chapter 8)",
    "accumulate": "the same grid (SA-7.6)",
    "reduceat": "plain along a spatial axis, the same grid along a component axis (SA-7.6)",
    "outer": "the first operand's geometry when it is the only spatial one, else plain (SA-7.6)",
    "at": "in place; returns None (SA-7.6)",
}

_ndarray_view = np.ndarray.view
_KNOWN_TYPES = frozenset({np.ndarray, int, float, complex, bool, type(None)})


def _defers(value: Any, spatial_cls: Any) -> bool:
    """True when ``value`` is another array type (an ndarray subclass or not) with its own ``__array_ufunc__``.

    numpy's protocol: return NotImplemented so that type gets to handle the call.
    """
    if type(value) in _KNOWN_TYPES or isinstance(value, (spatial_cls, np.generic)):
        return False
    if is_foreign_spatial(value, spatial_cls):
        return True  # SA-15.3: another implementation's spatial array is never read as plain values
    handler = getattr(type(value), "__array_ufunc__", None)
    return handler is not None and handler is not np.ndarray.__array_ufunc__


def _core_ndims(signature: str) -> tuple[list[int], list[int]]:
    """Number of core dimensions of each input and output of a gufunc signature."""
    inputs, outputs = signature.replace(" ", "").split("->")
    count = lambda part: [len([d for d in g.split(",") if d]) for g in re.findall(r"\(([^)]*)\)", part)]
    return count(inputs), count(outputs)


def _wrap(result: Any, geometry: Any, operands: SpatialOperands) -> Any:
    """Give ``result`` the common geometry when its spatial axes survived (SA-7.3), else return it plain (SA-7.4)."""
    if geometry is None or not isinstance(result, np.ndarray) or not operands.keeps(result.shape, result.ndim):
        return result
    return attach(result, operands.cls, geometry, operands.meta)


def apply_ufunc(spatial_cls: Any, ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``ufunc.method`` on plain arrays and give the result the geometry SPEC.md chapter 7 says."""
    for value in inputs + tuple(kwargs.get("out") or ()):
        if _defers(value, spatial_cls):
            return NotImplemented
    if is_foreign_spatial(kwargs.get("where"), spatial_cls):
        return NotImplemented  # SA-15.3: another implementation's mask is never read as plain values

    # Every ufunc without core dimensions is elementwise whoever made it (scipy.special,
    # np.frompyfunc...): SA-7.9. Generalized ufuncs keep geometry on loop axes only.
    if ufunc.signature is not None or method not in UFUNC_METHODS:
        if method == "__call__" and ufunc.signature is not None:
            return _gufunc_call(spatial_cls, ufunc, inputs, kwargs)
        if ufunc.signature is None or method not in UFUNC_METHODS:
            warnings.warn(
                f"ufunc {ufunc.__name__}.{method} is not classified by spatial_ndarray yet; it ran on the "
                "plain values and its result has no geometry",
                GeometryDroppedWarning,
                stacklevel=3,
            )
        if "out" in kwargs:
            kwargs["out"] = tuple(plain(value, spatial_cls) for value in kwargs["out"])
        return getattr(ufunc, method)(*plain(inputs, spatial_cls), **plain(kwargs, spatial_cls))

    operands = SpatialOperands()
    checked = method in ("__call__", "reduce", "accumulate")  # reduceat/outer/at operands are not aligned
    plain_inputs = []
    for position, value in enumerate(inputs):
        if isinstance(value, spatial_cls):
            if checked or position == 0:
                operands.add(value, f"operand {position}")
            plain_inputs.append(_ndarray_view(value, np.ndarray))
        else:
            plain_inputs.append(value)
    input_operands_geometry = operands.geometry

    outs = kwargs.get("out")
    if outs is not None:
        for position, value in enumerate(outs):
            if isinstance(value, spatial_cls) and method in ("__call__", "accumulate"):
                operands.add(value, f"out[{position}]")
        kwargs["out"] = tuple(plain(value, spatial_cls) for value in outs)
    if operands.pending and method == "__call__":
        shapes = [np.shape(v) for v in plain_inputs] + [np.shape(o) for o in (outs or ()) if o is not None]
        try:
            result_shape = np.broadcast_shapes(*shapes)
        except ValueError:
            result_shape = None  # numpy raises its own error below
        if result_shape is not None:
            operands.resolve(result_shape)
    where = kwargs.get("where")
    if isinstance(where, spatial_cls):
        if method in ("__call__", "reduce"):
            operands.check(where, "where")  # checked, but never the result's grid (SA-7.3)
        kwargs["where"] = _ndarray_view(where, np.ndarray)

    if method == "__call__":
        return _call(ufunc, plain_inputs, kwargs, operands, outs, spatial_cls)
    if method == "reduce":
        return _reduce(ufunc, plain_inputs, kwargs, operands, outs, spatial_cls, input_operands_geometry)
    if method == "accumulate":
        result = ufunc.accumulate(*plain_inputs, **kwargs)
        return _finish(result, operands.geometry, operands, outs, spatial_cls)
    if method == "reduceat":
        result = ufunc.reduceat(*plain_inputs, **kwargs)
        geometry = operands.geometry
        if geometry is not None:
            axis = normalize_axis_index(kwargs.get("axis", plain_inputs[2] if len(plain_inputs) > 2 else 0), operands.ndim)
            if axis < geometry.spatial_ndim:
                geometry = None  # irregular bins along a spatial axis: not a grid
        return _finish(result, geometry, operands, outs, spatial_cls)
    if method == "outer":
        geometry = operands.geometry if isinstance(inputs[0], spatial_cls) and not isinstance(inputs[1], spatial_cls) else None
        result = ufunc.outer(*plain_inputs, **kwargs)
        if geometry is None or not isinstance(result, np.ndarray):
            return _finish(result, None, operands, outs, spatial_cls)
        if result.shape[: geometry.spatial_ndim] != operands.spatial_shape:
            return result
        return _finish(attach(result, operands.cls, geometry, operands.meta), None, operands, outs, spatial_cls)
    # "at" works in place on the first operand and returns None
    return getattr(ufunc, method)(*plain_inputs, **kwargs)


def _finish(result: Any, geometry: Any, operands: SpatialOperands, outs: Any, spatial_cls: Any) -> Any:
    """Return the caller's own ``out`` objects where given, else the wrapped result."""
    if outs is not None and any(o is not None for o in outs):
        if len(outs) == 1:
            return outs[0]
        results = result if isinstance(result, tuple) else (result,)
        return tuple(o if o is not None else _wrap(r, geometry, operands) for o, r in zip(outs, results))
    if isinstance(result, tuple):
        return tuple(_wrap(r, geometry, operands) for r in result)
    return _wrap(result, geometry, operands)


def _call(ufunc: np.ufunc, plain_inputs: list[Any], kwargs: dict[str, Any], operands: SpatialOperands, outs: Any, spatial_cls: Any) -> Any:
    result = ufunc(*plain_inputs, **kwargs)
    return _finish(result, operands.geometry, operands, outs, spatial_cls)


def _gufunc_call(spatial_cls: Any, ufunc: np.ufunc, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Generalized ufuncs (matmul, vecdot...): geometry survives only on loop dimensions (SA-7.3, SA-7.4).

    When a core dimension is a spatial axis the values mix elements from
    different positions, so the result is plain and operands are not compared.
    """
    core_in, core_out = _core_ndims(str(ufunc.signature))
    loop_ndims = [np.ndim(v) - min(c, np.ndim(v)) for v, c in zip(inputs, core_in)]
    outer_loop = max(loop_ndims, default=0)
    spatial = [
        (position, value)
        for position, value in enumerate(inputs)
        if isinstance(value, spatial_cls) and value._geometry is not None
    ]
    on_loop_axes = all(
        loop_ndims[position] == outer_loop and loop_ndims[position] >= value._geometry.spatial_ndim
        for position, value in spatial
    )
    operands = SpatialOperands()
    if on_loop_axes:
        for position, value in spatial:
            operands.add(value, f"operand {position}")
    outs = kwargs.get("out")
    if outs is not None:
        kwargs["out"] = tuple(plain(value, spatial_cls) for value in outs)
    result = ufunc(*[plain(v, spatial_cls) for v in inputs], **kwargs)
    if outs is not None and any(o is not None for o in outs):
        return outs[0] if len(outs) == 1 else outs
    geometry = operands.geometry
    if geometry is None or not on_loop_axes:
        return result
    n = geometry.spatial_ndim

    def wrap(r: Any) -> Any:
        if not isinstance(r, np.ndarray) or r.shape[:n] != operands.spatial_shape:
            return r
        return attach(r, operands.cls, geometry, operands.meta)

    return tuple(wrap(r) for r in result) if isinstance(result, tuple) else wrap(result)


def _reduce(ufunc: np.ufunc, plain_inputs: list[Any], kwargs: dict[str, Any], operands: SpatialOperands, outs: Any, spatial_cls: Any, input_geometry: Any) -> Any:
    geometry = input_geometry
    if geometry is not None:
        shape = plain_inputs[0].shape
        axis = kwargs.get("axis", plain_inputs[1] if len(plain_inputs) > 1 else 0)
        keepdims = bool(kwargs.get("keepdims", False))
        geometry = reduction_rule(geometry, shape, axis, keepdims)[0]
    if outs is not None and isinstance(outs[0], spatial_cls) and input_geometry is not None:
        check_reduction_out(outs[0]._geometry, geometry)  # a plain input writes plain values (SA-8.7)
    result = ufunc.reduce(*plain_inputs, **kwargs)
    if outs is not None and outs[0] is not None:
        return outs[0]
    if geometry is None or not isinstance(result, np.ndarray):
        return result
    return attach(result, operands.cls, geometry, operands.meta)
