"""The ``__array_function__`` table: which geometry rule each numpy function applies.

Every function a ``SpatialArray`` reaches through ``__array_function__`` is in
exactly one table:

``BY_METHOD``    numpy's implementation works through ndarray methods that
                 SpatialArray overrides (sum, mean, argmax, cumsum, transpose,
                 swapaxes, squeeze...), so running it on the spatial array
                 itself applies the rules, in one place
``REDUCTIONS``   reductions with no method: the binning rule (SPEC chapter 8)
``CUMULATIVE``   cumulative functions with no method: same grid along an axis;
                 ``axis=None`` flattens to plain
``PLAIN``        geometry undefined: run on plain arrays, return plain results

A function in no table runs on plain arrays and returns a plain result with a
`GeometryDroppedWarning`: never a stale geometry. The complete classification
of every overridable numpy function is tracked as its own piece of work; this
module is where it goes.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._operands import SpatialOperands, attach, plain
from ._reductions import check_reduction_out, reduction_rule

__all__ = ["GeometryDroppedWarning", "dispatch"]

_ndarray_view = np.ndarray.view


class GeometryDroppedWarning(UserWarning):
    """A numpy function this package has not classified ran on plain arrays; its result has no geometry."""


class _Parameters:
    """Positions of a numpy function's parameters, read once, so a call finds them without `inspect`."""

    __slots__ = ("positions",)

    def __init__(self, func: Callable[..., Any]) -> None:
        names = list(inspect.signature(func).parameters)
        self.positions = {name: i for i, name in enumerate(names)}

    def get(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any], default: Any = None) -> Any:
        if name in kwargs:
            return kwargs[name]
        position = self.positions.get(name)
        if position is not None and position < len(args):
            return args[position]
        return default


def _reduction(func: Callable[..., Any]) -> Callable[..., Any]:
    """Handler for a reduction with no ndarray method: the binning rule on the reduced axes."""
    parameters = _Parameters(func)
    first = next(iter(parameters.positions))

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get(first, args, kwargs)
        geometry = array._geometry if isinstance(array, spatial_cls) else None
        expected: tuple[int, ...] = ()
        if geometry is not None:
            keepdims = parameters.get("keepdims", args, kwargs, False)
            keepdims = False if keepdims is np._NoValue else bool(keepdims)
            axis = parameters.get("axis", args, kwargs)
            geometry, expected = reduction_rule(geometry, np.ndarray.view(array, np.ndarray).shape, axis, keepdims)
            if "q" in parameters.positions and np.ndim(parameters.get("q", args, kwargs)) > 0:
                geometry = None  # several quantiles add a leading axis
            operands = SpatialOperands()
            operands.add(array, first)
            for name in ("weights", "where"):  # aligned with the array element by element
                value = parameters.get(name, args, kwargs)
                if isinstance(value, spatial_cls):
                    operands.add(value, name)
        out = parameters.get("out", args, kwargs)
        if isinstance(out, spatial_cls):
            check_reduction_out(out._geometry, geometry)
        result = func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))
        if out is not None:
            return out
        return _wrap_all(result, geometry, expected, array, spatial_cls)

    return handler


def _cumulative(func: Callable[..., Any]) -> Callable[..., Any]:
    """Handler for a cumulative function with no ndarray method: same grid along an axis."""
    parameters = _Parameters(func)

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        array = parameters.get("a", args, kwargs)
        if not isinstance(array, spatial_cls) or parameters.get("axis", args, kwargs) is None:
            return func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))  # axis=None flattens
        out = parameters.get("out", args, kwargs)
        if isinstance(out, spatial_cls):
            operands = SpatialOperands()
            operands.add(array, "a")
            operands.add(out, "out")
            func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))
            return out
        return _keep_grid(func, array, args, kwargs, spatial_cls)

    return handler


def _keep_grid(func: Callable[..., Any], array: Any, args: tuple[Any, ...], kwargs: dict[str, Any], spatial_cls: Any) -> Any:
    """Run ``func`` on plain arrays; give the result ``array``'s geometry when its shape is unchanged."""
    result = func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))
    geometry = array._geometry
    if geometry is None or not isinstance(result, np.ndarray) or result.shape != array.shape:
        return result
    return _wrap(result, geometry, array, spatial_cls)


def _wrap(result: np.ndarray, geometry: Any, source: Any, spatial_cls: Any) -> Any:
    return attach(result, type(source) if isinstance(source, spatial_cls) else spatial_cls, geometry, source._meta)


def _wrap_all(result: Any, geometry: Any, expected: tuple[int, ...], source: Any, spatial_cls: Any) -> Any:
    """Wrap each array in ``result`` whose spatial shape is the one the rule predicts; others stay plain."""
    if isinstance(result, tuple):
        return tuple(_wrap_all(r, geometry, expected, source, spatial_cls) for r in result)
    if geometry is None or not isinstance(result, np.ndarray):
        return result
    if result.shape[: len(expected)] != expected or result.ndim < len(expected):
        return result
    return _wrap(result, geometry, source, spatial_cls)


def _by_method(func: Callable[..., Any]) -> Callable[..., Any]:
    implementation = func._implementation  # type: ignore[attr-defined]

    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return implementation(*args, **kwargs)

    return handler


def _plain(func: Callable[..., Any]) -> Callable[..., Any]:
    def handler(spatial_cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))

    return handler


# numpy's own implementation calls the ndarray method of the same name for a
# subclass, and SpatialArray's methods apply the rules.
BY_METHOD = [
    np.sum, np.prod, np.mean, np.std, np.var, np.max, np.min, np.amax, np.amin, np.argmax, np.argmin,
    np.all, np.any, np.cumsum, np.cumprod,
    np.transpose, np.swapaxes, np.moveaxis, np.rollaxis, np.squeeze, np.matrix_transpose,
]
REDUCTIONS = [
    np.ptp, np.median, np.average, np.percentile, np.quantile, np.count_nonzero,
    np.nansum, np.nanprod, np.nanmean, np.nanstd, np.nanvar, np.nanmax, np.nanmin,
    np.nanargmax, np.nanargmin, np.nanmedian, np.nanpercentile, np.nanquantile,
]
CUMULATIVE = [np.nancumsum, np.nancumprod]
# Results that are shapes, flags or scalars about the whole array: nothing to place.
PLAIN = [
    np.reshape, np.ravel, np.shape, np.ndim, np.size, np.shares_memory, np.may_share_memory,
    np.array_equal, np.array_equiv, np.allclose,
]

_TABLES: list[tuple[list[Any], Callable[[Any], Callable[..., Any]]]] = [
    (REDUCTIONS, _reduction), (CUMULATIVE, _cumulative), (BY_METHOD, _by_method), (PLAIN, _plain),
]
HANDLERS: dict[Any, Callable[..., Any]] = {}
for _table, _factory in _TABLES:
    for _func in _table:
        HANDLERS[_func] = _factory(_func)


def dispatch(spatial_cls: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Apply the table's rule for ``func``; an unclassified function gives a plain result and a warning."""
    handler = HANDLERS.get(func)
    if handler is not None:
        return handler(spatial_cls, args, kwargs)
    warnings.warn(
        f"numpy.{getattr(func, '__name__', func)} is not classified by spatial_ndarray yet; "
        "it ran on the plain values and its result has no geometry",
        GeometryDroppedWarning,
        stacklevel=4,
    )
    return func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))
