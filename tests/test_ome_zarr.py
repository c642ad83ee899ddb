"""OME-Zarr pyramids (SPEC chapter 18): exact geometry per level, read back by independent NGFF readers.

Positions are computed here from the public attributes with the tests' own formula,
``origin + direction @ (spacing * k)``, and compared with what ngff-zarr and
ome-zarr-py (independent readers) report.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

zarr = pytest.importorskip("zarr")
dask_array = pytest.importorskip("dask.array")
pytestmark = pytest.mark.interop


def _rotation(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def _image(seed: int, n: int, components: int, dtype: type = np.float32) -> sn.SpatialArray:
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(4, 13, size=n)) + ((components,) if components else ())
    values = (rng.normal(size=shape) * 100).astype(dtype)  # full-mantissa float32
    return sn.SpatialArray(
        values,
        origin=rng.uniform(-300, 300, size=n),
        spacing=rng.uniform(0.2, 3.0, size=n),
        direction=_rotation(rng, n),
        meta={"frame": "LPS"},
    )


def _positions(origin: np.ndarray, spacing: np.ndarray, direction: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    index = np.stack(np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"), axis=-1).astype(np.float64)
    return origin + (index * spacing) @ direction.T


def _block_centres(level0: np.ndarray, factor: int, n: int) -> np.ndarray:
    """The centroid of the level-0 voxel centres each level-k voxel averages (the test's own oracle)."""
    kept = [s // factor for s in level0.shape[:n]]
    block = level0[tuple(slice(0, m * factor) for m in kept)]
    block = block.reshape(sum(((m, factor) for m in kept), ()) + (level0.shape[-1],))
    return block.mean(axis=tuple(range(1, 2 * n, 2)))


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n=st.sampled_from([2, 3]),
    components=st.sampled_from([0, 3]),
    levels=st.integers(1, 3),
    version=st.sampled_from(["0.4", "0.5"]),
)
def test_every_level_overlays_the_original(tmp_path_factory, seed, n, components, levels, version) -> None:
    """SA-18.1: level k+1 is the block mean of level k, each voxel at the centroid of the voxels it averages."""
    image = _image(seed, n, components)
    path = tmp_path_factory.mktemp("z") / "img.ome.zarr"
    sn.write_ome_zarr(image, path, levels=levels, version=version, chunks=5)
    back = sn.read_ome_zarr(path, 0, lazy=False)
    assert np.array_equal(np.asarray(back), np.asarray(image)) and back.dtype == image.dtype
    assert back.geometry == image.geometry  # bit-exact, direction included (SA-18.3)
    centres = _positions(image.origin, image.spacing, image.direction, image.shape[:n])
    values = np.asarray(image, dtype=np.float64)
    for k in range(1, levels):
        level = sn.read_ome_zarr(path, k, lazy=False)
        centres, values = _block_centres(centres, 2, n), _block_centres(values if components else values[..., None], 2, n)
        if not components:
            values = values[..., 0]
        assert level.shape[:n] == centres.shape[:n]
        seen = _positions(level.origin, level.spacing, level.direction, level.shape[:n])
        np.testing.assert_allclose(seen, centres, rtol=0, atol=1e-9 * 300)
        # stored in the input's dtype: float32 block means of the float32 level before
        np.testing.assert_allclose(np.asarray(level), values.astype(np.float32), rtol=2e-6, atol=1e-4)
        values = np.asarray(level, dtype=np.float64)


def test_a_chunked_write_equals_the_in_memory_write_bit_for_bit(tmp_path) -> None:
    """SA-18.4: writing a lazy image (levels from the level just written, chunk by chunk) gives the same bytes."""
    for dtype, components in ((np.float32, 0), (np.uint16, 2), (np.float64, 0)):
        image = _image(7, 3, components, dtype=np.float64)
        image = sn.SpatialArray(np.abs(np.asarray(image)).astype(dtype), geometry=image.geometry)
        memory, chunked = tmp_path / f"m{dtype.__name__}.zarr", tmp_path / f"c{dtype.__name__}.zarr"
        sn.write_ome_zarr(image, memory, levels=3, chunks=4)
        lazy = sn.read_ome_zarr(memory, 0)
        sn.write_ome_zarr(lazy, chunked, levels=3, chunks=(3, 5, 7))
        for k in range(3):
            a, b = sn.read_ome_zarr(memory, k, lazy=False), sn.read_ome_zarr(chunked, k, lazy=False)
            assert np.array_equal(np.asarray(a), np.asarray(b)) and a.dtype == b.dtype == dtype
            assert a.geometry == b.geometry


def test_reading_is_lazy_until_computed(tmp_path) -> None:
    """SA-18.4: read_ome_zarr reads metadata only; the voxels are read when computed."""
    image = _image(3, 3, 0)
    sn.write_ome_zarr(image, tmp_path / "a.zarr", levels=2, chunks=4)
    chunk_files = [f for f in (tmp_path / "a.zarr" / "1").rglob("*") if f.is_file() and f.name != "zarr.json"]
    assert chunk_files
    for f in chunk_files:  # corrupt every chunk of level 1: opening must not notice
        f.write_bytes(b"not a chunk")
    lazy = sn.read_ome_zarr(tmp_path / "a.zarr", 1)
    assert isinstance(lazy.data, dask_array.Array)
    assert lazy.isel({lazy.dims[-1]: 0}).spatial.geometry.spatial_ndim == 2  # geometry work reads nothing either
    with pytest.raises(Exception):  # noqa: B017 - whichever codec error zarr raises on garbage
        lazy.compute()


_BOUNDED_MEMORY = """
import resource, sys, numpy as np, dask.array as da, zarr
import spatial_ndarray as sn
path = sys.argv[1]
shape = (128, 512, 512)  # 64 MiB of uint16
source = da.random.default_rng(0).integers(0, 4000, size=shape, chunks=(32, 128, 128), dtype=np.uint16)
group = zarr.open_group(path + ".seed", mode="w")
array = group.create_array("0", shape=shape, dtype=np.uint16, chunks=(32, 128, 128))
source.store(array, lock=False)
group.attrs.update({"ome": {"version": "0.5", "multiscales": [{"axes": [{"name": a, "type": "space"} for a in "zyx"],
    "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 1.0]}]}]}]}})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
lazy = sn.read_ome_zarr(path + ".seed", 0)
sn.write_ome_zarr(lazy, path, levels=4, chunks=(32, 128, 128))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024.0)
"""


def test_writing_a_lazy_pyramid_keeps_memory_bounded(tmp_path) -> None:
    """SA-18.4: a 64 MiB volume written as a 4-level pyramid from a lazy image; peak RSS growth well under its size."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _BOUNDED_MEMORY, str(tmp_path / "big.zarr")], capture_output=True, text=True, check=True)
    growth_mib = float(done.stdout.strip().splitlines()[-1])
    # a few chunks (4 MiB each as float64 block sums) per thread; the volume is 64 MiB
    assert growth_mib < 48, f"peak RSS grew by {growth_mib:.0f} MiB writing a 64 MiB volume"
    full = sn.read_ome_zarr(tmp_path / "big.zarr", 3, lazy=False)
    assert full.shape == (16, 64, 64)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
@pytest.mark.parametrize("oblique", [False, True])
def test_ngff_zarr_and_ome_zarr_read_our_pyramid(tmp_path, version, oblique) -> None:
    """SA-18.2: independent readers place every voxel where we do, in the image's own axis frame."""
    ngff_zarr = pytest.importorskip("ngff_zarr")
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    image = _image(11, 3, 0)
    if not oblique:
        image = sn.SpatialArray(np.asarray(image), origin=image.origin, spacing=image.spacing)
    path = tmp_path / "ours.ome.zarr"
    sn.write_ome_zarr(image, path, levels=3, version=version, units="um")
    theirs = ngff_zarr.from_ngff_zarr(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ome-zarr-py logs format probing
        node = next(iter(Reader(parse_url(str(path)))()))
    transforms = node.metadata["coordinateTransformations"]
    assert len(theirs.images) == len(node.data) == 3
    for k, level_image in enumerate(theirs.images):
        ours = sn.read_ome_zarr(path, k, lazy=False)
        scale = np.array([level_image.scale[d] for d in ("z", "y", "x")])
        translation = np.array([level_image.translation[d] for d in ("z", "y", "x")])
        assert level_image.axes_units == {d: "micrometer" for d in ("z", "y", "x")}
        assert tuple(node.data[k].shape) == ours.shape == tuple(level_image.data.shape)
        assert transforms[k][0]["scale"] == scale.tolist() and transforms[k][1]["translation"] == translation.tolist()
        ngff_positions = _positions(translation, scale, np.eye(3), ours.shape)
        physical = _positions(ours.origin, ours.spacing, ours.direction, ours.shape)
        # NGFF coordinates are positions in the image's own frame: rotate ours into it
        np.testing.assert_allclose(ngff_positions, physical @ ours.direction, rtol=0, atol=1e-9)
        if not oblique:
            np.testing.assert_allclose(ngff_positions, physical, rtol=0, atol=1e-12)
        assert np.array_equal(np.asarray(level_image.data), np.asarray(ours))


def test_we_read_a_pyramid_ngff_zarr_wrote(tmp_path) -> None:
    """SA-18.3: without our attribute, the geometry is NGFF's scale and translation, voxel by voxel."""
    ngff_zarr = pytest.importorskip("ngff_zarr")
    rng = np.random.default_rng(5)
    values = rng.normal(size=(16, 20, 24)).astype(np.float32)
    ngff_image = ngff_zarr.to_ngff_image(
        values, dims=["z", "y", "x"], scale={"z": 2.0, "y": 0.5, "x": 0.75}, translation={"z": 10.0, "y": -3.0, "x": 4.0},
        axes_units={"z": "millimeter", "y": "millimeter", "x": "millimeter"},
    )
    multiscales = ngff_zarr.to_multiscales(ngff_image, scale_factors=[2, 4])
    ngff_zarr.to_ngff_zarr(str(tmp_path / "theirs.zarr"), multiscales)
    for k, level_image in enumerate(multiscales.images):
        ours = sn.read_ome_zarr(tmp_path / "theirs.zarr", k, lazy=False)
        scale = np.array([level_image.scale[d] for d in ("z", "y", "x")])
        translation = np.array([level_image.translation[d] for d in ("z", "y", "x")])
        np.testing.assert_array_equal(
            _positions(ours.origin, ours.spacing, ours.direction, ours.shape),
            _positions(translation, scale, np.eye(3), ours.shape),
        )
        assert np.array_equal(np.asarray(ours), np.asarray(level_image.data))
        assert ours.meta["spatial_units"] == "millimeter"


def test_a_pyramid_rewritten_by_another_tool_falls_back_to_ngff_with_a_warning(tmp_path) -> None:
    """SA-18.3: our attribute is used only while it agrees with the NGFF metadata."""
    image = _image(2, 2, 0)
    path = tmp_path / "a.zarr"
    sn.write_ome_zarr(image, path, levels=2)
    group = zarr.open_group(str(path), mode="r+")
    attrs = group.attrs.asdict()
    attrs["ome"]["multiscales"][0]["datasets"][1]["coordinateTransformations"][0]["scale"] = [9.0, 9.0]
    group.attrs.update(attrs)
    with pytest.warns(UserWarning, match="disagrees with the NGFF scale"):
        level = sn.read_ome_zarr(path, 1, lazy=False)
    assert level.spacing.tolist() == [9.0, 9.0] and np.array_equal(level.direction, np.eye(2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda img, p: sn.write_ome_zarr(img, p, levels=0), ValueError, "levels must be"),
        (lambda img, p: sn.write_ome_zarr(img, p, levels=9), ValueError, "below one voxel"),
        (lambda img, p: sn.write_ome_zarr(img, p, factor=1), ValueError, "factor must be"),
        (lambda img, p: sn.write_ome_zarr(img, p, version="0.6"), ValueError, "version must be"),
        (lambda img, p: sn.write_ome_zarr(img, p, units="furlong"), ValueError, "units 'furlong'"),
        (lambda img, p: sn.write_ome_zarr(img, p, chunks="big"), ValueError, "chunks must be"),
        (lambda img, p: sn.write_ome_zarr(np.zeros((4, 4)), p), TypeError, "SpatialArray"),
        (lambda img, p: sn.write_ome_zarr(sn.SpatialArray(np.zeros(8)), p), ValueError, "2 or 3 space axes"),
        (lambda img, p: sn.read_ome_zarr(p / "missing.zarr"), FileNotFoundError, "no such OME-Zarr"),
    ],
)
def test_bad_input_is_named(tmp_path, call, error, match) -> None:
    with pytest.raises(error, match=match):
        call(_image(1, 3, 0), tmp_path / "x.zarr")


def test_existing_store_and_levels_out_of_range(tmp_path) -> None:
    image = _image(1, 2, 0)
    sn.write_ome_zarr(image, tmp_path / "a.zarr", levels=2)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        sn.write_ome_zarr(image, tmp_path / "a.zarr")
    sn.write_ome_zarr(image, tmp_path / "a.zarr", overwrite=True)
    with pytest.raises(ValueError, match=r"level must be a whole number in \[0, 0\]"):
        sn.read_ome_zarr(tmp_path / "a.zarr", 1)
    zarr.open_group(str(tmp_path / "plain.zarr"), mode="w")
    with pytest.raises(ValueError, match="no OME-NGFF multiscale image"):
        sn.read_ome_zarr(tmp_path / "plain.zarr")


def _signed_permutation(rng: np.random.Generator, n: int) -> np.ndarray:
    direction = np.eye(n)[:, rng.permutation(n)]
    return direction * rng.choice([-1.0, 1.0], size=n)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.sampled_from([2, 3]), components=st.sampled_from([0, 2]))
