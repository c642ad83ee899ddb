"""`sn.ndimage`: every scipy.ndimage function classified (SA-16.1), scipy's values, and the geometry each family gives.

Values are compared with the real scipy on ``np.asarray`` of the same arguments;
positions are computed with the tests' own formula (`strategies.position`) from
public attributes, never with the implementation's geometry code.
"""

from __future__ import annotations

import inspect
import itertools
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy
import scipy.ndimage as sndi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray import ndimage as ndi

from .strategies import array_position, geometries, position

ROOT = Path(__file__).resolve().parent.parent
FAST = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(ours: Any, theirs: Any) -> None:
    """Values, dtypes, shapes and container types equal, recursively (plain views of ours)."""
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray)
        ours = np.asarray(ours)
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours, theirs)
    elif isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for key in theirs:
            assert_same(ours[key], theirs[key])
    else:
        assert type(ours) is type(theirs)
        assert ours == theirs or (ours != ours and theirs != theirs)


def assert_same_grid(result: Any, source: Any) -> None:
    """``result`` is spatial and each element sits where ``source``'s element of the same index sits."""
    assert isinstance(result, sn.SpatialArray)
    assert result.shape[: source.spatial_ndim] == source.spatial_shape
    for index in itertools.product(*(range(n) for n in source.spatial_shape)):
        np.testing.assert_array_equal(array_position(result, index), array_position(source, index))


def is_plain(value: Any) -> bool:
    return type(value) is np.ndarray


@st.composite
def images(draw: st.DrawFn, max_spatial: int = 3, max_side: int = 6, min_side: int = 1) -> sn.SpatialArray:
    """A float64 image with full-mantissa values on a random geometry (oblique, embedded, flipped)."""
    n = draw(st.integers(1, max_spatial))
    shape = tuple(draw(st.lists(st.integers(min_side, max_side), min_size=n, max_size=n)))
    seed = draw(st.integers(0, 2**32 - 1))
    values = np.random.default_rng(seed).normal(size=shape)
    return sn.SpatialArray(values, geometry=draw(geometries(n)))


# -- the table (SA-16.1, SA-16.10) ------------------------------------------------------------------


def test_every_public_scipy_ndimage_function_is_classified() -> None:
    """SA-16.1: the table is exactly scipy.ndimage's public functions; each has scipy's signature."""
    public = {name for name in sndi.__all__ if callable(getattr(sndi, name))}
    assert sorted(public - set(ndi.CLASSIFICATION)) == [], f"unclassified in scipy {scipy.__version__}"
    assert sorted(set(ndi.CLASSIFICATION) - public) == [], "classified names scipy does not have"
    for name in public:
        ours = getattr(ndi, name)
        assert ours is not getattr(sndi, name) and ours.__name__ == name
        assert inspect.signature(ours) == inspect.signature(getattr(sndi, name)), name
        assert name in ndi.__all__


def test_the_table_refuses_a_function_classified_twice() -> None:
    """SA-16.1: exactly one family per function."""
    with pytest.raises(ValueError, match="sobel is classified twice"):
        ndi._disjoint({"sobel": ndi.Rule("filter", "")}, {"sobel": ndi.Rule("measurement", "")})


def test_spec_appendix_is_generated_from_the_table() -> None:
    """SA-16.1: SPEC.md's scipy.ndimage appendix is the table, as the code has it."""
    spec = (ROOT / "SPEC.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- appendix:ndimage -->\n(.*?)<!-- /appendix:ndimage -->", spec, re.S)
    assert match, "SPEC.md has no generated ndimage appendix"
    assert match.group(1) == ndi.spec_appendix(), "run: python tools/update_spec_appendix.py"


def test_an_unclassified_function_runs_on_plain_values_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """SA-16.10: a function a newer scipy adds gives scipy's plain result and a GeometryDroppedWarning."""
    monkeypatch.setattr(sndi, "brand_new_filter", lambda input, k=1: np.asarray(input) * k, raising=False)
    img = sn.SpatialArray(np.arange(4.0), spacing=[2.0])
    with pytest.warns(sn.GeometryDroppedWarning, match="brand_new_filter is not classified"):
        result = ndi.brand_new_filter(img, k=3)
    assert is_plain(result) and result.tolist() == [0.0, 3.0, 6.0, 9.0]
    with pytest.raises(AttributeError, match="no attribute 'not_a_scipy_name'"):
        ndi.not_a_scipy_name


