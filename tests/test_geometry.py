"""Geometry: validation (SA-1.x), the index/physical mapping (SA-2.x), ITK order, tolerance (SA-10.x)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spatial_ndarray as sn

from .strategies import geometries, position

ROT = np.array([[0.6, -0.8], [0.8, 0.6]])

# (description, keyword arguments, exception, pattern naming the field)
BAD_GEOMETRY = [
    ("nan origin", dict(origin=[np.nan, 0.0]), ValueError, r"origin must be finite"),
    ("inf origin", dict(origin=[np.inf, 0.0]), ValueError, r"origin must be finite"),
    ("nan spacing", dict(spacing=[1.0, np.nan]), ValueError, r"spacing must be finite"),
    ("inf spacing", dict(spacing=[np.inf, 1.0]), ValueError, r"spacing must be finite"),
    ("zero spacing", dict(spacing=[0.0, 1.0]), ValueError, r"spacing must be > 0.*\[0\.0, 1\.0\]"),
    ("negative spacing", dict(spacing=[1.0, -2.0]), ValueError, r"spacing must be > 0.*-2\.0"),
    ("nan direction", dict(direction=[[np.nan, 0], [0, 1]]), ValueError, r"direction must be finite"),
    ("singular direction", dict(direction=[[1, 1], [0, 0]]), ValueError, r"direction columns must be orthonormal"),
    ("scaled direction", dict(direction=[[2, 0], [0, 1]]), ValueError, r"direction columns must be orthonormal"),
    ("sheared direction", dict(direction=[[1, 0.1], [0, 1]]), ValueError, r"direction columns must be orthonormal"),
    ("short origin", dict(origin=[0.0], spacing=[1.0, 1.0]), ValueError, r"origin must have 2 entries \(one per spatial axis\)"),
    ("long spacing", dict(spacing=[1.0, 1.0, 1.0]), ValueError, r"spacing has 3 entries but the data has only 2 axes"),
    ("spacing vs direction", dict(spacing=[1.0, 1.0], direction=np.eye(3)), ValueError, r"spacing has 2 entries but direction has 3 columns"),
    ("wide direction", dict(spacing=[1.0, 1.0], direction=np.eye(3)[:1, :2]), ValueError, r"direction must have at least as many rows"),
    ("matrix origin", dict(origin=[[0.0, 0.0]]), ValueError, r"origin must be a 1-D sequence"),
    ("vector direction", dict(direction=[1.0, 0.0]), ValueError, r"direction must be a 2-D matrix"),
    ("scalar spacing", dict(spacing=2.0), ValueError, r"spacing must be a 1-D sequence"),
    ("string origin", dict(origin=["a", "b"]), TypeError, r"origin must be an array of real numbers"),
    ("complex spacing", dict(spacing=[1j, 1.0]), TypeError, r"spacing must be an array of real numbers"),
    ("bool spacing", dict(spacing=[True, True]), TypeError, r"spacing must be an array of real numbers"),
    ("None inside origin", dict(origin=[None, 0.0]), TypeError, r"origin must be an array of real numbers"),
    ("ragged direction", dict(direction=[[1.0, 0.0], [1.0]]), TypeError, r"direction must be an array of real numbers"),
    ("embedded without direction", dict(origin=[0.0, 0.0, 0.0], spacing=[1.0, 1.0]), ValueError, r"direction is required"),
]


@pytest.mark.parametrize("kwargs, error, pattern", [case[1:] for case in BAD_GEOMETRY], ids=[c[0] for c in BAD_GEOMETRY])
def test_bad_geometry_is_refused_naming_the_field(kwargs: dict, error: type, pattern: str) -> None:
    """SA-1.5, SA-1.6, SA-1.7, SA-1.8: a clear error that names the field and shows the value."""
    with pytest.raises(error, match=pattern):
        sn.SpatialArray(np.zeros((3, 4)), **kwargs)


@pytest.mark.parametrize("field, value, pattern", [
    ("origin", [np.nan, 0.0], r"origin must be finite"),
    ("spacing", [1.0, 0.0], r"spacing must be > 0"),
    ("direction", [[1.0, 0.5], [0.0, 1.0]], r"direction columns must be orthonormal"),
    ("origin", [1.0, 2.0, 3.0], r"origin must have shape \(2,\) to match this geometry, got \[1.0, 2.0, 3.0\]"),
    ("spacing", [1.0], r"spacing must have shape \(2,\) to match this geometry, got \[1.0\]"),
    ("direction", np.eye(3), r"direction must have shape \(2, 2\) to match this geometry"),
])
def test_setters_validate_and_leave_the_array_unchanged_on_error(field: str, value: object, pattern: str) -> None:
    """SA-1.8, SA-1.10."""
    array = sn.SpatialArray(np.zeros((3, 4)), origin=[1.0, 2.0])
    before = array.geometry
    with pytest.raises(ValueError, match=pattern):
        setattr(array, field, value)
    assert array.geometry is before


def test_other_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError, match="at least one spatial axis"):
        sn.SpatialArray(np.float64(3.0))
    with pytest.raises(TypeError, match="meta must be a mapping"):
        sn.SpatialArray(np.zeros(3), meta=["not", "a", "dict"])
    with pytest.raises(TypeError, match="geometry must be a spatial_ndarray.Geometry"):
        sn.SpatialArray(np.zeros(3), geometry="identity")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="either geometry or origin"):
        sn.SpatialArray(np.zeros(3), spacing=[1.0], geometry=sn.Geometry.identity(1))
    with pytest.raises(ValueError, match="spacing has 3 entries but the data has only 2 axes"):
        sn.SpatialArray(np.zeros((2, 2)), geometry=sn.Geometry.identity(3))
    with sn.tolerance(coordinate=np.float32(1e-3), direction=np.int64(0)) as tol:  # numpy scalars are numbers
        assert tol == sn.Tolerance(float(np.float32(1e-3)), 0.0)
    with pytest.raises(TypeError, match="tolerance coordinate must be a real number"):
        with sn.tolerance(coordinate="big"):  # type: ignore[arg-type]
            pass
    with pytest.raises(ValueError, match="tolerance direction must be finite and >= 0"):
        with sn.tolerance(direction=-1.0):
            pass


def test_attributes_are_read_only_float64_of_the_documented_shapes() -> None:
    """SA-1.1, SA-1.2, SA-1.3, SA-1.4, SA-1.9, SA-1.11."""
    direction = np.array([[0.6, 0.0], [0.8, 0.0], [0.0, 1.0]])  # a 2-D plane in 3-D space
    array = sn.SpatialArray(np.zeros((4, 5, 3)), origin=[1, 2, 3], spacing=[2, 3], direction=direction)
    assert array.origin.dtype == array.spacing.dtype == array.direction.dtype == np.float64
    assert array.origin.shape == (3,) and array.spacing.shape == (2,) and array.direction.shape == (3, 2)
    assert array.spatial_ndim == 2 and array.spatial_shape == (4, 5) and array.geometry.physical_ndim == 3
    for field in ("origin", "spacing", "direction"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(array, field)[0] = 7.0
    np.testing.assert_array_equal(array.origin, [1, 2, 3])
    expected_affine = np.array([[1.2, 0, 1], [1.6, 0, 2], [0, 3, 3], [0, 0, 1]])
    np.testing.assert_allclose(array.affine, expected_affine)


def test_spatial_ndim_comes_from_the_geometry_given() -> None:
    """SA-4.1: trailing axes beyond the geometry are component axes; without geometry all axes are spatial."""
    assert sn.SpatialArray(np.zeros((4, 5, 3))).spatial_ndim == 3
    assert sn.SpatialArray(np.zeros((4, 5, 3)), spacing=[1, 1]).spatial_ndim == 2
    assert sn.SpatialArray(np.zeros((4, 5, 3)), origin=[0, 0]).spatial_ndim == 2
    assert sn.SpatialArray(np.zeros((4, 5, 3)), direction=np.eye(2)).spatial_ndim == 2


def test_wrapping_does_not_copy() -> None:
    """SA-11.2: wrapping and np.asarray share memory."""
    data = np.zeros((4, 5))
    array = sn.SpatialArray(data, spacing=[1, 2])
    assert np.shares_memory(array, data) and np.shares_memory(np.asarray(array), data)
    assert type(np.asarray(array)) is np.ndarray
    assert np.asanyarray(array) is array
    assert not np.shares_memory(sn.SpatialArray(data, copy=True), data)
    rewrapped = sn.SpatialArray(array, origin=[5, 5])
    assert np.shares_memory(rewrapped, data) and rewrapped.spacing.tolist() == [1, 2]


@settings(max_examples=200, deadline=None)
@given(geometry=geometries(3), index=hnp.arrays(np.float64, (5, 3), elements=st.floats(-10, 10)))
def test_index_to_physical_follows_the_formula_and_inverts(geometry: sn.Geometry, index: np.ndarray) -> None:
    """SA-2.1, SA-2.4: vectorised mapping, continuous indices, exact inverse on the array's plane."""
    points = geometry.index_to_physical(index)
    assert points.shape == (5, geometry.physical_ndim)
    for k, p in zip(index, points):
        np.testing.assert_allclose(p, position(geometry.origin, geometry.spacing, geometry.direction, k), atol=1e-9)
    np.testing.assert_allclose(geometry.physical_to_index(points), index, atol=1e-8)


