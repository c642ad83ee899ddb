"""spatial_ndarray: numpy arrays that know where they are in physical space.

Examples
--------
>>> import numpy as np
>>> import spatial_ndarray as sn
>>> img = sn.SpatialArray(np.arange(12.0).reshape(3, 4), origin=[5.0, 0.0], spacing=[2.0, 1.0])
>>> img[::-1].index_to_physical([0, 0])
array([9., 0.])
>>> img.mean(axis=0).origin
array([7., 0.])
"""

from ._array import SpatialArray
from ._tolerance import Tolerance, get_tolerance, tolerance
from .errors import GeometryDroppedWarning, GeometryMismatchError, GeometryUndefinedError
from .geometry import Geometry
from .filters import distance_transform, gaussian_filter, gradient
from . import lazy  # lazy (dask-backed) images: sn.lazy.resample, sn.lazy.lazy_image
from .pyramid import downsample, pyramid
from .resample import resample, resample_to_fit, resample_to_spacing  # functions: `sn.resample(image, ...)`
from .transforms import AffineTransform
from .orientation import convert_frame, lps_to_ras, orientation, ras_to_lps, reorient  # files helper: chapter 17
# resampling engine: point sampling, physical crops, the no-overlap warning
from .crop import crop
from .resample import NoOverlapWarning, sample
# scipy.ndimage and scikit-image (issue 17): `sn.ndimage` is the drop-in module; these take physical units
from . import ndimage
from .measure import LabelStatistics, label_statistics
from .morphology import binary_closing, binary_dilation, binary_erosion, binary_opening, median_filter
from .voxelspace import keep_geometry

__all__ = [
    "AffineTransform",
    "Geometry",
    "GeometryDroppedWarning",
    "GeometryMismatchError",
    "GeometryUndefinedError",
    "SpatialArray",
    "Tolerance",
    "get_tolerance",
    "tolerance",
    "distance_transform",
    "downsample",
    "gaussian_filter",
    "gradient",
    "pyramid",
    "resample",
    "resample_to_fit",
    "resample_to_spacing",
    "NoOverlapWarning",
    "crop",
    "sample",
    "to_xarray",
    "from_xarray",
    "imshow",
    "napari_layer_kwargs",
    "from_sitk",
    "to_sitk",
    "from_itk",
    "to_itk",
    "from_nibabel",
    "to_nibabel",
    "read",
    "write",
    "convert_frame",
    "lps_to_ras",
    "orientation",
    "ras_to_lps",
    "reorient",
    "read_ome_zarr",
    "write_ome_zarr",
    "to_monai",
    "from_monai",
    "to_torchio",
    "from_torchio",
    "ndimage",
    "LabelStatistics",
    "label_statistics",
    "binary_closing",
    "binary_dilation",
    "binary_erosion",
    "binary_opening",
    "median_filter",
    "keep_geometry",
]

__version__ = "0.1.0"


_INTEROP: tuple[str, ...] = ("from_sitk", "to_sitk", "from_itk", "to_itk", "from_nibabel", "to_nibabel", "read", "write")
_INTEROP += ("to_monai", "from_monai", "to_torchio", "from_torchio")  # torch, MONAI, TorchIO: the dl extra


def __getattr__(name: str) -> object:
    # the xarray adapters import xarray (and register ``da.spatial``) only when first used
    if name in ("to_xarray", "from_xarray"):
        from . import xarray as _xarray

        return getattr(_xarray, name)
    if name in ("read_ome_zarr", "write_ome_zarr"):
        from . import ome_zarr as _ome_zarr

        return getattr(_ome_zarr, name)
    # physical coordinates at the borders: matplotlib and napari are imported when first called
    if name == "imshow":
        from .plotting import imshow

        return imshow
    if name == "napari_layer_kwargs":
        from .napari import napari_layer_kwargs

        return napari_layer_kwargs
    if name in _INTEROP:
        from . import interop

        return getattr(interop, name)
    raise AttributeError(f"module 'spatial_ndarray' has no attribute {name!r}")
SPEC_VERSION = "1.2"
__spatial_protocol__ = SPEC_VERSION  # SA-15.1: the SPEC version this package implements