def test_plain_arguments_give_scipys_plain_results() -> None:
    """SA-16.1: without a spatial argument the module is scipy."""
    values = np.random.default_rng(1).normal(size=(5, 6))
    for name, kwargs in (("gaussian_filter", {"sigma": 1.0}), ("zoom", {"zoom": 2}), ("shift", {"shift": 1})):
        result = getattr(ndi, name)(values, **kwargs)
        assert is_plain(result)
        assert_same(result, getattr(sndi, name)(values, **kwargs))


# -- same-grid families (SA-16.2, SA-16.4, SA-16.6) ---------------------------------------------------------


def _laplace2(input: Any, axis: int, output: Any, mode: str, cval: float) -> Any:
    return sndi.correlate1d(input, [1.0, -2.0, 1.0], axis, output, mode, cval)


def _kernel(image: np.ndarray) -> np.ndarray:
    return np.random.default_rng(7).normal(size=(3,) * image.ndim)


# name -> (kind of input, extra arguments given the plain input)
SAME_GRID: dict[str, tuple[str, Callable[[np.ndarray], dict[str, Any]]]] = {
    "convolve": ("float", lambda a: {"weights": _kernel(a)}),
    "correlate": ("float", lambda a: {"weights": _kernel(a)}),
    "convolve1d": ("float", lambda a: {"weights": [1.0, 2.5, -1.0]}),
    "correlate1d": ("float", lambda a: {"weights": [1.0, 2.5, -1.0], "axis": 0}),
    "gaussian_filter": ("float", lambda a: {"sigma": 1.3}),
    "gaussian_filter1d": ("float", lambda a: {"sigma": 0.7, "axis": 0}),
    "gaussian_gradient_magnitude": ("float", lambda a: {"sigma": 1.0}),
    "gaussian_laplace": ("float", lambda a: {"sigma": 1.0}),
    "generic_filter": ("float", lambda a: {"function": np.ptp, "size": 3}),
    "generic_filter1d": ("float", lambda a: {"function": lambda i, o: o.__setitem__(slice(None), i[2:] - i[:-2]), "filter_size": 3}),
    "generic_gradient_magnitude": ("float", lambda a: {"derivative": sndi.sobel}),
    "generic_laplace": ("float", lambda a: {"derivative2": _laplace2}),
    "laplace": ("float", lambda a: {}),
    "maximum_filter": ("float", lambda a: {"size": 3}),
    "maximum_filter1d": ("float", lambda a: {"size": 3}),
    "median_filter": ("float", lambda a: {"size": 3}),
    "minimum_filter": ("float", lambda a: {"size": 2}),
    "minimum_filter1d": ("float", lambda a: {"size": 2}),
    "percentile_filter": ("float", lambda a: {"percentile": 30, "size": 3}),
    "prewitt": ("float", lambda a: {}),
    "rank_filter": ("float", lambda a: {"rank": 1, "size": 3}),
    "sobel": ("float", lambda a: {"axis": 0}),
    "uniform_filter": ("float", lambda a: {"size": 3}),
    "uniform_filter1d": ("float", lambda a: {"size": 3}),
    "vectorized_filter": ("float", lambda a: {"function": np.mean, "size": 3}),
    "spline_filter": ("float", lambda a: {"order": 3}),
    "spline_filter1d": ("float", lambda a: {"order": 2, "axis": 0}),
    "shift": ("float", lambda a: {"shift": 0.6, "order": 1}),
    "grey_closing": ("float", lambda a: {"size": 3}),
    "grey_dilation": ("float", lambda a: {"size": 3}),
    "grey_erosion": ("float", lambda a: {"size": 3}),
    "grey_opening": ("float", lambda a: {"size": 3}),
    "morphological_gradient": ("float", lambda a: {"size": 3}),
    "morphological_laplace": ("float", lambda a: {"size": 3}),
    "black_tophat": ("float", lambda a: {"size": 3}),
    "white_tophat": ("float", lambda a: {"size": 3}),
    "binary_closing": ("bool", lambda a: {}),
    "binary_dilation": ("bool", lambda a: {"iterations": 2}),
    "binary_erosion": ("bool", lambda a: {"border_value": 1}),
    "binary_opening": ("bool", lambda a: {}),
    "binary_propagation": ("bool", lambda a: {"mask": np.random.default_rng(3).normal(size=a.shape) > -0.5}),
    "binary_fill_holes": ("bool", lambda a: {}),
    "binary_hit_or_miss": ("bool", lambda a: {}),
    "label": ("bool", lambda a: {}),
    "distance_transform_bf": ("bool", lambda a: {"metric": "chessboard"}),
    "distance_transform_cdt": ("bool", lambda a: {"metric": "taxicab"}),
    "distance_transform_edt": ("bool", lambda a: {"sampling": 0.5}),
    "watershed_ift": ("uint8", lambda a: {"markers": np.where(np.arange(a.size).reshape(a.shape) % 5 == 0, np.arange(a.size).reshape(a.shape) % 3 + 1, 0).astype(np.int32)}),
}


