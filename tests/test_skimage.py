"""`sn.keep_geometry` with the real scikit-image (SA-16.13).

scikit-image 0.26 keeps our subclass in some functions (clear_border, rescale_intensity,
remove_small_objects, denoise_tv_chambolle, dilation) and drops it in others (gaussian,
median, sobel, measure.label, equalize_hist, img_as_float, resize). Decorated, each
gives its own values on the plain array and the input's geometry, or a plain result
and a warning when the grid changes. Functions with ``spacing=`` get the input's.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import exposure, filters, measure, morphology, restoration, segmentation, transform, util

import spatial_ndarray as sn

from .strategies import position
from .test_ndimage import assert_same, assert_same_grid, images

SAME_GRID: dict[str, tuple[Callable[..., Any], str, dict[str, Any]]] = {
    # dropped the geometry before
    "gaussian": (filters.gaussian, "float", {"sigma": 1.2}),
    "median": (filters.median, "float", {}),
    "sobel": (filters.sobel, "float", {}),
    "measure.label": (measure.label, "bool", {}),
    "equalize_hist": (exposure.equalize_hist, "float", {}),
    "img_as_float": (util.img_as_float, "float32", {}),
    # kept it before
    "clear_border": (segmentation.clear_border, "bool", {}),
    "rescale_intensity": (exposure.rescale_intensity, "float", {"out_range": (0.0, 1.0)}),
    "remove_small_objects": (morphology.remove_small_objects, "bool", {"max_size": 2}),
    "denoise_tv_chambolle": (restoration.denoise_tv_chambolle, "float", {"weight": 0.2}),
    "dilation": (morphology.dilation, "float", {}),
}


def _input(image: sn.SpatialArray, kind: str) -> sn.SpatialArray:
    if kind == "bool":
        return image > 0.2
    if kind == "float32":
        return image.astype(np.float32)
    return image


@pytest.mark.parametrize("name", sorted(SAME_GRID))
@settings(max_examples=5, deadline=None)
@given(image=images(min_side=3, max_side=7).filter(lambda a: a.ndim >= 2))
def test_decorated_skimage_functions_keep_the_grid(name: str, image: sn.SpatialArray) -> None:
    """SA-16.13: scikit-image's own values on the plain array, on the input's grid, for functions that kept or dropped it."""
    func, kind, kwargs = SAME_GRID[name]
    spatial = _input(image, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # skimage's own (e.g. precision loss); GeometryDroppedWarning is checked below
        warnings.simplefilter("error", sn.GeometryDroppedWarning)
        expected = func(np.asarray(spatial).copy(), **kwargs)
        result = sn.keep_geometry(func)(spatial, **kwargs)
    assert_same(result, expected)
    assert_same_grid(result, spatial)


def test_a_result_on_another_grid_is_plain_with_a_warning() -> None:
    """SA-16.13: resize changes the grid: plain values, a warning naming the shapes and the physical alternative."""
    img = sn.SpatialArray(np.random.default_rng(0).normal(size=(12, 10)), origin=[1.0, 2.0], spacing=[0.5, 2.0])
    with pytest.warns(sn.GeometryDroppedWarning, match=r"resize returned arrays of shape \(6, 5\), not on the input's grid .* sn.resample"):
        result = sn.keep_geometry(transform.resize)(img, (6, 5))
    assert type(result) is np.ndarray
    assert_same(result, transform.resize(np.asarray(img), (6, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(sn.keep_geometry(transform.resize)(np.asarray(img), (6, 5)), result)  # plain in: no warning
        assert sn.keep_geometry(filters.threshold_otsu)(img) == filters.threshold_otsu(np.asarray(img))  # a scalar


def test_operands_must_share_one_grid() -> None:
    """SA-16.13: an image and its markers on different grids are refused, as ufunc operands are (SA-7.2)."""
    image = sn.SpatialArray(np.random.default_rng(1).normal(size=(8, 8)), spacing=[1.0, 1.0])
    markers = sn.SpatialArray(np.zeros((8, 8), dtype=np.int32), spacing=[1.0, 1.5])
    with pytest.raises(sn.GeometryMismatchError, match="argument 0 and argument 1 are not in the same space"):
        sn.keep_geometry(segmentation.watershed)(image, markers)
    markers = sn.SpatialArray(np.zeros((8, 8), dtype=np.int32), spacing=[1.0, 1.0])
    markers[1, 1], markers[6, 6] = 1, 2
    result = sn.keep_geometry(segmentation.watershed)(image, markers=markers)
    assert_same(result, segmentation.watershed(np.asarray(image), markers=np.asarray(markers)))
    assert_same_grid(result, image)


def _oblique(n: int) -> sn.Geometry:
    q, r = np.linalg.qr(np.random.default_rng(5).normal(size=(n, n)))
    return sn.Geometry(origin=np.arange(n) * 3.0 - 7.0, spacing=[0.7, 1.3, 0.9][:n], direction=q * np.sign(np.diag(r)))


def _ball(geometry: sn.Geometry, shape: tuple[int, ...], centre: np.ndarray, radius: float) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.int32)
    for index in itertools.product(*(range(k) for k in shape)):
        if np.linalg.norm(position(geometry.origin, geometry.spacing, geometry.direction, index) - centre) <= radius:
            mask[index] = 1
    return mask


def test_regionprops_gets_the_spacing_and_agrees_with_label_statistics() -> None:
    """SA-16.13, SA-16.12: regionprops runs with spacing= in numpy order; its area and centroid are our volume and centroid."""
    geometry = _oblique(3)
    centre = position(geometry.origin, geometry.spacing, geometry.direction, [9.3, 5.2, 7.7])
    labels = _ball(geometry, (19, 11, 16), centre, 4.0)
    labels[:3, :3, :3] = 2
    spatial = sn.SpatialArray(labels, geometry=geometry)
    props = sn.keep_geometry(measure.regionprops)(spatial)
    expected = measure.regionprops(labels, spacing=(0.7, 1.3, 0.9))
    ours = sn.label_statistics(spatial)
    assert [p.label for p in props] == [p.label for p in expected] == list(ours)
    for p, q in zip(props, expected):
        assert p.area == q.area and p.centroid == pytest.approx(q.centroid, rel=1e-12)
        assert p.area == pytest.approx(ours[p.label].volume, rel=1e-12)
        # skimage's centroid is index * spacing along the array axes; the direction and origin place it
        physical = geometry.origin + np.asarray(p.centroid) @ geometry.direction.T
        np.testing.assert_allclose(physical, ours[p.label].centroid, rtol=0, atol=1e-9)
    given_spacing = sn.keep_geometry(measure.regionprops)(spatial, spacing=(1.0, 1.0, 1.0))  # the caller's spacing wins
    assert given_spacing[0].area == measure.regionprops(labels)[0].area


def test_marching_cubes_places_the_surface_in_physical_space() -> None:
    """SA-16.13: marching_cubes gets spacing=; its vertices (not on the grid: plain, warned) lie on the ball's surface."""
    geometry = _oblique(3)
    centre = position(geometry.origin, geometry.spacing, geometry.direction, [10.0, 6.0, 8.0])
    shape = (21, 13, 17)
    distance = np.zeros(shape)
    for index in itertools.product(*(range(k) for k in shape)):
        distance[index] = np.linalg.norm(position(geometry.origin, geometry.spacing, geometry.direction, index) - centre)
    volume = sn.SpatialArray(distance, geometry=geometry)
    with pytest.warns(sn.GeometryDroppedWarning, match="marching_cubes returned arrays"):
        verts, faces, normals, values = sn.keep_geometry(measure.marching_cubes)(volume, 5.0)
    expected = measure.marching_cubes(distance, 5.0, spacing=(0.7, 1.3, 0.9))
    assert_same((verts, faces, normals, values), expected)
    physical = geometry.origin + verts @ geometry.direction.T
    radii = np.linalg.norm(physical - centre, axis=1)
    h = 0.5 * math.hypot(0.7, 1.3, 0.9)  # linear interpolation of the distance along an edge errs by less than this
    assert np.abs(radii - 5.0).max() < h
    assert abs(radii.mean() - 5.0) < 0.05


