"""The default tolerance (SPEC SA-10.1, SA-10.2, SA-10.4): float32 storage is never a mismatch; 1e-3 voxel is caught.

The CT-like domain of issue 14: origins up to 1,000 mm on each coordinate, up to 1,024 voxels per axis,
anisotropic spacings, oblique directions. float32 storage is emulated two ways (each stored number rounded,
and NIfTI's way: the affine rounded), then exercised for real through NIfTI files written and read back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn


@st.composite
def ct_like(draw: st.DrawFn, min_spacing: float = 0.1) -> tuple[sn.Geometry, tuple[int, ...]]:
    """A 3-D geometry and shape: origin within +-1000 mm, spacing in [min_spacing, 5] mm, up to 1,024 voxels, oblique."""
    origin = [draw(st.floats(-1000.0, 1000.0)) for _ in range(3)]
    spacing = [draw(st.floats(min_spacing, 5.0)) for _ in range(3)]
    shape = tuple(draw(st.integers(1, 1024)) for _ in range(3))
    seed = draw(st.integers(0, 2**32 - 1))
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    direction = q * np.sign(np.diag(r))
    return sn.Geometry(origin, spacing, direction), shape


def _rounded(geometry: sn.Geometry) -> sn.Geometry:
    """Each stored number rounded to float32 (MetaImage/NRRD written as float)."""
    f32 = lambda v: np.asarray(v, dtype=np.float32).astype(np.float64)
    return sn.Geometry(f32(geometry.origin), f32(geometry.spacing), f32(geometry.direction))


def _affine_rounded(geometry: sn.Geometry) -> sn.Geometry:
    """NIfTI's storage: the 3x4 affine (direction * spacing, origin) rounded to float32, then decomposed."""
    affine = np.eye(4)
    affine[:3, :3] = np.asarray(geometry.direction) * np.asarray(geometry.spacing)
    affine[:3, 3] = geometry.origin
    return sn.Geometry.from_affine(np.asarray(affine, dtype=np.float32).astype(np.float64))


def _far_end(geometry: sn.Geometry, axis: int, shape: tuple[int, ...]) -> np.ndarray:
    """Position of index ``shape[axis] - 1`` on ``axis`` (0 elsewhere), by the tests' own formula."""
    return np.asarray(geometry.origin) + np.asarray(geometry.direction)[:, axis] * geometry.spacing[axis] * (shape[axis] - 1)


@settings(max_examples=300, deadline=None)
@given(ct_like())
def test_float32_storage_is_never_a_mismatch(case: tuple[sn.Geometry, tuple[int, ...]]) -> None:
    """SA-10.1, SA-10.2: rounding every stored number, or NIfTI's affine, to float32 keeps the same space."""
    geometry, shape = case
    for stored in (_rounded(geometry), _affine_rounded(geometry)):
        assert geometry.mismatch(stored, shape=shape) is None
        assert stored.mismatch(geometry, shape=shape) is None


@settings(max_examples=300, deadline=None)
@given(ct_like(min_spacing=0.45), st.integers(0, 2), st.sampled_from([-1.0, 1.0]), st.booleans())
def test_a_real_difference_of_a_thousandth_voxel_is_always_caught(
    case: tuple[sn.Geometry, tuple[int, ...]], axis: int, sign: float, stored: bool
) -> None:
    """SA-10.1: 1e-3 voxel in the origin, or at the far end of an axis by spacing or direction, is a mismatch,
    also after float32 storage of the changed geometry."""
    geometry, shape = case
    origin, spacing, direction = (np.asarray(v) for v in (geometry.origin, geometry.spacing, geometry.direction))
    length = max(shape[axis] - 1, 1)
    moved_origin = geometry.replace(origin=origin + sign * 1e-3 * spacing[axis] * direction[:, axis])
    longer = spacing.copy()
    longer[axis] += sign * 1e-3 * spacing[axis] / length
    stretched = geometry.replace(spacing=longer)
    # rotate axis `axis` towards the next one: its far end moves by 1e-3 voxel
    other = (axis + 1) % 3
    angle = sign * 1e-3 / length
    turned_direction = direction.copy()
    turned_direction[:, axis] = np.cos(angle) * direction[:, axis] + np.sin(angle) * direction[:, other]
    turned_direction[:, other] = -np.sin(angle) * direction[:, axis] + np.cos(angle) * direction[:, other]
    turned = geometry.replace(direction=turned_direction)
    if shape[axis] > 1:  # the far end moved by 1e-3 voxel (on a one-voxel axis the direction moved by 1e-3)
        moved_far = np.linalg.norm(_far_end(turned, axis, shape) - _far_end(geometry, axis, shape)) / spacing[axis]
        assert moved_far == pytest.approx(1e-3, rel=1e-3)
    for changed, part in ((moved_origin, "origin"), (stretched, "spacing"), (turned, "direction")):
        if stored:
            changed = _rounded(changed)
        reason = geometry.mismatch(changed, shape=shape)
        assert reason is not None and part in reason, (part, reason)


