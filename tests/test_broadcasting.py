"""Broadcasting between spatial operands (SPEC SA-7.2 to SA-7.9).

The property test draws a full operand (oblique and embedded geometries, component
axes) and a random broadcast pattern derived from it (a keepdims reduction over
random spatial axes, an integer-index slice, a one-element slice, missing leading
axes), combines the two in either order, and traces every result element by value
to the full operand: its position, computed with the tests' own formula from the
result's public attributes, must be the full operand's element's position.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.special
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, geometries


@st.composite
def full_and_broadcast(draw: st.DrawFn) -> tuple[sn.SpatialArray, Any, str]:
    """A full operand of unique values and an operand numpy broadcasts against it, taken from it."""
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(2, 5), min_size=n, max_size=n)))
    shape += tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=1)))
    geometry = draw(geometries(n))
    full = sn.SpatialArray(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape), geometry=geometry)
    kind = draw(st.sampled_from(["keepdims", "integer", "one-slice", "integer+keepdims"]))
    if n == 1 or (kind == "integer+keepdims" and n < 3):
        kind = "one-slice"  # a reduction over every spatial axis is plain (SA-8.4), not a broadcast operand
    if kind == "keepdims":
        axes = tuple(sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))))
        return full, full.mean(axis=axes, keepdims=True), f"mean(axis={axes}, keepdims=True)"
    if kind == "integer":
        count = draw(st.integers(1, n - 1))
        key = tuple(draw(st.integers(0, shape[i] - 1)) for i in range(count))
        return full, full[key], f"a[{key}]"
    if kind == "one-slice":
        axis = draw(st.integers(0, n - 1))
        k = draw(st.integers(0, shape[axis] - 1))
        step = draw(st.sampled_from([1, -1]))
        key = (slice(None),) * axis + (slice(k, k + 1) if step == 1 else slice(k, k - 1 if k else None, -1),)
        return full, full[key], f"a[{key}]"
    k = draw(st.integers(0, shape[0] - 1))
    axis = draw(st.integers(0, n - 2))
    other = full[k].max(axis=axis, keepdims=True)
    return full, other, f"a[{k}].max(axis={axis}, keepdims=True)"


def _positions_trace_to_full(result: Any, full: sn.SpatialArray, values: np.ndarray) -> None:
    """Element ``idx`` of ``result`` holds ``values[idx]``: the value of the full element it must sit on."""
    n = full.spatial_ndim
    flat_full = np.asarray(full)
    for idx in np.ndindex(*result.shape[:n]):
        value = values[idx].reshape(-1)[0]
        source = np.unravel_index(int(value), flat_full.shape)[:n]
        assert np.asarray(flat_full)[source].reshape(-1)[0] == value
        np.testing.assert_allclose(array_position(result, idx), array_position(full, source), rtol=0, atol=1e-9 * (1 + np.abs(full.origin).max() + 1e3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(full_and_broadcast(), st.booleans())
def test_a_broadcast_operand_in_the_full_grid_gives_the_full_grid(case: tuple[Any, Any, str], full_first: bool) -> None:
    """SA-7.2, SA-7.3, SA-7.7: every element of ``a op b`` sits where the full operand's element does, either order."""
    full, other, _ = case
    assert isinstance(other, sn.SpatialArray)
    zero = other * 0.0  # same grid as other, values 0: the result's values name the full element
    traced = full + zero if full_first else zero + full
    np.testing.assert_array_equal(np.asarray(traced), np.asarray(full) + np.asarray(zero))
    assert isinstance(traced, sn.SpatialArray)
    _positions_trace_to_full(traced, full, np.asarray(traced))
    difference = full - other if full_first else other - full
    expected = np.asarray(full) - np.asarray(other) if full_first else np.asarray(other) - np.asarray(full)
    np.testing.assert_array_equal(np.asarray(difference), expected)  # SA-7.1
    assert difference.geometry == full.geometry


