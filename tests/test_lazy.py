"""Lazy images (SPEC chapter 18): dask-backed DataArrays processed chunk by chunk, equal to memory bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray.lazy import is_lazy, lazy_image

dask_array = pytest.importorskip("dask.array")


def _image(seed: int, n: int, components: int, dtype: type = np.float32) -> sn.SpatialArray:
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(5, 17, size=n)) + ((components,) if components else ())
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return sn.SpatialArray(
        (rng.normal(size=shape) * 50).astype(dtype),  # full-mantissa float32
        origin=rng.uniform(-100, 100, size=n),
        spacing=rng.uniform(0.3, 2.0, size=n),
        direction=q * np.sign(np.diag(r)),
    )


def _lazy(image: sn.SpatialArray, chunks: tuple[int, ...]):
    data = dask_array.from_array(np.asarray(image), chunks=chunks + image.shape[len(chunks):])
    return lazy_image(data, image.geometry)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.sampled_from([2, 3]),
    components=st.sampled_from([0, 2]),
    chunk=st.integers(1, 7),
    factor=st.integers(2, 3),
    method=st.sampled_from(["mean", "gaussian"]),
)
def test_lazy_downsample_and_pyramid_equal_memory(seed, n, components, chunk, factor, method) -> None:
    """SA-18.5: sn.downsample / sn.pyramid of a lazy image: the in-memory values and geometry, bit for bit."""
    image = _image(seed, n, components)
    lazy = _lazy(image, (chunk,) * n)
    small = sn.downsample(lazy, factor, method=method)
    assert is_lazy(small)
    expected = sn.downsample(image, factor, method=method)
    got = small.spatial.to_spatial_array()
    assert got.dtype == expected.dtype and np.array_equal(np.asarray(got), np.asarray(expected))
    assert got.geometry == expected.geometry
    for a, b in zip(sn.pyramid(lazy, 3), sn.pyramid(image, 3)) if min(image.shape[:n]) >= 4 else ():
        assert np.array_equal(np.asarray(a.spatial.to_spatial_array()), np.asarray(b))
        assert a.spatial.geometry == b.geometry


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.sampled_from([2, 3]),
    components=st.sampled_from([0, 3]),
    chunk=st.integers(1, 6),
    sigma=st.floats(0.2, 3.0),
    mode=st.sampled_from(["nearest", "reflect", "constant"]),
)
def test_lazy_gaussian_equals_memory_across_chunk_borders(seed, n, components, chunk, sigma, mode) -> None:
    """SA-18.5: the physical-unit Gaussian overlaps chunks by its radius: every voxel equals the in-memory one."""
    image = _image(seed, n, components)
    smoothed = sn.gaussian_filter(_lazy(image, (chunk,) * n), sigma, mode=mode)
    assert is_lazy(smoothed)
    expected = sn.gaussian_filter(image, sigma, mode=mode)
    got = smoothed.spatial.to_spatial_array()
    assert np.array_equal(np.asarray(got), np.asarray(expected)) and got.geometry == expected.geometry


def test_meta_travels_with_lazy_images() -> None:
    """SA-14.7, SA-18.5: a lazy result keeps the image's meta, as the in-memory functions do."""
    image = _image(5, 3, 0)
    lazy = lazy_image(dask_array.from_array(np.asarray(image), chunks=4), image.geometry, {"modality": "CT", "frame": "LPS"})
    for result in (sn.downsample(lazy, 2), sn.gaussian_filter(lazy, 1.0), sn.resample(lazy, image)):
        assert result.spatial.to_spatial_array().meta == {"modality": "CT", "frame": "LPS"}


def test_nothing_is_computed_until_asked() -> None:
    """SA-18.5: building the pipeline runs no chunk (the data raise when computed)."""

    def explode(block: np.ndarray) -> np.ndarray:
        raise AssertionError("a chunk was computed")

    image = _image(1, 3, 0)
    data = dask_array.from_array(np.asarray(image), chunks=4).map_blocks(explode, dtype=np.float32)
    lazy = lazy_image(data, image.geometry)
    result = sn.downsample(sn.gaussian_filter(lazy, 1.0), 2)
    assert result.spatial.spacing.tolist() == (image.spacing * 2).tolist()
    with pytest.raises(AssertionError, match="a chunk was computed"):
        result.compute()


def test_bad_input_to_lazy_functions() -> None:
    image = _lazy(_image(2, 2, 0), (4, 4))
    with pytest.raises(ValueError, match="sigma must be"):
        sn.gaussian_filter(image, -1.0)
    with pytest.raises(ValueError, match="factors must be"):
        sn.downsample(image, 0)
    with pytest.raises(ValueError, match="larger than the spatial shape"):
        sn.downsample(image, 99)
    with pytest.raises(TypeError, match="Geometry"):
        lazy_image(dask_array.zeros((2, 2)), "not a geometry")