def test_axis_aligned_images_are_stored_where_ngff_readers_put_every_voxel(tmp_path_factory, seed, n, components) -> None:
    """SA-18.2: flips and axis swaps are stored as the identity-direction view; every level is exact in world space.

    Oracle: values are unique, so each voxel ngff-zarr reads is traced by value to our
    array; NGFF's position (translation + scale * index, the identity direction) must
    be the physical position computed from our public attributes.
    """
    ngff_zarr = pytest.importorskip("ngff_zarr")
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(4, 10, size=n)) + ((components,) if components else ())
    image = sn.SpatialArray(
        rng.normal(size=shape).astype(np.float32),  # unique values, block means too (almost surely)
        origin=rng.uniform(-300, 300, size=n),
        spacing=rng.uniform(0.2, 3.0, size=n),
        direction=_signed_permutation(rng, n),
    )
    path = tmp_path_factory.mktemp("z") / "img.ome.zarr"
    sn.write_ome_zarr(image, path, levels=3)
    theirs = ngff_zarr.from_ngff_zarr(str(path))
    names = list(theirs.images[0].dims)
    space = [d for d in names if d != "c"]
    for k in range(3):
        ours = sn.read_ome_zarr(path, k, lazy=False)
        assert ours.shape[n:] == image.shape[n:]
        stored = np.asarray(theirs.images[k].data)
        if components:
            stored = np.moveaxis(stored, 0, -1)  # NGFF channel first -> ours last
        scale = np.array([theirs.images[k].scale[d] for d in space])
        translation = np.array([theirs.images[k].translation[d] for d in space])
        ours_positions = _positions(ours.origin, ours.spacing, ours.direction, ours.shape[:n])
        ours_values = np.asarray(ours).reshape(ours.shape[:n] + (-1,))[..., 0]
        stored_values = stored.reshape(stored.shape[:n] + (-1,))[..., 0]
        where = {float(v): i for i, v in np.ndenumerate(stored_values)}
        assert len(where) == stored_values.size, "values are not unique: the oracle cannot trace them"
        for index, value in np.ndenumerate(ours_values):
            ngff_position = translation + scale * np.array(where[float(value)])
            np.testing.assert_allclose(ngff_position, ours_positions[index], rtol=0, atol=1e-9)
        if k == 0:
            assert ours.geometry == image.geometry and np.array_equal(np.asarray(ours), np.asarray(image))


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 4))
def test_the_storage_view_of_an_axis_aligned_image_has_the_identity_direction(seed, n) -> None:
    """SA-18.2: the stored (transpose-and-flip) view has the identity direction, every element in place."""
    from spatial_ndarray.ome_zarr import _Layout, _storage_order

    rng = np.random.default_rng(seed)
    direction = _signed_permutation(rng, n)
    shape = tuple(int(s) for s in rng.integers(1, 5, size=n))
    image = sn.SpatialArray(rng.permutation(int(np.prod(shape))).reshape(shape), origin=rng.normal(size=n), direction=direction)
    order, flips = _storage_order(image.geometry)
    view = _Layout(order, flips, n).to_stored(image)
    assert np.array_equal(view.direction, np.eye(n))
    before = _positions(image.origin, image.spacing, image.direction, shape)
    after = _positions(view.origin, view.spacing, view.direction, view.shape)
    for index, value in np.ndenumerate(np.asarray(view)):
        (source,) = np.argwhere(np.asarray(image) == value)
        np.testing.assert_allclose(after[index], before[tuple(source)], atol=1e-12)
    assert np.array_equal(np.asarray(_Layout(order, flips, n).to_original(view)), np.asarray(image))
    if n > 1:  # oblique: stored as it is
        q, r = np.linalg.qr(rng.normal(size=(n, n)))
        oblique = sn.Geometry(origin=np.zeros(n), spacing=np.ones(n), direction=q * np.sign(np.diag(r)))
        if np.min(np.abs(oblique.direction)) > 1e-3:
            assert _storage_order(oblique) == (list(range(n)), [False] * n)


def test_microscopy_units_reach_every_border(tmp_path) -> None:
    """One units rule: a µm OME-TIFF read by sn.read keeps µm in OME-Zarr's axes and xarray's coordinates."""
    pytest.importorskip("tifffile")
    image = sn.SpatialArray(np.arange(60, dtype=np.uint16).reshape(3, 4, 5), spacing=[2.0, 0.325, 0.325],
                            meta={"units": ("µm", "µm", "µm")})
    sn.write(image, tmp_path / "cells.ome.tif")
    cells = sn.read(tmp_path / "cells.ome.tif")
    np.testing.assert_allclose(cells.spacing, [2.0, 0.325, 0.325])
    sn.write_ome_zarr(cells, tmp_path / "cells.ome.zarr")
    axes = zarr.open_group(str(tmp_path / "cells.ome.zarr"), mode="r").attrs.asdict()["ome"]["multiscales"][0]["axes"]
    assert [a.get("unit") for a in axes] == ["micrometer"] * 3
    assert sn.to_xarray(cells).coords[sn.to_xarray(cells).dims[-1]].attrs.get("units") == "µm"
