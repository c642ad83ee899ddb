"""SPEC 1.2 decisions: component-axis advanced indices, full keepdims reductions, method/function pairs,
column_stack, diff's prepend, with_values, and chapter 15 (versions, recognition, errors, levels, features)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray import SpatialArray

from .strategies import array_position, geometries
from .test_positions import assert_positions_kept
from .test_ufuncs import assert_same_as_numpy, is_plain

SPEC = (Path(__file__).resolve().parent.parent / "SPEC.md").read_text(encoding="utf-8")


def _image(components: tuple[int, ...] = (4,), n: int = 2, seed: int = 0) -> SpatialArray:
    shape = (3, 5, 2)[:n] + components
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(n + 1, n + 1)))
    values = np.arange(float(np.prod(shape))).reshape(shape)  # unique values: each names its element
    return SpatialArray(values, origin=rng.normal(size=n + 1), spacing=rng.uniform(0.5, 2, n), direction=q[:, :n])


# -- SA-5.4 / SA-6.2: integer-array and boolean indices on component axes ------------------------------------


@st.composite
def _component_keys(draw: st.DrawFn, shape: tuple[int, ...], n: int) -> tuple[Any, ...]:
    spatial = []
    for length in shape[:n]:
        start = draw(st.none() | st.integers(-length, length))
        step = draw(st.none() | st.integers(-2, 2).filter(lambda s: s != 0))
        spatial.append(slice(start, None, step))
    components = []
    for length in shape[n:]:
        kind = draw(st.sampled_from(["list", "bool", "slice"]))
        if kind == "list":
            components.append(draw(st.lists(st.integers(-length, length - 1), min_size=1, max_size=4)))
        elif kind == "bool":
            components.append(np.array(draw(st.lists(st.booleans(), min_size=length, max_size=length))))
        else:
            components.append(slice(None, None, draw(st.sampled_from([1, -1, 2]))))
    key = tuple(spatial + components)
    if draw(st.booleans()) and all(s == slice(None) for s in spatial):
        key = (Ellipsis,) + tuple(components)
    return key


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_advanced_index_on_component_axes_keeps_every_position(data: st.DataObject) -> None:
    """SA-5.4, SA-6.2: the selected components stay at their elements' positions; apart or mixed keys are plain."""
    n = data.draw(st.integers(1, 2))
    components = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=2)))
    shape = (3, 4)[:n] + components
    values = np.arange(float(np.prod(shape))).reshape(shape)
    image = SpatialArray(values, geometry=data.draw(geometries(n)))
    key = data.draw(_component_keys(shape, n))
    try:
        values[key]
    except IndexError:
        assume(False)  # numpy refuses it (boolean arrays that do not broadcast together)
    result = image[key]
    assert_same_as_numpy(result, values[key])
    advanced = [i for i, k in enumerate(key) if not isinstance(k, slice) and k is not Ellipsis]
    adjacent = not advanced or advanced[-1] - advanced[0] + 1 == len(advanced)
    if adjacent:
        assert isinstance(result, SpatialArray)
        assert_positions_kept(image, result)
    else:
        assert is_plain(result)  # numpy moved the advanced axes in front


@pytest.mark.parametrize("key", [
    (Ellipsis, [0, 2]), (slice(None), slice(None, None, -1), [1, 3]), (Ellipsis, np.array([True, False, True, False])),
])
def test_component_lists_keep_the_grid(key: Any) -> None:
    """SA-6.2: `a[..., [0, 2]]` keeps the geometry of `a` (a reversed spatial slice gives its own)."""
    a = _image()
    result = a[key]
    assert isinstance(result, SpatialArray)
    assert_positions_kept(a, result)