@pytest.mark.interop
def test_a_distributed_cluster_of_processes_runs_the_pipeline(tmp_path) -> None:
    """SA-18.4: read OME-Zarr lazily, smooth, downsample, write a pyramid on 2 worker processes; equal to memory."""
    distributed = pytest.importorskip("distributed")
    image = _image(4, 3, 0)
    sn.write_ome_zarr(image, tmp_path / "in.zarr", chunks=5)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            lazy = sn.read_ome_zarr(tmp_path / "in.zarr")
            sn.write_ome_zarr(sn.downsample(sn.gaussian_filter(lazy, 1.5), 2), tmp_path / "out.zarr", levels=2, chunks=3)
    expected = sn.pyramid(sn.downsample(sn.gaussian_filter(image, 1.5), 2), 2)
    for k in range(2):
        got = sn.read_ome_zarr(tmp_path / "out.zarr", k, lazy=False)
        assert got.geometry == expected[k].geometry
        if k == 0:
            assert np.array_equal(np.asarray(got), np.asarray(expected[0]))
        else:  # the OME-Zarr levels keep the stored dtype (SA-18.1)
            np.testing.assert_allclose(np.asarray(got), np.asarray(expected[1]), rtol=1e-6, atol=1e-5)


def _oblique_case(seed: int, n: int, components: int, dtype: type):
    rng = np.random.default_rng(seed)
    image = _image(seed, n, components, dtype=np.float64)
    if np.issubdtype(dtype, np.integer):
        image = sn.SpatialArray(np.abs(np.asarray(image)).astype(dtype), geometry=image.geometry)
    else:
        image = sn.SpatialArray(np.asarray(image).astype(dtype), geometry=image.geometry)
    centre = image.index_to_physical(np.array(image.shape[:n]) / 2)
    if n == 3:
        transform = sn.AffineTransform.from_euler(rng.uniform(-0.5, 0.5, 3), center=centre)
    else:
        transform = sn.AffineTransform.from_rotation(float(rng.uniform(-0.5, 0.5)), center=centre)
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    reference = sn.SpatialArray(
        np.zeros(tuple(int(s) for s in rng.integers(5, 15, size=n))),
        origin=centre - rng.uniform(4, 14, n), spacing=rng.uniform(0.4, 2.0, n), direction=q * np.sign(np.diag(r)),
    )
    return image, reference, transform


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.sampled_from([2, 3]),
    components=st.sampled_from([0, 2]),
    interpolator=st.sampled_from(["linear", "nearest", "label", "label_linear"]),
    dtype=st.sampled_from([np.float32, np.float64, np.uint8, np.int16]),
    chunk=st.tuples(st.integers(4, 9), st.integers(5, 11), st.integers(5, 11)),
    lazy_input=st.booleans(),
)
def test_chunked_resampling_equals_memory(seed, n, components, interpolator, dtype, chunk, lazy_input) -> None:
    """SA-18.5: every output chunk, computed from only the input region it needs, equals the in-memory resample."""
    if interpolator == "label_linear":
        dtype, components = np.uint8, 0  # labels: one label image
    image, reference, transform = _oblique_case(seed, n, components, dtype)
    if interpolator == "label_linear":
        image = sn.SpatialArray(np.asarray(image) % 4, geometry=image.geometry)
    expected = sn.resample(image, reference, transform=transform, interpolator=interpolator)
    source = _lazy(image, (4,) * n) if lazy_input else image
    got = sn.resample(source, reference, transform=transform, interpolator=interpolator, chunks=None if lazy_input else chunk[:n])
    assert is_lazy(got)
    result = got.spatial.to_spatial_array()
    assert result.geometry == expected.geometry and result.dtype == expected.dtype
    assert np.array_equal(np.asarray(result), np.asarray(expected))


def test_chunks_outside_the_input_read_nothing() -> None:
    """SA-18.5: an output region that maps outside the input is default_value without reading a voxel."""

    def explode(block: np.ndarray) -> np.ndarray:
        raise AssertionError("an input chunk was read")

    image = _image(3, 3, 0)
    lazy = lazy_image(dask_array.from_array(np.asarray(image), chunks=4).map_blocks(explode, dtype=np.float32), image.geometry)
    far = sn.SpatialArray(np.zeros((6, 6, 6)), origin=image.origin + 1e4, spacing=[1.0, 1.0, 1.0])
    out = sn.lazy.resample(lazy, far, chunks=3, default_value=-7.0).compute()
    assert np.all(out.values == -7.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"interpolator": "bspline"}, "bspline"),
        ({"interpolator": "cubic"}, "interpolator must be one of"),
        ({"chunks": 0}, "chunks must be >= 1"),
        ({"chunks": "x"}, "chunks must be one whole number"),
    ],
)
def test_chunked_resampling_bad_input(kwargs, match) -> None:
    image = _image(1, 2, 0)
    with pytest.raises(ValueError, match=match):
        sn.lazy.resample(image, image, **kwargs)
