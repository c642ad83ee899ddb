"""Every numpy function and ufunc classified (SA-13.x), and every geometry rule checked through positions."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing.overrides import get_overridable_numpy_array_functions, get_overridable_numpy_ufuncs

import spatial_ndarray as sn
from spatial_ndarray import _functions
from spatial_ndarray._ufuncs import ELEMENTWISE_UFUNCS, GENERALIZED_UFUNCS, UFUNC_METHODS

from .strategies import array_position, geometries, position
from .test_positions import assert_positions_kept
from .test_reductions import SINGLE_AXIS, assert_binned
from .test_ufuncs import assert_same_as_numpy, is_plain

for _module in ("numpy.fft", "numpy.linalg", "numpy.lib.recfunctions", "numpy.lib.scimath",
                "numpy.lib.stride_tricks", "numpy.strings", "numpy.char", "numpy.polynomial", "numpy.ma"):
    importlib.import_module(_module)  # modules register their overrides on import


def _qualified(func: Any) -> str:
    return f"{func.__module__}.{func.__name__}"


# -- coverage ------------------------------------------------------------------------------------------


def test_every_overridable_numpy_function_is_classified_exactly_once() -> None:
    """SA-13.10: the table equals numpy's set of overridable functions; no function is in two families."""
    overridable = {_qualified(f) for f in get_overridable_numpy_array_functions()}
    classified = set(_functions.CLASSIFICATION)
    assert sorted(overridable - classified) == [], "unclassified numpy functions"
    assert sorted(classified - overridable) == [], "classified names numpy does not have"
    for func in get_overridable_numpy_array_functions():
        assert _functions.classify(func) is not None


def test_the_table_refuses_a_function_classified_twice() -> None:
    rule = _functions.CLASSIFICATION["numpy.pad"]
    with pytest.raises(ValueError, match="numpy.pad is classified twice"):
        _functions.disjoint({"numpy.pad": rule}, {"numpy.pad": rule})


def test_every_ufunc_and_ufunc_method_is_classified() -> None:
    """SA-13.10: elementwise and generalized ufuncs partition numpy's ufuncs; every method has a rule."""
    ufuncs = set(get_overridable_numpy_ufuncs())
    assert ufuncs == ELEMENTWISE_UFUNCS | GENERALIZED_UFUNCS
    assert not ELEMENTWISE_UFUNCS & GENERALIZED_UFUNCS
    assert all(u.signature is None for u in ELEMENTWISE_UFUNCS)
    assert all(u.signature is not None for u in GENERALIZED_UFUNCS)
    methods = {name for name in dir(np.ufunc) if name in ("reduce", "accumulate", "reduceat", "outer", "at")}
    assert set(UFUNC_METHODS) == methods | {"__call__"}


def test_an_unclassified_function_runs_on_plain_values_with_a_warning() -> None:
    """SA-13.11: never a stale geometry."""
    from numpy._core.overrides import array_function_dispatch

    @array_function_dispatch(lambda a: (a,), module="some_future_module")
    def future_function(a: Any) -> Any:
        return a * 2

    image = sn.SpatialArray(np.ones((2, 3)), spacing=[2.0, 2.0])
    with pytest.warns(sn.GeometryDroppedWarning, match="some_future_module.future_function is not classified"):
        result = future_function(image)
    assert is_plain(result)
    np.testing.assert_array_equal(result, 2 * np.ones((2, 3)))


def test_a_ufunc_numpy_does_not_know_follows_chapter_7() -> None:
    """SA-7.9 (was SA-13.11's warning in 1.1): np.frompyfunc makes a ufunc, so it keeps the grid and checks operands."""
    twice = np.frompyfunc(lambda v: 2 * v, 1, 1)
    image = sn.SpatialArray(np.ones((2, 3)), origin=[1.0, 2.0])
    result = twice(image)
    assert result.geometry == image.geometry
    np.testing.assert_array_equal(np.asarray(result).astype(float), 2 * np.ones((2, 3)))
    add = np.frompyfunc(lambda u, v: u + v, 2, 1)
    with pytest.raises(sn.GeometryMismatchError):
        add(image, sn.SpatialArray(np.ones((2, 3))))


def test_refused_functions_say_why() -> None:
    """SA-13.9."""
    image = sn.SpatialArray(np.ones(3))
    with pytest.raises(TypeError, match="numpy.save is refused for spatial arrays: the file would hold the values"):
        np.save("never-written.npy", image)
    assert not Path("never-written.npy").exists()