@settings(max_examples=100, deadline=None)
@given(full_and_broadcast(), st.data())
def test_a_broadcast_operand_moved_off_the_grid_is_refused(case: tuple[Any, Any, str], data: st.DataObject) -> None:
    """SA-7.7 (c): moving the broadcast operand along an axis it does not broadcast, or off the plane, is a mismatch;
    moving it along a broadcast axis is not."""
    full, other, _ = case
    n, m = full.spatial_ndim, full.ndim - other.ndim
    kept = [j for j in range(other.spatial_ndim) if other.shape[j] == full.shape[j + m]]
    stretched = [i for i in range(n) if i < m or other.shape[i - m] == 1 and full.shape[i] != 1]
    direction = np.asarray(full.direction)
    if stretched:
        along = direction[:, data.draw(st.sampled_from(stretched))]
        moved = sn.SpatialArray(np.asarray(other), origin=other.origin + 7.25 * along, spacing=other.spacing, direction=other.direction)
        assert (full + moved).geometry == full.geometry
    if kept:
        axis = data.draw(st.sampled_from(kept)) + m
        # 1e-3 voxel, or 1e-5 of the coordinates where float32 storage (SA-10.1's allowance) cannot resolve that
        step = max(1e-3 * full.spacing[axis], 1e-5 * float(np.abs(full.origin).sum()))
        moved = sn.SpatialArray(np.asarray(other), origin=other.origin + step * direction[:, axis], spacing=other.spacing, direction=other.direction)
        with pytest.raises(sn.GeometryMismatchError):
            full + moved
        with pytest.raises(sn.GeometryMismatchError):
            moved + full


def _volume() -> sn.SpatialArray:
    rng = np.random.default_rng(7)
    direction = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    values = rng.normal(size=(4, 5, 6)).astype(np.float32)
    return sn.SpatialArray(values, origin=[10.0, -3.0, 2.5], spacing=[2.0, 0.7, 1.3], direction=direction)


def test_the_common_idioms_work_and_keep_the_grid() -> None:
    """SA-7.7: the normalisation idioms of imaging code, in both orders, with numpy's values."""
    a = _volume()
    data = np.asarray(a)
    t = float(np.median(data))
    cases = {
        "a - a.mean(axis=0, keepdims=True)": (a - a.mean(axis=0, keepdims=True), data - data.mean(axis=0, keepdims=True)),
        "a / a.max(axis=(1, 2), keepdims=True)": (a / a.max(axis=(1, 2), keepdims=True), data / data.max(axis=(1, 2), keepdims=True)),
        "a - a[0]": (a - a[0], data - data[0]),
        "a * (a[0] > t)": (a * (a[0] > t), data * (data[0] > t)),
        "a[0] - a": (a[0] - a, data[0] - data),
        "np.maximum(a.min(axis=2, keepdims=True), a)": (np.maximum(a.min(axis=2, keepdims=True), a), np.maximum(data.min(axis=2, keepdims=True), data)),
        "a - a[:, 2:3]": (a - a[:, 2:3], data - data[:, 2:3]),
    }
    for name, (result, expected) in cases.items():
        np.testing.assert_array_equal(np.asarray(result), expected, err_msg=name)
        assert result.geometry == a.geometry, name


def test_operands_that_do_not_lie_in_the_grid_are_refused() -> None:
    """SA-7.7, SA-7.8: a slice from another grid, a slab whose axes do not line up, two slabs and no full operand."""
    a = _volume()
    other_grid = sn.SpatialArray(np.asarray(a), origin=a.origin + 0.5 * a.direction[:, 1], spacing=a.spacing, direction=a.direction)
    with pytest.raises(sn.GeometryMismatchError, match="origin differs along axis 1 of the full grid"):
        a - other_grid[0]
    cube = sn.SpatialArray(np.ones((4, 4, 4)), spacing=[1.0, 2.0, 3.0])
    with pytest.raises(sn.GeometryMismatchError, match="spacing differs on axis 1 of the full grid"):
        cube[:, 3] * cube  # its first axis is the cube's axis 0, lined up with axis 1
    with pytest.raises(sn.GeometryMismatchError, match="no operand spans the result's grid"):
        a.mean(axis=0, keepdims=True) * a.mean(axis=1, keepdims=True)
    with pytest.raises(sn.GeometryMismatchError, match="physical_ndim differs"):
        a + sn.SpatialArray(np.ones((5, 6)))
    # the workaround the message names
    plain = np.asarray(a.mean(axis=0, keepdims=True)) * a.mean(axis=1, keepdims=True)
    assert type(plain) is np.ndarray