def test_every_same_grid_function_has_a_case() -> None:
    """SA-16.2: the property below runs every function of the same-grid families."""
    same_grid = {name for name, rule in ndi.CLASSIFICATION.items() if rule.family in ("filter", "morphology", "label", "distance", "shift")}
    assert same_grid == set(SAME_GRID)


def _input(image: sn.SpatialArray, kind: str) -> sn.SpatialArray:
    if kind == "bool":
        return image > -0.3
    if kind == "uint8":
        return (np.abs(image) * 40).astype(np.uint8)
    return image.astype(np.float32) if image.size % 2 else image  # float32 rounded from float64 draws, or float64


@pytest.mark.parametrize("name", sorted(SAME_GRID))
@FAST
@given(image=images())
def test_same_grid_functions_give_scipys_values_on_the_inputs_grid(name: str, image: sn.SpatialArray) -> None:
    """SA-16.2, SA-16.4, SA-16.6: scipy's values; each result array on the input's shape has the input's geometry."""
    kind, make_kwargs = SAME_GRID[name]
    spatial = _input(image, kind)
    values = np.asarray(spatial)
    kwargs = make_kwargs(values)
    if name == "binary_propagation":
        kwargs["mask"] = sn.SpatialArray(kwargs["mask"], geometry=spatial.geometry)  # an aligned argument
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # np.ptp / percentile of equal values on tiny inputs
        expected = getattr(sndi, name)(values, **{k: np.asarray(v) if isinstance(v, sn.SpatialArray) else v for k, v in kwargs.items()})
        result = getattr(ndi, name)(spatial, **kwargs)
    assert_same(result, expected)
    arrays = [r for r in (result if isinstance(result, tuple) else (result,)) if isinstance(r, np.ndarray)]
    for array in arrays:
        if array.shape == values.shape:
            assert_same_grid(array, spatial)
        else:
            assert is_plain(array)


@FAST
@given(image=images(max_spatial=2), components=st.integers(1, 3))
def test_component_axes_are_carried(image: sn.SpatialArray, components: int) -> None:
    """SA-16.2: a filter over a vector image (a trailing component axis) keeps the geometry."""
    vector = sn.SpatialArray(np.stack([np.asarray(image) * (k + 1) for k in range(components)], axis=-1), geometry=image.geometry)
    result = ndi.uniform_filter(vector, size=(3,) * image.ndim + (1,))
    assert_same(result, sndi.uniform_filter(np.asarray(vector), size=(3,) * image.ndim + (1,)))
    assert_same_grid(result, vector)


