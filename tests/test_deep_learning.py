"""MONAI and TorchIO: every voxel sits where their own affines say, through their transforms and DataLoader workers.

Positions are computed here from MONAI's and TorchIO's matrices with the tests' own
formula (``affine @ [i, j, k, 1]``, RAS -> LPS by negating x and y, then reversed to
numpy order) and compared with the oracle in ``strategies.py`` (SPEC SA-2.1), which
reads our public attributes. Values are traced element by element.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, orthonormal

torch = pytest.importorskip("torch")
monai = pytest.importorskip("monai")
tio = pytest.importorskip("torchio")

pytestmark = [pytest.mark.dl, pytest.mark.filterwarnings("ignore::FutureWarning"), pytest.mark.filterwarnings("ignore::DeprecationWarning")]

from monai.data import MetaTensor  # noqa: E402
from monai.transforms import Orientation, Spacing, SpatialCrop  # noqa: E402

ROTATION = np.linalg.qr(np.random.default_rng(5).normal(size=(3, 3)))[0]
EXACT = sn.Tolerance(1e-9, 1e-9)
#: MONAI's Spacing recomputes the affine of an oblique grid read from float32 NIfTI with its own inverse and products:
#: its origin differed from ours by 2.3e-8 mm (1.6e-8 voxel) in the runs seen; still 10x below the default tolerance
MONAI_ARITHMETIC = sn.Tolerance(1e-7, 1e-9)


def volume(shape: tuple[int, ...] = (6, 8, 10), seed: int = 0, **geometry: Any) -> sn.SpatialArray:
    """Full-mantissa float32 values (float64 draws rounded) on an oblique, anisotropic grid."""
    n = len(geometry.get("spacing", shape[:3]))
    geometry.setdefault("origin", [10.5, -20.25, 3.75][:n])
    geometry.setdefault("spacing", [2.5, 0.7, 1.3][:n])
    geometry.setdefault("direction", ROTATION if n == 3 else np.eye(n))
    values = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    return sn.SpatialArray(values, **geometry)


def lps_numpy_order(affine: np.ndarray, ijk: tuple[int, ...], space: str) -> np.ndarray:
    """The point a square (i, j, k) affine gives, in LPS and numpy (z, y, x) order: the tests' own formula."""
    size = affine.shape[0] - 1
    index = np.zeros(size)
    index[: len(ijk)] = ijk
    point = affine[:size, :size] @ index + affine[:size, size]
    if space == "RAS":
        point[: min(2, size)] *= -1.0
    return point[::-1]


@st.composite
def images(draw: st.DrawFn, max_physical: int = 3) -> sn.SpatialArray:
    """2-D or 3-D, sometimes embedded (P = N + 1 <= 3), sometimes a vector image; oblique, flipped, anisotropic."""
    n = draw(st.integers(2, 3))
    p = min(max_physical, n + draw(st.integers(0, 1)))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)))
    shape += tuple(draw(st.lists(st.integers(2, 3), min_size=0, max_size=1)))
    origin = np.array(draw(st.lists(st.floats(-500, 500), min_size=p, max_size=p)))
    spacing = np.array(draw(st.lists(st.floats(0.05, 20), min_size=n, max_size=n)))
    values = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).normal(size=shape).astype(np.float32)
    return sn.SpatialArray(values, origin=origin, spacing=spacing, direction=draw(orthonormal(p, n)))


def voxels(array: sn.SpatialArray) -> list[tuple[int, ...]]:
    return list(np.ndindex(*array.shape[: array.spatial_ndim]))


def channel(array: sn.SpatialArray) -> list[tuple[int, ...]]:
    return [(c,) for c in range(array.shape[-1])] if array.ndim > array.spatial_ndim else [()]