def test_the_mismatch_error_prints_both_geometries_and_the_tolerance() -> None:
    """SA-10.3 with the 1.2 rule: the message names the part, both values and every term of the tolerance."""
    a = sn.SpatialArray(np.zeros((4, 5)), origin=[300.0, -20.0], spacing=[0.5, 0.5])
    b = sn.SpatialArray(np.zeros((4, 5)), origin=[300.001, -20.0], spacing=[0.5, 0.5])
    with pytest.raises(sn.GeometryMismatchError) as info:
        a + b
    message = str(info.value)
    assert "origin differs along axis 0" in message
    assert "tolerance 1e-06 x spacing 0.5 + 2.38e-07 x |origin|" in message
    assert repr(a.geometry) in message and repr(b.geometry) in message
    long_axis = sn.SpatialArray(np.zeros((1000, 5)), spacing=[0.5, 0.5])
    stretched = sn.SpatialArray(np.zeros((1000, 5)), spacing=[0.5 * (1 + 2e-6), 0.5])
    with pytest.raises(sn.GeometryMismatchError, match="spacing differs on axis 0.*at the far end, 999 voxels away"):
        long_axis + stretched  # 2e-6 relative: within tol on one voxel, 2e-3 voxel at the far end


def test_storage_allowance_can_be_switched_off_and_is_per_block() -> None:
    """SA-10.2: tolerance(storage=0) compares to tol voxels only, inside the block."""
    geometry = sn.Geometry([812.345678, -433.21, 999.9], [0.48828125, 0.7, 2.5])
    stored = _rounded(geometry)
    assert geometry.same_space(stored, shape=(512, 512, 300))
    with sn.tolerance(storage=0.0) as tol:
        assert tol.storage == 0.0
        assert not geometry.same_space(stored, shape=(512, 512, 300))
    assert sn.get_tolerance().storage == 2.0**-22
    with pytest.raises(ValueError, match="tolerance storage must be finite and >= 0"):
        with sn.tolerance(storage=-1.0):
            pass


def test_nifti_round_trip_of_100_ct_like_geometries(tmp_path: Path) -> None:
    """SA-10.1 against real files (issue 14): ct * sn.read(mask.nii.gz) works 100 of 100 times."""
    pytest.importorskip("nibabel")
    rng = np.random.default_rng(20261123)
    worked = stored_differs = 0
    for trial in range(100):
        q, r = np.linalg.qr(rng.normal(size=(3, 3)))
        direction = q * np.sign(np.diag(r))
        origin = rng.uniform(-1000.0, 1000.0, size=3)
        spacing = rng.uniform(0.3, 5.0, size=3)
        shape = [int(rng.integers(2, 9)) for _ in range(3)]
        shape[int(rng.integers(0, 3))] = int(rng.integers(512, 1025))  # one axis up to 1,024 voxels
        values = rng.normal(size=shape).astype(np.float32)
        ct = sn.SpatialArray(values, origin=origin, spacing=spacing, direction=direction)
        path = tmp_path / f"mask{trial}.nii.gz"
        sn.write((ct > 0).astype(np.uint8), path)
        mask = sn.read(path)
        stored_differs += not np.array_equal(np.asarray(mask.origin), origin)  # the file rounded it to float32
        product = ct * mask
        np.testing.assert_array_equal(np.asarray(product), values * (values > 0))
        assert product.geometry == ct.geometry
        worked += 1
    assert worked == 100
    assert stored_differs > 90  # the round trip really changed the geometry


