"""Reductions: the binning rule, SPEC chapter 8, checked against the centroid of the binned elements."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, spatial_arrays
from .test_ufuncs import assert_same_as_numpy, is_plain

METHODS = ["sum", "prod", "mean", "std", "var", "max", "min", "all", "any", "argmax", "argmin"]
FUNCTIONS = [np.sum, np.prod, np.mean, np.std, np.var, np.max, np.min, np.amax, np.amin, np.all, np.any,
             np.argmax, np.argmin, np.median, np.ptp, np.nansum, np.nanmean, np.nanmax, np.nanmin, np.nanstd,
             np.nanvar, np.nanmedian, np.nanprod, np.nanargmax, np.nanargmin, np.average, np.count_nonzero]
SINGLE_AXIS = {"argmax", "argmin", "nanargmax", "nanargmin"}
NO_KEEPDIMS = {"average"}


def assert_binned(original: sn.SpatialArray, result: Any, axes: tuple[int, ...], keepdims: bool) -> None:
    """Each result element sits at the centroid of the elements it reduced (SA-8.1), and with keepdims its
    box covers exactly their boxes (SA-8.2)."""
    n = original.spatial_ndim
    spatial_axes = [a for a in axes if a < n]
    if len(spatial_axes) == n:
        assert is_plain(result)  # SA-8.4, with or without keepdims
        return
    assert isinstance(result, sn.SpatialArray)
    kept = [i for i in range(n) if i not in spatial_axes]
    for out_index in np.ndindex(*result.shape[: result.spatial_ndim]):
        fed = []
        for source in np.ndindex(*original.shape[:n]):
            picked = [source[i] for i in (range(n) if keepdims else kept)]
            mine = [0 if (keepdims and i in spatial_axes) else source[i] for i in (range(n) if keepdims else kept)]
            if tuple(mine) == tuple(out_index):
                fed.append(array_position(original, source))
        centroid = np.mean(fed, axis=0)
        scale = 1 + float(np.abs(original.origin).max() + original.spacing.max() * max(original.shape))
        np.testing.assert_allclose(array_position(result, out_index), centroid, atol=1e-9 * scale)
    if keepdims:
        for i in spatial_axes:
            np.testing.assert_allclose(result.spacing[i], original.spacing[i] * original.shape[i])


@settings(max_examples=200, deadline=None)
@given(array=spatial_arrays(max_side=4), data=st.data())
def test_reductions_bin_whole_axes(array: sn.SpatialArray, data: st.DataObject) -> None:
    """SA-8.1 to SA-8.4 for methods and numpy functions, any axis tuple, negatives, keepdims."""
    name = data.draw(st.sampled_from(METHODS))
    ndim = array.ndim
    if name in SINGLE_AXIS:
        axes: Any = data.draw(st.integers(-ndim, ndim - 1))
        normalized = (axes % ndim,)
    else:
        chosen = data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        negate = data.draw(st.booleans())
        axes = tuple(a - ndim if negate else a for a in chosen)
        normalized = tuple(sorted(chosen))
    keepdims = data.draw(st.booleans())
    values = np.asarray(array).astype(np.float64)
    image = sn.SpatialArray(values, geometry=array.geometry)
    method_result = getattr(image, name)(axis=axes, keepdims=keepdims)
    function_result = getattr(np, name)(image, axis=axes, keepdims=keepdims)
    expected = getattr(values, name)(axis=axes, keepdims=keepdims)
    for result in (method_result, function_result):
        assert_same_as_numpy(result, expected)
        assert_binned(image, result, normalized, keepdims)


AXES = [0, -2, 2, (0, 2), None]
CASES = [(f, a) for f in FUNCTIONS for a in AXES if not (f.__name__ in SINGLE_AXIS and isinstance(a, tuple))]


@pytest.mark.parametrize("func, axis", CASES, ids=[f"{f.__name__}-{a}" for f, a in CASES])
def test_every_reduction_function(func: Any, axis: Any) -> None:
    """SA-8.1, SA-8.3, SA-8.4, SA-8.6 for every reduction function, axis forms included (argmax-like take one axis)."""
    values = np.random.default_rng(1).normal(size=(4, 5, 3))
    image = sn.SpatialArray(values, origin=[1.0, 2.0], spacing=[2.0, 3.0], direction=[[0.6, -0.8], [0.8, 0.6]])
    kwargs = {} if func.__name__ in NO_KEEPDIMS else {"keepdims": False}
    result = func(image, axis=axis, **kwargs)
    assert_same_as_numpy(result, func(values, axis=axis, **kwargs))
    normalized = tuple(range(3)) if axis is None else tuple(a % 3 for a in np.atleast_1d(axis))
    assert_binned(image, result, normalized, keepdims=False)
    if func.__name__ not in NO_KEEPDIMS:
        kept = func(image, axis=axis, keepdims=True)
        assert_same_as_numpy(kept, func(values, axis=axis, keepdims=True))
        assert_binned(image, kept, normalized, keepdims=True)


def test_quantiles_scalar_q_bins_and_sequence_q_is_plain() -> None:
    values = np.random.default_rng(2).normal(size=(4, 5))
    image = sn.SpatialArray(values, spacing=[2.0, 3.0])
    for func in (np.percentile, np.nanpercentile, np.quantile, np.nanquantile):
        q = 0.5 if "quantile" in func.__name__ else 50
        result = func(image, q, axis=0)
        assert_same_as_numpy(result, func(values, q, axis=0))
        assert_binned(image, result, (0,), keepdims=False)
        several = func(image, [q, q], axis=0)
        assert is_plain(several) and several.shape == (2, 5)


def test_ufunc_reduce_and_methods_agree() -> None:
    image = sn.SpatialArray(np.arange(12.0).reshape(3, 4), origin=[1.0, 1.0], spacing=[2.0, 2.0])
    reduced = np.add.reduce(image, axis=0, keepdims=True)
    assert reduced.geometry == image.sum(axis=0, keepdims=True).geometry
    assert np.maximum.reduce(image) .geometry == image.max(axis=0).geometry  # ufunc.reduce's default axis is 0
    assert is_plain(np.add.reduce(image, axis=None))


def test_empty_spatial_axis_reduces_to_plain() -> None:
    """SA-8.5."""
    image = sn.SpatialArray(np.zeros((0, 4)))
    assert is_plain(image.sum(axis=0)) and is_plain(image.sum(axis=0, keepdims=True))
    assert_same_as_numpy(image.sum(axis=0, keepdims=True), np.zeros((0, 4)).sum(axis=0, keepdims=True))
    assert image.sum(axis=1).geometry.spatial_ndim == 1  # the empty axis itself is not reduced


def test_full_reductions_are_plain_scalars() -> None:
    """SA-8.4: never a 0-d SpatialArray."""
    image = sn.SpatialArray(np.arange(6.0).reshape(2, 3))
    for result in (image.sum(), image.mean(), np.median(image), image.argmax(), image.any(), np.std(image)):
        assert is_plain(result) and np.ndim(result) == 0
    vector = sn.SpatialArray(np.ones((2, 3, 4)), spacing=[1.0, 1.0])
    per_component = vector.sum(axis=(0, 1))
    assert is_plain(per_component) and per_component.shape == (4,)


def test_reduction_into_out() -> None:
    """SA-8.7: a spatial out must already have the result's geometry; checked before writing."""
    image = sn.SpatialArray(np.arange(12.0).reshape(3, 4), spacing=[2.0, 2.0])
    good = sn.SpatialArray(np.zeros(4), geometry=image.sum(axis=0).geometry)
    assert image.sum(axis=0, out=good) is good and np.sum(image, axis=0, out=good) is good
    np.testing.assert_array_equal(np.asarray(good), np.arange(12.0).reshape(3, 4).sum(axis=0))
    bad = sn.SpatialArray(np.zeros(4), spacing=[2.0])
    for call in (lambda: image.sum(axis=0, out=bad), lambda: np.sum(image, axis=0, out=bad),
                 lambda: np.add.reduce(image, axis=0, out=bad), lambda: np.mean(image, axis=0, out=bad)):
        with pytest.raises(sn.GeometryMismatchError, match="SA-8.7"):
            call()
    np.testing.assert_array_equal(np.asarray(bad), np.zeros(4))
    plain_out = np.zeros(4)
    assert image.max(axis=0, out=plain_out) is plain_out