@pytest.mark.parametrize("key", [
    ([0, 1],), (slice(None), [0, 2]), (0, slice(None), [0, 2]), (slice(None), 0, [0, 2]), (Ellipsis, [0, 1], None),
    (Ellipsis, True), (np.ones((3, 5), dtype=bool),),
])
def test_other_advanced_indices_stay_plain(key: Any) -> None:
    """SA-6.1, SA-6.2: advanced entries on spatial axes, with an integer, with newaxis, or a boolean scalar."""
    a = _image()
    assert_same_as_numpy(a[key], np.asarray(a)[key])
    assert is_plain(a[key])


def test_take_along_a_component_axis_is_the_component_index() -> None:
    """SA-9.4, SA-13.4: `a.take([0, 2], axis=-1)` is `a[..., [0, 2]]`; along a spatial axis plain."""
    a = _image()
    for taken in (a.take([0, 2], axis=-1), np.take(a, [0, 2], axis=2)):
        assert taken.geometry == a[..., [0, 2]].geometry == a.geometry
        assert_same_as_numpy(taken, np.asarray(a)[..., [0, 2]])
    assert is_plain(a.take([0, 2], axis=0)) and is_plain(a.take([0, 2]))
    assert a.repeat(2, axis=-1).geometry == a.geometry and is_plain(a.repeat(2, axis=1))


# -- SA-8.2 / SA-8.4 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "max", "std", "argmin"])
def test_full_reduction_is_plain_with_keepdims_too(name: str) -> None:
    """SA-8.2, SA-8.4: a global statistic is plain, with numpy's shape; it broadcasts against another grid."""
    image = _image(components=())
    values = np.asarray(image)
    for result in (getattr(image, name)(keepdims=True), getattr(np, name)(image, axis=None, keepdims=True)):
        assert_same_as_numpy(result, getattr(values, name)(axis=None, keepdims=True))
        assert is_plain(result)
    assert is_plain(np.mean(image, axis=(0, 1), keepdims=True))
    other = SpatialArray(values, origin=[9.0, 9.0, 9.0], spacing=[1.0, 1.0], direction=np.eye(3)[:, :2])
    shifted = other - image.mean(keepdims=True)
    assert shifted.geometry == other.geometry


# -- SA-13.3 / SA-13.12: methods and functions follow one rule ----------------------------------------------


PAIRS = [
    ("round", lambda a: a.round(1), lambda a: np.round(a, 1)),
    ("round0", lambda a: a.round(), lambda a: np.round(a)),
    ("cumsum 1-D", lambda a: a[:, 0, 0].cumsum(), lambda a: np.cumsum(a[:, 0, 0])),
    ("cumulative_sum 1-D", lambda a: a[:, 0, 0].cumsum(), lambda a: np.cumulative_sum(a[:, 0, 0])),
    ("cumprod 1-D", lambda a: a[:, 1, 0].cumprod(), lambda a: np.cumprod(a[:, 1, 0])),
    ("cumsum flat", lambda a: a.cumsum(), lambda a: np.cumsum(a)),
    ("cumsum axis", lambda a: a.cumsum(axis=1), lambda a: np.cumsum(a, axis=1)),
    ("take", lambda a: a.take([1, 0], axis=-1), lambda a: np.take(a, [1, 0], axis=-1)),
    ("compress", lambda a: a.compress([True, False, True], axis=-1), lambda a: np.compress([True, False, True], a, axis=-1)),
    ("argsort", lambda a: a.argsort(axis=-1), lambda a: np.argsort(a, axis=-1)),
    ("argsort spatial", lambda a: a.argsort(axis=0), lambda a: np.argsort(a, axis=0)),
    ("argpartition", lambda a: a.argpartition(1), lambda a: np.argpartition(a, 1)),
    ("diagonal", lambda a: a.diagonal(), lambda a: np.diagonal(a)),
    ("trace", lambda a: a.trace(), lambda a: np.trace(a)),
    ("choose", lambda a: (a > 20).astype(int).choose([a, -a]), lambda a: np.choose((a > 20).astype(int), [a, -a])),
    ("clip", lambda a: a.clip(3, 9), lambda a: np.clip(a, 3, 9)),
    ("sum", lambda a: a.sum(axis=0), lambda a: np.sum(a, axis=0)),
]