def test_physical_to_index_projects_points_off_an_embedded_plane() -> None:
    """SA-2.4: for P > N the index is that of the orthogonal projection."""
    g = sn.Geometry(origin=[0, 0, 5], spacing=[2, 2], direction=np.eye(3)[:, :2])
    np.testing.assert_allclose(g.physical_to_index([4.0, 6.0, 100.0]), [2.0, 3.0])


def test_mapping_rejects_wrong_shapes() -> None:
    g = sn.Geometry(spacing=[1, 1])
    with pytest.raises(ValueError, match=r"index must have shape \(\.\.\., 2\)"):
        g.index_to_physical([1, 2, 3])
    with pytest.raises(ValueError, match=r"points must have shape \(\.\.\., 2\)"):
        g.physical_to_index(5.0)


@settings(max_examples=100, deadline=None)
@given(geometry=geometries(3, embedded=False))
def test_itk_order_round_trip_and_meaning(geometry: sn.Geometry) -> None:
    """SA-2.2 note: ITK (x, y, z) order reverses origin/spacing and flips the direction on both axes."""
    origin, spacing, direction = geometry.to_itk()
    back = sn.Geometry.from_itk(origin, spacing, direction.ravel())
    assert back.mismatch(geometry, sn.Tolerance(1e-12, 1e-12)) is None
    # ITK's formula, in its own order: p_xyz = o_xyz + D_xyz @ (s_xyz * i_xyz)
    index = np.array([1.0, 2.0, 3.0])
    p_itk = origin + direction @ (spacing * index[::-1])
    np.testing.assert_allclose(p_itk[::-1], geometry.index_to_physical(index), atol=1e-9)