def test_one_operand_broadcast_by_a_plain_array_stays_plain() -> None:
    """SA-7.4: with no full spatial operand and one shape among the spatial ones, the result is plain."""
    a = _volume()
    result = a[0] + np.zeros((4, 5, 6))
    assert type(result) is np.ndarray
    assert type(a[0] + a[0] + np.zeros((2, 5, 6))) is np.ndarray


def test_out_where_and_in_place_follow_the_rule() -> None:
    """SA-7.2, SA-7.3, SA-7.5: out= and where= operands may be broadcast; where= never gives its grid."""
    a = _volume()
    data = np.asarray(a).copy()
    b = a.copy()
    b -= b[0]
    np.testing.assert_array_equal(np.asarray(b), data - data[0])
    assert b.geometry == a.geometry
    out = a.copy()
    result = np.add(a[0], 1.0, out=out)
    assert result is out and out.geometry == a.geometry
    np.testing.assert_array_equal(np.asarray(out), np.broadcast_to(data[0] + 1, data.shape))
    mask = a[0] > 0
    result = np.multiply(a, 2.0, out=a.copy(), where=mask)
    assert result.geometry == a.geometry
    with_plain = np.add(data, 1.0, where=np.asarray(mask))
    masked = np.add(data, 1.0, where=mask)  # SA-7.3: a where= mask alone gives no geometry
    assert type(masked) is np.ndarray
    np.testing.assert_array_equal(masked[np.asarray(mask) & np.ones(data.shape, bool)], with_plain[np.broadcast_to(np.asarray(mask), data.shape)])
    shifted = sn.SpatialArray(np.asarray(mask), origin=mask.origin + 0.1, spacing=mask.spacing, direction=mask.direction)
    target = a.copy()
    with pytest.raises(sn.GeometryMismatchError):
        np.multiply(a, 2.0, out=target, where=shifted)
    np.testing.assert_array_equal(np.asarray(target), data)  # checked before writing


def test_where_clip_putmask_copyto_and_assignment_follow_the_rule() -> None:
    """SA-7.9, SA-13.1, SA-5.7: the elementwise functions and assignment take broadcast operands in the grid."""
    a = _volume()
    data = np.asarray(a)
    result = np.where(a[0] > 0, a, a.mean(axis=0, keepdims=True))
    np.testing.assert_array_equal(np.asarray(result), np.where(data[0] > 0, data, data.mean(axis=0, keepdims=True)))
    assert result.geometry == a.geometry
    clipped = np.clip(a, a.min(axis=(1, 2), keepdims=True) + 0.1, a[0])
    np.testing.assert_array_equal(np.asarray(clipped), np.clip(data, data.min(axis=(1, 2), keepdims=True) + 0.1, data[0]))
    assert clipped.geometry == a.geometry
    target = a.copy()
    np.copyto(target, a[1])
    np.testing.assert_array_equal(np.asarray(target), np.broadcast_to(data[1], data.shape))
    target = a.copy()
    target[2:] = a[0]
    expected = data.copy()
    expected[2:] = data[0]
    np.testing.assert_array_equal(np.asarray(target), expected)
    elsewhere = sn.SpatialArray(np.asarray(a[0]), origin=a[0].origin + 0.2 * a.direction[:, 2], spacing=a[0].spacing, direction=a[0].direction)
    target = a.copy()
    with pytest.raises(sn.GeometryMismatchError):
        np.copyto(target, elsewhere)
    with pytest.raises(sn.GeometryMismatchError):
        target[2:] = elsewhere
    with pytest.raises(sn.GeometryMismatchError):
        np.where(elsewhere > 0, a, 0)
    with pytest.raises(sn.GeometryMismatchError):
        np.clip(a, elsewhere, None)
    np.testing.assert_array_equal(np.asarray(target), data)
    target = a.copy()
    np.putmask(target, a > 0, 0.0)
    assert target.geometry == a.geometry
    with pytest.raises(sn.GeometryMismatchError):
        np.putmask(target, sn.SpatialArray(np.asarray(a > 0), spacing=[1, 1, 1]), 0.0)


