"""xarray adapters: layout, exact round trips, any dim order, stale attrs, errors, dask laziness, itk interop."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

xr = pytest.importorskip("xarray")

from spatial_ndarray.xarray import geometry_of  # noqa: E402  (needs xarray)

from .strategies import array_position, geometries  # noqa: E402
from .test_positions import assert_positions_kept  # noqa: E402

ROTATION = np.linalg.qr(np.random.default_rng(7).normal(size=(3, 3)))[0]


def volume(shape: tuple[int, ...] = (4, 5, 6), **geometry: Any) -> sn.SpatialArray:
    geometry.setdefault("origin", [1.0, -2.0, 3.5])
    geometry.setdefault("spacing", [0.5, 0.7, 2.0])
    geometry.setdefault("direction", ROTATION)
    return sn.SpatialArray(np.arange(float(np.prod(shape))).reshape(shape), **geometry)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_is_exact_to_the_bit(data: st.DataObject) -> None:
    """2-D, 3-D, 4-D, vector and embedded images, oblique directions: geometry equal to the bit, memory shared."""
    n = data.draw(st.integers(1, 4))
    components = data.draw(st.integers(0, 1))
    geometry = data.draw(geometries(n))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))) + ((3,) if components else ())
    image = sn.SpatialArray(np.arange(float(np.prod(shape))).reshape(shape), geometry=geometry)
    da = sn.to_xarray(image)
    assert da.dims == ("t", "z", "y", "x")[-n:] + (("c",) if components else ())
    assert np.shares_memory(da.data, image)
    back = sn.from_xarray(da)
    assert back.geometry == image.geometry  # exact, not within tolerance
    assert np.shares_memory(back, image) and np.array_equal(back, image)


def test_layout_follows_the_itk_and_spatial_image_convention() -> None:
    image = volume()
    image.meta["spatial_units"] = "mm"
    da = image.to_xarray(name="ct")
    assert da.name == "ct"
    for axis, dim in enumerate(("z", "y", "x")):
        coordinate = da.coords[dim]
        assert coordinate.dtype == np.float64 and coordinate.attrs == {"long_name": f"{dim} position", "units": "mm"}
        np.testing.assert_array_equal(coordinate.values, image.origin[axis] + np.arange(image.shape[axis]) * image.spacing[axis])
    np.testing.assert_array_equal(da.attrs["direction"], image.direction)
    np.testing.assert_array_equal(da.attrs["origin"], image.origin)
    assert da.attrs["spatial_dims"] == "z y x"
    vector = sn.to_xarray(sn.SpatialArray(np.zeros((2, 3, 4)), spacing=[1.0, 1.0]))
    assert vector.dims == ("y", "x", "c") and vector.coords["c"].values.tolist() == [0, 1, 2, 3]


def test_any_dim_order_is_moved_back_with_its_geometry() -> None:
    image = volume()
    da = sn.to_xarray(image)
    for order in [("x", "z", "y"), ("y", "x", "z"), ("x", "y", "z")]:
        back = sn.from_xarray(da.transpose(*order))
        assert back.geometry == image.geometry and np.array_equal(back, image)
    vector = sn.SpatialArray(np.arange(24.0).reshape(2, 3, 4), spacing=[2.0, 3.0])
    back = sn.from_xarray(sn.to_xarray(vector).transpose("c", "x", "y"))
    assert back.geometry == vector.geometry and np.array_equal(back, vector)


@pytest.mark.parametrize("selection, index", [
    (dict(x=slice(1, None, 2)), (slice(None), slice(None), slice(1, None, 2))),
    (dict(z=slice(None, None, -1)), (slice(None, None, -1),)),
    (dict(y=slice(3, 0, -2), x=slice(2, 5)), (slice(None), slice(3, 0, -2), slice(2, 5))),
    (dict(z=slice(2, 3)), (slice(2, 3),)),
])
def test_xarray_selections_of_an_oblique_image_keep_every_position(selection: dict, index: tuple) -> None:
    """xarray keeps attrs through isel while it changes coordinates: positions still come out right."""
    image = volume()
    selected = sn.from_xarray(sn.to_xarray(image).isel(**selection))
    assert np.array_equal(selected, image[index])
    assert_positions_kept(image, selected)


def test_an_integer_selection_is_an_integer_index_with_its_embedding() -> None:
    """SA-5.3, SA-4.2: isel(z=2) drops the dim to a scalar coordinate; the slice keeps P and every position."""
    image = volume()
    for selection, index in [(dict(z=2), (2,)), (dict(y=-1, x=3), (slice(None), -1, 3))]:
        sliced = sn.from_xarray(sn.to_xarray(image).isel(**selection))
        assert sliced.geometry.physical_ndim == 3 and np.array_equal(sliced, image[index])
        assert_positions_kept(image, sliced)
    with pytest.raises(ValueError, match="none of its spatial dims"):
        sn.from_xarray(sn.to_xarray(image).isel(z=0, y=0, x=0))


def test_coarsen_bins_like_a_reduction() -> None:
    """SA-8.1: xarray's coarsen gives coordinates at bin centres; each coarse element sits at its centroid."""
    image = volume()
    coarse = sn.from_xarray(sn.to_xarray(image).coarsen(x=2, y=5).mean())
    for k in np.ndindex(*coarse.shape):
        fine = [array_position(image, (k[0], 5 * k[1] + j, 2 * k[2] + i)) for j in range(5) for i in range(2)]
        np.testing.assert_allclose(array_position(coarse, k), np.mean(fine, axis=0), atol=1e-9)