def test_itk_needs_a_square_direction() -> None:
    with pytest.raises(ValueError, match="ITK needs a square direction"):
        sn.Geometry(origin=[0, 0, 0], spacing=[1, 1], direction=np.eye(3)[:, :2]).to_itk()


def _rotation(axis_i: int, axis_j: int, angle: float, n: int) -> np.ndarray:
    r = np.eye(n)
    r[axis_i, axis_i] = r[axis_j, axis_j] = np.cos(angle)
    r[axis_i, axis_j], r[axis_j, axis_i] = -np.sin(angle), np.sin(angle)
    return r


@pytest.mark.parametrize("axis", [0, 1, 2])
@pytest.mark.parametrize("factor, same", [(0.9, True), (1.1, False)])
def test_tolerance_per_axis_just_below_and_just_above(axis: int, factor: float, same: bool) -> None:
    """SA-10.1: origin along each axis, spacing per axis, direction element-wise, at 0.9 and 1.1 x tolerance.

    The storage allowance is switched off here: its own tests are in test_tolerance.py.
    """
    with sn.tolerance(storage=0.0):
        _check_tolerance_per_axis(axis, factor, same)


def _check_tolerance_per_axis(axis: int, factor: float, same: bool) -> None:
    tol = 1e-6
    spacing = np.array([0.5, 2.0, 7.0])
    direction = _rotation(0, 2, 0.3, 3)
    base = sn.Geometry(origin=[10.0, -4.0, 3.0], spacing=spacing, direction=direction)
    moved = base.replace(origin=base.origin + direction[:, axis] * spacing[axis] * tol * factor)
    assert base.same_space(moved) is same
    scaled = spacing.copy()
    scaled[axis] *= 1 + tol * factor
    assert base.same_space(base.replace(spacing=scaled)) is same
    # a rotation by angle t moves direction entries by about t
    turned = _rotation((axis + 1) % 3, axis, tol * factor, 3) @ direction
    assert base.same_space(base.replace(direction=turned)) is same
    with sn.tolerance(coordinate=10 * tol, direction=10 * tol):
        assert base.same_space(moved) and base.same_space(base.replace(direction=turned))


