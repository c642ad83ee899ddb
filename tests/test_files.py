"""Files written and read with the real SimpleITK, nibabel, itk and tifffile (SPEC chapter 17)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn
from spatial_ndarray.geometry import direction_deviation

from .strategies import array_position, geometries

sitk = pytest.importorskip("SimpleITK")
nib = pytest.importorskip("nibabel")
itk = pytest.importorskip("itk")
tifffile = pytest.importorskip("tifffile")

pytestmark = pytest.mark.interop

RNG = np.random.default_rng(14)
ROTATION = np.linalg.qr(RNG.normal(size=(3, 3)))[0]
NIBABEL_DATA = Path(os.path.dirname(nib.__file__)) / "tests" / "data"


def values(shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
    return RNG.normal(size=shape).astype(dtype)


def every_position(array: sn.SpatialArray) -> list[tuple[tuple[int, ...], np.ndarray]]:
    return [(k, array_position(array, k)) for k in np.ndindex(*array.shape[: array.spatial_ndim])]


def sitk_point(image: Any, index: tuple[int, ...]) -> np.ndarray:
    return np.array(image.TransformIndexToPhysicalPoint([int(i) for i in index[::-1]]))[::-1]


# -- SA-17.2 / SA-17.3: NIfTI layout ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape, n", [((3, 4, 5, 3), 3), ((4, 5, 2), 2)], ids=["3d", "2d"])
def test_vector_images_are_nifti_vectors(tmp_path: Path, shape: tuple[int, ...], n: int) -> None:
    """SA-17.3: components go to dim 5 (intent vector), as SimpleITK writes, and come back as components."""
    original = sn.SpatialArray(values(shape), origin=[1.5, -2.0, 3.0][:n], spacing=[0.5, 0.75, 2.0][:n])
    path = tmp_path / "v.nii.gz"
    sn.write(original, path)
    stored = nib.load(path)
    assert stored.header.get_intent()[0] == "vector" and stored.shape[-1] == shape[-1] and len(stored.shape) == 5
    back = sn.read(path)
    assert back.shape == shape and back.spatial_ndim == n and np.array_equal(back, original)
    assert back.geometry.mismatch(original.geometry) is None
    through_sitk = sitk.ReadImage(str(path))  # SimpleITK reads our file as a vector image of the same size
    assert through_sitk.GetNumberOfComponentsPerPixel() == shape[-1] and through_sitk.GetSize() == shape[:n][::-1]
    assert np.array_equal(sitk.GetArrayFromImage(through_sitk), original)
    written_by_sitk = tmp_path / "s.nii.gz"
    sitk.WriteImage(sn.to_sitk(original), str(written_by_sitk))
    again = sn.read(written_by_sitk)
    assert again.shape == shape and np.array_equal(again, original)


def test_a_one_slice_vector_volume_stays_3d(tmp_path: Path) -> None:
    """SA-17.3: (1, 4, 5) x 3 components is stored (5, 4, 1, 1, 3) like a 2-D vector image; the intent name we
    write says 3 axes. (SimpleITK reads such a file as 2-D; a fuzz of 300 round trips found this case.)"""
    original = sn.SpatialArray(values((1, 4, 5, 3)), origin=[7.0, 1.5, -2.0], spacing=[3.0, 0.5, 0.75], direction=ROTATION)
    sn.write(original, tmp_path / "one.nii.gz")
    assert nib.load(tmp_path / "one.nii.gz").header.get_intent() == ("vector", (), "axes=3")
    back = sn.read(tmp_path / "one.nii.gz")
    assert back.shape == original.shape and back.spatial_ndim == 3 and np.array_equal(back, original)
    for k, point in every_position(original):
        np.testing.assert_allclose(array_position(back, k), point, atol=1e-4)


def test_a_2d_nifti_reads_back_2d_like_simpleitk(tmp_path: Path) -> None:
    """SA-17.3: P = 2, as SimpleITK reads the file, so the image adds to the original."""
    original = sn.SpatialArray(values((4, 6)), origin=[1.5, -2.0], spacing=[0.5, 0.75], direction=[[0.6, -0.8], [0.8, 0.6]])
    sn.write(original, tmp_path / "p.nii")
    back = sn.read(tmp_path / "p.nii")
    assert back.geometry.physical_ndim == 2 and np.array_equal(back, original)
    through_sitk = sn.from_sitk(sitk.ReadImage(str(tmp_path / "p.nii")))
    with sn.tolerance(coordinate=1e-6, direction=1e-6):  # the file stores float32
        assert back.geometry.mismatch(through_sitk.geometry) is None
        np.testing.assert_array_equal(original + back, 2 * np.asarray(original))
    # an embedded oblique slice stays embedded (P = 3): SimpleITK would drop its third coordinate
    oblique = sn.SpatialArray(values((3, 4, 5)), origin=[10.0, 20.0, 30.0], direction=ROTATION)[1]
    sn.write(oblique, tmp_path / "o.nii")
    back = sn.read(tmp_path / "o.nii")
    assert back.geometry.physical_ndim == 3
    for k, point in every_position(oblique):
        np.testing.assert_allclose(array_position(back, k), point, atol=1e-4)


def test_nifti_scaling_agrees_between_nibabel_and_simpleitk(tmp_path: Path) -> None:
    """SA-17.3: scaled data is float32 (float64 when stored float64) through both, with equal values."""
    for raw_dtype in (np.int16, np.uint8, np.float64):
        raw = RNG.integers(0, 100, size=(4, 5, 6)).astype(raw_dtype)
        image = nib.Nifti1Image(raw, np.eye(4), dtype=raw_dtype)
        image.header.set_slope_inter(0.1234567, -7.654321)
        nib.save(image, tmp_path / "scaled.nii")
        through_nibabel = sn.read(tmp_path / "scaled.nii")
        through_sitk = sn.from_sitk(sitk.ReadImage(str(tmp_path / "scaled.nii")))
        expected = np.float64 if raw_dtype == np.float64 else np.float32
        assert through_nibabel.dtype == through_sitk.dtype == expected
        assert np.array_equal(through_nibabel, through_sitk)
    functional = str(NIBABEL_DATA / "functional.nii")
    a, b = sn.from_nibabel(nib.load(functional)), sn.from_sitk(sitk.ReadImage(functional))
    assert a.dtype == b.dtype and np.array_equal(a, b)


# -- SA-17.2: every dtype ------------------------------------------------------------------------------------------

DTYPES = [np.bool_, np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64, np.float16,
          np.float32, np.float64, np.longdouble, np.complex64, np.complex128]


def stored_dtype(dtype: Any, suffix: str, data: np.ndarray) -> np.dtype:
    dtype = np.dtype(dtype)
    if suffix == ".tif" and dtype.kind in "iu" and dtype.itemsize == 8:
        return np.dtype(np.uint8)  # OME has no 64-bit integers: the narrowest type holding 0..119
    if suffix == ".tif" and dtype in (np.bool_, np.float16):
        return np.dtype(np.float32) if dtype == np.float16 else dtype
    if dtype == np.bool_:
        return np.dtype(np.uint8)
    if dtype == np.float16:
        return np.dtype(np.float32)
    if dtype == np.longdouble:
        return np.dtype(np.float64)
    if suffix.startswith(".nii") and dtype.kind in "iu" and dtype.itemsize == 8:
        return np.dtype(np.uint8) if data.min() >= 0 and data.max() < 256 else np.dtype(np.int64)
    return dtype


@pytest.mark.parametrize("suffix", [".nii.gz", ".mha", ".nrrd", ".tif"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_every_numpy_dtype_writes(tmp_path: Path, suffix: str, dtype: Any) -> None:
    """SA-17.2: the dtype where the format has it, else the narrowest type holding every value; values exact."""
    if np.dtype(dtype).kind == "c":
        data = (values((3, 4, 5), np.float32) + 1j * values((3, 4, 5), np.float32)).astype(dtype)
    elif np.dtype(dtype).kind == "b":
        data = values((3, 4, 5)) > 0
    else:
        data = (np.arange(60) % 120).reshape(3, 4, 5).astype(dtype)
    original = sn.SpatialArray(data, spacing=[2.0, 0.5, 0.25])
    path = tmp_path / f"image{suffix}"
    sn.write(original, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the sizes were written: no "no physical size" warning
        back = sn.read(path)
    assert back.dtype == stored_dtype(dtype, suffix, data), (back.dtype, dtype)
    assert back.shape == original.shape and np.array_equal(np.asarray(back), np.asarray(original))
    np.testing.assert_array_equal(back.spacing, original.spacing)


def test_int64_that_needs_64_bits_stays_int64_in_nifti(tmp_path: Path) -> None:
    original = sn.SpatialArray(np.array([[0, 2**40], [-(2**40), 7]], dtype=np.int64))
    sn.write(original, tmp_path / "big.nii")
    back = sn.read(tmp_path / "big.nii")
    assert back.dtype == np.int64 and np.array_equal(back, original)


def test_refused_dtypes_name_the_format_and_what_to_do(tmp_path: Path) -> None:
    text = sn.SpatialArray(np.array([["a", "b"], ["c", "d"]]))
    for suffix, fmt in [(".nii", "NIfTI"), (".mha", "SimpleITK"), (".tif", "TIFF")]:
        with pytest.raises(TypeError, match=rf"{fmt} cannot store dtype <U1 .* it stores .*Convert first"):
            sn.write(text, tmp_path / f"t{suffix}")
    precise = sn.SpatialArray(np.array([[1.0, 2.0]], dtype=np.longdouble) + np.finfo(np.longdouble).eps)
    if np.finfo(np.longdouble).eps < np.finfo(np.float64).eps:  # a real extended type (x86)
        with pytest.raises(TypeError, match="cannot store dtype float128"):
            sn.write(precise, tmp_path / "l.mha")


def test_complex_images_round_trip_through_metaimage(tmp_path: Path) -> None:
    """SA-17.2: MetaImage stores complex pixels as two channels; the metadata mark brings complex back."""
    data = (values((3, 4)) + 1j * values((3, 4))).astype(np.complex64)
    original = sn.SpatialArray(data, origin=[1.0, 2.0], spacing=[0.5, 0.25])
    sn.write(original, tmp_path / "c.mha")
    assert sitk.ReadImage(str(tmp_path / "c.mha")).GetNumberOfComponentsPerPixel() == 2  # what the file holds
    back = sn.read(tmp_path / "c.mha")
    assert back.dtype == np.complex64 and back.shape == (3, 4) and np.array_equal(back, original)
    assert back.geometry == original.geometry


def test_unknown_extension_one_d_and_oblique_slices_say_what_to_do(tmp_path: Path) -> None:
    image = sn.SpatialArray(values((3, 4)))
    with pytest.raises(ValueError, match=r"no image format is known for the extension of a.xyz: use one of .nii, .nii.gz, .mha"):
        sn.write(image, tmp_path / "a.xyz")
    with pytest.raises(ValueError, match="ITK images have 2 to 5 spatial axes; this array has N=1 .* one row high"):
        sn.to_sitk(sn.SpatialArray(values((5,))))
    with pytest.raises(TypeError, match="write needs a SpatialArray"):
        sn.write(np.zeros((2, 2)), tmp_path / "a.mha")  # type: ignore[arg-type]
    oblique = sn.SpatialArray(values((3, 4, 5)), origin=[1.0, 2.0, 3.0], spacing=[2.0, 0.5, 0.75], direction=ROTATION)[1]
    with pytest.raises(ValueError, match="Pass singleton=True"):
        sn.write(oblique, tmp_path / "o.mha")
    sn.write(oblique, tmp_path / "o.mha", singleton=True)
    stored = sitk.ReadImage(str(tmp_path / "o.mha"))
    assert stored.GetSize() == (5, 4, 1)
    for k, point in every_position(oblique):
        np.testing.assert_allclose(sitk_point(stored, (0,) + k), point, atol=1e-9)


# -- SA-17.1: the readers' direction rule --------------------------------------------------------------------------


def rounded(direction: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(direction, decimals)


@pytest.mark.parametrize("reader", ["read", "itk"])
def test_rounded_directions_are_orthonormalised_and_recorded(tmp_path: Path, reader: str) -> None:
    """SA-17.1: 4 decimals (deviation ~1e-4) read, orthonormalised, recorded; 2 decimals refused naming the file."""
    stored_direction = rounded(ROTATION, 4)
    deviation = direction_deviation(stored_direction)
    assert 1e-6 < deviation < 1e-3
    image = sitk.GetImageFromArray(values((3, 4, 5)))
    image.SetDirection(stored_direction[::-1, ::-1].ravel().tolist())  # numpy order -> ITK order
    image.SetOrigin([10.0, -20.0, 30.0])
    path = tmp_path / "rounded.mha"
    sitk.WriteImage(image, str(path))
    back = sn.read(path) if reader == "read" else sn.from_itk(itk.imread(str(path)))
    assert back.meta["direction_orthonormalised"] == pytest.approx(deviation, rel=1e-9)
    assert direction_deviation(back.direction) < 1e-12
    assert np.abs(back.direction - stored_direction).max() < deviation  # the nearest orthonormal matrix
    for k, point in every_position(back):  # positions move by at most the rounding times the extent
        np.testing.assert_allclose(point, sitk_point(image, k), atol=10 * deviation)
    image.SetDirection(rounded(ROTATION, 2)[::-1, ::-1].ravel().tolist())
    sitk.WriteImage(image, str(tmp_path / "bad.mha"))
    source = "bad.mha" if reader == "read" else "the itk image"
    with pytest.raises(ValueError, match=rf"{source}.*not orthonormal \(max \|D\^T D - I\| = [0-9.e-]+, above the readers' bound 0.001\)"):
        sn.read(tmp_path / "bad.mha") if reader == "read" else sn.from_itk(itk.imread(str(tmp_path / "bad.mha")))


def test_exact_directions_are_not_touched(tmp_path: Path) -> None:
    original = sn.SpatialArray(values((3, 4, 5)), direction=ROTATION)
    sn.write(original, tmp_path / "e.mha")
    back = sn.read(tmp_path / "e.mha")
    assert "direction_orthonormalised" not in back.meta and back.geometry == original.geometry


def test_nibabel_follows_the_same_rule(tmp_path: Path) -> None:
    """SA-17.1: an affine with shear within the bound is orthonormalised and recorded; beyond it refused naming the file."""
    affine = np.eye(4)
    affine[:3, :3] = rounded(ROTATION, 4) * [1.0, 2.0, 3.0]
    nib.save(nib.Nifti1Image(values((3, 4, 5)), affine), tmp_path / "r.nii")
    back = sn.read(tmp_path / "r.nii")
    assert 1e-6 < back.meta["direction_orthonormalised"] < 1e-3
    affine[0, 1] += 0.05
    nib.save(nib.Nifti1Image(values((3, 4, 5)), affine), tmp_path / "shear.nii")
    with pytest.raises(ValueError, match=r"shear.nii: the image's affine has shear"):
        sn.read(tmp_path / "shear.nii")


# -- SA-17.4: DICOM series -----------------------------------------------------------------------------------------


def write_series(directory: Path, uid: str, description: str, positions: list[list[float]], start: int = 0) -> np.ndarray:
    directory.mkdir(exist_ok=True)
    data = (np.arange(len(positions) * 12) % 97).astype(np.int16).reshape(len(positions), 3, 4)
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    for z, position in enumerate(positions):
        plane = sitk.GetImageFromArray(data[z])
        plane.SetSpacing([0.5, 0.75])
        tags = {
            "0020|0032": "\\".join(str(v) for v in position),
            "0020|0037": "1\\0\\0\\0\\1\\0",
            "0020|0013": str(z),
            "0020|000e": uid,
            "0008|103e": description,
            "0008|0060": "CT",
            "0008|0070": "Spatial Test",
            "0018|0015": "HEAD",
            "0010|0020": "P-14",
            "0008|0022": "20261123",
        }
        for tag, value in tags.items():
            plane.SetMetaData(tag, value)
        writer.SetFileName(str(directory / f"{uid[-3:]}_{start + z:03d}.dcm"))
        writer.Execute(plane)
    return data


def test_several_series_are_listed_and_picked(tmp_path: Path) -> None:
    """SA-17.4: without series= the error lists every series; by UID or description one is read, with its tags."""
    first = write_series(tmp_path, "1.2.826.0.1.3680043.2.1125.101", "axial", [[0.0, 0.0, 2.0 * z] for z in range(4)])
    second = write_series(tmp_path, "1.2.826.0.1.3680043.2.1125.202", "thin", [[5.0, 0.0, 1.0 * z] for z in range(3)])
    with pytest.raises(ValueError, match=r"holds 2 DICOM series: UID '1.2.826.0.1.3680043.2.1125.101', description 'axial', 4 files; UID '1.2.826.0.1.3680043.2.1125.202', description 'thin', 3 files\. Pick one with read\(directory, series=<UID or description>\)"):
        sn.read(tmp_path)
    by_uid = sn.read(tmp_path, series="1.2.826.0.1.3680043.2.1125.101")
    assert np.array_equal(by_uid, first)
    np.testing.assert_allclose(by_uid.spacing, [2.0, 0.75, 0.5], atol=1e-6)
    by_description = sn.read(tmp_path, series="thin")
    assert np.array_equal(by_description, second)
    np.testing.assert_allclose(by_description.origin, [0.0, 0.0, 5.0], atol=1e-6)
    meta = by_description.meta
    assert meta["SeriesInstanceUID"] == "1.2.826.0.1.3680043.2.1125.202" and meta["SeriesDescription"] == "thin"
    assert meta["Modality"] == "CT" and meta["Manufacturer"] == "Spatial Test" and meta["BodyPartExamined"] == "HEAD"
    assert meta["PatientID"] == "P-14" and meta["AcquisitionDate"] == "20261123" and meta["frame"] == "LPS"
    assert set(meta) - {"frame"} <= set(sn.interop.DICOM_TAGS) | {k for k in meta if "|" in k or k.startswith("ITK")}
    with pytest.raises(ValueError, match=r"no DICOM series in .* has UID or description 'sagittal'; it holds: UID"):
        sn.read(tmp_path, series="sagittal")
    with pytest.raises(ValueError, match="series= picks a DICOM series from a directory"):
        sn.read(next(tmp_path.iterdir()), series="thin")


def test_uneven_spacing_and_gantry_tilt_are_refused(tmp_path: Path) -> None:
    """SA-17.4: one regular grid cannot place these slices; the error says what was found and what to do."""
    write_series(tmp_path / "uneven", "1.2.3.4.1", "gap", [[0.0, 0.0, z] for z in (0.0, 2.0, 4.0, 7.0)])
    with pytest.raises(ValueError, match=r"slices are unevenly spaced \(steps along the slice normal \[2.0, 2.0, 3.0\] mm.*sn.resample"):
        sn.read(tmp_path / "uneven")
    write_series(tmp_path / "tilt", "1.2.3.4.2", "tilt", [[0.0, 0.3 * z, 2.0 * z] for z in range(4)])
    with pytest.raises(ValueError, match=r"slices are stacked at 8.53 degrees to their normal \(gantry tilt\)"):
        sn.read(tmp_path / "tilt")
    write_series(tmp_path / "even", "1.2.3.4.3", "even", [[0.0, 0.0, 2.0 * z + 1e-5 * (z % 2)] for z in range(4)])
    assert sn.read(tmp_path / "even").shape == (4, 3, 4)  # within 1e-3 of a step: even


def test_rounded_dicom_orientation_follows_the_reader_rule(tmp_path: Path) -> None:
    """SA-17.1 for DICOM: direction cosines written with 4 decimals."""
    directory = tmp_path / "oblique"
    directory.mkdir()
    row, column = np.round(ROTATION[:, 0], 4), np.round(ROTATION[:, 1], 4)
    normal = np.cross(row, column)
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    for z in range(3):
        plane = sitk.GetImageFromArray(np.full((3, 4), z, dtype=np.int16))
        plane.SetMetaData("0020|0032", "\\".join(f"{v:.4f}" for v in 2.0 * z * normal / np.linalg.norm(normal)))
        plane.SetMetaData("0020|0037", "\\".join(f"{v:.4f}" for v in np.concatenate([row, column])))
        plane.SetMetaData("0020|000e", "1.2.3.9")
        writer.SetFileName(str(directory / f"{z}.dcm"))
        writer.Execute(plane)
    back = sn.read(directory)
    assert 1e-6 < back.meta["direction_orthonormalised"] < 1e-3 and direction_deviation(back.direction) < 1e-12
    assert np.array_equal(back[:, 0, 0], [0, 1, 2])


# -- SA-17.5: TIFF ------------------------------------------------------------------------------------------------


def test_ome_tiff_sizes_units_origin_round_trip(tmp_path: Path) -> None:
    """SA-17.5: OME-XML sizes, units and the first plane's position come back exactly; channels are components."""
    original = sn.SpatialArray(values((3, 4, 5, 2)), origin=[4.0, 1.5, -2.25], spacing=[2.0, 0.325, 0.325],
                               meta={"units": ("µm", "µm", "µm")})
    sn.write(original, tmp_path / "cells.ome.tif")
    with tifffile.TiffFile(tmp_path / "cells.ome.tif") as tif:  # the file holds OME physical sizes
        assert tif.is_ome and 'PhysicalSizeX="0.325"' in tif.ome_metadata and 'PhysicalSizeZ="2.0"' in tif.ome_metadata
    back = sn.read(tmp_path / "cells.ome.tif")
    assert back.shape == original.shape and np.array_equal(back, original)
    assert back.geometry == original.geometry
    assert back.meta["units"] == ("µm", "µm", "µm") and back.meta["axes"] == "ZYXC"