# -- MONAI: positions, values, round trips -----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(original=images(), space=st.sampled_from(["RAS", "LPS"]))
def test_monai_affine_puts_every_voxel_where_we_do(original: sn.SpatialArray, space: str) -> None:
    """SA-2.1 across the border: MetaTensor[c, i, j, k] is our [k, j, i, c], at the point MONAI's affine gives."""
    tensor = sn.to_monai(original, space=space)
    data, affine = tensor.as_tensor().numpy(), tensor.affine.numpy()
    n, p = original.spatial_ndim, original.geometry.physical_ndim
    assert tensor.meta["space"] == space and affine.shape == (p + 1, p + 1)
    # channel first; an embedded slice travels as a volume one voxel thick (MONAI reads 2-D tensors in the z = 0 plane)
    assert data.shape[0] == (original.shape[-1] if original.ndim > n else 1) and data.shape[1 + n :] == (1,) * (p - n)
    assert data.ndim == p + 1
    np.testing.assert_allclose(tensor.pixdim.numpy()[:n], original.spacing[::-1], rtol=1e-12)  # MONAI's own reading
    for k in voxels(original):
        ijk = k[::-1] + (0,) * (p - n)
        np.testing.assert_allclose(lps_numpy_order(affine, ijk, space), array_position(original, k), atol=1e-9)
        for c in channel(original):
            assert data[(c[0] if c else 0,) + ijk] == np.asarray(original)[k + c]
    back = sn.from_monai(tensor)
    assert back.dtype == original.dtype and np.array_equal(back, original) and back.shape == original.shape
    assert back.geometry.mismatch(original.geometry, EXACT) is None and back.meta["frame"] == "LPS"


def test_monai_shares_memory_and_copies_only_what_torch_cannot_share() -> None:
    image = volume()
    tensor = sn.to_monai(image)
    assert np.shares_memory(tensor.as_tensor().numpy(), image)
    back = sn.from_monai(tensor)
    assert np.shares_memory(back, image)
    tensor[0, 1, 2, 3] = 42.0  # a shared view: MONAI writing in place is seen by the array
    assert image[3, 2, 1] == 42.0
    vector = volume((4, 5, 6, 3))
    assert np.shares_memory(sn.to_monai(vector).as_tensor().numpy(), vector)
    # a flipped view has negative strides, which torch cannot hold: copied, still exact
    flipped = image[::-1, :, ::-2]
    copied = sn.to_monai(flipped)
    assert not np.shares_memory(copied.as_tensor().numpy(), image)
    assert np.array_equal(sn.from_monai(copied), flipped)
    assert sn.from_monai(copied).geometry.mismatch(flipped.geometry, EXACT) is None
    read_only = volume()
    read_only.flags.writeable = False
    from_read_only = sn.to_monai(read_only)  # torch tensors cannot be read-only: copied, so writes cannot reach it
    assert not np.shares_memory(from_read_only.as_tensor().numpy(), read_only)
    assert np.array_equal(sn.from_monai(from_read_only), read_only)
    big_endian = sn.SpatialArray(np.asarray(volume()).astype(">f4"), spacing=[1.0, 2.0, 3.0])
    assert np.array_equal(sn.from_monai(sn.to_monai(big_endian)), big_endian)


def test_monai_meta_carries_strings_and_the_space_is_read_back() -> None:
    image = volume()
    image.meta["modality"] = "CT"
    tensor = sn.to_monai(image, space="LPS")
    assert tensor.meta["modality"] == "CT" and "frame" not in tensor.meta
    assert sn.from_monai(tensor).meta == {"modality": "CT", "frame": "LPS"}
    ras = image.copy()
    ras.meta["frame"] = "RAS"  # the same numbers read as RAS: x and y of every point change sign in MONAI's LPS affine
    lps = sn.to_monai(ras, space="LPS").affine.numpy()
    np.testing.assert_allclose(lps_numpy_order(lps, (0, 0, 0), "LPS"), image.origin * [1.0, -1.0, -1.0], atol=1e-12)
    # MONAI's default affine, a 4 x 4 identity in RAS, on a 2-D tensor: MONAI reads it in the z = 0 plane, and so do we
    plane = sn.from_monai(MetaTensor(torch.zeros(1, 2, 3)))
    assert plane.shape == (3, 2) and plane.geometry.physical_ndim == 2
    np.testing.assert_allclose(plane.direction, [[-1.0, 0.0], [0.0, -1.0]], atol=0)  # numpy (j, i) -> (P, L) = -(A, R)
    off_plane = torch.eye(4, dtype=torch.float64)
    off_plane[2, 3] = 7.5  # the same 2-D grid at z = 7.5: embedded in 3-D at the points the affine gives
    embedded = sn.from_monai(MetaTensor(torch.zeros(1, 2, 3), affine=off_plane))
    assert embedded.geometry.physical_ndim == 3
    np.testing.assert_allclose(embedded.index_to_physical([2, 1]), lps_numpy_order(off_plane.numpy(), (1, 2), "RAS"), atol=0)


