"""Orientation codes, reorientation as a view and frame conversion, against nibabel and SimpleITK voxel by voxel.

Also the geometry maths behind them and behind the readers' rule: `nearest_orthonormal`,
`closest_axes`, `Geometry.reflected`, `reflected_points` (SPEC SA-17.1, SA-17.6 to SA-17.8).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray.geometry import (
    Geometry,
    affine_deviation,
    closest_axes,
    direction_deviation,
    nearest_orthonormal,
    reflected_points,
)

from .strategies import array_position, geometries

LETTERS = {"L": (2, 1), "R": (2, -1), "P": (1, 1), "A": (1, -1), "S": (0, 1), "I": (0, -1)}  # LPS, numpy order


def rotation(axis_angles: tuple[float, float, float]) -> np.ndarray:
    """A rotation by the given angles (radians) about the three axes, written out."""
    a, b, c = axis_angles
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rx @ ry @ rz


@st.composite
def near_axis_directions(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """A signed permutation turned by up to ~17 degrees per axis: each column's largest entry is unambiguous."""
    perm = draw(st.permutations(range(3)))
    signs = draw(st.lists(st.sampled_from([-1, 1]), min_size=3, max_size=3))
    angles = draw(st.tuples(*[st.floats(-0.3, 0.3) for _ in range(3)]))
    base = np.zeros((3, 3))
    for column, (row, sign) in enumerate(zip(perm, signs)):
        base[row, column] = sign
    return rotation(angles) @ base, tuple(perm), tuple(signs)


@st.composite
def oblique_images(draw: st.DrawFn) -> sn.SpatialArray:
    direction, _, _ = draw(near_axis_directions())
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=3, max_size=3)))
    origin = draw(st.lists(st.floats(-300, 300), min_size=3, max_size=3))
    spacing = draw(st.lists(st.floats(0.1, 5.0), min_size=3, max_size=3))
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)  # unique values trace each element
    return sn.SpatialArray(data, origin=origin, spacing=spacing, direction=direction)


def codes_of(direction: np.ndarray) -> str:
    """The tests' own reading of orientation codes: each column's largest entry, in LPS, numpy order."""
    result = ""
    for column in direction.T:
        row = int(np.argmax(np.abs(column)))
        result += next(c for c, (r, s) in LETTERS.items() if r == row and s == np.sign(column[row]))
    return result


# -- geometry maths -------------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(geometry=geometries(3), noise=st.floats(1e-7, 1e-3), seed=st.integers(0, 2**32 - 1))
def test_nearest_orthonormal_is_orthonormal_and_near(geometry: Geometry, noise: float, seed: int) -> None:
    """SA-17.1: the polar factor is orthonormal, within the perturbation of the input, and exact inputs are fixed points."""
    exact = geometry.direction
    perturbed = exact + noise * np.random.default_rng(seed).uniform(-1, 1, size=exact.shape)
    nearest, deviation = nearest_orthonormal(perturbed)
    assert deviation == pytest.approx(float(np.abs(perturbed.T @ perturbed - np.eye(exact.shape[1])).max()))
    assert np.abs(nearest.T @ nearest - np.eye(exact.shape[1])).max() < 1e-12
    assert np.abs(nearest - perturbed).max() <= 3 * noise * exact.shape[0]
    np.testing.assert_allclose(nearest_orthonormal(exact)[0], exact, atol=1e-12)
    assert direction_deviation(exact) < 1e-12


def test_nearest_orthonormal_refuses_singular_and_bad_input() -> None:
    with pytest.raises(ValueError, match="direction is singular"):
        nearest_orthonormal([[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="at least as many rows as columns"):
        nearest_orthonormal([[1.0, 0.0]])
    with pytest.raises(TypeError, match="direction must be an array of real numbers"):
        nearest_orthonormal("abc")
    with pytest.raises(ValueError, match="affine has a zero column"):
        affine_deviation(np.zeros((3, 3)))
    assert affine_deviation(np.diag([2.0, 3.0, 1.0])) == 0.0


@settings(max_examples=60, deadline=None)
@given(case=near_axis_directions())
def test_closest_axes_finds_the_signed_permutation(case: tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]) -> None:
    """SA-17.6: near a signed permutation, it is that permutation, as nibabel's io_orientation finds."""
    nib = pytest.importorskip("nibabel")
    direction, perm, signs = case
    assert closest_axes(direction) == (perm, signs)
    # nibabel works on (i, j, k) columns and (x, y, z) rows: the reverse of ours on both sides
    ornt = nib.orientations.io_orientation(np.block([[direction[::-1, ::-1], np.zeros((3, 1))], [np.zeros((1, 3)), 1.0]]))
    assert [2 - int(a) for a in ornt[::-1, 0]] == list(perm) and [int(s) for s in ornt[::-1, 1]] == list(signs)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), p=st.integers(2, 4), data=st.data())