@FAST
@given(image=images(), data=st.data())
def test_shift_moves_values_within_the_grid(image: sn.SpatialArray, data: st.DataObject) -> None:
    """SA-16.4: whole-voxel shifts move each value by the shift; the grid stays the input's, as np.roll's."""
    unique = sn.SpatialArray(np.arange(image.size, dtype=np.float64).reshape(image.shape), geometry=image.geometry)
    offsets = [data.draw(st.integers(-n, n)) for n in image.shape]
    result = ndi.shift(unique, offsets, order=0, mode="constant", cval=-1.0)
    assert_same(result, sndi.shift(np.asarray(unique), offsets, order=0, mode="constant", cval=-1.0))
    assert_same_grid(result, unique)
    for index in itertools.product(*(range(n) for n in image.shape)):
        value = result[index] if image.ndim > 1 else result[index[0]]
        if value >= 0:
            source = np.unravel_index(int(value), image.shape)
            assert [int(s) for s in source] == [k - o for k, o in zip(index, offsets)]


def test_label_and_find_objects() -> None:
    """SA-16.6: labels on the input's grid and the count; find_objects slices index views with exact positions."""
    geometry = sn.Geometry(origin=[5.0, -2.0, 1.0], spacing=[0.5, 2.0], direction=np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0][:, :2])
    mask = sn.SpatialArray(np.random.default_rng(4).normal(size=(9, 8)) > 0.4, geometry=geometry)
    labels, count = ndi.label(mask)
    expected, expected_count = sndi.label(np.asarray(mask))
    assert_same(labels, expected)
    assert count == expected_count and count > 2
    assert_same_grid(labels, mask)
    for number, box in enumerate(ndi.find_objects(labels), start=1):
        view = labels[box]
        assert np.shares_memory(view, labels) and number in np.asarray(view)
        starts = [s.start for s in box]
        for index in itertools.product(*(range(n) for n in view.shape)):
            np.testing.assert_allclose(
                array_position(view, index), array_position(labels, [k + s for k, s in zip(index, starts)]), rtol=0, atol=1e-12
            )
    assert ndi.find_objects(labels) == sndi.find_objects(expected)


def test_distance_transform_indices_are_plain() -> None:
    """SA-16.2: with return_indices the distances are on the grid, the index array (a leading axis) is plain."""
    mask = sn.SpatialArray(np.random.default_rng(5).normal(size=(6, 7)) > 0, origin=[1.0, 2.0], spacing=[0.5, 0.25])
    for name in ("distance_transform_edt", "distance_transform_cdt", "distance_transform_bf"):
        distances, indices = getattr(ndi, name)(mask, return_indices=True)
        assert_same((distances, indices), getattr(sndi, name)(np.asarray(mask), return_indices=True))
        assert_same_grid(distances, mask)
        assert is_plain(indices) and indices.shape == (2, 6, 7)


# -- zoom (SA-16.3) ----------------------------------------------------------------------------------------------


def _sampled_index(k: int, n_in: int, n_out: int, grid_mode: bool) -> float:
    """Where scipy's zoom samples the input for output index k (scipy's documented mapping)."""
    if grid_mode:  # the voxel boxes are scaled: output box k covers input [k, k + 1) * n_in / n_out
        return (k + 0.5) * n_in / n_out - 0.5
    return k * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0


@settings(max_examples=60, deadline=None)
@given(image=images(max_side=7), data=st.data())
def test_zoom_gives_the_grid_scipy_samples(image: sn.SpatialArray, data: st.DataObject) -> None:
    """SA-16.3: each output element sits at the physical position of the input index scipy samples.

    Traced by value: the input is an affine function of physical position, which
    linear interpolation reproduces, so an output value names the point it came from.
    """
    n = image.ndim
    grid_mode = data.draw(st.booleans())
    factors = [data.draw(st.sampled_from([0.5, 0.75, 1.0, 1.4, 2.0, 2.6])) for _ in range(n)]
    weights = np.random.default_rng(0).normal(size=image.geometry.physical_ndim)
    values = np.empty(image.shape)
    for index in itertools.product(*(range(m) for m in image.shape)):
        values[index] = weights @ array_position(image, index)
    ramp = sn.SpatialArray(values, geometry=image.geometry)
    result = ndi.zoom(ramp, factors, order=1, mode="nearest", grid_mode=grid_mode)
    expected = sndi.zoom(values, factors, order=1, mode="nearest", grid_mode=grid_mode)
    assert_same(result, expected)
    n_out = expected.shape
    if not grid_mode and any(a == 1 and b > 1 for a, b in zip(image.shape, n_out)):
        assert is_plain(result)  # every output samples input index 0 along that axis: no grid
        return
    assert isinstance(result, sn.SpatialArray)
    scale = 1.0 + float(np.abs(image.origin).max()) + float(np.max(image.spacing)) * 8
    for index in itertools.product(*(range(m) for m in n_out)):
        sampled = [_sampled_index(k, a, b, grid_mode) for k, a, b in zip(index, image.shape, n_out)]
        where = array_position(ramp, sampled)
        np.testing.assert_allclose(array_position(result, index), where, rtol=0, atol=1e-9 * scale)
        if all(0 <= s <= a - 1 for s, a in zip(sampled, image.shape)):  # inside: interpolation is exact for a ramp
            np.testing.assert_allclose(float(result[index]), weights @ where, rtol=0, atol=1e-9 * scale * np.abs(weights).sum())


