"""Converters to and from SimpleITK, ITK and nibabel images, and reading and writing image files.

Every library is optional and imported on first use; a missing one raises an
ImportError that names what to install: ``pip install 'spatial-ndarray[interop]'``
(SimpleITK, nibabel, tifffile) or ``pip install 'spatial-ndarray[itk]'`` (itk).

========================================  ==============================================
SimpleITK / nibabel habit                 spatial_ndarray
========================================  ==============================================
``sitk.GetArrayFromImage(img)`` + by-hand   ``from_sitk(img)``: values and geometry, numpy order
origin/spacing/direction reversal
``sitk.GetImageFromArray(a)`` +             ``to_sitk(a)``
``img.CopyInformation(ref)``
``nib.load(f).get_fdata()``, ``.affine``    ``from_nibabel(nib.load(f))`` (LPS, numpy order)
``sitk.ReadImage(f)`` / ``nib.load(f)``     ``read(f)``; ``write(a, f)``
``MetaTensor(t, affine=...)`` by hand       ``to_monai(a)`` / ``from_monai(t)`` (the ``dl`` extra)
``tio.ScalarImage(tensor=t, affine=...)``   ``to_torchio(a)`` / ``from_torchio(image)``
========================================  ==============================================
"""

from ._common import ORTHONORMALISED_KEY, READER_DIRECTION_BOUND
from ._dicom import DICOM_TAGS
from ._io import read, write
from ._itk import from_itk, to_itk
from ._nibabel import from_nibabel, to_nibabel
from ._sitk import from_sitk, to_sitk
from ._monai import from_monai, to_monai  # MONAI and TorchIO: the dl extra
from ._torchio import from_torchio, to_torchio

__all__ = [
    "DICOM_TAGS",
    "ORTHONORMALISED_KEY",
    "READER_DIRECTION_BOUND",
    "from_itk",
    "from_nibabel",
    "from_sitk",
    "read",
    "to_itk",
    "to_nibabel",
    "to_sitk",
    "write",
]
__all__ += ["from_monai", "from_torchio", "to_monai", "to_torchio"]