@pytest.mark.parametrize("name, method, function", PAIRS, ids=[p[0] for p in PAIRS])
def test_method_and_function_give_the_same_geometry(name: str, method: Any, function: Any) -> None:
    """SA-13.3, SA-13.12: one rule for `a.round(1)` and `np.round(a, 1)`, `np.cumsum(a1d)` and `cumulative_sum`..."""
    a = _image(components=(4,)) * 1.37
    by_method, by_function = method(a), function(a)
    assert_same_as_numpy(by_method, by_function)
    assert type(by_method) is type(by_function)
    if isinstance(by_method, SpatialArray):
        assert by_method.geometry == by_function.geometry


def test_one_dimensional_cumsum_keeps_the_grid() -> None:
    """SA-13.3: axis=None on a 1-D array accumulates along its one axis."""
    line = SpatialArray(np.arange(5.0), origin=[3.0], spacing=[2.0])
    assert np.cumsum(line).geometry == line.geometry == np.cumulative_sum(line).geometry
    assert is_plain(np.cumsum(_image()))  # more than one axis: flattened


def test_method_family_rules() -> None:
    """SA-13.12: diagonal/trace over component axes keep the grid; searchsorted is on v's grid; nonzero plain."""
    a = _image(components=(3,))
    square = a[..., :, None] * a[..., None, :]
    assert np.diagonal(square, axis1=-2, axis2=-1).geometry == a.geometry
    assert np.trace(square, axis1=2, axis2=3).geometry == a.geometry
    assert is_plain(np.diagonal(square)) and is_plain(np.trace(square, axis1=0, axis2=2))
    table = np.linspace(0.0, 100.0, 7)
    assert np.searchsorted(table, a).geometry == a.geometry
    assert is_plain(np.searchsorted(a[0, 0], 2.0))
    assert all(is_plain(i) for i in np.nonzero(a))
    with pytest.raises(sn.GeometryMismatchError):
        np.choose((a > 3).astype(int), [a, a[::-1]])


# -- SA-13.2: composite functions are defined by their result -------------------------------------------------


def test_column_stack_of_one_dimensional_arrays_is_a_component_axis() -> None:
    """SA-13.2: `np.column_stack([a, b])` of 1-D arrays equals `concatenate([a[:, None], b[:, None]], axis=1)`."""
    a = SpatialArray(np.arange(4.0) * 1.5, origin=[2.0], spacing=[0.5])
    stacked = np.column_stack([a, 2 * a, np.ones(4)])
    assert_same_as_numpy(stacked, np.column_stack([np.asarray(a), 2 * np.asarray(a), np.ones(4)]))
    assert stacked.geometry == a[:, None].geometry == np.concatenate([a[:, None], a[:, None]], axis=1).geometry
    with pytest.raises(sn.GeometryMismatchError):
        np.column_stack([a, a[::-1]])
    assert_same_as_numpy(np.column_stack((1, 2)), np.column_stack((1, 2)))
    image = _image(components=())
    assert np.column_stack([image[:, :2], image[:, 2:]]).geometry == image.geometry  # 2-D pieces: SA-13.6


# -- SA-13.5: diff's prepend and append ----------------------------------------------------------------------


def test_diff_prepend_scalar_and_spatial() -> None:
    """SA-13.5: a scalar prepend counts as length 1; a spatial prepend/append must continue the grid."""
    a = _image(components=())
    values = np.asarray(a)
    scalar = np.diff(a, axis=0, prepend=0.0)
    assert_same_as_numpy(scalar, np.diff(values, axis=0, prepend=0.0))
    for k in [(0, 0), (2, 4)]:  # difference k sits between elements k - 1 and k
        low = np.subtract(k, (1, 0))
        np.testing.assert_allclose(array_position(scalar, k), (array_position(a, low) + array_position(a, k)) / 2, atol=1e-9)
    joined = np.diff(a[1:], axis=0, prepend=a[:1])
    assert joined.geometry.same_space(np.diff(a, axis=0).geometry)
    assert np.diff(a[:, :3], axis=1, append=a[:, 3:]).geometry.same_space(np.diff(a, axis=1).geometry)
    with pytest.raises(sn.GeometryMismatchError, match="prepend of np.diff does not continue"):
        np.diff(a[1:], axis=0, prepend=a[2:])
    with pytest.raises(sn.GeometryMismatchError, match="append of np.diff does not continue"):
        np.diff(a[:, :2], axis=1, append=a[:, 3:])