SPECIAL_UFUNCS = sorted(
    (name for name in dir(scipy.special) if isinstance(getattr(scipy.special, name), np.ufunc)),
)


def test_scipy_special_has_ufuncs_to_test() -> None:
    """The test bed below is not empty (scipy.special has hundreds of ufuncs)."""
    assert len(SPECIAL_UFUNCS) > 100


def _arguments(ufunc: np.ufunc, a: sn.SpatialArray) -> list[Any]:
    """Inputs for ``ufunc``: the image (as float64, or complex128 where the loop needs it) for every argument.

    The first loop whose inputs are all float64 or complex128 is used; integer
    inputs get the scalar 2.
    """
    complex_image = a + 0.25j
    for allowed in ("d", "dD", "dDl"):
        for types in ufunc.types:
            inputs = types.split("->")[0]
            if all(t in allowed for t in inputs):
                return [a if t == "d" else complex_image if t == "D" else np.int64(2) for t in inputs]
    raise AssertionError(f"{ufunc.__name__}: no float64, complex128 or int64 loop in {ufunc.types}")


@pytest.mark.parametrize("name", SPECIAL_UFUNCS)
def test_every_scipy_special_ufunc_keeps_the_grid_and_checks_operands(name: str) -> None:
    """SA-7.9: scipy.special ufuncs follow chapter 7: geometry kept, operands and out= checked, numpy's values."""
    ufunc = getattr(scipy.special, name)
    a = sn.SpatialArray(np.linspace(0.1, 0.9, 12).reshape(3, 4), origin=[1.0, 2.0], spacing=[0.5, 2.0])
    arguments = _arguments(ufunc, a)
    with np.errstate(all="ignore"):
        result = ufunc(*arguments)
        expected = ufunc(*[np.asarray(v) if isinstance(v, sn.SpatialArray) else v for v in arguments])
    results = result if isinstance(result, tuple) else (result,)
    expecteds = expected if isinstance(expected, tuple) else (expected,)
    for r, e in zip(results, expecteds):
        assert r.geometry == a.geometry, name
        np.testing.assert_array_equal(np.asarray(r), e)
    spatial = [i for i, v in enumerate(arguments) if isinstance(v, sn.SpatialArray)]
    if len(spatial) > 1:  # the last spatial argument moved half a spacing along axis 1
        moved = list(arguments)
        last = arguments[spatial[-1]]
        moved[spatial[-1]] = sn.SpatialArray(np.asarray(last), origin=[1.0, 3.0], spacing=[0.5, 2.0])
        with pytest.raises(sn.GeometryMismatchError), np.errstate(all="ignore"):
            ufunc(*moved)
    outs = tuple(sn.SpatialArray(np.zeros(e.shape, e.dtype), origin=[1.0, 2.5], spacing=[0.5, 2.0]) for e in expecteds)
    with pytest.raises(sn.GeometryMismatchError), np.errstate(all="ignore"):
        ufunc(*arguments, out=outs)
    assert all(not np.asarray(o).any() for o in outs)  # nothing written
    good = tuple(sn.SpatialArray(np.zeros(e.shape, e.dtype), geometry=a.geometry) for e in expecteds)
    with np.errstate(all="ignore"):
        returned = ufunc(*arguments, out=good)
    assert (returned is good[0]) if len(good) == 1 else all(r is g for r, g in zip(returned, good))