def test_tolerance_is_per_thread() -> None:
    """SA-10.2: a tolerance set in one thread does not leak into another."""
    seen: dict[str, float] = {}
    inside = threading.Event()
    release = threading.Event()

    def loose() -> None:
        with sn.tolerance(coordinate=0.5):
            inside.set()
            release.wait(5)
            seen["loose"] = sn.get_tolerance().coordinate

    def strict() -> None:
        inside.wait(5)
        seen["strict"] = sn.get_tolerance().coordinate
        release.set()

    threads = [threading.Thread(target=loose), threading.Thread(target=strict)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"loose": 0.5, "strict": 1e-6}
    assert sn.get_tolerance() == sn.Tolerance(1e-6, 1e-6)


def test_validation_uses_the_direction_tolerance_in_force() -> None:
    """SA-1.6: a direction off by 1e-5 is refused by default and accepted within a looser tolerance."""
    almost = [[1.0, 1e-5], [0.0, 1.0]]
    with pytest.raises(ValueError, match="orthonormal"):
        sn.Geometry(direction=almost)
    with sn.tolerance(direction=1e-4):
        assert sn.Geometry(direction=almost).spatial_ndim == 2


def test_geometry_equality_hash_and_repr() -> None:
    a = sn.Geometry(origin=[1, 2], spacing=[3, 4])
    b = sn.Geometry(origin=[1.0, 2.0], spacing=[3.0, 4.0])
    assert a == b and hash(a) == hash(b) and a != sn.Geometry.identity(2)
    assert repr(a) == "Geometry(origin=[1.0, 2.0], spacing=[3.0, 4.0], direction=[[1.0, 0.0], [0.0, 1.0]])"
    with pytest.raises(ValueError, match="permutation"):
        a.permuted([0, 0])
    with pytest.raises(ValueError, match="cannot bin spatial axis 0 of length 0"):
        a.binned([0], [0], keepdims=True)


@settings(max_examples=100, deadline=None)
@given(geometry=geometries(2), data=st.data())
def test_origin_is_the_centre_of_the_first_element_and_the_extent_is_half_a_voxel_wider(
    geometry: sn.Geometry, data: st.DataObject
) -> None:
    """SA-2.3, SA-3.1: element k covers [k - 0.5, k + 0.5); the image covers [-0.5, n - 0.5)."""
    shape = data.draw(st.lists(st.integers(1, 5), min_size=2, max_size=2))
    array = sn.SpatialArray(np.zeros(shape), geometry=geometry)
    np.testing.assert_allclose(array.index_to_physical([0, 0]), geometry.origin)
    # exact in index space, boundaries included
    n0, n1 = shape
    exact = [[-0.5, -0.5], [n0 - 0.5, 0.0], [0.0, n1 - 0.5], [-0.5000001, 0.0], [n0 - 0.5000001, n1 - 0.5000001]]
    assert geometry.contains_index(exact, shape).tolist() == [True, False, False, False, True]
    # in physical space, 1e-6 voxel either side of every boundary
    d, s, o = geometry.direction, geometry.spacing, geometry.origin
    eps = 1e-6
    for k0 in (-0.5 + eps, -0.5 - eps, 0.0, n0 - 0.5 - eps, n0 - 0.5 + eps):
        for k1 in (-0.5 + eps, n1 - 0.5 - eps, n1 - 0.5 + eps):
            point = o + d[:, 0] * s[0] * k0 + d[:, 1] * s[1] * k1
            inside = -0.5 <= k0 < n0 - 0.5 and -0.5 <= k1 < n1 - 0.5
            assert bool(array.contains(point)) is inside, (k0, k1)
    corners = geometry.corners(shape)
    assert corners.shape == (4, geometry.physical_ndim)
    expected = {tuple(np.round(o + d[:, 0] * s[0] * a + d[:, 1] * s[1] * b, 9))
                for a in (-0.5, shape[0] - 0.5) for b in (-0.5, shape[1] - 0.5)}
    assert {tuple(np.round(c, 9)) for c in corners} == expected