def test_closest_axes_maximises_the_cosines(seed: int, p: int, data: st.DataObject) -> None:
    """Any direction (also far from axis-aligned, embedded): no other injective choice scores more."""
    n = data.draw(st.integers(1, p))
    q = np.linalg.qr(np.random.default_rng(seed).normal(size=(p, p)))[0][:, :n]
    axes, signs = closest_axes(q)
    score = sum(abs(q[r, i]) for i, r in enumerate(axes))
    assert len(set(axes)) == n and all(s == np.sign(q[r, i]) for i, (r, s) in enumerate(zip(axes, signs)))
    for other in itertools.permutations(range(p), n):
        assert sum(abs(q[r, i]) for i, r in enumerate(other)) <= score + 1e-12


@settings(max_examples=40, deadline=None)
@given(geometry=geometries(3), rows=st.lists(st.integers(0, 2), max_size=3))
def test_reflected_geometry_places_every_point_at_its_reflection(geometry: Geometry, rows: list[int]) -> None:
    """SA-17.8: index k of the reflected geometry sits at the reflection of index k's point; twice is identity."""
    reflected = geometry.reflected(rows)
    p = geometry.physical_ndim
    sign = np.array([-1.0 if r in rows else 1.0 for r in range(p)])
    for k in itertools.product(*[range(3)] * geometry.spatial_ndim):
        original = np.asarray(geometry.origin) + np.asarray(geometry.direction) @ (np.asarray(geometry.spacing) * k)
        moved = np.asarray(reflected.origin) + np.asarray(reflected.direction) @ (np.asarray(reflected.spacing) * k)
        np.testing.assert_allclose(moved, sign * original, atol=1e-9)
        np.testing.assert_allclose(reflected_points(original, rows), sign * original, atol=0)
    assert reflected.reflected(rows) == geometry
    with pytest.raises(ValueError, match="physical_axes must lie in range"):
        geometry.reflected([p])


# -- orientation and reorient against nibabel and SimpleITK ----------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(image=oblique_images())
def test_orientation_is_aff2axcodes(image: sn.SpatialArray) -> None:
    """SA-17.6: our codes (numpy order) reversed are nibabel's aff2axcodes of the same image's affine."""
    nib = pytest.importorskip("nibabel")
    assert sn.orientation(image) == codes_of(np.asarray(image.direction))
    assert sn.orientation(image)[::-1] == "".join(nib.aff2axcodes(sn.to_nibabel(image).affine))


