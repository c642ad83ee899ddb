"""Elementwise operations: SPEC chapter 7 and the drop-in invariant SA-7.1."""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import spatial_arrays


def assert_same_as_numpy(result: Any, expected: Any) -> None:
    """SA-7.1: values, dtype and shape equal numpy's."""
    if isinstance(expected, tuple):
        assert isinstance(result, tuple) and len(result) == len(expected)
        for r, e in zip(result, expected):
            assert_same_as_numpy(r, e)
        return
    got = np.asarray(result)
    want = np.asarray(expected)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_array_equal(got, want)


def is_plain(value: Any) -> bool:
    """SA-11.1: no geometry at all."""
    return not isinstance(value, sn.SpatialArray) and not hasattr(value, "origin")


def image(shape: tuple[int, ...] = (3, 4), dtype: Any = np.float64, **geometry: Any) -> sn.SpatialArray:
    """Small positive values (safe for every ufunc here) with the given geometry keywords."""
    values = (np.arange(int(np.prod(shape))) % 7 + 1).astype(dtype).reshape(shape)
    return sn.SpatialArray(values, **geometry)


UNARY = [np.negative, np.abs, np.sqrt, np.exp, np.sin, np.floor, np.isnan, np.signbit, np.logical_not, np.square, np.rint]
BINARY = [np.add, np.subtract, np.multiply, np.true_divide, np.floor_divide, np.power, np.maximum, np.fmin,
          np.arctan2, np.hypot, np.greater, np.less_equal, np.equal, np.not_equal, np.logical_and, np.copysign]
OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.mod, operator.pow,
             operator.lt, operator.ge, operator.eq]


@pytest.mark.parametrize("ufunc", UNARY, ids=lambda u: u.__name__)
def test_unary_ufuncs_keep_geometry_and_values(ufunc: np.ufunc) -> None:
    """SA-7.1, SA-7.3."""
    a = image((3, 4, 2), spacing=[2.0, 3.0], origin=[5.0, 6.0])
    result = ufunc(a)
    assert_same_as_numpy(result, ufunc(np.asarray(a)))
    assert result.geometry == a.geometry


@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
def test_binary_ufuncs_with_matching_scalar_and_plain_operands(ufunc: np.ufunc) -> None:
    """SA-7.1, SA-7.3, SA-7.4: a second image, a scalar, a plain array that broadcasts along components."""
    a = image((3, 4), spacing=[2.0, 3.0], origin=[5.0, 6.0])
    b = sn.SpatialArray(np.asarray(a)[::-1].copy(), geometry=a.geometry)
    plain_row = np.linspace(1.0, 2.0, 4)
    for left, right in [(a, b), (a, 2.5), (3, a), (a, plain_row), (plain_row, a)]:
        result = ufunc(left, right)
        assert_same_as_numpy(result, ufunc(np.asarray(left), np.asarray(right)))
        assert result.geometry == a.geometry


@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.__name__)
def test_python_operators_and_comparisons(op: Callable[[Any, Any], Any]) -> None:
    """SA-7.3: comparisons give boolean images."""
    a = image((3, 4), spacing=[2.0, 3.0])
    result = op(a, a)
    assert_same_as_numpy(result, op(np.asarray(a), np.asarray(a)))
    assert isinstance(result, sn.SpatialArray) and result.geometry == a.geometry


def test_broadcasting_that_stretches_or_prepends_spatial_axes_gives_plain() -> None:
    """SA-7.4."""
    a = image((3, 4), spacing=[2.0, 3.0])
    stacked = np.ones((2, 3, 4))
    assert is_plain(a + stacked)
    assert_same_as_numpy(a + stacked, np.asarray(a) + stacked)
    column = a.mean(axis=1, keepdims=True)  # spatial shape (3, 1)
    assert is_plain(column + np.ones((3, 4)))
    # trailing component axis grown by broadcasting keeps geometry
    vector = sn.SpatialArray(np.ones((3, 4, 1)), spacing=[2.0, 3.0])
    grown = vector * np.array([1.0, 2.0, 3.0])
    assert grown.shape == (3, 4, 3) and grown.spatial_ndim == 2


@pytest.mark.parametrize("change, part", [
    (dict(origin=[1.5, -2.0]), "origin differs along axis 0"),
    (dict(spacing=[2.0, 3.5]), "spacing differs on axis 1"),
    (dict(direction=[[0.0, 1.0], [1.0, 0.0]]), "direction differs"),
])
def test_mismatch_error_names_the_part_both_values_and_the_tolerance(change: dict, part: str) -> None:
    """SA-7.2, SA-10.3."""
    a = image((3, 4), spacing=[2.0, 3.0], origin=[1.0, -2.0])
    b = sn.SpatialArray(np.asarray(a), geometry=a.geometry.replace(**change))
    with pytest.raises(sn.GeometryMismatchError, match=part) as info:
        a + b
    message = str(info.value)
    assert "tolerance 1e-06" in message
    assert repr(a.geometry) in message and repr(b.geometry) in message
    assert isinstance(info.value, ValueError)