def test_where_and_weights_are_checked_operands() -> None:
    image = sn.SpatialArray(np.arange(12.0).reshape(3, 4), spacing=[2.0, 2.0])
    mask = image > 3
    assert_same_as_numpy(image.sum(axis=0, where=mask), np.asarray(image).sum(axis=0, where=np.asarray(mask)))
    assert_same_as_numpy(np.mean(image, axis=0, where=mask), np.mean(np.asarray(image), axis=0, where=np.asarray(mask)))
    with pytest.raises(sn.GeometryMismatchError):
        np.average(image, axis=0, weights=sn.SpatialArray(np.ones((3, 4))))
    average, total = np.average(image, axis=0, weights=image, returned=True)
    assert average.geometry == total.geometry == image.sum(axis=0).geometry


def test_cumulative_keeps_the_grid_and_flattening_is_plain() -> None:
    """SA-7.6."""
    image = sn.SpatialArray(np.arange(12.0).reshape(3, 4), spacing=[2.0, 2.0], origin=[3.0, 3.0])
    for result in (image.cumsum(axis=1), np.cumsum(image, axis=1), image.cumprod(axis=0), np.nancumsum(image, axis=0)):
        assert result.geometry == image.geometry and result.shape == image.shape
    assert is_plain(image.cumsum()) and is_plain(np.cumsum(image))
    assert_same_as_numpy(np.nancumprod(image, axis=1), np.nancumprod(np.asarray(image), axis=1))
