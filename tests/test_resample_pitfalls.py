"""The pitfalls SimpleITK leaves to its users (issue 13, part 2) and what goes beyond it: sample, crop."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray.transforms import AffineTransform


def _centres(image: sn.SpatialArray) -> np.ndarray:
    """Physical centres of every voxel, by the test's own formula: origin + direction @ (spacing * k)."""
    n = image.geometry.spatial_ndim
    k = np.indices(image.shape[:n]).reshape(n, -1).T.astype(np.float64)
    return image.origin + (k * image.spacing) @ image.direction.T


# -- the all-black image ---------------------------------------------------------------------------------------


def test_a_grid_missing_the_image_warns_and_says_where_everything_is() -> None:
    image = sn.SpatialArray(np.ones((10, 10)), origin=[0.0, 0.0])
    with pytest.warns(sn.NoOverlapWarning, match=r"no output voxel falls inside the image.*output grid covers") as record:
        out = sn.resample(image, size=[5, 5], origin=[100.0, 100.0])
    assert np.all(np.asarray(out) == 0.0)
    assert "inverse" not in str(record[0].message)


def test_the_inverse_transform_is_suggested_when_it_would_overlap() -> None:
    image = sn.SpatialArray(np.ones((10, 10)), origin=[50.0, 50.0])
    shift = AffineTransform.from_translation([-50.0, -50.0])  # sends the grid at 0 to -50: the inverse reaches 50
    with pytest.warns(sn.NoOverlapWarning, match="did you pass the inverse"):
        sn.resample(image, size=[10, 10], origin=[0.0, 0.0], transform=shift)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sn.resample(image, size=[10, 10], origin=[0.0, 0.0], transform=shift.inverse())


def test_a_small_overlap_is_reported_with_its_share() -> None:
    image = sn.SpatialArray(np.ones((10, 10)))
    with pytest.warns(sn.NoOverlapWarning, match=r"only about \d+\.\d% of the output grid"):
        sn.resample(image, size=[100, 100], origin=[8.0, 8.0])


def test_no_overlap_warning_is_a_user_warning() -> None:
    assert issubclass(sn.NoOverlapWarning, UserWarning)


# -- resample_to_spacing covers the whole extent ---------------------------------------------------------------


def test_resample_to_spacing_keeps_the_last_voxels() -> None:
    five = sn.resample_to_spacing(sn.SpatialArray(np.arange(5.0)), [2.0], antialias=False)
    assert five.tolist() == [0.0, 2.0, 4.0]  # voxel 4's box is covered
    seven = sn.resample_to_spacing(sn.SpatialArray(np.arange(7.0)), [2.0], antialias=False)
    assert seven.tolist() == [0.0, 2.0, 4.0, 6.0]  # no voxel filled with the default value


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=3), st.data())
def test_resample_to_spacing_covers_the_extent_with_centres_inside(shape: list[int], data: st.DataObject) -> None:
    n = len(shape)
    old = np.array(data.draw(st.lists(st.floats(0.3, 3.0), min_size=n, max_size=n)))
    new = np.array(data.draw(st.lists(st.floats(0.3, 5.0), min_size=n, max_size=n)))
    image = sn.SpatialArray(np.ones(shape), origin=np.arange(n, dtype=float), spacing=old)
    out = sn.resample_to_spacing(image, new, antialias=False)
    # along each axis (identity direction): extent of the input and of the output, by the test's own formula
    low, high = image.origin - 0.5 * old, image.origin + (np.array(shape) - 0.5) * old
    out_low, out_high = out.origin - 0.5 * new, out.origin + (np.array(out.shape) - 0.5) * new
    assert np.all(out_low <= low + 1e-9) and np.all(out_high >= high - 1e-9)  # the whole extent is covered
    centres = _centres(out)
    assert np.all(centres >= low - 1e-9) and np.all(centres <= high + 1e-9)  # every centre inside
    assert np.all(np.asarray(out) == 1.0)  # hence no default value anywhere


# -- distance_transform without background ----------------------------------------------------------------------


def test_distance_transform_of_a_mask_without_background_is_infinite() -> None:
    flat = sn.SpatialArray(np.ones(4, dtype=bool), spacing=[2.0])
    assert np.all(np.isinf(sn.distance_transform(flat)))
    assert np.all(np.isinf(sn.distance_transform(flat[::-1])))
    assert sn.distance_transform(sn.SpatialArray(np.array([1, 0, 1]), spacing=[2.0])).tolist() == [2.0, 0.0, 2.0]