def test_extent_helpers_reject_wrong_shapes() -> None:
    g = sn.Geometry.identity(2)
    with pytest.raises(ValueError, match="shape must have 2 entries"):
        g.contains_index([0, 0], shape=[3])
    with pytest.raises(ValueError, match=r"index must have shape \(\.\.\., 2\)"):
        g.contains_index([0, 0, 0], shape=[3, 3])
    with pytest.raises(ValueError, match="shape must have 2 entries"):
        g.corners([3])


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_row_form_of_the_extent_rule_agrees_with_contains_index(data: st.DataObject) -> None:
    """SA-3.1 is implemented twice (per element, and per row for resampling): they must agree everywhere."""
    from spatial_ndarray.geometry import inside_columns

    n = data.draw(st.integers(1, 3))
    shape = data.draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    step = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.25, -0.5, 1.0, 1.5, -1.25]), min_size=n, max_size=n)))
    offsets = np.array(data.draw(st.lists(st.lists(st.floats(-8, 8).map(lambda v: round(v * 4) / 4), min_size=n, max_size=n), min_size=1, max_size=5)))
    columns = data.draw(st.integers(1, 12))
    start, stop = inside_columns(step, offsets, shape, columns)
    g = sn.Geometry.identity(n)
    for row, offset in enumerate(offsets):
        indices = offset + np.outer(np.arange(columns), step)
        expected = g.contains_index(indices, shape)
        got = (np.arange(columns) >= start[row]) & (np.arange(columns) < stop[row])
        assert np.array_equal(got, expected), (offset, step, shape)


@settings(max_examples=100, deadline=None)
@given(geometry=geometries(3), index=hnp.arrays(np.float64, (4, 3), elements=st.floats(-5, 5)))
def test_from_affine_reads_back_any_geometry(geometry: sn.Geometry, index: np.ndarray) -> None:
    """The affine maps [k, 1] to [p, 1]; from_affine recovers a geometry that places every index there."""
    n = geometry.spatial_ndim
    affine = geometry.affine
    points = (affine @ np.concatenate([index[:, :n], np.ones((4, 1))], axis=1).T).T[:, :-1]
    back = sn.Geometry.from_affine(affine)
    for k, p in zip(index[:, :n], points):
        np.testing.assert_allclose(position(back.origin, back.spacing, back.direction, k), p, atol=1e-9)
    assert back.mismatch(geometry, sn.Tolerance(1e-12, 1e-12)) is None


def test_from_affine_refuses_shear_and_bad_matrices() -> None:
    sheared = np.array([[1.0, 0.3, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="affine has shear"):
        sn.Geometry.from_affine(sheared)
    with pytest.raises(ValueError, match="affine has a zero column"):
        sn.Geometry.from_affine(np.diag([1.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="last row"):
        sn.Geometry.from_affine(np.ones((3, 3)))


@settings(max_examples=50, deadline=None)
@given(geometry=geometries(2))
def test_orthonormal_complement_completes_a_right_handed_basis(geometry: sn.Geometry) -> None:
    from spatial_ndarray.geometry import orthonormal_complement

    d = geometry.direction
    complement = orthonormal_complement(d)
    assert complement.shape == (d.shape[0], d.shape[0] - d.shape[1])
    if complement.shape[1]:  # an embedded direction: completed to a right-handed orthonormal basis
        basis = np.concatenate([complement, d], axis=1)
        np.testing.assert_allclose(basis.T @ basis, np.eye(d.shape[0]), atol=1e-12)
        assert np.linalg.det(basis) > 0


def test_start_coordinates_are_the_first_elements_coordinates() -> None:
    square = sn.Geometry(origin=[1.0, 2.0], spacing=[3.0, 4.0], direction=[[0.6, -0.8], [0.8, 0.6]])
    assert square.start_coordinates().tolist() == [1.0, 2.0]  # itk's convention: origin components
    plane = sn.Geometry(origin=[0.0, 3.0, 5.0], spacing=[1.0, 1.0], direction=[[0.0, 0.0], [0.6, -0.8], [0.8, 0.6]])
    np.testing.assert_allclose(plane.start_coordinates(), [0.6 * 3 + 0.8 * 5, -0.8 * 3 + 0.6 * 5])  # along each axis