def test_zoom_with_component_axes_and_explicit_cases() -> None:
    """SA-16.3: the hand-worked cases; component axes are zoomed as scipy does and carry no geometry."""
    img = sn.SpatialArray(np.zeros((5, 4, 3)), origin=[10.0, 20.0], spacing=[2.0, 1.0])
    result = ndi.zoom(img, (2, 0.5, 1))  # 5 -> 10: spacing 2 * 4/9; 4 -> 2: spacing 1 * 3/1
    assert result.shape == (10, 2, 3)
    np.testing.assert_allclose(result.spacing, [8 / 9, 3.0])
    np.testing.assert_array_equal(result.origin, [10.0, 20.0])
    grid = ndi.zoom(img, (2, 0.5, 1), grid_mode=True, mode="grid-constant")  # boxes: 10 of 1 mm, 2 of 2 mm
    np.testing.assert_allclose(grid.spacing, [1.0, 2.0])
    np.testing.assert_allclose(grid.origin, [10.0 - 0.5, 20.0 + 0.5])
    np.testing.assert_allclose(grid.geometry.corners(grid.shape[:2]), img.geometry.corners(img.shape[:2]))  # same extent


def test_zoom_grid_edge_cases_and_bad_input() -> None:
    """SA-16.3: n_out = 1 keeps the spacing (scipy's factor 1); n_in = 1 to more has no grid; wrong lengths are refused."""
    g = sn.Geometry(origin=[1.0, 2.0], spacing=[0.5, 3.0])
    one = g.zoomed([5, 4], [1, 4])
    assert one is not None and one.spacing.tolist() == [0.5, 3.0] and one.origin.tolist() == [1.0, 2.0]
    assert g.zoomed([1, 4], [3, 4]) is None
    stretched = g.zoomed([1, 4], [3, 4], grid_mode=True)  # boxes: one 0.5 box split in three
    assert stretched is not None
    np.testing.assert_allclose(stretched.spacing, [0.5 / 3, 3.0])
    np.testing.assert_allclose(stretched.origin, [1.0 - 0.5 / 3, 2.0])
    with pytest.raises(ValueError, match="in_shape and out_shape must have 2 entries"):
        g.zoomed([5], [4])
    with pytest.raises(ValueError, match="start and stop must have 2 entries"):
        g.extent_bounds([0], [1])
    assert g.voxel_volume == 1.5
    image = sn.SpatialArray(np.zeros((5, 4)), geometry=g)
    with pytest.raises(RuntimeError, match="sequence argument must have length equal to input rank"):
        ndi.zoom(image, [2, 2, 2])  # scipy's own error


# -- index space, Fourier and structuring elements: plain (SA-16.5, SA-16.8) -------------------------------------


