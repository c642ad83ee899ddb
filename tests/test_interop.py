"""SimpleITK, itk and nibabel converters and file I/O, checked by each library's own index-to-point mapping."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, geometries

sitk = pytest.importorskip("SimpleITK")
nib = pytest.importorskip("nibabel")
itk = pytest.importorskip("itk")

pytestmark = pytest.mark.interop

ROTATION = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))[0]
NIBABEL_DATA = Path(os.path.dirname(nib.__file__)) / "tests" / "data"
NIFTI_FILES = ["anatomical.nii", "functional.nii", "standard.nii.gz", "example4d.nii.gz"]


def image(shape: tuple[int, ...] = (4, 5, 6), dtype: Any = np.float32, **geometry: Any) -> sn.SpatialArray:
    n = len(geometry.get("spacing", shape[:3]))
    geometry.setdefault("origin", [1.0, -2.0, 3.5][:n])
    geometry.setdefault("spacing", [0.5, 0.7, 2.0][:n])
    geometry.setdefault("direction", ROTATION if n == 3 else np.eye(n))
    values = (np.arange(int(np.prod(shape))) % 251).astype(dtype).reshape(shape)
    return sn.SpatialArray(values, **geometry)


def sample_indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    return [tuple(0 for _ in shape), tuple(n - 1 for n in shape), tuple(min(1, n - 1) for n in shape)]


def itk_point(converted: Any, index: tuple[int, ...]) -> np.ndarray:
    """Physical point of a numpy-order index, by the ITK/SimpleITK image's own API (index in x, y, z order)."""
    return np.array(converted.TransformIndexToPhysicalPoint([int(i) for i in index[::-1]]))[::-1]


# -- SimpleITK and itk ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("to, from_", [(sn.to_sitk, sn.from_sitk), (sn.to_itk, sn.from_itk)], ids=["SimpleITK", "itk"])
@pytest.mark.parametrize("shape, n", [((4, 5), 2), ((4, 5, 6), 3), ((4, 5, 3), 2), ((3, 4, 5, 2), 3)], ids=["2d", "3d", "vector-2d", "vector-3d"])
def test_round_trip_through_itk_libraries(to: Any, from_: Any, shape: tuple[int, ...], n: int) -> None:
    original = image(shape, spacing=[0.5, 0.7, 2.0][:n], origin=[1.0, -2.0, 3.5][:n],
                     direction=ROTATION if n == 3 else [[0.6, -0.8], [0.8, 0.6]])
    converted = to(original)
    for k in sample_indices(shape[:n]):
        np.testing.assert_allclose(itk_point(converted, k), array_position(original, k), atol=1e-9)
    back = from_(converted)
    assert back.geometry.mismatch(original.geometry, sn.Tolerance(1e-12, 1e-12)) is None
    assert np.array_equal(back, original) and back.dtype == original.dtype and back.meta["frame"] == "LPS"


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64,
                                   np.float32, np.float64])
def test_every_simpleitk_pixel_type(dtype: Any) -> None:
    original = image((3, 4), dtype=dtype)
    back = sn.from_sitk(sn.to_sitk(original))
    assert back.dtype == np.dtype(dtype) and np.array_equal(back, original)


def test_simpleitk_images_built_with_its_own_api() -> None:
    """from_sitk of an image SimpleITK made: positions agree with SimpleITK's mapping."""
    made = sitk.Image([6, 5, 4], sitk.sitkInt16)
    made.SetOrigin([3.0, -1.0, 7.5])
    made.SetSpacing([0.25, 0.5, 1.5])
    made.SetDirection(tuple(ROTATION.T.ravel()))  # any rotation
    made.SetMetaData("0008|0060", "CT")
    array = sn.from_sitk(made)
    assert array.shape == (4, 5, 6) and array.meta["0008|0060"] == "CT"
    for k in sample_indices(array.shape):
        np.testing.assert_allclose(array.index_to_physical(k), itk_point(made, k), atol=1e-9)
    assert sn.to_sitk(array).GetMetaData("0008|0060") == "CT"