# -- SA-12.4: with_values -------------------------------------------------------------------------------------


def test_with_values_puts_plain_results_back_on_the_grid() -> None:
    """SA-12.4: same geometry, meta copied, no copy of the values, component axes may differ."""
    image = SpatialArray(np.random.default_rng(3).normal(size=(3, 5)), origin=[1.0, 2.0], spacing=[0.5, 2.0], meta={"units": "HU"})
    smoothed = np.asarray(image) * 2.0  # a plain result, as scipy would return
    back = image.with_values(smoothed)
    assert type(back) is SpatialArray and back.geometry == image.geometry and back.meta == {"units": "HU"}
    assert np.shares_memory(back, smoothed) and back.dtype == smoothed.dtype
    back.meta["units"] = "changed"
    assert image.meta == {"units": "HU"}
    rgb = image.with_values(np.zeros((3, 5, 3), dtype=np.uint8))
    assert rgb.spatial_shape == (3, 5) and rgb.shape == (3, 5, 3) and rgb.geometry == image.geometry
    assert image.with_values(smoothed.tolist()).geometry == image.geometry
    assert image.with_values(image * 2).geometry == image.geometry


@pytest.mark.parametrize("values", [np.zeros((5, 3)), np.zeros(15), np.zeros((3, 4, 2)), np.zeros(())])
def test_with_values_names_both_shapes(values: np.ndarray) -> None:
    """SA-12.4: a spatial shape that differs is an error showing both shapes and what to do."""
    image = SpatialArray(np.zeros((3, 5)))
    with pytest.raises(ValueError, match=re.escape(f"values of shape {values.shape}") + r".*spatial shape \(3, 5\)"):
        image.with_values(values)


def test_with_values_checks_spatial_values() -> None:
    """SA-12.4: a spatial `values` is an operand: on another grid it is the mismatch error."""
    image = SpatialArray(np.zeros((3, 5)))
    with pytest.raises(sn.GeometryMismatchError):
        image.with_values(SpatialArray(np.zeros((3, 5)), origin=[1.0, 0.0]))


def test_refusals_name_with_values(tmp_path: Path) -> None:
    """SA-12.4, SA-13.9: np.save and writing a plain array say how to put values back on a grid."""
    image = SpatialArray(np.zeros((3, 5)))
    with pytest.raises(TypeError, match=r"with_values"):
        np.save(tmp_path / "x.npy", image)
    with pytest.raises(TypeError, match=r"write needs a SpatialArray.*with_values"):
        sn.write(np.zeros((3, 5)), tmp_path / "x.nii.gz")
    assert not list(tmp_path.iterdir())


# -- chapter 15 ----------------------------------------------------------------------------------------------


def test_spatial_protocol_version_on_module_and_arrays() -> None:
    """SA-15.1, SA-15.2: `__spatial_protocol__` is "1.2" on the module and on every array; the header agrees."""
    assert sn.__spatial_protocol__ == "1.2" == sn.SPEC_VERSION
    assert SpatialArray.__spatial_protocol__ == "1.2"
    assert _image()[1:].__spatial_protocol__ == "1.2"
    major, minor = (int(part) for part in sn.__spatial_protocol__.split("."))
    assert SPEC.startswith(f"# The spatial array protocol — SPEC v{major}.{minor}")
    assert f"- {major}.{minor} (" in SPEC  # the changes list this version