@FAST
@given(image=images(max_spatial=2, min_side=2).filter(lambda a: a.ndim == 2))
def test_index_space_transforms_give_scipys_plain_results(image: sn.SpatialArray) -> None:
    """SA-16.5: rotate, affine_transform, geometric_transform and map_coordinates are plain."""
    values = np.asarray(image)
    cases: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("rotate", (30,), {}),
        ("rotate", (30,), {"reshape": False}),
        ("affine_transform", (np.array([[1.0, 0.2], [0.0, 0.9]]),), {}),
        ("geometric_transform", (lambda k: (k[0] * 0.5, k[1] + 0.2),), {}),
        ("map_coordinates", (np.array([[0.5, 1.5, 2.0], [1.0, 0.0, 3.5]]),), {}),
    ]
    for name, args, kwargs in cases:
        result = getattr(ndi, name)(image, *args, **kwargs)
        assert is_plain(result), name
        assert_same(result, getattr(sndi, name)(values, *args, **kwargs))


def test_fourier_and_structure_functions_are_plain() -> None:
    """SA-16.8: Fourier filters and structuring-element helpers give scipy's plain results."""
    img = sn.SpatialArray(np.random.default_rng(8).normal(size=(6, 5)), spacing=[0.5, 2.0])
    for name, arg in (("fourier_gaussian", 1.0), ("fourier_uniform", 2.0), ("fourier_ellipsoid", 2.0), ("fourier_shift", 1.0)):
        result = getattr(ndi, name)(img, arg)
        assert is_plain(result)
        assert_same(result, getattr(sndi, name)(np.asarray(img), arg))
    assert_same(ndi.generate_binary_structure(3, 2), sndi.generate_binary_structure(3, 2))
    assert_same(ndi.iterate_structure(sndi.generate_binary_structure(2, 1), 2), sndi.iterate_structure(sndi.generate_binary_structure(2, 1), 2))


# -- measurements (SA-16.7) ------------------------------------------------------------------------------------


MEASUREMENTS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "center_of_mass": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "extrema": lambda f, img, lab: f(img, lab, [1, 2]),
    "histogram": lambda f, img, lab: f(img, -2.0, 2.0, 5, lab, 1),
    "labeled_comprehension": lambda f, img, lab: f(img, lab, [1, 2, 3], np.median, np.float64, -1.0),
    "maximum": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "maximum_position": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "mean": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "median": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "minimum": lambda f, img, lab: f(img, lab),
    "minimum_position": lambda f, img, lab: f(img),
    "standard_deviation": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "sum": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "sum_labels": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "variance": lambda f, img, lab: f(img, lab, [1, 2, 3]),
    "value_indices": lambda f, img, lab: f(lab, ignore_value=0),
}


def test_every_measurement_has_a_case() -> None:
    """SA-16.7: the property below runs every measurement."""
    assert {n for n, r in ndi.CLASSIFICATION.items() if r.family == "measurement"} == set(MEASUREMENTS)


@pytest.mark.parametrize("name", sorted(MEASUREMENTS))
@FAST
@given(image=images(min_side=2))
def test_measurements_return_scipys_values(name: str, image: sn.SpatialArray) -> None:
    """SA-16.7: what scipy returns, indices as indices; aligned labels on another grid are refused."""
    labels = sn.SpatialArray(((np.arange(image.size).reshape(image.shape) + (np.asarray(image) > 0)) % 4).astype(np.int32), geometry=image.geometry)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # empty labels: scipy's own nan warnings
        expected = MEASUREMENTS[name](getattr(sndi, name), np.asarray(image), np.asarray(labels))
        result = MEASUREMENTS[name](getattr(ndi, name), image, labels)
    assert_same(result, expected)


@FAST
@given(image=images(min_side=2))
def test_an_index_from_a_measurement_turns_into_a_physical_point(image: sn.SpatialArray) -> None:
    """SA-16.7: img.index_to_physical(position) is the physical position of the measured index."""
    for position_index in (ndi.center_of_mass(image - image.min()), ndi.maximum_position(image)):
        np.testing.assert_allclose(
            image.index_to_physical(position_index), array_position(image, position_index), rtol=1e-12, atol=1e-9
        )