def test_zero_copy_view_keeps_the_image_alive() -> None:
    made = sitk.GetImageFromArray(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    view = sn.from_sitk(made, view=True)
    assert not view.flags.writeable
    del made
    gc.collect()
    np.testing.assert_array_equal(view, np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    made_itk = itk.image_from_array(np.arange(6, dtype=np.float32).reshape(2, 3))
    itk_view = sn.from_itk(made_itk, view=True)
    del made_itk
    gc.collect()
    np.testing.assert_array_equal(itk_view[1:], [[3.0, 4.0, 5.0]])


def test_embedded_slices() -> None:
    """SA-4.2: an axis-aligned slice converts exactly and comes back embedded; an oblique one needs singleton=True."""
    volume = image((4, 5, 6), direction=np.eye(3))
    axial = volume[2]
    back = sn.from_sitk(sn.to_sitk(axial))
    assert back.geometry.physical_ndim == 3 and back.geometry.mismatch(axial.geometry) is None
    assert_positions_kept_like(axial, back)
    oblique = image((4, 5, 6))[2]
    with pytest.raises(ValueError, match="embedded obliquely .* Pass singleton=True"):
        sn.to_sitk(oblique)
    as_volume = sn.to_sitk(oblique, singleton=True)
    assert as_volume.GetDimension() == 3 and as_volume.GetSize()[2] == 1
    for k in sample_indices(oblique.shape):
        np.testing.assert_allclose(itk_point(as_volume, (0,) + k), array_position(oblique, k), atol=1e-9)
    assert sn.to_itk(oblique, singleton=True).GetLargestPossibleRegion().GetSize()[2] == 1


def assert_positions_kept_like(expected: sn.SpatialArray, got: sn.SpatialArray) -> None:
    assert np.array_equal(got, expected)
    for k in sample_indices(expected.shape):
        np.testing.assert_allclose(array_position(got, k), array_position(expected, k), atol=1e-9)


def test_bad_conversions_say_why() -> None:
    with pytest.raises(TypeError, match="from_sitk needs a SimpleITK.Image"):
        sn.from_sitk(np.zeros(3))
    with pytest.raises(TypeError, match="expected a SpatialArray"):
        sn.to_sitk(np.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at most one component axis"):
        sn.to_sitk(sn.SpatialArray(np.zeros((2, 3, 4, 5)), spacing=[1.0, 1.0]))
    with pytest.raises(TypeError, match="SimpleITK cannot store dtype <U1 .* it stores uint8"):
        sn.to_sitk(sn.SpatialArray(np.zeros((2, 3), dtype="U1")))


# -- nibabel ---------------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(geometry=geometries(3, embedded=False), data=st.data())
def test_nibabel_round_trip_and_its_own_mapping(geometry: sn.Geometry, data: st.DataObject) -> None:
    """The affine maps (i, j, k) to RAS: our (k, j, i) index maps to the same point in LPS."""
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=3, max_size=3)))
    original = sn.SpatialArray(np.arange(float(np.prod(shape))).reshape(shape), geometry=geometry)
    converted = sn.to_nibabel(original)
    for k in sample_indices(shape):
        ras = nib.affines.apply_affine(converted.affine, k[::-1])
        np.testing.assert_allclose(ras * [-1, -1, 1], array_position(original, k)[::-1], atol=1e-8)
    back = sn.from_nibabel(converted)
    assert back.geometry.mismatch(original.geometry, sn.Tolerance(1e-9, 1e-9)) is None
    assert np.array_equal(back, original)


@pytest.mark.parametrize("name", NIFTI_FILES)
def test_nibabel_example_files_agree_with_nibabels_mapping(name: str) -> None:
    loaded = nib.load(NIBABEL_DATA / name)
    array = sn.from_nibabel(loaded)
    spatial = array.shape[1:] if loaded.ndim == 4 else array.shape  # a 4-D file has time first
    for k in sample_indices(spatial):
        ras = nib.affines.apply_affine(loaded.affine, k[::-1])
        index = ((0,) + k) if loaded.ndim == 4 else k
        np.testing.assert_allclose(array.index_to_physical(index)[-3:][::-1], ras * [-1, -1, 1], atol=1e-4)


@pytest.mark.parametrize("name", NIFTI_FILES)
def test_the_same_file_through_nibabel_and_simpleitk(name: str) -> None:
    """Equal arrays in the same axis order and the same geometry, whichever library read the file."""
    path = str(NIBABEL_DATA / name)
    through_nibabel = sn.from_nibabel(nib.load(path))
    through_sitk = sn.from_sitk(sitk.ReadImage(path))
    assert through_nibabel.shape == through_sitk.shape
    if nib.load(path).dataobj.slope == 1 and nib.load(path).dataobj.inter == 0:
        assert np.array_equal(through_nibabel, through_sitk)
    else:  # scaled data: nibabel scales in float64, SimpleITK in float32
        np.testing.assert_allclose(through_nibabel, through_sitk, rtol=1e-6, atol=1e-3)
    with sn.tolerance(coordinate=1e-5, direction=1e-5):  # both read float32 affines
        assert through_nibabel.geometry.mismatch(through_sitk.geometry) is None