def test_an_accepted_direction_survives_a_changed_tolerance() -> None:
    """SA-10.4: built inside tolerance(direction=1e-3), the array's origin can be set outside the block."""
    direction = np.eye(3)
    direction[0, 1] = 2e-4  # |D^T D - I| = 2e-4: refused at the default 1e-6
    with pytest.raises(ValueError, match="orthonormal"):
        sn.SpatialArray(np.zeros((2, 2, 2)), direction=direction)
    with sn.tolerance(direction=1e-3):
        a = sn.SpatialArray(np.zeros((2, 2, 2)), direction=direction)
    a.origin = [1.0, 2.0, 3.0]
    a.spacing = [2.0, 2.0, 2.0]
    np.testing.assert_array_equal(a.origin, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(a.direction, direction)
    with pytest.raises(ValueError, match="orthonormal"):
        a.direction = direction  # a new direction value is validated under the tolerance in force


@pytest.mark.parametrize("origin", [[5e6, 5e5], [5e4, -3e4]])
def test_a_voxel_shift_is_caught_at_large_coordinates(origin) -> None:
    """SA-10.1: the storage allowance is capped at 0.01 voxel, so a one-voxel (or 0.05-voxel) shift at UTM-scale or
    microscope-stage origins is a mismatch, while the float32 allowance still applies at medical scales."""
    base = np.asarray(origin, dtype=float)
    a = sn.Geometry(origin=base, spacing=[1.0, 1.0])
    for shift in (1.0, 0.05):
        moved = sn.Geometry(origin=base + [shift, 0.0], spacing=[1.0, 1.0])
        assert a.mismatch(moved, shape=(100, 100)) is not None, shift
    stored = sn.Geometry(origin=[np.float32(412.345), np.float32(-211.7)], spacing=[0.5, 0.5])
    exact = sn.Geometry(origin=[412.345, -211.7], spacing=[0.5, 0.5])
    assert exact.mismatch(stored, shape=(512, 512)) is None


def test_slices_of_a_ct_and_its_nifti_mask_are_one_space(tmp_path) -> None:
    """SA-10.1: an embedded slice's off-plane storage error is the whole origin's: `ct[k] * mask[k]` works after a
    NIfTI round trip for realistic CT origins (z far from 0, x and y small), as `ct * mask` does."""
    pytest.importorskip("nibabel")
    rng = np.random.default_rng(7)
    for trial in range(20):
        origin = [rng.uniform(-1500, 1900), rng.uniform(-260, 1000), rng.uniform(-260, 150)]
        ct = sn.SpatialArray(np.ones((6, 7, 8), np.float32), origin=origin, spacing=[1.25, 0.684, 0.684])
        sn.write((ct > 0).astype(np.uint8), tmp_path / f"mask{trial}.nii.gz")
        mask = sn.read(tmp_path / f"mask{trial}.nii.gz")
        assert (ct * mask).shape == ct.shape
        assert (ct[2] * mask[2]).geometry.same_space(ct[2].geometry)
        assert (ct[:, 3] * mask[:, 3]).shape == (6, 8)
    moved = sn.SpatialArray(np.ones((7, 8)), origin=ct[2].origin + [0.2, 0.0, 0.0], direction=ct[2].direction,
                            spacing=ct[2].spacing)
    with pytest.raises(sn.GeometryMismatchError, match="off the array's plane"):
        ct[2] * moved  # a real 0.2 mm (0.16 voxel) move off the plane is still caught