def test_spatial_shape_and_dimension_mismatches() -> None:
    """SA-7.2, SA-7.7: a one-slice image broadcasts onto a 9-slice one only when it lies in its grid."""
    a = sn.SpatialArray(np.ones((9, 4)))
    assert (a + sn.SpatialArray(np.ones((1, 4)), origin=[5.5, 0])).geometry == a.geometry
    with pytest.raises(sn.GeometryMismatchError, match=r"spacing differs on axis 1 of the full grid"):
        a + sn.SpatialArray(np.ones((1, 4)), spacing=[1, 1.5])
    with pytest.raises(sn.GeometryMismatchError, match="spatial_ndim differs: 2 vs 1"):
        a + sn.SpatialArray(np.ones((9, 4)), spacing=[1.0])
    embedded = sn.SpatialArray(np.ones((9, 4)), origin=[0, 0, 0], spacing=[1, 1], direction=np.eye(3)[:, :2])
    with pytest.raises(sn.GeometryMismatchError, match="physical_ndim differs: 2 vs 3"):
        a + embedded


def test_geometry_is_checked_before_anything_is_written() -> None:
    """SA-7.2, SA-7.5: a refused in-place operation leaves its target untouched."""
    a = image((3, 4), spacing=[2.0, 3.0])
    before = np.asarray(a).copy()
    other = sn.SpatialArray(np.ones((3, 4)), spacing=[2.0, 3.1])
    with pytest.raises(sn.GeometryMismatchError):
        a += other
    with pytest.raises(sn.GeometryMismatchError):
        np.add(a, 1.0, out=other)
    np.testing.assert_array_equal(np.asarray(a), before)
    np.testing.assert_array_equal(np.asarray(other), np.ones((3, 4)))


def test_out_and_in_place_return_the_callers_object() -> None:
    """SA-7.5."""
    a = image((3, 4), spacing=[2.0, 3.0])
    target = sn.SpatialArray(np.zeros((3, 4)), geometry=a.geometry)
    result = np.add(a, 1.0, out=target)
    assert result is target
    np.testing.assert_array_equal(np.asarray(target), np.asarray(a) + 1.0)
    same = a
    a *= 2
    assert a is same
    plain_target = np.zeros((3, 4))
    assert np.add(a, a, out=plain_target) is plain_target
    # writing plain values into an image keeps the image's own geometry
    image_target = sn.SpatialArray(np.zeros((3, 4)), spacing=[7.0, 7.0])
    assert np.add(np.ones((3, 4)), 1.0, out=image_target) is image_target and image_target.spacing.tolist() == [7.0, 7.0]


def test_where_mask_is_an_operand() -> None:
    """SA-7.2: a spatial where= mask must be in the same space."""
    a = image((3, 4), spacing=[2.0, 3.0])
    mask = a > 3
    result = np.add(a, 1.0, where=mask, out=np.zeros((3, 4)))
    np.testing.assert_array_equal(result, np.where(np.asarray(mask), np.asarray(a) + 1, 0))
    with pytest.raises(sn.GeometryMismatchError):
        np.add(a, 1.0, where=sn.SpatialArray(np.asarray(mask), spacing=[1.0, 1.0]))


def test_multiple_outputs() -> None:
    a = image((3, 4), spacing=[2.0, 3.0])
    quotient, remainder = np.divmod(a, 3)
    q, r = np.divmod(np.asarray(a), 3)
    assert_same_as_numpy((quotient, remainder), (q, r))
    assert quotient.geometry == remainder.geometry == a.geometry
    mantissa, exponent = np.frexp(a)
    assert exponent.dtype == np.frexp(np.asarray(a))[1].dtype and exponent.geometry == a.geometry