# -- MONAI transforms that change the geometry --------------------------------------------------------------------


@pytest.mark.parametrize("factors", [(2.0, 2.0, 2.0), (0.5, 0.5, 0.5), (3.0, 1.0, 0.5)])
def test_monai_spacing_gives_resample_to_spacing(factors: tuple[float, float, float]) -> None:
    """Spacing(scale_extent=True) keeps the extent, as sn.resample_to_spacing does: the same grid, the same values.

    MONAI's default (scale_extent=False) keeps the first voxel's centre instead, a
    different grid (checked below); both interpolate linearly without antialiasing.
    """
    image = volume((6, 8, 10), direction=ROTATION[:, [2, 0, 1]])
    new = image.spacing * np.array(factors)  # numpy order; the extent holds a whole number of new voxels
    out = Spacing(pixdim=tuple(new[::-1]), scale_extent=True)(sn.to_monai(image))
    back = sn.from_monai(out)
    ours = sn.resample_to_spacing(image, new, antialias=False)
    assert back.shape == ours.shape
    assert back.geometry.mismatch(ours.geometry, EXACT) is None
    np.testing.assert_allclose(np.asarray(back), np.asarray(ours), atol=2e-6)  # torch's grid_sample in float32
    kept_centre = sn.from_monai(Spacing(pixdim=tuple(new[::-1]))(sn.to_monai(image)))
    np.testing.assert_allclose(kept_centre.origin, image.origin, atol=1e-9)
    np.testing.assert_allclose(kept_centre.spacing, new, rtol=1e-12)


def _axis_aligned_view(image: sn.SpatialArray, target: np.ndarray) -> sn.SpatialArray:
    """The transposed and flipped view of an axis-aligned image whose direction is ``target`` (the tests' own search)."""
    order, flips = [], []
    for column in target.T:
        dots = image.direction.T @ column
        source = int(np.argmax(np.abs(dots)))
        order.append(source)
        flips.append(dots[source] < 0)
    view = np.transpose(image, order)
    for axis, flip in enumerate(flips):
        if flip:
            view = np.flip(view, axis)
    return view


@pytest.mark.parametrize("space", ["RAS", "LPS"])
@pytest.mark.parametrize("codes", ["RAS", "LPS", "PIR"])
def test_monai_orientation_gives_our_transposed_flipped_view(space: str, codes: str) -> None:
    """Orientation(axcodes) in MONAI's (i, j, k) order: our transposed and flipped view with the same direction.

    (`sn.reorient` is being added on another branch; until then the view is made here with np.transpose and np.flip.)
    """
    direction = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]])
    image = volume((3, 4, 5), direction=direction)
    out = Orientation(axcodes=codes, labels=None)(sn.to_monai(image, space=space))
    back = sn.from_monai(out)
    # axcodes name where MONAI's i, j, k point; in our LPS numpy order the columns are (k, j, i), L/P/S positive
    unit = {"L": [0, 0, 1], "R": [0, 0, -1], "P": [0, 1, 0], "A": [0, -1, 0], "S": [1, 0, 0], "I": [-1, 0, 0]}
    target = np.array([unit[c] for c in codes[::-1]], dtype=float).T
    expected = _axis_aligned_view(image, target)
    np.testing.assert_array_equal(expected.direction, target)
    assert np.array_equal(back, expected) and back.geometry.mismatch(expected.geometry, EXACT) is None