def test_ome_tiff_written_by_tifffile_and_imagej_tiff(tmp_path: Path) -> None:
    data = values((2, 4, 5))
    tifffile.imwrite(tmp_path / "a.ome.tif", data, ome=True,
                     metadata={"axes": "ZYX", "PhysicalSizeX": 0.325, "PhysicalSizeY": 0.5, "PhysicalSizeZ": 2.0,
                               "PhysicalSizeZUnit": "nm"})
    back = sn.read(tmp_path / "a.ome.tif")
    assert back.spacing.tolist() == [2.0, 0.5, 0.325] and back.meta["units"] == ("nm", "µm", "µm")
    tifffile.imwrite(tmp_path / "ij.tif", data, imagej=True, resolution=(1 / 0.25, 1 / 0.5),
                     metadata={"spacing": 3.0, "unit": "um", "axes": "ZYX"})
    back = sn.read(tmp_path / "ij.tif")
    assert back.spacing.tolist() == [3.0, 0.5, 0.25] and back.meta["units"] == ("µm", "µm", "µm")
    assert np.array_equal(back, data)


def test_a_tiff_without_sizes_warns(tmp_path: Path) -> None:
    """SA-17.5: spacing 1 and a warning naming the axes without a size."""
    tifffile.imwrite(tmp_path / "plain.tif", values((4, 5)))
    with pytest.warns(UserWarning, match="plain.tif has no physical size for axis Y, X: spacing 1"):
        back = sn.read(tmp_path / "plain.tif")
    assert back.spacing.tolist() == [1.0, 1.0]