def test_frompyfunc_follows_chapter_7() -> None:
    """SA-7.9: a np.frompyfunc ufunc keeps the grid, takes broadcast operands in the grid and checks the rest."""
    a = _volume()
    data = np.asarray(a)
    larger = np.frompyfunc(lambda v, w: max(v, w), 2, 1)
    result = larger(a, a[0])
    np.testing.assert_array_equal(np.asarray(result).astype(np.float32), np.maximum(data, data[0]))
    assert result.geometry == a.geometry
    with pytest.raises(sn.GeometryMismatchError):
        larger(a, sn.SpatialArray(np.asarray(a)))



def test_vectorize_follows_chapter_7() -> None:
    """SA-7.9: np.vectorize (a frompyfunc ufunc plus a cast) keeps the grid, also for several outputs, and checks operands."""
    a = _volume()
    data = np.asarray(a)
    twice = np.vectorize(lambda v: 2 * v)(a)
    np.testing.assert_array_equal(np.asarray(twice), np.vectorize(lambda v: 2 * v)(data))
    assert twice.geometry == a.geometry
    pair = np.vectorize(lambda v, w: (v + w, v - w))(a, a[0])
    for got, expected in zip(pair, np.vectorize(lambda v, w: (v + w, v - w))(data, data[0])):
        np.testing.assert_array_equal(np.asarray(got), expected)
        assert got.geometry == a.geometry
    with pytest.raises(sn.GeometryMismatchError):
        np.vectorize(lambda v, w: v + w)(a, sn.SpatialArray(data))

# -- issue 10 part 4: defects, each failing on the 1.1 code -------------------------------------------


def test_attributes_cannot_be_made_writable() -> None:
    """SA-1.9: setflags(write=True) on an attribute's array fails, and the geometry stays."""
    a = _volume()
    for name in ("origin", "spacing", "direction"):
        value = getattr(a, name)
        with pytest.raises(ValueError):
            value.setflags(write=True)
        with pytest.raises(ValueError):
            value[0] = 99.0
    np.testing.assert_array_equal(a.origin, [10.0, -3.0, 2.5])


def test_overflowing_derived_geometries_raise() -> None:
    """SA-1.5: a slice whose spacing would overflow to inf raises a clear error."""
    a = sn.SpatialArray(np.zeros(3), origin=[1e308], spacing=[1e308])
    with pytest.raises(OverflowError, match="not finite.*spacing \\[inf\\]"):
        a[::2]
    with pytest.raises(OverflowError, match="not finite"):
        sn.SpatialArray(np.zeros((3, 2)), origin=[1e308, 0.0], spacing=[1e308, 1.0]).mean(axis=0, keepdims=True)


def test_the_constructor_names_the_field_the_user_gave() -> None:
    """SA-1.8: an origin with too many entries is blamed on origin, not on a spacing the user never gave."""
    with pytest.raises(ValueError, match=r"origin has 3 entries but the data has only 2 axes.*direction of shape \(3, N\)"):
        sn.SpatialArray(np.zeros((3, 4)), origin=[0, 0, 0])
    with pytest.raises(ValueError, match="spacing has 3 entries but the data has only 2 axes"):
        sn.SpatialArray(np.zeros((3, 4)), spacing=[1, 1, 1])
    with pytest.raises(ValueError, match="direction has 3 columns but the data has only 2 axes"):
        sn.SpatialArray(np.zeros((3, 4)), direction=np.eye(3))


