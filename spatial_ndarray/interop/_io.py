"""read and write image files through whichever of nibabel, SimpleITK, itk and tifffile is installed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._array import SpatialArray
from ._common import install_hint

__all__ = ["read", "write"]

_NIFTI = (".nii", ".nii.gz")
_TIFF = (".tif", ".tiff")
#: Extensions SimpleITK (and itk) write, listed in the error for any other.
WRITABLE = (".nii", ".nii.gz", ".mha", ".mhd", ".nrrd", ".nhdr", ".tif", ".tiff", ".ome.tif", ".png", ".jpg", ".bmp",
            ".vtk", ".hdr", ".gipl")


def _has(path: Path, suffixes: tuple[str, ...]) -> bool:
    return path.name.lower().endswith(suffixes)


def _first_available(*modules: str) -> str | None:
    import importlib.util

    return next((m for m in modules if importlib.util.find_spec(m) is not None), None)


def _libraries(path: Path) -> tuple[str, ...]:
    if _has(path, _NIFTI):
        return ("nibabel", "SimpleITK", "itk")
    if _has(path, _TIFF):
        return ("tifffile", "SimpleITK", "itk")
    return ("SimpleITK", "itk")


def _missing(action: str, path: Path) -> ImportError:
    names = _libraries(path)
    return ImportError(f"{action} {path.name} needs {' or '.join(names)}: {install_hint(names[0])}")


def read(path: str | os.PathLike[str], *, view: bool = False, series: str | None = None) -> SpatialArray:
    """Read an image file (or a DICOM series directory) as a SpatialArray with its geometry.

    NIfTI goes through nibabel (else SimpleITK), TIFF through tifffile (physical sizes
    and units from OME-XML or ImageJ metadata; else SimpleITK), MetaImage, NRRD, PNG
    and everything else ITK reads through SimpleITK (else itk). A directory is read as a
    DICOM series through SimpleITK: ``series`` picks one by UID or description when
    there are several, and ``meta`` gets the tags of `DICOM_TAGS`. Every reader applies
    the same direction rule (SPEC SA-17.1): a stored direction within the bound is
    orthonormalised and ``meta["direction_orthonormalised"]`` says by how much.

    Raises
    ------
    ImportError
        No installed library reads this kind of file; the message says what to install.
    FileNotFoundError
        ``path`` does not exist.
    ValueError
        Several DICOM series and no ``series``; uneven or tilted slices; a stored
        direction beyond the readers' bound (the message names the file).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "a.nrrd")
    >>> write(SpatialArray(np.zeros((2, 3), np.int16), spacing=[0.5, 2.0]), path)
    >>> read(path).spacing
    array([0.5, 2. ])
    """
    location = Path(path)
    if not location.exists():
        raise FileNotFoundError(f"no such image file or directory: {location}")
    if location.is_dir():
        if _first_available("SimpleITK") is None:
            raise ImportError(f"reading a DICOM series needs SimpleITK: {install_hint('SimpleITK')}")
        from ._dicom import read_dicom_series

        return read_dicom_series(location, series)
    if series is not None:
        raise ValueError(f"series= picks a DICOM series from a directory; {location} is a file")
    choice = _first_available(*_libraries(location))
    if choice == "nibabel":
        import nibabel

        from ._nibabel import from_nibabel

        return from_nibabel(nibabel.load(location))
    if choice == "tifffile":
        from ._tiff import read_tiff

        return read_tiff(location)
    if choice == "SimpleITK":
        import SimpleITK as sitk

        from ._sitk import read_sitk

        return read_sitk(sitk.ReadImage(str(location)), view=view, source=str(location))
    if choice == "itk":
        import itk

        from ._itk import read_itk

        return read_itk(itk.imread(str(location)), view=view, source=str(location))
    raise _missing("reading", location)


def write(array: SpatialArray, path: str | os.PathLike[str], *, singleton: bool = False) -> None:
    """Write a SpatialArray with its geometry, choosing the library by extension as `read` does.

    Values keep their dtype where the format has it; otherwise they are stored in the
    narrowest type holding them exactly (``bool`` as ``uint8``, ``float16`` as
    ``float32``, ``int64`` in NIfTI as the narrowest integer type), or refused with the
    format's types. Complex images round-trip through MetaImage and NRRD. An embedded
    slice (``P > N``) that is oblique needs ``singleton=True`` (written as an image
    with singleton axes; see `to_sitk`). TIFF takes axis-aligned images only.

    Raises
    ------
    ValueError
        An extension no installed library writes (the message lists the usual ones),
        or a geometry the format cannot hold (the message says what to do).
    TypeError
        A dtype the format cannot store without changing values.
    """
    if not isinstance(array, SpatialArray) or array._geometry is None:
        raise TypeError(
            f"write needs a SpatialArray, got {type(array).__name__}: a plain array has no geometry to write. "
            "Put the values on their image's grid first: sn.write(image.with_values(values), path)"
        )
    location = Path(path)
    choice = _first_available(*_libraries(location))
    if choice == "nibabel":
        import nibabel

        from ._nibabel import to_nibabel

        nibabel.save(to_nibabel(array), location)
    elif choice == "tifffile":
        from ._tiff import write_tiff

        write_tiff(array, location)
    elif choice == "SimpleITK":
        import SimpleITK as sitk

        from ._sitk import to_sitk

        image = to_sitk(array, singleton=singleton)
        _checked_write(lambda: sitk.WriteImage(image, str(location)), location)
    elif choice == "itk":
        import itk

        from ._itk import to_itk

        converted: Any = to_itk(array, singleton=singleton)
        _checked_write(lambda: itk.imwrite(converted, str(location)), location)
    else:
        raise _missing("writing", location)


def _checked_write(run: Any, location: Path) -> None:
    try:
        run()
    except RuntimeError as error:
        if "Unable to determine ImageIO" in str(error) or "Could not create IO object" in str(error):
            raise ValueError(
                f"no image format is known for the extension of {location.name}: use one of {', '.join(WRITABLE)}"
            ) from None
        raise