def test_nibabel_refuses_shear_and_other_frames() -> None:
    affine = np.eye(4)
    affine[0, 1] = 0.3
    with pytest.raises(ValueError, match=r"the image's affine has shear .* resample it first. Its affine \(RAS\)"):
        sn.from_nibabel(nib.Nifti1Image(np.zeros((2, 3, 4), dtype=np.float32), affine))
    nowhere = image((2, 3, 4))
    nowhere.meta["frame"] = "XYZ"  # a RAS array is converted (test_files), a frame naming no directions refused
    with pytest.raises(ValueError, match=r"frame.\] must name where each physical axis points"):
        sn.to_nibabel(nowhere)
    with pytest.raises(TypeError, match="from_nibabel needs a nibabel image"):
        sn.from_nibabel(np.zeros(3))


# -- files -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".nii", ".nii.gz", ".mha", ".nrrd"])
def test_write_read_round_trip(tmp_path: Path, suffix: str) -> None:
    original = image((4, 5, 6), dtype=np.int16)
    path = tmp_path / f"image{suffix}"
    sn.write(original, path)
    back = sn.read(path)
    assert np.array_equal(back, original) and back.dtype == original.dtype
    tolerance = 1e-6 if suffix.startswith(".nii") else 1e-12  # NIfTI stores the affine in float32
    with sn.tolerance(coordinate=tolerance, direction=tolerance):
        assert back.geometry.mismatch(original.geometry) is None
    assert_positions_kept_like(original, back)


def test_write_read_a_png_and_a_vector_image(tmp_path: Path) -> None:
    picture = sn.SpatialArray(np.arange(12, dtype=np.uint8).reshape(3, 4))
    sn.write(picture, tmp_path / "p.png")
    assert np.array_equal(sn.read(tmp_path / "p.png"), picture)
    vectors = image((3, 4, 3), spacing=[2.0, 3.0], origin=[1.0, 1.0], direction=np.eye(2))
    sn.write(vectors, tmp_path / "v.mha")
    back = sn.read(tmp_path / "v.mha")
    assert back.shape == (3, 4, 3) and back.spatial_ndim == 2 and back.geometry == vectors.geometry


def test_read_a_dicom_series(tmp_path: Path) -> None:
    volume = image((3, 4, 5), dtype=np.int16, direction=np.eye(3))
    converted = sn.to_sitk(volume)
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    for z in range(volume.shape[0]):
        plane = converted[:, :, z]
        plane.SetMetaData("0020|0032", "\\".join(str(v) for v in converted.TransformIndexToPhysicalPoint((0, 0, z))))
        plane.SetMetaData("0020|0037", "1\\0\\0\\0\\1\\0")
        plane.SetMetaData("0020|0013", str(z))
        plane.SetMetaData("0020|000e", "1.2.826.0.1.3680043.2.1125.1")
        writer.SetFileName(str(tmp_path / f"slice{z:03d}.dcm"))
        writer.Execute(plane)
    series = sn.read(tmp_path)
    assert np.array_equal(series, volume)
    np.testing.assert_allclose(series.spacing, volume.spacing, atol=1e-6)
    np.testing.assert_allclose(series.origin, volume.origin, atol=1e-6)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such image file"):
        sn.read(tmp_path / "missing.nii")
    with pytest.raises(ValueError, match="no DICOM series"):
        sn.read(tmp_path)


def test_a_missing_library_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No installed reader: the ImportError says what to install; an optional import says the package."""
    from spatial_ndarray.interop import _common, _io

    monkeypatch.setattr(_io, "_first_available", lambda *modules: None)
    (tmp_path / "a.mha").write_bytes(b"")
    with pytest.raises(ImportError, match=r"reading a.mha needs SimpleITK or itk: pip install SimpleITK \(or pip install 'spatial-ndarray\[interop\]'\)"):
        sn.read(tmp_path / "a.mha")
    with pytest.raises(ImportError, match=r"writing b.nii.gz needs nibabel or SimpleITK"):
        sn.write(image(), tmp_path / "b.nii.gz")
    with pytest.raises(ImportError, match="this needs not_a_real_package: pip install not_a_real_package"):
        _common.optional("not_a_real_package", "not_a_real_package")
    # each optional package names the extra that installs it: itk has its own (1.5 GB installed)
    for package, extra in [("SimpleITK", "interop"), ("nibabel", "interop"), ("tifffile", "interop"), ("itk", "itk")]:
        monkeypatch.setattr(_common.importlib, "import_module", lambda name: (_ for _ in ()).throw(ImportError(name)))
        with pytest.raises(ImportError, match=rf"this needs {package}: pip install {package} \(or pip install 'spatial-ndarray\[{extra}\]'\)"):
            _common.optional(package, package)


def test_write_read_a_tiff_stack(tmp_path: Path) -> None:
    stack = image((3, 4, 5), dtype=np.uint16, direction=np.eye(3))
    sn.write(stack, tmp_path / "s.tif")
    back = sn.read(tmp_path / "s.tif")
    assert np.array_equal(back, stack)