def test_monai_crop_gives_our_slice() -> None:
    image = volume((6, 8, 10, 2))
    out = SpatialCrop(roi_start=(1, 2, 3), roi_end=(9, 7, 5))(sn.to_monai(image))  # (i, j, k)
    back = sn.from_monai(out)
    expected = image[3:5, 2:7, 1:9]
    assert np.array_equal(back, expected) and back.geometry.mismatch(expected.geometry, EXACT) is None


# -- TorchIO ------------------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(original=images(), label=st.booleans())
def test_torchio_affine_puts_every_voxel_where_we_do(original: sn.SpatialArray, label: bool) -> None:
    """TorchIO's data[c, i, j, k] (k = 0 for 2-D) is our [k, j, i, c], at the point its RAS affine gives."""
    image = sn.to_torchio(original, label=label)
    assert isinstance(image, tio.LabelMap if label else tio.ScalarImage)
    data, affine = image.data.numpy(), image.affine
    n, p = original.spatial_ndim, original.geometry.physical_ndim
    assert data.ndim == 4 and affine.shape == (4, 4)
    np.testing.assert_allclose(np.array(image.spacing)[:n], original.spacing[::-1], rtol=1e-12)  # TorchIO's own reading
    for k in voxels(original):
        ours = np.concatenate([np.zeros(3 - p), array_position(original, k)])  # a 2-D space sits at z = 0
        np.testing.assert_allclose(lps_numpy_order(affine, k[::-1], "RAS"), ours, atol=1e-9)
        for c in channel(original):
            ijk = k[::-1] + (0,) * (3 - n)
            assert data[(c[0] if c else 0,) + ijk] == np.asarray(original)[k + c]
    back = sn.from_torchio(image)
    assert np.array_equal(back, original) and back.shape == original.shape and back.dtype == original.dtype
    assert back.geometry.mismatch(original.geometry, EXACT) is None


def test_torchio_agrees_with_its_own_simpleitk_export() -> None:
    """TorchIO's as_sitk (its nibabel -> SimpleITK conversion, torchio#469) places voxels where we do."""
    image = volume((4, 5, 6), direction=ROTATION)
    exported = sn.to_torchio(image).as_sitk()
    for k in [(0, 0, 0), (3, 4, 5), (1, 2, 3)]:
        point = exported.TransformIndexToPhysicalPoint(tuple(int(i) for i in k[::-1]))
        np.testing.assert_allclose(np.array(point)[::-1], image.index_to_physical(k), atol=1e-9)


def test_torchio_memory_2d_images_and_transforms() -> None:
    image = volume()
    converted = sn.to_torchio(image)
    assert np.shares_memory(converted.data.numpy(), image) and np.shares_memory(sn.from_torchio(converted), image)
    mask = sn.SpatialArray(np.asarray(image) > 0, geometry=image.geometry)
    labels = sn.to_torchio(mask, label=True)  # TorchIO stores bool as uint8: a copy
    assert labels.data.dtype == torch.uint8 and np.array_equal(sn.from_torchio(labels), mask)
    # a 2-D image in a 2-D space round-trips as 2-D; read as a volume it is the z = 0 plane
    flat = volume((5, 7), spacing=[0.5, 2.0], origin=[4.0, -1.0])
    as_torchio = sn.to_torchio(flat)
    assert as_torchio.shape == (1, 7, 5, 1) and as_torchio.is_2d()
    assert sn.from_torchio(as_torchio).geometry.mismatch(flat.geometry, EXACT) is None
    volume3 = sn.from_torchio(as_torchio, spatial_ndim=3)
    assert volume3.shape == (1, 5, 7) and np.allclose(volume3.index_to_physical([0, 2, 3]), [0.0, *flat.index_to_physical([2, 3])])
    # TorchIO's own crop and its numpy-style slicing (torchio#1011) come back as our slice
    cropped = tio.Crop((1, 2, 0, 3, 2, 1))(converted)  # (i_ini, i_fin, j_ini, j_fin, k_ini, k_fin)
    expected = image[2:-1, 0:-3, 1:-2]
    back = sn.from_torchio(cropped)
    assert np.array_equal(back, expected) and back.geometry.mismatch(expected.geometry, EXACT) is None
    sliced = sn.from_torchio(converted[1:4, :, 2:5])
    assert sliced.geometry.mismatch(image[2:5, :, 1:4].geometry, EXACT) is None
    # TorchIO's ToCanonical (RAS+) is our flipped view: i -> R, j -> A (negated L and P), k -> S
    aligned = volume((3, 4, 5), direction=np.diag([1.0, 1.0, 1.0]))
    canonical = sn.from_torchio(tio.ToCanonical()(sn.to_torchio(aligned)))
    expected = aligned[:, ::-1, ::-1]
    assert np.array_equal(canonical, expected) and canonical.geometry.mismatch(expected.geometry, EXACT) is None