def test_a_spatial_boolean_index_is_an_operand() -> None:
    """SA-7.10, SA-6.1: img[seg > 0] and img[seg > 0] = v check seg's grid before selecting or writing."""
    img = sn.SpatialArray(np.arange(12.0).reshape(3, 4), origin=[1.0, 2.0])
    seg = sn.SpatialArray(np.arange(12.0).reshape(3, 4), origin=[1.0, 3.0])
    before = np.asarray(img).copy()
    with pytest.raises(sn.GeometryMismatchError, match="boolean index"):
        img[seg > 5]
    with pytest.raises(sn.GeometryMismatchError, match="boolean index"):
        img[seg > 5] = -1.0
    np.testing.assert_array_equal(np.asarray(img), before)
    selected = img[img > 5]
    assert type(selected) is np.ndarray
    np.testing.assert_array_equal(selected, before[before > 5])
    img[img > 5] = -1.0
    np.testing.assert_array_equal(np.asarray(img), np.where(before > 5, -1.0, before))


def test_concatenate_stack_clip_round_return_out_and_check_it() -> None:
    """SA-13.6, SA-7.5: out= is checked before writing and returned itself, plain or spatial."""
    a = sn.SpatialArray(np.ones((2, 3)), origin=[1.0, 2.0])
    b = sn.SpatialArray(np.full((2, 3), 2.0), origin=[3.0, 2.0])
    plain_out = np.zeros((4, 3))
    assert np.concatenate([a, b], out=plain_out) is plain_out
    spatial_out = sn.SpatialArray(np.zeros((4, 3)), origin=[1.0, 2.0])
    assert np.concatenate([a, b], out=spatial_out) is spatial_out
    np.testing.assert_array_equal(np.asarray(spatial_out), np.concatenate([np.asarray(a), np.asarray(b)]))
    wrong = sn.SpatialArray(np.zeros((4, 3)), origin=[0.0, 2.0])
    with pytest.raises(sn.GeometryMismatchError):
        np.concatenate([a, b], out=wrong)
    assert not np.asarray(wrong).any()
    with pytest.raises(sn.GeometryMismatchError, match="has none"):
        np.concatenate([a, b], axis=None, out=sn.SpatialArray(np.zeros(12)))
    stacked = np.zeros((2, 3, 2))
    assert np.stack([a, a], axis=-1, out=stacked) is stacked
    spatial_stack = sn.SpatialArray(np.zeros((2, 3, 2)), origin=[1.0, 2.0], spacing=[1.0, 1.0])
    assert np.stack([a, a], axis=-1, out=spatial_stack) is spatial_stack
    with pytest.raises(sn.GeometryMismatchError):
        np.stack([a, a], axis=-1, out=sn.SpatialArray(np.zeros((2, 3, 2)), spacing=[1.0, 1.0]))
    with pytest.raises(sn.GeometryMismatchError):
        np.stack([a, b], axis=-1)  # SA-13.6: pieces on different grids, new axis after the spatial ones
    assert type(np.stack([a, b], axis=0)) is np.ndarray  # a batch of different images is ordinary
    clipped = np.zeros((2, 3))
    assert np.clip(a, 0, 0.5, out=clipped) is clipped
    rounded = np.zeros((2, 3))
    assert np.round(a, 1, out=rounded) is rounded


def test_reductions_and_ufuncs_treat_a_plain_input_into_a_spatial_out_alike() -> None:
    """SA-8.7, SA-7.5: np.sum(plain, out=spatial) and np.add(plain, plain, out=spatial) both write and return out."""
    out = sn.SpatialArray(np.zeros(3), origin=[5.0])
    assert np.sum(np.ones((2, 3)), axis=0, out=out) is out
    np.testing.assert_array_equal(np.asarray(out), [2.0, 2.0, 2.0])
    assert out.origin[0] == 5.0
    assert np.add.reduce(np.ones((2, 3)), axis=0, out=out) is out
    assert np.add(np.ones(3), np.ones(3), out=out) is out
    a = sn.SpatialArray(np.ones((2, 3)))
    with pytest.raises(sn.GeometryMismatchError):
        np.sum(a, axis=0, out=out)  # a spatial input: the binned row is not out's grid
