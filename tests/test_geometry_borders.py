"""Property tests of the geometry the borders use (xarray coordinates, plot extents, napari): each against the tests' own formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import geometries, position


def _rows_and_signs(direction: np.ndarray) -> list[tuple[int, int]] | None:
    """The tests' own reading of a signed permutation: the one non-zero entry of each column."""
    pairs = []
    for column in direction.T:
        nonzero = np.flatnonzero(np.abs(column) > 1e-9)
        if len(nonzero) != 1 or not np.isclose(abs(column[nonzero[0]]), 1.0):
            return None
        pairs.append((int(nonzero[0]), int(np.sign(column[nonzero[0]]))))
    return pairs


@settings(max_examples=200, deadline=None)
@given(geometry=geometries(3), shape=st.lists(st.integers(1, 6), min_size=3, max_size=3))
def test_axis_lines_and_box_edges_are_positions_along_each_axis(geometry: sn.Geometry, shape: list[int]) -> None:
    """SA-14.1: element k of axis i sits at start + k * step along the physical axis it runs along (or its own axis)."""
    origin, spacing, direction = geometry.origin, geometry.spacing, geometry.direction
    pairs = _rows_and_signs(direction)
    assert (geometry.axis_alignment() is None) == (pairs is None)
    if pairs is not None:
        assert list(geometry.axis_alignment() or ()) == pairs
    starts, steps = geometry.axis_lines()
    edges = geometry.box_edges(shape)
    for axis in range(3):
        for k in (-0.5, 0.0, 1.0, shape[axis] - 1.0, shape[axis] - 0.5):
            index = [0.0, 0.0, 0.0]
            index[axis] = k
            point = position(origin, spacing, direction, index)
            coordinate = point[pairs[axis][0]] if pairs is not None else direction[:, axis] @ point
            assert starts[axis] + k * steps[axis] == pytest.approx(coordinate, abs=1e-9 * (1 + abs(coordinate)))
            if k == -0.5:
                assert edges[axis][0] == pytest.approx(coordinate, abs=1e-9 * (1 + abs(coordinate)))
            if k == shape[axis] - 0.5:
                assert edges[axis][1] == pytest.approx(coordinate, abs=1e-9 * (1 + abs(coordinate)))


@settings(max_examples=200, deadline=None)
@given(geometry=geometries(2), data=st.data())
def test_in_plane_places_every_element_in_the_plane(geometry: sn.Geometry, data: st.DataObject) -> None:
    """SA-14.9: the square in-plane geometry gives the physical coordinates on the kept rows, or along the own axes."""
    plane, rows = geometry.in_plane()
    assert plane.physical_ndim == plane.spatial_ndim == 2
    index = data.draw(st.lists(st.floats(-1, 5), min_size=2, max_size=2))
    point = position(geometry.origin, geometry.spacing, geometry.direction, index)
    in_plane = position(plane.origin, plane.spacing, plane.direction, index)
    if rows is None:
        assert geometry.axis_alignment() is None and geometry.physical_ndim > 2
        np.testing.assert_allclose(in_plane, geometry.direction.T @ point, atol=1e-9 * (1 + np.abs(point).max()))
    else:
        assert list(rows) == sorted(rows)
        np.testing.assert_allclose(in_plane, point[list(rows)], atol=1e-9 * (1 + np.abs(point).max()))
        if geometry.physical_ndim > 2:  # dropped rows are constant on the slice
            others = [r for r in range(geometry.physical_ndim) if r not in rows]
            np.testing.assert_allclose(point[others], geometry.origin[others], atol=1e-9 * (1 + np.abs(point).max()))


def test_same_space_along_ignores_only_the_excluded_axes() -> None:
    """SA-14.4: offsets along an excluded axis do not count; along a kept axis, spacing and direction, they do."""
    rotation = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))[0]
    a = sn.Geometry([1.0, 2.0, 3.0], [1.0, 2.0, 0.5], rotation)
    moved = a.shifted([7.0, 0.0, 0.0])
    assert a.same_space_along(moved, [False, True, True]) and not a.same_space(moved)
    assert not a.same_space_along(a.shifted([0.0, 0.1, 0.0]), [False, True, True])
    assert not a.same_space_along(a.replace(spacing=[1.0, 2.1, 0.5]), [False, True, True])
    assert a.same_space_along(a.replace(spacing=[9.0, 2.0, 0.5]), [False, True, True])
    with pytest.raises(ValueError, match="keep must have 3 entries"):
        a.same_space_along(a, [True])


def test_box_edges_refuses_a_wrong_shape() -> None:
    with pytest.raises(ValueError, match="shape must have 2 entries"):
        sn.Geometry.identity(2).box_edges([3])


@settings(max_examples=100, deadline=None)
@given(geometry=geometries(3), data=st.data())
def test_physical_coordinate_is_one_row_of_the_position(geometry: sn.Geometry, data: st.DataObject) -> None:
    """SA-14.2: the row-at-a-time coordinate the lazy N-D coordinates use equals SA-2.1's position, row by row."""
    shape = data.draw(st.lists(st.integers(1, 3), min_size=3, max_size=3))
    grids = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    for row in range(geometry.physical_ndim):
        got = geometry.physical_coordinate(row, grids)
        assert got.shape == tuple(shape)
        for k in np.ndindex(*shape):
            point = position(geometry.origin, geometry.spacing, geometry.direction, k)
            assert got[k] == pytest.approx(point[row], abs=1e-9 * (1 + np.abs(point).max()))
    with pytest.raises(ValueError, match="one per spatial axis"):
        geometry.physical_coordinate(0, grids[:2])