def test_spec_appendix_is_generated_from_the_table() -> None:
    """SA-13.10: SPEC.md's appendix is the table, as the code has it."""
    spec = (Path(__file__).resolve().parent.parent / "SPEC.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- appendix:functions -->\n(.*?)<!-- /appendix:functions -->", spec, re.S)
    assert match, "SPEC.md has no generated function appendix"
    assert match.group(1) == _functions.spec_appendix(), "run: python tools/update_spec_appendix.py"


# -- the cases: every function whose rule gives geometry ----------------------------------------------


class Case(NamedTuple):
    func: Any  # the numpy function this case exercises
    call: Callable[[Any], Any]  # called with a SpatialArray and with its plain values
    check: str  # traced | grid | plain | binned | oracle | error
    detail: Any = None  # binned: (axes, keepdims); oracle: callable(result, x); error: message pattern
    spatial: int = 2  # spatial axes of x: 2 -> x is (4, 5, 3) with a component axis; 3 -> (4, 5, 6)
    exact: bool = True  # False for empty_like: compare shape and dtype only


def _pad_oracle(before: tuple[int, ...]) -> Callable[[Any, Any], None]:
    def check(result: Any, x: Any) -> None:
        for k in np.ndindex(*result.shape[:2]):
            np.testing.assert_allclose(array_position(result, k), array_position(x, np.subtract(k, before)), atol=1e-8)
    return check


def _diff_oracle(axis: int, n: int, before: int = 0) -> Callable[[Any, Any], None]:
    def check(result: Any, x: Any) -> None:
        for k in np.ndindex(*result.shape[:2]):
            low = np.array(k, dtype=float)
            low[axis] -= before
            high = low.copy()
            high[axis] += n  # a difference of order n spans n + 1 elements: it sits at their centre
            np.testing.assert_allclose(
                array_position(result, k), (array_position(x, low) + array_position(x, high)) / 2, atol=1e-8
            )
    return check


def _tile_oracle(result: Any, x: Any) -> None:
    for k in np.ndindex(*result.shape[:2]):
        np.testing.assert_allclose(array_position(result, k), array_position(x, k), atol=1e-8)  # the grid continues


def _matrices(x: Any) -> Any:
    """A (4, 5, 3, 3) stack of symmetric positive definite matrices on x's grid."""
    v = x / np.abs(x).max()
    return v[..., :, None] * v[..., None, :] + 3 * np.eye(3)


def _in_place(func: Callable[..., Any], *extra: Any) -> Callable[[Any], Any]:
    def call(x: Any) -> Any:
        target = x.copy()
        func(target, *[e(x) if callable(e) else e for e in extra])
        return target
    return call