def test_descending_coordinates_without_attrs() -> None:
    """A negative coordinate step is a positive spacing and a negated direction column (itk refuses these)."""
    da = xr.DataArray(np.arange(6.0).reshape(2, 3), dims=("y", "x"), coords={"y": [10.0, 8.0], "x": [0.0, 0.5, 1.0]})
    image = sn.from_xarray(da)
    assert image.spacing.tolist() == [2.0, 0.5] and image.direction.tolist() == [[-1.0, 0.0], [0.0, 1.0]]
    np.testing.assert_allclose(image.index_to_physical([1, 2]), [8.0, 1.0])


def test_spacing_from_coordinates_is_rounding_robust() -> None:
    coords = np.linspace(0.1, 0.1 + 0.3 * 999, 1000)  # linspace rounding, as itk writes
    da = xr.DataArray(np.zeros(1000), dims=("x",), coords={"x": coords})
    assert abs(sn.from_xarray(da).spacing[0] - 0.3) <= 1e-15


def test_size_one_axes_take_spacing_from_attrs() -> None:
    image = volume((1, 5, 1))
    back = sn.from_xarray(sn.to_xarray(image))
    assert back.geometry == image.geometry
    plain = xr.DataArray(np.zeros((1, 3)), dims=("y", "x"), coords={"y": [4.0], "x": [0.0, 1.0, 2.0]})
    geometry, _ = geometry_of(plain)
    assert geometry.spacing.tolist() == [1.0, 1.0] and geometry.origin.tolist() == [4.0, 0.0]


def test_fortran_ordered_strided_and_time_axis_data() -> None:
    data = np.asfortranarray(np.arange(60.0).reshape(3, 4, 5))
    strided = np.arange(240.0).reshape(6, 8, 5)[::2, ::2]
    for values in (data, strided):
        da = xr.DataArray(values, dims=("z", "y", "x"), coords={"z": [0.0, 2.0, 4.0], "y": [0.0, 1.0, 2.0, 3.0], "x": np.arange(5.0)})
        image = sn.from_xarray(da)
        assert np.array_equal(image, values) and np.shares_memory(image, values)
        assert image.spacing.tolist() == [2.0, 1.0, 1.0]
    movie = sn.SpatialArray(np.zeros((2, 3, 4, 5)), spacing=[10.0, 1.0, 1.0, 1.0])
    da = sn.to_xarray(movie)
    assert da.dims == ("t", "z", "y", "x")
    assert sn.from_xarray(da.transpose("z", "t", "x", "y")).geometry == movie.geometry