@pytest.mark.parametrize("suffix", [".nii.gz", ".mha"])
def test_torchio_reading_a_file_agrees_with_our_reader(tmp_path: Path, suffix: str) -> None:
    """TorchIO's own file reader (SimpleITK inside) and sn.read put the file's voxels in the same places."""
    original = volume((4, 5, 6), direction=ROTATION)
    path = tmp_path / f"image{suffix}"
    sn.write(original, path)
    through_torchio = sn.from_torchio(tio.ScalarImage(path))
    ours = sn.read(path)
    assert np.array_equal(through_torchio, ours)
    with sn.tolerance(coordinate=1e-5, direction=1e-5):  # NIfTI stores float32 affines, read by two libraries
        assert through_torchio.geometry.mismatch(ours.geometry) is None


@settings(max_examples=30, deadline=None)
@given(original=images())
def test_ijk_affine_is_the_one_nibabel_writes(original: sn.SpatialArray) -> None:
    """nibabel's reading of to_nibabel's affine puts every voxel where the test's own formula does.

    ``nib.affines.apply_affine`` maps voxel (i, j, k) to RAS (x, y, z); negating x and y
    gives LPS, reversing gives our numpy order (z, y, x). The expected point is
    ``origin + direction @ (spacing * (k, j, i))``, read from the public attributes;
    physical axes the image lacks (P < 3) are 0.
    """
    nib = pytest.importorskip("nibabel")
    scalar = original if original.ndim == original.spatial_ndim else original[..., 0]
    affine = sn.to_nibabel(scalar).affine
    origin, spacing, direction = np.asarray(scalar.origin), np.asarray(scalar.spacing), np.asarray(scalar.direction)
    p = origin.size
    for index in voxels(scalar):
        ijk = index[::-1] + (0,) * (3 - len(index))
        ras = np.asarray(nib.affines.apply_affine(affine, ijk), dtype=np.float64)
        lps_numpy = (ras * np.array([-1.0, -1.0, 1.0]))[::-1]
        expected = origin + direction @ (spacing * np.array(index, dtype=np.float64))
        np.testing.assert_allclose(lps_numpy[3 - p :], expected, atol=1e-9)
        np.testing.assert_allclose(lps_numpy[: 3 - p], 0.0, atol=1e-9)


# -- DataLoader workers and a MONAI Dataset with our reader ------------------------------------------------------


class SpatialDataset(torch.utils.data.Dataset):  # type: ignore[misc]
    def __init__(self, images: list[sn.SpatialArray]) -> None:
        self.images = images

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> sn.SpatialArray:
        return self.images[index]


def as_list(batch: list[Any]) -> list[Any]:
    """A collate function that keeps the items (torch's default converts ndarrays to plain tensors)."""
    return batch


def test_dataloader_workers_pickle_arrays_and_metatensors() -> None:
    """Items cross from 2 worker processes by pickling (SA-12.2): geometry and meta survive, as arrays and MetaTensors."""
    images = [volume((3, 4, 5), seed=s, origin=[float(s), 1.0, 2.0]) for s in range(4)]
    for image in images:
        image.meta["case"] = "x"
    loader = torch.utils.data.DataLoader(SpatialDataset(images), batch_size=2, num_workers=2, collate_fn=as_list)
    received = [item for batch in loader for item in batch]
    for got, sent in zip(received, images):
        assert type(got) is sn.SpatialArray and np.array_equal(got, sent) and got.geometry == sent.geometry
        assert got.meta == sent.meta
    tensors = [sn.to_monai(image) for image in images]
    again = pickle.loads(pickle.dumps(tensors[0]))
    assert sn.from_monai(again).geometry.mismatch(images[0].geometry, EXACT) is None
    monai_loader = monai.data.DataLoader(monai.data.Dataset(tensors), batch_size=2, num_workers=2)
    batches = list(monai_loader)
    with pytest.raises(ValueError, match=r"is_batch=True"):
        sn.from_monai(batches[0])
    items = [sn.from_monai(item) for batch in batches for item in monai.data.decollate_batch(batch)]
    for got, sent in zip(items, images):
        assert np.array_equal(got, sent) and got.geometry.mismatch(sent.geometry, EXACT) is None