def test_expand_labels_gets_the_spacing_and_keeps_the_grid() -> None:
    """SA-16.13: a function with spacing= whose result is on the grid gets both."""
    geometry = _oblique(2)
    labels = np.zeros((12, 9), dtype=np.int32)
    labels[3, 2], labels[8, 6] = 1, 2
    spatial = sn.SpatialArray(labels, geometry=geometry)
    result = sn.keep_geometry(segmentation.expand_labels)(spatial, 2.0)
    assert_same(result, segmentation.expand_labels(labels, 2.0, spacing=(0.7, 1.3)))
    assert not np.array_equal(np.asarray(result), segmentation.expand_labels(labels, 2.0))  # the spacing mattered
    assert_same_grid(result, spatial)


def test_own_functions_and_positional_spacing() -> None:
    """SA-16.13: spacing given positionally as None is filled in; functions without spacing never get one."""

    @sn.keep_geometry
    def scaled(mask: Any, spacing: Any = None) -> Any:
        return np.asarray(mask) * spacing[0]

    img = sn.SpatialArray(np.ones((3, 2)), origin=[4.0, 5.0], spacing=[2.5, 1.0])
    np.testing.assert_array_equal(scaled(img), np.full((3, 2), 2.5))
    np.testing.assert_array_equal(scaled(img, None), np.full((3, 2), 2.5))
    np.testing.assert_array_equal(scaled(img, (4.0,)), np.full((3, 2), 4.0))
    assert_same_grid(scaled(img), img)
    assert scaled.__name__ == "scaled"

    @sn.keep_geometry
    def components(image: Any) -> Any:
        return np.stack([np.asarray(image), -np.asarray(image)], axis=-1)

    assert_same_grid(components(img), img)  # a new trailing component axis keeps the grid


@pytest.mark.parametrize("func", [None, 3, "sobel", np.zeros(3)])
def test_a_non_callable_func_is_refused(func: object) -> None:
    """SA-16.13: keep_geometry wraps a function; anything else is a TypeError naming func."""
    with pytest.raises(TypeError, match=r"keep_geometry needs a function to wrap \(func\), got"):
        sn.keep_geometry(func)  # type: ignore[type-var]
