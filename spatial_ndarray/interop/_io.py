"""read and write image files through whichever of nibabel, SimpleITK and itk is installed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._array import SpatialArray

__all__ = ["read", "write"]

_NIFTI = (".nii", ".nii.gz")


def _is_nifti(path: Path) -> bool:
    return path.name.lower().endswith(_NIFTI)


def _first_available(*modules: str) -> str | None:
    import importlib.util

    return next((m for m in modules if importlib.util.find_spec(m) is not None), None)


def read(path: str | os.PathLike[str], *, view: bool = False) -> SpatialArray:
    """Read an image file (or a DICOM series directory) as a SpatialArray with its geometry.

    NIfTI goes through nibabel (else SimpleITK); MetaImage, NRRD, PNG, TIFF and
    everything else ITK reads through SimpleITK (else itk); a directory is read as a
    DICOM series through SimpleITK.

    Raises
    ------
    ImportError
        No installed library reads this kind of file; the message says what to install.
    FileNotFoundError
        ``path`` does not exist.
    """
    location = Path(path)
    if not location.exists():
        raise FileNotFoundError(f"no such image file or directory: {location}")
    if location.is_dir():
        if _first_available("SimpleITK") is None:
            raise ImportError("reading a DICOM series needs SimpleITK: pip install SimpleITK")
        import SimpleITK as sitk

        from ._sitk import from_sitk

        reader = sitk.ImageSeriesReader()
        names = reader.GetGDCMSeriesFileNames(str(location))
        if not names:
            raise ValueError(f"no DICOM series in directory {location}")
        reader.SetFileNames(names)
        return from_sitk(reader.Execute())
    choice = _first_available("nibabel", "SimpleITK", "itk") if _is_nifti(location) else _first_available("SimpleITK", "itk")
    if choice == "nibabel":
        import nibabel

        from ._nibabel import from_nibabel

        return from_nibabel(nibabel.load(location))
    if choice == "SimpleITK":
        import SimpleITK as sitk

        from ._sitk import from_sitk

        return from_sitk(sitk.ReadImage(str(location)), view=view)
    if choice == "itk":
        import itk

        from ._itk import from_itk

        return from_itk(itk.imread(str(location)), view=view)
    needed = "nibabel or SimpleITK" if _is_nifti(location) else "SimpleITK or itk"
    raise ImportError(f"reading {location.name} needs {needed}: pip install 'spatial-ndarray[interop]'")


def write(array: SpatialArray, path: str | os.PathLike[str]) -> None:
    """Write a SpatialArray with its geometry: NIfTI through nibabel (else SimpleITK), others through SimpleITK (else itk)."""
    if not isinstance(array, SpatialArray) or array._geometry is None:
        raise TypeError(
            f"write needs a SpatialArray, got {type(array).__name__}: a plain array has no geometry to write. "
            "Put the values on their image's grid first: sn.write(image.with_values(values), path)"
        )
    location = Path(path)
    choice = _first_available("nibabel", "SimpleITK", "itk") if _is_nifti(location) else _first_available("SimpleITK", "itk")
    if choice == "nibabel":
        import nibabel

        from ._nibabel import to_nibabel

        nibabel.save(to_nibabel(array), location)
    elif choice == "SimpleITK":
        import SimpleITK as sitk

        from ._sitk import to_sitk

        sitk.WriteImage(to_sitk(array), str(location))
    elif choice == "itk":
        import itk

        from ._itk import to_itk

        itk.imwrite(to_itk(array), str(location))
    else:
        needed = "nibabel or SimpleITK" if _is_nifti(location) else "SimpleITK or itk"
        raise ImportError(f"writing {location.name} needs {needed}: pip install 'spatial-ndarray[interop]'")