L = np.linalg
CASES: list[Case] = [
    # methods
    *[Case(f, (lambda f: lambda x: f(x, axis=0))(f), "binned", ((0,), False))
      for f in (np.sum, np.prod, np.mean, np.std, np.var, np.max, np.min, np.amax, np.amin, np.argmax, np.argmin, np.all, np.any)],
    Case(np.sum, lambda x: np.sum(x, axis=(0, -1), keepdims=True), "binned", ((0, 2), True)),
    Case(np.mean, lambda x: np.mean(x, axis=-2, where=x > 3), "binned", ((1,), False)),
    Case(np.var, lambda x: np.var(x, -2, None, None, 1, True), "binned", ((1,), True)),
    Case(np.cumsum, lambda x: np.cumsum(x, axis=1), "grid"),
    Case(np.cumprod, lambda x: np.cumprod(x / 50, axis=-1), "grid"),
    Case(np.repeat, lambda x: np.repeat(x, 2, axis=2), "grid"),
    Case(np.repeat, lambda x: np.repeat(x, 2, axis=0), "plain"),
    Case(np.transpose, lambda x: np.transpose(x, (1, 0, 2)), "traced"),
    Case(np.swapaxes, lambda x: np.swapaxes(x, 0, -2), "traced"),
    Case(np.squeeze, lambda x: np.squeeze(x[:1]), "traced"),
    # numpy's implementation through the rules
    Case(np.moveaxis, lambda x: np.moveaxis(x, 0, 1), "traced"),
    Case(np.rollaxis, lambda x: np.rollaxis(x, 1), "traced"),
    Case(np.matrix_transpose, lambda x: np.matrix_transpose(x), "traced", spatial=3),
    Case(L.matrix_transpose, lambda x: L.matrix_transpose(x), "traced", spatial=3),
    Case(np.flip, lambda x: np.flip(x, 0), "traced"),
    Case(np.flip, lambda x: np.flip(x), "traced"),
    Case(np.fliplr, lambda x: np.fliplr(x), "traced"),
    Case(np.flipud, lambda x: np.flipud(x), "traced"),
    Case(np.rot90, lambda x: np.rot90(x), "traced"),
    Case(np.rot90, lambda x: np.rot90(x, -3, axes=(1, 0)), "traced", spatial=3),
    Case(np.split, lambda x: np.split(x, 2, axis=0), "traced"),
    Case(np.array_split, lambda x: np.array_split(x, 3, axis=1), "traced"),
    Case(np.hsplit, lambda x: np.hsplit(x, 5), "traced"),
    Case(np.vsplit, lambda x: np.vsplit(x, 2), "traced"),
    Case(np.dsplit, lambda x: np.dsplit(x, 3), "traced"),
    Case(np.unstack, lambda x: np.unstack(x, axis=0), "traced"),
    Case(np.atleast_1d, lambda x: np.atleast_1d(x), "traced"),
    Case(np.atleast_2d, lambda x: np.atleast_2d(x[:, 0, 0]), "plain"),
    Case(np.atleast_3d, lambda x: np.atleast_3d(x[:, :, 0]), "traced"),
    Case(np.hstack, lambda x: np.hstack([x[:, :2], x[:, 2:]]), "traced"),
    Case(np.vstack, lambda x: np.vstack([x[:1], x[1:]]), "traced"),
    Case(np.dstack, lambda x: np.dstack([x[..., :1], x[..., 1:]]), "traced"),
    # SA-13.2: the columns are a[:, None], which concatenate along a component axis as operands (SA-13.6)
    Case(np.column_stack, lambda x: np.column_stack([x[:, 0, 0], x[:, 1, 0]]), "error", "not in the same space"),
    Case(np.column_stack, lambda x: np.column_stack([x[:, 0, 0], x[:, 0, 0]]), "traced"),
    Case(np.block, lambda x: np.block([x[..., :1], x[..., 1:]]), "traced"),
    Case(np.block, lambda x: np.block([[[x[:2]]], [[x[2:]]]]), "traced"),
    Case(np.block, lambda x: np.block([[[x[2:]]], [[x[:2]]]]), "error", "does not continue the grid"),
    Case(np.append, lambda x: np.append(x[:, :2], x[:, 2:], axis=1), "traced"),
    Case(L.matmul, lambda x: L.matmul(_matrices(x), np.eye(3)), "grid"),
    # elementwise
    *[Case(f, (lambda f: lambda x: f(x))(f), "grid")
      for f in (np.fix, np.nan_to_num, np.real, np.imag, np.angle, np.real_if_close, np.isneginf, np.isposinf,
                np.iscomplex, np.isreal, np.i0, np.sinc, np.copy, np.zeros_like, np.ones_like, np.tril, np.triu,
                np.gradient)],
    Case(np.empty_like, lambda x: np.empty_like(x), "grid", exact=False),
    Case(np.full_like, lambda x: np.full_like(x, 7), "grid"),
    Case(np.zeros_like, lambda x: np.zeros_like(x, subok=False), "plain"),
    Case(np.zeros_like, lambda x: np.zeros_like(x, shape=(2, 2)), "plain"),
    Case(np.clip, lambda x: np.clip(x, 5, x / 2 + 10), "grid"),
    Case(np.round, lambda x: np.round(x / 7, 2), "grid"),
    Case(np.around, lambda x: np.around(x / 7), "grid"),
    Case(np.where, lambda x: np.where(x > 10, x, -x), "grid"),
    Case(np.where, lambda x: np.where(x > 10), "plain"),
    Case(np.isclose, lambda x: np.isclose(x, x + 1e-9), "grid"),
    Case(np.select, lambda x: np.select([x > 20, x < 5], [x, -x], 0), "grid"),
    Case(np.piecewise, lambda x: np.piecewise(x, [x > 20], [lambda v: -v, 0.5]), "grid"),
    Case(np.astype, lambda x: np.astype(x, np.float32), "grid"),
    Case(np.unwrap, lambda x: np.unwrap(x / 10, axis=0), "grid"),
    Case(np.roll, lambda x: np.roll(x, 1, axis=0), "grid"),
    Case(np.copyto, _in_place(np.copyto, lambda x: x * 0 + 1), "grid"),
    Case(np.copyto, _in_place(np.copyto, lambda x: x[::-1]), "error", "not in the same space"),
    Case(np.putmask, _in_place(lambda t, m: np.putmask(t, m, 0.0), lambda x: x > 30), "grid"),
    Case(np.place, _in_place(lambda t, m: np.place(t, m, [0.0, 1.0]), lambda x: x > 30), "grid"),
    Case(np.broadcast_to, lambda x: np.broadcast_to(x[..., :1], x.shape), "grid"),
    Case(np.broadcast_to, lambda x: np.broadcast_to(x, (2,) + x.shape), "plain"),
    Case(np.broadcast_arrays, lambda x: np.broadcast_arrays(x, x[..., :1]), "grid"),
    Case(np.interp, lambda x: np.interp(x, [0.0, 100.0], [0.0, 1.0]), "grid"),
    Case(np.digitize, lambda x: np.digitize(x, [10.0, 20.0]), "grid"),
    Case(np.isin, lambda x: np.isin(x, [1.0, 2.0, 3.0]), "grid"),
    Case(np.polyval, lambda x: np.polyval([1.0, 2.0], x), "grid"),
    Case(np.polynomial.polynomial.polyval2d, lambda x: np.polynomial.polynomial.polyval2d(x, x, [[1.0, 2.0], [3.0, 4.0]]), "grid"),
    *[Case(f, (lambda f: lambda x: f(x - 30))(f), "grid")
      for f in (np.lib.scimath.sqrt, np.lib.scimath.log, np.lib.scimath.log2, np.lib.scimath.log10)],
    Case(np.lib.scimath.logn, lambda x: np.lib.scimath.logn(3, x - 30), "grid"),
    Case(np.lib.scimath.power, lambda x: np.lib.scimath.power(x - 30, 0.5), "grid"),
    *[Case(f, (lambda f: lambda x: f(x / 30))(f), "grid")
      for f in (np.lib.scimath.arccos, np.lib.scimath.arcsin, np.lib.scimath.arctanh)],
    # reductions
    *[Case(f, (lambda f: lambda x: f(x, axis=1))(f), "binned", ((1,), False))
      for f in (np.ptp, np.median, np.average, np.count_nonzero, np.nansum, np.nanprod, np.nanmean, np.nanstd,
                np.nanvar, np.nanmax, np.nanmin, np.nanargmax, np.nanargmin, np.nanmedian)],
    *[Case(f, (lambda f, q: lambda x: f(x, q, axis=0, keepdims=True))(f, q), "binned", ((0,), True))
      for f, q in ((np.percentile, 30), (np.nanpercentile, 30), (np.quantile, 0.3), (np.nanquantile, 0.3))],
    Case(np.percentile, lambda x: np.percentile(x, [10, 90], axis=0), "plain"),
    Case(np.average, lambda x: np.average(x, axis=0, weights=x, returned=True), "binned", ((0,), False)),
    Case(np.trapezoid, lambda x: np.trapezoid(x, axis=0), "binned", ((0,), False)),
    Case(L.norm, lambda x: L.norm(x, axis=-1), "grid"),
    Case(L.norm, lambda x: L.norm(x, axis=0, keepdims=True), "binned", ((0,), True)),
    Case(L.vector_norm, lambda x: L.vector_norm(x, axis=(0, 1)), "plain"),
    Case(L.vector_norm, lambda x: L.vector_norm(x, axis=-1), "grid"),
    # cumulative
    Case(np.nancumsum, lambda x: np.nancumsum(x, axis=0), "grid"),
    Case(np.nancumprod, lambda x: np.nancumprod(x / 50, axis=1), "grid"),
    Case(np.cumulative_sum, lambda x: np.cumulative_sum(x, axis=0), "grid"),
    Case(np.cumulative_sum, lambda x: np.cumulative_sum(x, axis=0, include_initial=True), "plain"),
    Case(np.cumulative_prod, lambda x: np.cumulative_prod(x / 50, axis=2, include_initial=True), "grid"),
    # along one axis
    Case(np.sort, lambda x: np.sort(x), "grid"),
    Case(np.sort, lambda x: np.sort(x, axis=0), "plain"),
    Case(np.partition, lambda x: np.partition(x, 1), "grid"),
    # the former "method" family: SA-13.12 gives each its rule
    Case(np.take, lambda x: np.take(x, [0, 2], axis=-1), "grid"),
    Case(np.take, lambda x: x.take([2, 0], axis=2), "grid"),
    Case(np.take, lambda x: np.take(x, [0, 2], axis=0), "plain"),
    Case(np.take, lambda x: np.take(x, [1, 5]), "plain"),
    Case(np.compress, lambda x: np.compress([True, False, True], x, axis=2), "grid"),
    Case(np.compress, lambda x: x.compress([True, False, True], axis=-1), "grid"),
    Case(np.compress, lambda x: np.compress([True, False, True], x, axis=0), "plain"),
    Case(np.argsort, lambda x: np.argsort(-x, axis=-1), "grid"),
    Case(np.argsort, lambda x: np.argsort(x, axis=1), "plain"),
    Case(np.argpartition, lambda x: np.argpartition(-x, 1, axis=-1), "grid"),
    Case(np.argpartition, lambda x: x.argpartition(1, axis=0), "plain"),
    Case(np.diagonal, lambda x: np.diagonal(x[..., :, None] * x[..., None, :], axis1=2, axis2=3), "grid"),
    Case(np.diagonal, lambda x: x.diagonal(), "plain"),
    Case(np.trace, lambda x: np.trace(x[..., :, None] * x[..., None, :], axis1=-2, axis2=-1), "grid"),
    Case(np.trace, lambda x: x.trace(), "plain"),
    Case(np.choose, lambda x: np.choose((x > 20).astype(int), [x, -x]), "grid"),
    Case(np.choose, lambda x: (x > 20).astype(int).choose([np.zeros(3), -x]), "grid"),
    Case(np.choose, lambda x: np.choose([0, 1, 0], [x[0, 0], -x[0, 0]]), "plain"),
    Case(np.searchsorted, lambda x: np.searchsorted(np.arange(0.0, 60.0, 7.0), x), "grid"),
    Case(np.searchsorted, lambda x: np.searchsorted(np.sort(np.asarray(x).ravel()), 3.5), "plain"),
    Case(np.take_along_axis, lambda x: np.take_along_axis(x, np.argsort(np.asarray(x), axis=-1), axis=-1), "grid"),
    Case(np.take_along_axis, lambda x: np.take_along_axis(x, np.argsort(np.asarray(x), axis=0), axis=0), "plain"),
    Case(np.delete, lambda x: np.delete(x, 0, axis=2), "grid"),
    Case(np.delete, lambda x: np.delete(x, 0, axis=1), "plain"),
    Case(np.insert, lambda x: np.insert(x, 1, 0.0, axis=-1), "grid"),
    Case(np.sort_complex, lambda x: np.sort_complex(x), "grid"),
    Case(np.apply_along_axis, lambda x: np.apply_along_axis(np.cumsum, 2, x), "grid"),
    # linear algebra on stacks
    *[Case(f, (lambda f: lambda x: f(_matrices(x)))(f), "grid")
      for f in (L.det, L.slogdet, L.inv, L.pinv, L.eig, L.eigh, L.eigvals, L.eigvalsh, L.cholesky, L.qr, L.svd,
                L.svdvals, L.matrix_rank, L.matrix_norm, L.cond, L.trace, L.diagonal)],
    Case(L.matrix_power, lambda x: L.matrix_power(_matrices(x), 2), "grid"),
    Case(L.det, lambda x: L.det(x[..., 0][:3, :3]), "plain"),
    Case(L.cross, lambda x: L.cross(x, x + 1), "grid"),
    Case(L.vecdot, lambda x: L.vecdot(x, x), "grid"),
    Case(np.cross, lambda x: np.cross(x, x + 1), "grid"),
    Case(np.cross, lambda x: np.cross(x[:3, :3, 0], x[:3, :3, 1]), "plain"),
    Case(np.cross, lambda x: np.cross(x[:3], x[:3] + 1, axis=0), "plain"),  # vectors along a spatial axis
    Case(np.cross, lambda x: np.cross(x[:3], x[:3] + 1, axisa=0, axisb=0, axisc=0), "plain"),
    Case(L.vecdot, lambda x: L.vecdot(x, x, axis=0), "plain"),
    Case(L.vecdot, lambda x: L.vecdot(x, np.ones((2,) + x.shape)), "plain"),  # a leading stacking axis
    Case(L.det, lambda x: L.det(_matrices(x) + np.zeros((2, 1, 1, 1, 1))), "plain"),
    # rules of their own
    Case(np.pad, lambda x: np.pad(x, ((1, 2), (0, 1), (0, 0)), constant_values=-1), "oracle", _pad_oracle((1, 0))),
    Case(np.pad, lambda x: np.pad(x, 2, mode="reflect"), "oracle", _pad_oracle((2, 2))),
    Case(np.pad, lambda x: np.pad(x, ((0, 0), (3, 0), (1, 1)), mode="edge"), "oracle", _pad_oracle((0, 3))),
    Case(np.pad, lambda x: np.pad(x, {1: (2, 1), -1: 1}), "oracle", _pad_oracle((0, 2))),  # numpy 2's dict form
    Case(np.diff, lambda x: np.diff(x, axis=0), "oracle", _diff_oracle(0, 1)),
    Case(np.diff, lambda x: np.diff(x, n=2, axis=1), "oracle", _diff_oracle(1, 2)),
    Case(np.diff, lambda x: np.diff(x, axis=0, prepend=0.0), "oracle", _diff_oracle(0, 1, before=1)),
    Case(np.diff, lambda x: np.diff(x, axis=-1), "grid"),
    Case(np.tile, lambda x: np.tile(x, (2, 1, 1)), "oracle", _tile_oracle),
    Case(np.tile, lambda x: np.tile(x, (2, 1, 1, 1)), "plain"),
    Case(np.expand_dims, lambda x: np.expand_dims(x, -1), "traced"),
    Case(np.expand_dims, lambda x: np.expand_dims(x, 0), "plain"),
    Case(np.concatenate, lambda x: np.concatenate([x[:1], x[1:3], x[3:]], axis=0), "traced"),
    Case(np.concatenate, lambda x: np.concatenate([x, x], axis=-1), "traced"),
    Case(np.concatenate, lambda x: np.concatenate([x, x], axis=None), "plain"),
    Case(np.concatenate, lambda x: np.concatenate([x[2:], x[:2]], axis=0), "error", "does not continue the grid"),
    Case(np.concatenate, lambda x: np.concatenate([x[:, ::2], x[:, 1::2]], axis=1), "error", "does not continue the grid"),
    Case(np.concatenate, lambda x: np.concatenate([x, x[::-1]], axis=-1), "error", "not in the same space"),
    Case(np.stack, lambda x: np.stack([x, x], axis=-1), "traced"),
    Case(np.stack, lambda x: np.stack([x, x], axis=0), "plain"),
]