def test_tiff_refuses_directions(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"TIFF stores an axis-aligned grid .* Reorient it \(sn.reorient\)"):
        sn.write(sn.SpatialArray(values((2, 3, 4)), direction=ROTATION), tmp_path / "r.tif")


# -- SA-17.2: random round trips ---------------------------------------------------------------------------------


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(geometry=st.integers(2, 3).flatmap(lambda n: geometries(n, embedded=False)), data=st.data())
def test_random_round_trips_keep_values_axes_and_every_position(tmp_path: Path, geometry: sn.Geometry, data: st.DataObject) -> None:
    """SA-17.2: random oblique geometries, scalar or vector, through MetaImage, NRRD and NIfTI.

    Values and axes exactly; every voxel's position exactly for MetaImage and NRRD, within the float32 rounding
    of the stored affine for NIfTI.
    """
    suffix = data.draw(st.sampled_from([".mha", ".nrrd", ".nii.gz"]))
    n = geometry.spatial_ndim
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)))
    components = data.draw(st.sampled_from([(), (2,), (3,)]))
    original = sn.SpatialArray(values(shape + components), geometry=geometry)
    path = tmp_path / f"random{suffix}"
    sn.write(original, path)
    back = sn.read(path)
    assert back.shape == original.shape and back.spatial_ndim == n and back.dtype == original.dtype
    assert np.array_equal(back, original)
    scale = float(np.abs(geometry.origin).max() + (np.asarray(geometry.spacing) * np.asarray(shape)).sum())
    atol = 1e-12 * scale if suffix != ".nii.gz" else 3e-7 * scale
    for k, point in every_position(original):
        np.testing.assert_allclose(array_position(back, k), point, atol=atol, rtol=0)


