"""Physical-unit functions: morphology with a ball of physical radius (SA-16.11) and label statistics (SA-16.12).

Checked against analytic shapes: the volume of a ball in mm^3 on an anisotropic grid
within a stated discretisation bound, a centroid in mm on an oblique grid.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.ndimage as sndi
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, geometries, position
from .test_ndimage import assert_same_grid, images


def own_ball(spacing: np.ndarray, direction: np.ndarray, radius: float) -> np.ndarray:
    """The test's own footprint: offsets whose physical vector ``direction @ (spacing * d)`` is at most ``radius`` long.

    One voxel wider than needed on each side (an empty border leaves the offsets, and scipy's results, unchanged).
    """
    half = [int(radius * (1 + 1e-9) // s) + 1 for s in spacing]  # one more than needed: the border must be empty
    footprint = np.zeros([2 * m + 1 for m in half], dtype=bool)
    for d in itertools.product(*(range(-m, m + 1) for m in half)):
        vector = position(np.zeros(direction.shape[0]), spacing, direction, d)
        footprint[tuple(k + m for k, m in zip(d, half))] = np.linalg.norm(vector) <= radius * (1 + 1e-9)
    return footprint


def tight(footprint: np.ndarray) -> np.ndarray:
    """The footprint cut to the box of its true offsets (still centred: the ball is symmetric).

    scipy 1.17's 1-D rank filters give wrong values for a footprint with false ends
    (``median_filter([3, 1, 2, 5, 4], footprint=[0, 1, 1, 1, 0])[3]`` is 2, not 4), so
    the reference calls use the tight window.
    """
    where = np.nonzero(footprint)
    return footprint[tuple(slice(int(k.min()), int(k.max()) + 1) for k in where)]


@settings(max_examples=60, deadline=None)
@given(geometry=geometries(3), data=st.data())
def test_the_ball_is_every_offset_at_most_radius_away(geometry: sn.Geometry, data: st.DataObject) -> None:
    """SA-16.11: Geometry.ball_footprint is the set of offsets within the radius, centred on offset 0."""
    radius = data.draw(st.floats(0.0, 4.0)) * float(geometry.spacing.min())  # windows of at most 9 per axis
    ball = geometry.ball_footprint(radius)
    assert ball.dtype == bool and all(n % 2 == 1 for n in ball.shape)
    assert ball[tuple(n // 2 for n in ball.shape)]
    theirs = own_ball(geometry.spacing, geometry.direction, radius)
    # the window may keep empty borders on an axis where it is wider than the ball; compare the offsets
    ours = {tuple(int(k) - n // 2 for k, n in zip(i, ball.shape)) for i in zip(*np.nonzero(ball))}
    expected = {tuple(int(k) - n // 2 for k, n in zip(i, theirs.shape)) for i in zip(*np.nonzero(theirs))}
    assert ours == expected


def test_an_offset_exactly_radius_away_is_inside() -> None:
    """SA-16.11: 3 x 0.1 mm is 0.30000000000000004 in floats; the ball of 0.3 mm still holds it."""
    ball = sn.Geometry(spacing=[0.1]).ball_footprint(0.3)
    assert ball.tolist() == [True] * 7
    assert sn.Geometry(spacing=[1.0, 1.0]).ball_footprint(0.0).tolist() == [[True]]
    assert sn.Geometry(spacing=[1.0, 1.0]).ball_footprint(1.0).astype(int).tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


@pytest.mark.parametrize("radius", [-1.0, float("nan"), float("inf"), "2mm"])
def test_bad_radius_is_refused(radius: object) -> None:
    """SA-16.11: a radius that is not a finite length >= 0 is refused, naming it."""
    mask = sn.SpatialArray(np.ones((4, 4), dtype=bool))
    with pytest.raises(ValueError, match="radius must be a finite physical length >= 0"):
        sn.binary_dilation(mask, radius)  # type: ignore[arg-type]


def test_plain_input_is_refused() -> None:
    """SA-16.11: the ball needs the spacing."""
    with pytest.raises(TypeError, match="median_filter needs a SpatialArray"):
        sn.median_filter(np.ones((3, 3)), 1.0)  # type: ignore[arg-type]


PHYSICAL = {
    "median_filter": (sn.median_filter, lambda v, fp: sndi.median_filter(v, footprint=fp), "float"),
    "binary_dilation": (sn.binary_dilation, lambda v, fp: sndi.binary_dilation(v, structure=fp), "bool"),
    "binary_erosion": (sn.binary_erosion, lambda v, fp: sndi.binary_erosion(v, structure=fp), "bool"),
    "binary_opening": (sn.binary_opening, lambda v, fp: sndi.binary_opening(v, structure=fp), "bool"),
    "binary_closing": (sn.binary_closing, lambda v, fp: sndi.binary_closing(v, structure=fp), "bool"),
}


@pytest.mark.parametrize("name", sorted(PHYSICAL))
@settings(max_examples=10, deadline=None)
@given(image=images(), data=st.data())
def test_physical_morphology_is_scipys_with_the_ball(name: str, image: sn.SpatialArray, data: st.DataObject) -> None:
    """SA-16.11: scipy's values with the test's own ball as footprint; the input's grid."""
    ours, theirs, kind = PHYSICAL[name]
    radius = data.draw(st.floats(0.0, 2.5)) * float(image.spacing.min())
    radius = min(radius, float(max(np.array(image.shape) * image.spacing)))  # larger is refused (below)
    spatial = image > 0 if kind == "bool" else image
    footprint = tight(own_ball(image.spacing, image.direction, radius))
    result = ours(spatial, radius)
    expected = theirs(np.asarray(spatial), footprint)
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(np.asarray(result), expected)
    assert_same_grid(result, spatial)


def test_component_axes_are_not_part_of_the_ball() -> None:
    """SA-16.11: a vector image's components are filtered one by one."""
    values = np.random.default_rng(0).normal(size=(7, 6, 2))
    img = sn.SpatialArray(values, spacing=[1.0, 0.5])
    result = sn.median_filter(img, 1.0)
    for c in range(2):
        np.testing.assert_array_equal(result[..., c], sn.median_filter(sn.SpatialArray(values[..., c], spacing=[1.0, 0.5]), 1.0))
    assert_same_grid(result, img)


def test_a_dilated_point_is_a_ball_of_the_right_volume_in_mm3() -> None:
    """SA-16.11, SA-16.12: one voxel dilated by R mm on a 0.5 x 0.8 x 1.1 mm grid has the volume of the R-ball.

    Bound: the dilated set is the voxels whose centres lie within R of the seed. Their
    boxes lie inside the ball of radius R + h and cover the ball of radius R - h, with h
    half a voxel diagonal, so (4/3) pi (R - h)^3 <= volume <= (4/3) pi (R + h)^3.
    """
    spacing = np.array([0.5, 0.8, 1.1])
    radius = 8.0
    shape = tuple(2 * int(radius // s) + 3 for s in spacing)
    seed = np.zeros(shape, dtype=bool)
    seed[tuple(n // 2 for n in shape)] = True
    mask = sn.SpatialArray(seed, origin=[3.0, -7.0, 12.0], spacing=spacing)
    ball = sn.binary_dilation(mask, radius)
    volume = sn.label_statistics(ball.astype(np.int32))[1].volume
    h = 0.5 * float(np.linalg.norm(spacing))
    exact = 4 / 3 * math.pi * radius**3
    assert 4 / 3 * math.pi * (radius - h) ** 3 <= volume <= 4 / 3 * math.pi * (radius + h) ** 3
    assert abs(volume - exact) / exact < 0.01  # measured: 2148.5 mm^3 against 2144.7 (0.18 %)
    eroded = sn.binary_erosion(ball, 3.0)  # erosion by r of the R-ball is the (R - r)-ball, up to the same bound
    shrunk = sn.label_statistics(eroded.astype(np.int32))[1].volume
    assert 4 / 3 * math.pi * (radius - 3.0 - 2 * h) ** 3 <= shrunk <= 4 / 3 * math.pi * (radius - 3.0 + 2 * h) ** 3


# -- label statistics (SA-16.12) -------------------------------------------------------------------------------


def _oblique() -> sn.Geometry:
    q, r = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))
    return sn.Geometry(origin=[12.0, -40.0, 7.5], spacing=[0.7, 1.3, 0.9], direction=q * np.sign(np.diag(r)))


@pytest.mark.parametrize("half", [False, True])
def test_the_centroid_of_a_ball_is_its_centre_in_mm_on_an_oblique_grid(half: bool) -> None:
    """SA-16.12: a ball drawn in physical space around c, at a voxel centre or a voxel corner, has centroid c.

    The voxel centres within R of c are symmetric about c on any grid (index d <-> -d
    about a centre, d <-> -d - 1 about a corner), so the centroid is c up to rounding.
    """
    geometry = _oblique()
    shape = (27, 17, 23)
    centre_index = np.array([13.0, 8.0, 11.0]) + (0.5 if half else 0.0)
    c = position(geometry.origin, geometry.spacing, geometry.direction, centre_index)
    mask = np.zeros(shape, dtype=np.int32)
    for index in itertools.product(*(range(n) for n in shape)):
        if np.linalg.norm(position(geometry.origin, geometry.spacing, geometry.direction, index) - c) <= 7.0:
            mask[index] = 1
    stats = sn.label_statistics(sn.SpatialArray(mask, geometry=geometry))[1]
    np.testing.assert_allclose(stats.centroid, c, rtol=0, atol=1e-9)
    assert stats.count == mask.sum() and stats.volume == pytest.approx(mask.sum() * 0.7 * 1.3 * 0.9, rel=1e-12)
    assert abs(stats.volume - 4 / 3 * math.pi * 7.0**3) / (4 / 3 * math.pi * 7.0**3) < 0.05


@settings(max_examples=25, deadline=None)
@given(image=images(min_side=2))
def test_label_statistics_on_random_geometries(image: sn.SpatialArray) -> None:
    """SA-16.12: count, volume, centroid, bounding box and intensities, each from the test's own formulas."""
    labels = sn.SpatialArray(((np.asarray(image) > 0) + (np.asarray(image) > 1)).astype(np.int64), geometry=image.geometry)
    stats = sn.label_statistics(labels, image)
    values = np.asarray(labels)
    assert list(stats) == sorted(set(values[values > 0].tolist()))
    for label, s in stats.items():
        where = np.argwhere(values == label)
        assert s.count == len(where)
        assert s.volume == pytest.approx(len(where) * float(np.prod(image.spacing)), rel=1e-12)
        scale = 1.0 + float(np.abs(image.origin).max()) + 6 * float(image.spacing.max())
        np.testing.assert_allclose(s.centroid, array_position(image, where.mean(axis=0)), rtol=0, atol=1e-9 * scale)
        low, high = where.min(axis=0), where.max(axis=0) + 1
        assert s.slices == tuple(slice(int(a), int(b)) for a, b in zip(low, high))
        corners = np.array([array_position(image, [b - 0.5 for b in corner]) for corner in itertools.product(*zip(low, high))])
        np.testing.assert_allclose(s.bbox_min, corners.min(axis=0), rtol=0, atol=1e-9 * scale)
        np.testing.assert_allclose(s.bbox_max, corners.max(axis=0), rtol=0, atol=1e-9 * scale)
        inside = np.asarray(image)[values == label]
        assert s.mean == pytest.approx(float(inside.mean()), rel=1e-12, abs=1e-12)
        assert (s.minimum, s.maximum) == (float(inside.min()), float(inside.max()))
        assert s.sum == pytest.approx(float(inside.sum()), rel=1e-12, abs=1e-12)
        np.testing.assert_array_equal(labels[s.slices], values[s.slices])  # the box is a view on the grid


def test_label_statistics_bad_input() -> None:
    """SA-16.12: plain labels, float labels, negative labels, component axes and an image off the grid are refused."""
    labels = sn.SpatialArray(np.array([[0, 1], [2, 2]]), spacing=[1.0, 2.0])
    with pytest.raises(TypeError, match="labels must be a SpatialArray"):
        sn.label_statistics(np.asarray(labels))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="labels must hold integers, got dtype float64"):
        sn.label_statistics(labels.astype(float))
    with pytest.raises(ValueError, match="labels must be >= 0"):
        sn.label_statistics(labels - 1)
    with pytest.raises(sn.GeometryMismatchError, match="labels and image are not in the same space"):
        sn.label_statistics(labels, sn.SpatialArray(np.ones((2, 2)), spacing=[1.0, 3.0]))
    with pytest.raises(ValueError, match="image must have the labels' shape"):
        sn.label_statistics(labels, np.ones((3, 2)))
    assert sn.label_statistics(labels * 0) == {}


@pytest.mark.parametrize("name", sorted(PHYSICAL))
def test_a_radius_larger_than_the_image_is_refused_naming_it(name: str) -> None:
    """SA-16.11: a ball past the image in every direction is refused (not a MemoryError), naming radius and the extent."""
    image = sn.SpatialArray(np.ones((4, 5)), spacing=[1.0, 2.0])  # extent (4 mm, 10 mm)
    spatial = image > 0 if PHYSICAL[name][2] == "bool" else image
    with pytest.raises(ValueError, match=r"radius=1000000000\.0 is larger than the image's extent \(4\.0, 10\.0\)"):
        PHYSICAL[name][0](spatial, 1e9)
    PHYSICAL[name][0](spatial, 10.0)  # the largest extent itself is fine


@pytest.mark.parametrize("name", ["binary_dilation", "binary_erosion", "binary_opening", "binary_closing"])
def test_a_ball_longer_than_a_thin_axis_gives_scipys_values(name: str) -> None:
    """SA-16.11: one slice of a volume, radius 3 slices: the same values as scipy with the whole ball."""
    mask = sn.SpatialArray(np.random.default_rng(1).random((1, 9, 8)) > 0.4, spacing=[1.0, 1.0, 1.0])
    footprint = own_ball(mask.spacing, mask.direction, 3.0)
    expected = PHYSICAL[name][1](np.asarray(mask), footprint)
    np.testing.assert_array_equal(np.asarray(PHYSICAL[name][0](mask, 3.0)), expected)