GEOMETRY_FAMILIES = {"method", "implementation", "elementwise", "reduction", "cumulative", "along_axis", "stacked", "custom"}


def test_every_function_with_a_geometry_rule_has_a_case() -> None:
    """Every handler is exercised: a function in a geometry-giving family without a case fails here."""
    covered = {_qualified(case.func) for case in CASES}
    need = {name for name, rule in _functions.CLASSIFICATION.items() if rule.family in GEOMETRY_FAMILIES}
    assert sorted(need - covered) == []


def test_the_set_of_functions_is_defined_and_the_appendix_has_public_names_only() -> None:
    """SA-13.10: the set is numpy's public overridable functions once the listed submodules are imported."""
    public = _functions.overridable_functions()
    listed = set(re.findall(r"^\| `([^`]+)` \|", _functions.spec_appendix(), re.M))
    assert {f"numpy.{name}" for name in listed} == public
    assert not [name for name in listed if any(part.startswith("_") for part in name.split("."))]
    spec = (Path(__file__).resolve().parent.parent / "SPEC.md").read_text(encoding="utf-8")
    for module in _functions.SUBMODULES:
        assert f"`{module}`" in spec, f"SA-13.10 must name {module}"


def _arrays(result: Any) -> list[Any]:
    if isinstance(result, (tuple, list)):
        return [a for r in result for a in _arrays(r)]
    return [result] if isinstance(result, np.ndarray) else []


