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
    "to_xarray",
    "from_xarray",
    "from_sitk",
    "to_sitk",
    "from_itk",
    "to_itk",
    "from_nibabel",
    "to_nibabel",
    "read",
    "write",
    "read_ome_zarr",
    "write_ome_zarr",
]

__version__ = "0.1.0"


_INTEROP = ("from_sitk", "to_sitk", "from_itk", "to_itk", "from_nibabel", "to_nibabel", "read", "write")


def __getattr__(name: str) -> object:
    # the xarray adapters import xarray (and register ``da.spatial``) only when first used
    if name in ("to_xarray", "from_xarray"):
        from . import xarray as _xarray

        return getattr(_xarray, name)
    if name in ("read_ome_zarr", "write_ome_zarr"):
        from . import ome_zarr as _ome_zarr

        return getattr(_ome_zarr, name)
    if name in _INTEROP:
        from . import interop

        return getattr(interop, name)
    raise AttributeError(f"module 'spatial_ndarray' has no attribute {name!r}")
SPEC_VERSION = "1.1"