class ForeignImage:
    """Another implementation's spatial array (SA-15.3): protocol attribute, geometry, values; no numpy protocols."""

    __spatial_protocol__ = "1.2"

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        self.origin, self.spacing, self.direction = np.full(2, 7.0), np.ones(2), np.eye(2)
        self.shape = values.shape

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.values


class ForeignSubclass(np.ndarray):
    """Another implementation's ndarray subclass, recognised by its protocol attribute alone."""

    __spatial_protocol__ = "1.2"


@pytest.mark.parametrize("make", [ForeignImage, lambda v: v.view(ForeignSubclass)], ids=["duck", "subclass"])
def test_foreign_spatial_arrays_are_never_read_as_plain(make: Any) -> None:
    """SA-15.3: ufuncs, functions and assignment refuse (TypeError) rather than give our geometry unchecked."""
    image = SpatialArray(np.arange(6.0).reshape(2, 3))
    other = make(np.ones((2, 3)))
    calls = [lambda: image + other, lambda: np.add(image, other), lambda: np.where(image > 1, image, other),
             lambda: np.concatenate([image, other]), lambda: np.add(image, 1.0, where=other)]
    for call in calls:
        try:
            result = call()
        except TypeError:
            continue
        # the other implementation handled the call itself (its ndarray base did): never with our geometry
        assert getattr(result, "origin", None) is None
    with pytest.raises(TypeError, match="another implementation's spatial array"):
        image[:] = other
    plain = np.ones((2, 3))
    assert (image + plain).geometry == image.geometry  # a plain ndarray is not foreign


def test_errors_and_warnings_are_caught_by_their_standard_bases() -> None:
    """SA-15.4: the mismatch error is a ValueError, the dropped-geometry warning a UserWarning, by name too."""
    image = SpatialArray(np.zeros((2, 3)))
    with pytest.raises(ValueError) as caught:
        image + SpatialArray(np.zeros((2, 3)), origin=[1.0, 0.0])
    assert "GeometryMismatchError" in [c.__name__ for c in type(caught.value).__mro__]
    twice = np.frompyfunc(lambda v: 2 * v, 1, 1)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", UserWarning)
        twice(image)
    if seen:  # ufuncs nobody classified warn; a later numpy or helper may classify this one
        assert all(issubclass(w.category, UserWarning) for w in seen)
        assert "GeometryDroppedWarning" in [c.__name__ for c in seen[0].category.__mro__]
    assert issubclass(sn.GeometryMismatchError, ValueError) and issubclass(sn.GeometryDroppedWarning, UserWarning)


def test_levels_and_features_are_defined_in_the_spec() -> None:
    """SA-15.5, SA-15.6, SA-15.7, SA-15.8: the levels and features the chapter names, and this implementation's claim."""
    chapter = SPEC[SPEC.index("## 15. Conformance"): SPEC.index("\n## Changes")]
    for level in ("attributes", "indexing", "ufuncs", "functions"):
        assert f"`{level}`" in chapter
    for feature in ("components", "out", "mapping"):
        assert f"`{feature}`" in chapter
    assert "a MUST clause is never an optional feature" in chapter
    assert "claims `functions` with `components`, `out` and `mapping`" in chapter
    assert "SA-4.2 | After an operation removes spatial axes" in SPEC and "the result MUST keep `P`" in SPEC


def test_plain_results_are_the_underlying_type_without_copies() -> None:
    """SA-11.1, SA-11.2, SA-11.3: for a numpy-backed implementation the underlying type is ndarray; asarray and
    basic indexing share memory exactly as numpy's do."""
    image = _image()
    values = np.asarray(image)
    assert type(values) is np.ndarray and np.shares_memory(values, image)
    assert type(image.reshape(-1)) is np.ndarray and not hasattr(image.reshape(-1), "__spatial_protocol__")
    assert np.shares_memory(image[1:, ::2], image) == np.shares_memory(values[1:, ::2], values)