def test_custom_dims() -> None:
    image = sn.SpatialArray(np.zeros((2, 3)), spacing=[2.0, 3.0])
    da = sn.to_xarray(image, dims=("row", "col"))
    assert sn.from_xarray(da).geometry == image.geometry  # attrs name the spatial dims
    bare = xr.DataArray(np.zeros((2, 3)), dims=("row", "col"), coords={"row": [0.0, 2.0], "col": [0.0, 3.0, 6.0]})
    assert sn.from_xarray(bare, spatial_dims=("row", "col")).spacing.tolist() == [2.0, 3.0]


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: xr.DataArray(np.zeros(3), dims=("x",), coords={"x": [0.0, 1.0, 3.0]}), ValueError, "not uniformly spaced"),
    (lambda: xr.DataArray(np.zeros(3), dims=("x",), coords={"x": [1.0, 1.0, 1.0]}), ValueError, "not uniformly spaced"),
    (lambda: xr.DataArray(np.zeros((2, 2)), dims=("a", "x")), ValueError, r"dims \['a'\] are neither spatial"),
    (lambda: xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), attrs={"direction": np.eye(3)}), ValueError, r"attrs\['direction'\] must have shape \(2, 2\)"),
    (lambda: xr.DataArray(np.zeros((2, 2)), dims=("c", "c2")), ValueError, "neither spatial"),
    (lambda: np.zeros(3), TypeError, "from_xarray needs an xarray.DataArray"),
    (lambda: xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), attrs={"origin": "abc", "spacing": [1, 1]}), ValueError, r"attrs\['origin'\] must hold real numbers"),
    (lambda: xr.DataArray(np.zeros((2, 2)), dims=("y", "x"), attrs={"direction": "abc"}), ValueError, r"attrs\['direction'\] must hold real numbers"),
])
def test_bad_data_arrays_are_refused_naming_the_problem(make: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        sn.from_xarray(make())


def test_bad_to_xarray_arguments() -> None:
    with pytest.raises(TypeError, match="to_xarray needs a SpatialArray"):
        sn.to_xarray(np.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dims must be 2 distinct strings"):
        sn.to_xarray(sn.SpatialArray(np.zeros((2, 2))), dims=("x", "x"))
    with pytest.raises(ValueError, match="dims is required for 5 spatial axes"):
        sn.to_xarray(sn.SpatialArray(np.zeros((1,) * 5)))


def test_accessor_reads_geometry_without_computing_dask_data() -> None:
    dask_array = pytest.importorskip("dask.array")
    image = volume()
    da = sn.to_xarray(image)

    def explode(block: np.ndarray) -> np.ndarray:
        raise RuntimeError("the data was computed")

    lazy = da.copy(data=dask_array.from_array(np.asarray(image), chunks=2).map_blocks(explode, dtype=float))
    assert lazy.spatial.geometry == image.geometry and lazy.spatial.spatial_dims == ("z", "y", "x")
    np.testing.assert_array_equal(lazy.spatial.index_to_physical([1, 2, 3]), image.index_to_physical([1, 2, 3]))
    np.testing.assert_allclose(lazy.spatial.physical_to_index(image.index_to_physical([1, 2, 3])), [1, 2, 3], atol=1e-9)
    positions = lazy.spatial.physical_coords()
    assert positions.chunks is not None  # lazy: a dask graph, nothing computed
    computed = positions.values
    for k in [(0, 0, 0), (3, 4, 5), (1, 2, 3)]:
        np.testing.assert_allclose(computed[k], array_position(image, k), atol=1e-9)
    with pytest.raises(RuntimeError, match="the data was computed"):
        lazy.spatial.to_spatial_array()


def test_accessor_physical_coords_of_numpy_data() -> None:
    image = volume()
    positions = sn.to_xarray(image).spatial.physical_coords()
    assert positions.dims == ("z", "y", "x", "physical") and positions.chunks is None
    for k in np.ndindex(*image.shape):
        np.testing.assert_allclose(positions.values[k], array_position(image, k), atol=1e-9)


# -- the real itk and spatial-image (installed by the test extras) -----------------------------------------------


@pytest.mark.interop
def test_itk_reads_our_data_arrays() -> None:
    itk = pytest.importorskip("itk")
    image = sn.SpatialArray(np.random.default_rng(0).random((4, 5, 6)).astype(np.float32),
                            origin=[1.0, -2.0, 3.5], spacing=[0.5, 0.7, 2.0], direction=ROTATION)
    itk_image = itk.image_from_xarray(sn.to_xarray(image))
    assert np.array_equal(itk.array_view_from_image(itk_image), image)
    for k in [(0, 0, 0), (3, 4, 5), (1, 2, 3)]:
        point = itk_image.TransformIndexToPhysicalPoint([int(i) for i in k[::-1]])  # itk: (x, y, z) index
        np.testing.assert_allclose(np.array(point)[::-1], array_position(image, k), atol=1e-6)


@pytest.mark.interop
def test_we_read_itk_data_arrays_of_rotated_and_vector_images() -> None:
    itk = pytest.importorskip("itk")
    values = np.random.default_rng(1).random((4, 5, 6)).astype(np.float32)
    itk_image = itk.image_from_array(values)
    itk_image.SetOrigin([3.0, -1.0, 7.5])
    itk_image.SetSpacing([0.25, 0.5, 1.5])
    itk_image.SetDirection(itk.matrix_from_array(np.ascontiguousarray(ROTATION.T)))
    image = sn.from_xarray(itk.xarray_from_image(itk_image))
    assert np.array_equal(image, values)
    for k in [(0, 0, 0), (3, 4, 5), (2, 1, 4)]:
        point = itk_image.TransformIndexToPhysicalPoint([int(i) for i in k[::-1]])
        np.testing.assert_allclose(image.index_to_physical(k), np.array(point)[::-1], atol=1e-9)
    vector = itk.image_from_array(np.zeros((4, 5, 3), dtype=np.float32), is_vector=True)
    vector.SetSpacing([2.0, 3.0])
    read = sn.from_xarray(itk.xarray_from_image(vector))
    assert read.shape == (4, 5, 3) and read.spatial_ndim == 2 and read.spacing.tolist() == [3.0, 2.0]


@pytest.mark.interop
def test_spatial_image_accepts_ours_and_we_read_theirs() -> None:
    spatial_image = pytest.importorskip("spatial_image")
    assert spatial_image.is_spatial_image(sn.to_xarray(volume()))
    theirs = spatial_image.to_spatial_image(np.zeros((3, 4)), dims=("y", "x"), scale={"y": 2.0, "x": 0.5},
                                            translation={"y": 10.0, "x": -1.0})
    image = sn.from_xarray(theirs)
    assert image.spacing.tolist() == [2.0, 0.5] and image.origin.tolist() == [10.0, -1.0]