@settings(max_examples=30, deadline=None)
@given(image=oblique_images())
def test_reorient_is_as_closest_canonical_voxel_by_voxel(image: sn.SpatialArray) -> None:
    """SA-17.7: reorient(a, "SAR") holds nibabel's canonical image: same value and point at every voxel."""
    nib = pytest.importorskip("nibabel")
    canonical = nib.as_closest_canonical(sn.to_nibabel(image))
    ours = sn.reorient(image, "SAR")
    assert np.shares_memory(ours, image) and sn.orientation(ours) == "SAR"
    theirs = np.asanyarray(canonical.dataobj)
    assert ours.shape == theirs.shape[::-1]
    for k in np.ndindex(*ours.shape):
        assert ours[k] == theirs[k[::-1]]
        ras = nib.affines.apply_affine(canonical.affine, k[::-1])
        np.testing.assert_allclose(array_position(ours, k), (ras * [-1, -1, 1])[::-1], atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(image=oblique_images(), target=st.sampled_from(["LPS", "RAS", "RAI", "LIP", "ASL", "PRI"]))
def test_reorient_is_dicomorient_voxel_by_voxel(image: sn.SpatialArray, target: str) -> None:
    """SA-17.7: SimpleITK's DICOMOrient(img, code) is reorient(a, code[::-1]): same value and point at every voxel."""
    sitk = pytest.importorskip("SimpleITK")
    theirs = sitk.DICOMOrient(sn.to_sitk(image), target)
    ours = sn.reorient(image, target[::-1])
    their_values = sitk.GetArrayViewFromImage(theirs)
    assert ours.shape == their_values.shape and np.array_equal(ours, their_values)
    for k in np.ndindex(*ours.shape):
        point = np.array(theirs.TransformIndexToPhysicalPoint([int(i) for i in k[::-1]]))[::-1]
        np.testing.assert_allclose(array_position(ours, k), point, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(image=oblique_images(), codes=st.permutations("SPL"), flips=st.lists(st.booleans(), min_size=3, max_size=3),
       components=st.booleans())
def test_reorient_keeps_every_element_where_it_was(image: sn.SpatialArray, codes: list[str], flips: list[bool],
                                                   components: bool) -> None:
    """SA-17.7: traced by value, each element of the view sits where it sat; no copy; components stay last."""
    if components:
        image = sn.SpatialArray(np.stack([np.asarray(image), -np.asarray(image) - 1], axis=-1), geometry=image.geometry)
    target = "".join({"S": "I", "P": "A", "L": "R"}[c] if f else c for c, f in zip(codes, flips))
    result = sn.reorient(image, target)
    assert np.shares_memory(result, image) and sn.orientation(result) == target
    assert result.shape[3:] == image.shape[3:]
    where = {float(v): k for k, v in np.ndenumerate(np.asarray(image)[..., 0] if components else np.asarray(image))}
    for k in np.ndindex(*result.shape[:3]):
        value = float(result[k][0] if components else result[k])
        np.testing.assert_allclose(array_position(result, k), array_position(image, where[value]), atol=1e-9)


def test_orientation_of_frames_2d_and_embedded() -> None:
    """SA-17.6: codes follow meta["frame"] (LPS when absent); 2-D spaces use the frame's first letters."""
    volume = sn.SpatialArray(np.zeros((2, 3, 4)))
    assert sn.orientation(volume) == "SPL"
    assert sn.orientation(sn.SpatialArray(np.zeros((2, 3, 4)), meta={"frame": "RAS"})) == "SAR"
    assert sn.orientation(volume[:, ::-1, 0]) == "SA"  # embedded: the axes it spans
    assert sn.orientation(sn.SpatialArray(np.zeros((2, 3)), direction=[[0.0, 1.0], [1.0, 0.0]])) == "LP"
    with pytest.raises(ValueError, match=r"codes must have one letter from L/R, P/A, S/I per spatial axis \(3, numpy order\), got 'SP'"):
        sn.reorient(volume, "SP")
    with pytest.raises(ValueError, match="codes 'SSL' must name each of this image's anatomical axes once"):
        sn.reorient(volume, "SSL")
    with pytest.raises(ValueError, match="codes 'SA' must name each of this image's anatomical axes once; it points along 'SL'"):
        sn.reorient(volume[:, 0], "SA")  # a coronal slice spans S and L, not P/A
    coronal = sn.reorient(volume[:, 0], "LI")
    assert sn.orientation(coronal) == "LI" and coronal.shape == (4, 2)
    with pytest.raises(ValueError, match=r'meta\["frame"\] must name where each physical axis points'):
        sn.orientation(sn.SpatialArray(np.zeros((2, 3, 4)), meta={"frame": "XYZ"}))
    with pytest.raises(TypeError, match="orientation needs a SpatialArray"):
        sn.orientation(np.zeros((2, 2)))  # type: ignore[arg-type]


# -- frames -------------------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(image=oblique_images())
def test_lps_to_ras_writes_every_element_in_nibabels_world(image: sn.SpatialArray) -> None:
    """SA-17.8: a view whose positions are nibabel's RAS coordinates of the same voxels."""
    nib = pytest.importorskip("nibabel")
    ras = sn.lps_to_ras(image)
    assert np.shares_memory(ras, image) and ras.meta["frame"] == "RAS" and sn.orientation(ras) == sn.orientation(image)
    affine = sn.to_nibabel(image).affine
    for k in np.ndindex(*image.shape):
        np.testing.assert_allclose(array_position(ras, k)[::-1], nib.affines.apply_affine(affine, k[::-1]), atol=1e-9)
    back = sn.ras_to_lps(ras)
    assert back.meta["frame"] == "LPS" and back.geometry == image.geometry
    points = image.index_to_physical([[0, 0, 0], [1, 2, 3]])
    np.testing.assert_array_equal(sn.lps_to_ras(points), points * [1, -1, -1])
    assert sn.lps_to_ras(image.geometry) == ras.geometry
    np.testing.assert_array_equal(sn.convert_frame(points, "LAS"), points * [1, -1, 1])


def test_frame_conversion_errors() -> None:
    image = sn.SpatialArray(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="frames 'LPS' and 'PLS' order their axes differently"):
        sn.convert_frame(image, "PLS")
    with pytest.raises(ValueError, match="to must name where each physical axis points"):
        sn.convert_frame(image, "RA")
    with pytest.raises(ValueError, match="source 'LLS' names the same anatomical axis twice"):
        sn.convert_frame(np.zeros(3), "RAS", source="LLS")
    with pytest.raises(ValueError, match="points must have a last axis"):
        sn.convert_frame(np.float64(1.0), "RAS")  # type: ignore[type-var]


def test_readers_frame_and_reorient_round_trip_through_files(tmp_path: Any) -> None:
    """A file read by us, reoriented like nibabel's canonical, written and read again: same voxels, same points."""
    nib = pytest.importorskip("nibabel")
    image = sn.SpatialArray(np.arange(24.0).reshape(2, 3, 4), origin=[5.0, -3.0, 2.0], spacing=[3.0, 1.0, 0.5],
                            direction=rotation((0.2, -0.1, 0.25)) @ np.diag([1.0, -1.0, 1.0])[:, [2, 0, 1]])
    sn.write(image, tmp_path / "a.nii")
    canonical = sn.reorient(sn.read(tmp_path / "a.nii"), "SAR")
    sn.write(canonical, tmp_path / "c.nii")
    stored = nib.load(tmp_path / "c.nii")
    assert "".join(nib.aff2axcodes(stored.affine)) == "RAS"
    back = sn.read(tmp_path / "c.nii")
    for k in np.ndindex(*back.shape):
        np.testing.assert_allclose(array_position(back, k), array_position(canonical, k), atol=1e-4)