def _check(case: Case, x: sn.SpatialArray, result: Any) -> None:
    arrays = _arrays(result)
    if case.check == "plain":
        assert is_plain(result) and all(is_plain(a) for a in arrays)
        return
    assert arrays, "the case returned no array"
    if case.check == "grid":
        for a in arrays:
            assert isinstance(a, sn.SpatialArray) and a.spatial_shape == x.spatial_shape
            for k in [(0,) * x.spatial_ndim, tuple(n - 1 for n in x.spatial_shape), (1,) * x.spatial_ndim]:
                np.testing.assert_allclose(array_position(a, k), array_position(x, k), atol=1e-8)
    elif case.check == "traced":
        for a in arrays:
            assert isinstance(a, sn.SpatialArray)
            assert_positions_kept(x, a)
    elif case.check == "binned":
        axes, keepdims = case.detail
        for a in arrays:
            assert_binned(x, a, axes, keepdims)
    elif case.check == "oracle":
        (a,) = arrays
        assert isinstance(a, sn.SpatialArray)
        case.detail(a, x)
    else:  # pragma: no cover - a typo in a case
        raise AssertionError(case.check)


def _case_id(case: Case) -> str:
    return f"{_qualified(case.func).removeprefix('numpy.')}-{case.check}"


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{_case_id(c)}" for i, c in enumerate(CASES)])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors])
@given(data=st.data())
def test_function_gives_numpys_values_and_the_rules_geometry(case: Case, data: st.DataObject) -> None:
    """SA-7.1, SA-13.1, SA-13.2, SA-13.3, SA-13.4, SA-13.5, SA-13.6, SA-13.7, SA-13.8 over random geometries
    (oblique, embedded), positions checked independently of the implementation."""
    shape = (4, 5, 3) if case.spatial == 2 else (4, 5, 6)
    geometry = data.draw(geometries(case.spatial))
    values = np.arange(float(np.prod(shape))).reshape(shape)  # unique: each value names its element
    x = sn.SpatialArray(values, geometry=geometry)
    if case.check == "error":
        with pytest.raises(sn.GeometryMismatchError, match=case.detail):
            case.call(x)
        return
    with np.errstate(all="ignore"):
        result = case.call(x)
        expected = case.call(values.copy())
    got, want = _arrays(result), _arrays(expected)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if case.exact:
            assert_same_as_numpy(g, w)
        else:
            assert np.shape(g) == w.shape and np.asarray(g).dtype == w.dtype
    _check(case, x, result)