# -- sample ----------------------------------------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.parametrize("interpolator, sitk_name", [("linear", "sitkLinear"), ("nearest", "sitkNearestNeighbor")])
def test_sample_agrees_with_simpleitk_at_physical_points(interpolator: str, sitk_name: str) -> None:
    sitk = pytest.importorskip("SimpleITK")
    rng = np.random.default_rng(0)
    direction = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    direction *= np.sign(np.linalg.det(direction))
    image = sn.SpatialArray((rng.normal(size=(9, 10, 11)) * 10).astype(np.float32), origin=rng.normal(size=3),
                            spacing=rng.uniform(0.7, 1.4, 3), direction=direction)
    index = rng.uniform(-1.0, 11.0, size=(300, 3))
    points = image.origin + (index * image.spacing) @ image.direction.T
    ours = sn.sample(image, points, interpolator=interpolator)
    inside = np.all((index >= -0.5) & (index < np.array(image.shape) - 0.5), axis=1)
    assert inside.sum() > 50 and not inside.all()
    assert np.all(np.isnan(ours[~inside]))
    itk_image = sn.to_sitk(image)
    theirs = np.array([itk_image.EvaluateAtPhysicalPoint(p[::-1].tolist(), getattr(sitk, sitk_name)) for p in points[inside]])
    np.testing.assert_allclose(ours[inside], theirs, rtol=1e-12, atol=1e-9)


def test_sample_shapes_components_and_dtypes() -> None:
    image = sn.SpatialArray(np.arange(24, dtype=np.int16).reshape(4, 3, 2), spacing=[2.0, 1.0])  # 2 components
    points = np.zeros((5, 7, 2))
    out = sn.sample(image, points, interpolator="nearest", default_value=-1)
    assert out.shape == (5, 7, 2) and out.dtype == np.int16 and out[0, 0].tolist() == [0, 1]
    assert sn.sample(image, points, interpolator="nearest").dtype == np.float64  # NaN needs a float
    assert sn.sample(image, [[3.0, 1.0]]).tolist() == [[11.0, 12.0]]  # halfway between [1, 1] = (8, 9) and [2, 1] = (14, 15)
    with pytest.raises(ValueError, match=r"points must have shape \(\.\.\., 2\)"):
        sn.sample(image, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="interpolator must be one of"):
        sn.sample(image, points, interpolator="cubic")


# -- crop ------------------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(2, 9), min_size=1, max_size=3), st.data())
def test_crop_holds_exactly_the_voxels_whose_centres_are_in_the_box(shape: list[int], data: st.DataObject) -> None:
    n = len(shape)
    floats = st.floats(-3.0, 12.0)
    a = np.array(data.draw(st.lists(floats, min_size=n, max_size=n)))
    b = np.array(data.draw(st.lists(floats, min_size=n, max_size=n)))
    lower, upper = np.minimum(a, b), np.maximum(a, b)
    spacing = np.array(data.draw(st.lists(st.floats(0.5, 2.0), min_size=n, max_size=n)))
    flips = np.diag(data.draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
    image = sn.SpatialArray(np.arange(math.prod(shape)).reshape(shape), origin=np.full(n, 4.0), spacing=spacing, direction=flips)
    centres = _centres(image)
    wanted = np.all((centres >= lower - 1e-12) & (centres <= upper + 1e-12), axis=1)
    if not wanted.any():
        with pytest.raises(ValueError, match="no voxel centre lies in the box"):
            sn.crop(image, lower, upper)
        return
    part = sn.crop(image, lower, upper)
    assert np.shares_memory(part, image)
    assert sorted(np.asarray(part).ravel().tolist()) == sorted(np.asarray(image).ravel()[wanted].tolist())
    # the view's geometry places each kept value where it was (traced by value)
    np.testing.assert_allclose(_centres(part), centres[np.asarray(part).ravel()], atol=1e-9)


def test_crop_of_an_oblique_image_is_the_bounding_box_of_the_corners() -> None:
    image = sn.SpatialArray(np.arange(100).reshape(10, 10), direction=AffineTransform.from_rotation(0.3).matrix)
    part = sn.crop(image, [2.0, 2.0], [5.0, 5.0])
    centres = _centres(image)
    inside = np.all((centres >= 2.0) & (centres <= 5.0), axis=1)
    assert set(np.asarray(image).ravel()[inside].tolist()) <= set(np.asarray(part).ravel().tolist())
    with pytest.raises(ValueError, match="lower must not exceed upper"):
        sn.crop(image, [5.0, 5.0], [2.0, 2.0])
    with pytest.raises(ValueError, match="lower and upper must be 2 finite numbers"):
        sn.crop(image, [1.0], [2.0])


def test_sample_and_crop_of_a_slice_respect_its_plane() -> None:
    """A point 10 mm beside an embedded slice is outside it (NaN), and a box beside it selects no voxel."""
    volume = sn.SpatialArray(np.arange(210.0).reshape(5, 6, 7), spacing=[2.0, 1.0, 1.0])
    plane = volume[2]  # the plane z = 4
    on = plane.index_to_physical([1, 1])
    beside = on + np.array([10.0, 0.0, 0.0])
    np.testing.assert_array_equal(sn.sample(plane, np.stack([on, beside])), [volume[2, 1, 1], np.nan])
    assert sn.crop(plane, on - 0.5, on + 0.5).shape == (1, 1)
    with pytest.raises(ValueError, match="no voxel centre lies in the box"):
        sn.crop(plane, beside - 0.5, beside + 0.5)