def test_ufunc_methods() -> None:
    """SA-7.6."""
    a = image((3, 4, 2), spacing=[2.0, 3.0], origin=[1.0, 1.0])
    plain = np.asarray(a)
    accumulated = np.add.accumulate(a, axis=1)
    assert_same_as_numpy(accumulated, np.add.accumulate(plain, axis=1))
    assert accumulated.geometry == a.geometry
    assert is_plain(np.add.reduceat(a, [0, 2], axis=1))
    assert_same_as_numpy(np.add.reduceat(a, [0, 2], axis=1), np.add.reduceat(plain, [0, 2], axis=1))
    component = np.add.reduceat(a, [0, 1], axis=2)
    assert component.geometry == a.geometry
    outer = np.multiply.outer(a, [1.0, 2.0])
    assert_same_as_numpy(outer, np.multiply.outer(plain, [1.0, 2.0]))
    assert outer.geometry == a.geometry and outer.shape == (3, 4, 2, 2)
    assert is_plain(np.multiply.outer([1.0, 2.0], a))
    assert is_plain(np.multiply.outer(a, a))
    target = a.copy()
    assert np.add.at(target, ([0, 0], [1, 1]), 5.0) is None
    expected = plain.copy()
    np.add.at(expected, ([0, 0], [1, 1]), 5.0)
    np.testing.assert_array_equal(np.asarray(target), expected)


def test_generalized_ufuncs_keep_geometry_only_on_loop_axes() -> None:
    """SA-7.3, SA-7.4: matmul over spatial axes mixes positions; over component axes it does not."""
    square = sn.SpatialArray(np.arange(16.0).reshape(4, 4))
    assert is_plain(square @ square)
    assert_same_as_numpy(square @ square, np.asarray(square) @ np.asarray(square))
    assert is_plain(square @ np.ones(4))
    field = sn.SpatialArray(np.ones((4, 5, 3, 3)), spacing=[2.0, 3.0])
    rotated = field @ np.eye(3)
    assert rotated.geometry == field.geometry
    vectors = sn.SpatialArray(np.ones((4, 5, 3)), spacing=[2.0, 3.0])
    lengths = np.vecdot(vectors, vectors)
    assert lengths.shape == (4, 5) and lengths.geometry == vectors.geometry
    with pytest.raises(sn.GeometryMismatchError):
        np.vecdot(vectors, sn.SpatialArray(np.ones((4, 5, 3)), spacing=[1.0, 1.0]))


class _Deferring:
    """Another array type with its own __array_ufunc__: we must defer to it."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> str:
        return "handled by the other type"


class _OtherSubclass(np.ndarray):
    """Another ndarray subclass with its own __array_ufunc__ (as astropy's Quantity or MaskedArray)."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> str:
        return "handled by the other subclass"


def test_other_array_types_get_to_handle_mixed_operations() -> None:
    image = sn.SpatialArray(np.ones(3))
    assert np.add(image, _Deferring()) == "handled by the other type"
    other = np.ones(3).view(_OtherSubclass)
    assert image + other == "handled by the other subclass"
    assert other + image == "handled by the other subclass"
    assert np.add(image, 1.0, out=np.zeros(3).view(_OtherSubclass)) == "handled by the other subclass"
    assert np.add.reduce(image, out=None) == 3.0  # no foreign operand: ours


@settings(max_examples=200, deadline=None)
@given(array=spatial_arrays(), ufunc=st.sampled_from(BINARY), scalar=st.integers(1, 5))
def test_binary_ufuncs_property(array: sn.SpatialArray, ufunc: np.ufunc, scalar: int) -> None:
    """SA-7.1, SA-7.3 over random geometries, dimensions and component axes."""
    values = np.asarray(array).astype(np.float64) + 1
    image_ = sn.SpatialArray(values, geometry=array.geometry)
    with np.errstate(all="ignore"):
        result = ufunc(image_, scalar)
        expected = ufunc(values, scalar)
        both = ufunc(image_, image_)
    assert_same_as_numpy(result, expected)
    assert result.geometry == array.geometry and both.geometry == array.geometry


def test_assignment_checks_the_space_of_a_spatial_value() -> None:
    """SA-5.7: a[key] = b checks b against a[key] before writing; plain values assign as numpy does."""
    a = image((4, 5), spacing=[2.0, 3.0], origin=[1.0, 1.0])
    before = np.asarray(a).copy()
    with pytest.raises(sn.GeometryMismatchError):
        a[1:3] = a[:2].copy()  # the rows of another place
    with pytest.raises(sn.GeometryMismatchError):
        a[...] = sn.SpatialArray(np.zeros((4, 5)), spacing=[1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(a), before)
    a[1:3] = a[1:3] * 2  # the same place: fine
    a[0] = 7.0
    a[[1, 2], 0] = sn.SpatialArray(np.ones(2))  # an advanced index has no geometry to check against
    expected = before.copy()
    expected[1:3] *= 2
    expected[0] = 7.0
    expected[[1, 2], 0] = 1.0
    np.testing.assert_array_equal(np.asarray(a), expected)