def test_aligned_arguments_on_another_grid_are_refused() -> None:
    """SA-16.2: mask, markers and labels must share the input's space; kernels need not."""
    img = sn.SpatialArray(np.random.default_rng(9).normal(size=(6, 5)) > 0, spacing=[0.5, 2.0])
    other = sn.SpatialArray(np.ones((6, 5), dtype=bool), spacing=[0.5, 2.5])
    with pytest.raises(sn.GeometryMismatchError, match="input and mask are not in the same space: spacing"):
        ndi.binary_erosion(img, mask=other)
    with pytest.raises(sn.GeometryMismatchError, match="input and labels"):
        ndi.mean(img, other.astype(int))
    with pytest.raises(sn.GeometryMismatchError, match="input and markers"):
        ndi.watershed_ift(img.astype(np.uint8), other.astype(np.int32))
    kernel = sn.SpatialArray(np.ones((3, 3)), spacing=[9.0, 9.0])  # a kernel is not an image on the grid
    assert_same_grid(ndi.convolve(img.astype(float), kernel), img)


# -- output arrays (SA-16.9) ---------------------------------------------------------------------------------------


def test_a_spatial_output_on_the_grid_is_written_and_returned() -> None:
    """SA-16.9: the output object itself comes back (where scipy returns the output), written with scipy's values."""
    img = sn.SpatialArray(np.random.default_rng(10).normal(size=(6, 5)), origin=[1.0, 2.0], spacing=[0.5, 2.0])
    out = sn.SpatialArray(np.zeros((6, 5)), geometry=img.geometry)
    assert ndi.gaussian_filter(img, 1.0, output=out) is out
    np.testing.assert_array_equal(out, sndi.gaussian_filter(np.asarray(img), 1.0))
    labels = sn.SpatialArray(np.zeros((6, 5), dtype=np.int32), geometry=img.geometry)
    assert ndi.label(img > 0, output=labels) == sndi.label(np.asarray(img) > 0)[1]  # scipy returns the count only
    np.testing.assert_array_equal(labels, sndi.label(np.asarray(img) > 0)[0])
    distances = sn.SpatialArray(np.zeros((6, 5)), geometry=img.geometry)
    assert ndi.distance_transform_edt(img > 0, distances=distances) is None  # as scipy
    np.testing.assert_array_equal(distances, sndi.distance_transform_edt(np.asarray(img) > 0))
    zoomed = ndi.zoom(img, 2)
    out_zoom = sn.SpatialArray(np.zeros(zoomed.shape), geometry=zoomed.geometry)
    assert ndi.zoom(img, 2, output=out_zoom) is out_zoom
    np.testing.assert_array_equal(out_zoom, zoomed)
    assert ndi.gaussian_filter(np.asarray(img), 1.0, output=out) is out  # a plain input: the output is the operand


def test_a_spatial_output_off_the_grid_is_refused_before_writing() -> None:
    """SA-16.9: mismatch error, nothing written; results without a grid cannot go into a spatial output."""
    img = sn.SpatialArray(np.random.default_rng(11).normal(size=(6, 5)), origin=[1.0, 2.0], spacing=[0.5, 2.0])
    out = sn.SpatialArray(np.full((6, 5), 7.0), origin=[1.0, 2.1], spacing=[0.5, 2.0])
    with pytest.raises(sn.GeometryMismatchError, match="input and output are not in the same space: origin"):
        ndi.median_filter(img, size=3, output=out)
    with pytest.raises(sn.GeometryMismatchError, match="output is not on the result's grid: origin"):
        ndi.zoom(img, 2, output=sn.SpatialArray(np.full((12, 10), 7.0), origin=[1.0, 2.1], spacing=[0.5 * 5 / 11, 2.0 * 4 / 9]))
    with pytest.raises(sn.GeometryMismatchError, match="spatial shape differs"):
        ndi.zoom(img, 2, output=sn.SpatialArray(np.full((12, 9), 7.0)))
    with pytest.raises(sn.GeometryMismatchError, match="rotate works in index space"):
        ndi.rotate(img, 10, reshape=False, output=out)
    with pytest.raises(sn.GeometryMismatchError, match="no grid"):
        ndi.zoom(img[:1], (3, 1), output=sn.SpatialArray(np.full((3, 5), 7.0)))
    assert (np.asarray(out) == 7.0).all()