REDUCTION_FUNCTIONS = [
    _functions._resolve(name) for name, rule in _functions.CLASSIFICATION.items()
    if rule.family == "reduction" or name in {f"numpy.{n}" for n in "sum prod mean std var max min all any argmax argmin".split()}
]


@pytest.mark.parametrize("func", REDUCTION_FUNCTIONS, ids=lambda f: _qualified(f).removeprefix("numpy."))
def test_reductions_accept_numpys_keywords(func: Any) -> None:
    """SA-8.1, SA-13.10: every keyword numpy's signature has (axis as a negative int or tuple, keepdims, where,
    out, q) is accepted by name, with numpy's values and the binning rule's geometry."""
    import inspect

    values = np.arange(1.0, 25.0).reshape(2, 3, 4)
    x = sn.SpatialArray(values, origin=[1.0, 2.0], spacing=[0.5, 2.0])
    names = inspect.signature(func).parameters
    first = next(iter(names))
    single_axis = func.__name__ in SINGLE_AXIS or func.__name__ in ("norm", "trapezoid")
    kwargs: dict[str, Any] = {first: x, "axis": -2 if single_axis else (-3, -2)}
    if "q" in names:
        kwargs["q"] = 0.5 if "quantile" in func.__name__ else 50
    if "keepdims" in names:
        kwargs["keepdims"] = True
    if "where" in names and func.__name__ not in ("median", "nanmedian"):
        kwargs["where"] = x > 2
        if "initial" in names:
            kwargs["initial"] = -1.0  # numpy needs one for max/min with a where mask
    positional = names[first].kind is inspect.Parameter.POSITIONAL_ONLY

    def call(convert: Callable[[Any], Any]) -> Any:
        given = {k: convert(v) for k, v in kwargs.items()}
        return func(given.pop(first), **given) if positional else func(**given)

    result = call(lambda v: v)
    expected = call(lambda v: np.asarray(v) if isinstance(v, np.ndarray) else v)
    assert_same_as_numpy(result, expected)
    axes = (1,) if single_axis else (0, 1)
    if axes == (0, 1):
        assert is_plain(result)  # every spatial axis reduced (SA-8.4)
    else:
        assert_binned(x, result, axes, bool(kwargs.get("keepdims")))