def test_two_series_with_one_description_are_picked_by_uid(tmp_path: Path) -> None:
    """SA-17.4: a description two series share is ambiguous: the error lists both UIDs."""
    write_series(tmp_path, "1.2.3.7.1", "same", [[0.0, 0.0, z] for z in range(2)])
    write_series(tmp_path, "1.2.3.7.2", "same", [[0.0, 0.0, z] for z in range(3)])
    with pytest.raises(ValueError, match=r"2 series in .* have description 'same': pick one by UID: UID '1.2.3.7.1'"):
        sn.read(tmp_path, series="same")
    assert sn.read(tmp_path, series="1.2.3.7.2").shape == (3, 3, 4)


def test_the_itk_fallback_writes_and_refuses_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SimpleITK, itk writes (and names an unknown extension the same way)."""
    from spatial_ndarray.interop import _io

    monkeypatch.setattr(_io, "_first_available", lambda *modules: "itk")
    image = sn.SpatialArray(values((3, 4)), origin=[1.0, 2.0], spacing=[0.5, 0.25])
    sn.write(image, tmp_path / "a.mha")
    back = sn.read(tmp_path / "a.mha")
    assert np.array_equal(back, image) and back.geometry == image.geometry
    with pytest.raises(ValueError, match="no image format is known for the extension of a.xyz"):
        sn.write(image, tmp_path / "a.xyz")


@pytest.mark.parametrize("shape", [(1, 4, 3), (2, 3, 3), (4, 3), (3, 4), (1, 1, 2, 4)], ids=str)
def test_tiff_edge_shapes_round_trip(tmp_path: Path, shape: tuple[int, ...]) -> None:
    """SA-17.5: a one-slice volume stays 3-D; a last axis of 3 or 4 is data, not RGB samples (a 200-file fuzz found both)."""
    n = min(len(shape), 3)
    original = sn.SpatialArray(values(shape), origin=[3.0, -1.5, 2.25][:n], spacing=[2.0, 0.5, 0.25][:n])
    sn.write(original, tmp_path / "edge.tif")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        back = sn.read(tmp_path / "edge.tif")
    assert back.shape == original.shape and np.array_equal(back, original) and back.geometry == original.geometry


@pytest.mark.parametrize("suffix", [".nii.gz", ".mha", ".nrrd"])
def test_an_array_in_the_ras_frame_is_written_where_it_is(tmp_path, suffix) -> None:
    """SA-17.8: writers convert another frame to LPS; a RAS array is never written mirrored.

    The oracle: SimpleITK's own TransformIndexToPhysicalPoint of the file (LPS, (x, y, z)),
    compared with the RAS position computed from the array's public attributes.
    """
    sitk = pytest.importorskip("SimpleITK")
    rng = np.random.default_rng(3)
    lps = sn.SpatialArray(rng.normal(size=(3, 4, 5)).astype(np.float32), origin=[1.0, 2.0, 3.0],
                          spacing=[2.0, 1.5, 0.5], meta={"frame": "LPS"})
    ras = sn.lps_to_ras(lps)
    assert ras.meta["frame"] == "RAS"
    sn.write(ras, tmp_path / f"img{suffix}")
    on_disk = sitk.ReadImage(str(tmp_path / f"img{suffix}"))
    for k in [(0, 0, 0), (2, 3, 4), (1, 0, 3)]:
        ras_point = ras.origin + ras.direction @ (ras.spacing * np.array(k))  # (z, y, x) in RAS
        x, y, z = on_disk.TransformIndexToPhysicalPoint(tuple(int(i) for i in k[::-1]))  # LPS
        np.testing.assert_allclose([z, -y, -x], ras_point, atol=1e-4)  # LPS -> RAS, numpy order