def test_monai_dataset_with_our_reader(tmp_path: Path) -> None:
    """monai.data.Dataset with sn.read as its loader, then to_monai and a MONAI transform, through 2 workers."""
    pytest.importorskip("nibabel")
    originals = [volume((6, 8, 10), seed=s, direction=ROTATION) for s in range(3)]
    paths = []
    for s, image in enumerate(originals):
        paths.append(str(tmp_path / f"case{s}.nii.gz"))
        sn.write(image, paths[-1])
    steps = monai.transforms.Compose([sn.read, sn.to_monai, Spacing(pixdim=(2.6, 1.4, 5.0), scale_extent=True)])
    loader = monai.data.DataLoader(monai.data.Dataset(paths, transform=steps), batch_size=3, num_workers=2)
    (batch,) = list(loader)
    for item, path in zip(monai.data.decollate_batch(batch), paths):
        got = sn.from_monai(item)
        expected = sn.resample_to_spacing(sn.read(path), [5.0, 1.4, 2.6], antialias=False)
        assert got.geometry.mismatch(expected.geometry, MONAI_ARITHMETIC) is None
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), atol=2e-6)


# -- bad input ----------------------------------------------------------------------------------------------------


def _sheared() -> Any:
    affine = torch.eye(4, dtype=torch.float64)
    affine[0, 1] = 0.3
    return MetaTensor(torch.zeros(1, 2, 3, 4), affine=affine)


def _lazy() -> Any:
    return Spacing(pixdim=(2.0, 2.0, 2.0), lazy=True)(sn.to_monai(volume()))


def _unknown_space() -> Any:
    tensor = sn.to_monai(volume())
    tensor.meta["space"] = "XYZ"
    return tensor


def _unknown_frame() -> sn.SpatialArray:
    image = volume()
    image.meta["frame"] = "PIR"
    return image


BAD = [
    (lambda: sn.to_monai(np.zeros((2, 3))), TypeError, r"to_monai needs a SpatialArray, got ndarray"),
    (lambda: sn.to_monai(sn.SpatialArray(np.zeros((2, 3, 2, 2)), spacing=[1.0, 1.0])), ValueError, r"2 component axes"),
    (lambda: sn.to_monai(volume(), space="RSA"), ValueError, r"space must be one of \('LPS', 'RAS'\).*'RSA'"),
    (lambda: sn.to_monai(_unknown_frame()), ValueError, r"meta\['frame'\].*'PIR'"),
    (lambda: sn.to_monai(sn.SpatialArray(np.array([["a", "b"]]))), TypeError, r"torch has no dtype for .*<U1"),
    (lambda: sn.from_monai(torch.zeros(1, 2, 3)), TypeError, r"needs a monai.data.MetaTensor, got Tensor"),
    (lambda: sn.from_monai(MetaTensor(torch.zeros(3))), ValueError, r"tensor.ndim is 1"),
    (lambda: sn.from_monai(MetaTensor(torch.zeros(1, 2, 3, 4), affine=torch.eye(3))), ValueError, r"MetaTensor.affine must be square \(D\+1, D\+1\) with D >= 3 .* got shape \(3, 3\)"),
    (lambda: sn.from_monai(MetaTensor(torch.zeros(1, 2, 3), affine=torch.ones(3, 4))), ValueError, r"MetaTensor.affine must be square"),
    (lambda: sn.from_monai(_sheared()), ValueError, r"MetaTensor.affine \(RAS\) does not describe a grid: affine has shear"),
    (lambda: sn.from_monai(_unknown_space()), ValueError, r"meta\['space'\] must be one of .*'XYZ'"),
    (lambda: sn.from_monai(_lazy()), ValueError, r"1 pending lazy operations.*apply_pending"),
    (lambda: sn.to_torchio(volume((4, 5, 6, 7), origin=[0.0] * 4, spacing=[1.0] * 4, direction=np.eye(4))), ValueError, r"N=4 \(spatial_ndim\)"),
    (lambda: sn.to_torchio(volume((4,), spacing=[1.0])), ValueError, r"2 or 3 spatial axes.*N=1"),
    (lambda: sn.from_torchio(sn.to_torchio(volume()), spatial_ndim=1), ValueError, r"spatial_ndim must be None, 2 or 3; got 1"),
    (lambda: sn.from_torchio(sn.to_monai(volume())), TypeError, r"needs a torchio.Image .*got MetaTensor"),
    (lambda: sn.from_torchio(sn.to_torchio(volume()), spatial_ndim=2), ValueError, r"spatial_ndim must be an integer from 1 to 3 with only length-1 axes after it; got 2 for channel-first data of shape \(1, 10, 8, 6\)"),
    (lambda: sn.from_torchio(tio.ScalarImage(tensor=torch.zeros(1, 2, 3, 4), affine=np.diag([1.0, 1.0, 0.0, 1.0]))), ValueError, r"image.affine \(RAS\) does not describe a grid: affine has a zero column"),
    (lambda: sn.Geometry.identity(2).to_ijk_affine("RSA"), ValueError, r"frame must be one of"),
    (lambda: sn.Geometry.identity(3).to_ijk_affine("RAS", size=2), ValueError, r"size must be an integer >= P = 3"),
    (lambda: sn.Geometry.from_ijk_affine(np.eye(3), 3), ValueError, r"spatial_ndim must be an integer in 1..2"),
    (lambda: sn.Geometry.from_ijk_affine(_plane_at_z(1.5), 2, physical_ndim=2), ValueError, r"leaves the 2-D space"),
]


def _plane_at_z(z: float) -> np.ndarray:
    affine = np.eye(4)
    affine[2, 3] = z  # a 2-D image's plane at z, not z = 0
    return affine


@pytest.mark.parametrize("call, error, pattern", BAD)
def test_bad_input_names_the_field(call: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_tilted_2d_torchio_image_stays_embedded() -> None:
    """A 2-D image whose plane a transform moved off z = 0 comes back embedded in 3-D, at the points TorchIO says."""
    flat = volume((5, 7), spacing=[0.5, 2.0], origin=[4.0, -1.0])
    image = sn.to_torchio(flat)
    tilted = tio.ScalarImage(tensor=image.data, affine=image.affine @ _rotation_about_x(0.3), spatial_ndarray=image["spatial_ndarray"])
    back = sn.from_torchio(tilted)
    assert back.spatial_ndim == 2 and back.geometry.physical_ndim == 3
    for k in [(0, 0), (4, 6), (2, 3)]:
        np.testing.assert_allclose(back.index_to_physical(k), lps_numpy_order(tilted.affine, k[::-1], "RAS"), atol=1e-9)


def _rotation_about_x(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1.0, 0, 0, 0], [0, c, -s, 0], [0, s, c, 0], [0, 0, 0, 1.0]])


# -- the example ----------------------------------------------------------------------------------------------------


def test_the_deep_learning_example_runs(tmp_path: Path) -> None:
    """examples/deep_learning.py: read, reorient, resample, MONAI and TorchIO transforms, back, written with geometry."""
    pytest.importorskip("nibabel")
    script = Path(__file__).resolve().parent.parent / "examples" / "deep_learning.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "MONAI result agrees with sn.resample_to_spacing: True" in done.stdout
    assert "TorchIO result agrees with our slice: True" in done.stdout
    written = sn.read(tmp_path / "resampled.nii.gz")
    assert written.spatial_ndim == 3 and written.meta["frame"] == "LPS"
