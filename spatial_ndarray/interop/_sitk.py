"""SimpleITK images <-> SpatialArray."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from ._common import exported_metadata, from_itk_order, optional, owned_view, to_itk_order
from ._dtypes import storable

__all__ = ["COMPLEX_KEY", "from_sitk", "read_sitk", "to_sitk"]

#: Metadata marking a complex image: MetaImage stores complex pixels as two float channels and reads them back so.
COMPLEX_KEY = "spatial_ndarray_complex"


def _sitk() -> Any:
    return optional("SimpleITK", "SimpleITK")


def from_sitk(image: Any, *, view: bool = False) -> SpatialArray:
    """A SpatialArray from a SimpleITK image: values in numpy (z, y, x[, c]) order, geometry converted from (x, y, z).

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar or vector (multi-component) image of any pixel type.
    view : bool, default False
        Share SimpleITK's buffer (read-only) instead of copying; the array keeps the
        image alive.

    Returns
    -------
    SpatialArray
        ``meta`` holds the image's metadata dictionary and ``"frame": "LPS"``.
    """
    return read_sitk(image, view=view, source="the SimpleITK image")


def read_sitk(image: Any, *, view: bool, source: str) -> SpatialArray:
    """`from_sitk`, naming ``source`` (the file) in errors about its geometry."""
    sitk = _sitk()
    if not isinstance(image, sitk.Image):
        raise TypeError(f"from_sitk needs a SimpleITK.Image, got {type(image).__name__}")
    values = owned_view(sitk.GetArrayViewFromImage(image), image) if view else sitk.GetArrayFromImage(image)
    meta = {key: image.GetMetaData(key) for key in image.GetMetaDataKeys()}
    complex_marker = meta.pop(COMPLEX_KEY, None)
    if complex_marker is not None and values.dtype.kind == "f" and values.ndim > image.GetDimension() and values.shape[-1] == 2:
        values = np.ascontiguousarray(values).view(np.complex64 if values.dtype == np.float32 else np.complex128)[..., 0]
    return from_itk_order(values, image.GetOrigin(), image.GetSpacing(), image.GetDirection(), meta, source)


def to_sitk(array: SpatialArray, *, singleton: bool = False) -> Any:
    """A SimpleITK image from a SpatialArray (one trailing component axis becomes a vector image).

    ``meta`` entries with string values become the image's metadata. ``bool`` and
    ``float16`` values become ``uint8`` and ``float32`` (SimpleITK has neither type). An embedded
    slice (``P > N``) converts when it is axis-aligned (the dropped coordinates are
    kept in the metadata and restored by `from_sitk`), or with ``singleton=True`` as
    an image with singleton axes; otherwise the error says what to do.
    """
    sitk = _sitk()
    values, (origin, spacing, direction), is_vector, extra = to_itk_order(array, singleton=singleton)
    values = storable(values, "SimpleITK")
    if values.dtype.kind == "c":
        extra[COMPLEX_KEY] = "1"
    try:
        image = sitk.GetImageFromArray(np.ascontiguousarray(values), isVector=is_vector)
    except (TypeError, RuntimeError) as error:
        raise TypeError(f"SimpleITK has no pixel type for dtype {values.dtype}: {error}") from None
    image.SetOrigin([float(v) for v in origin])
    image.SetSpacing([float(v) for v in spacing])
    image.SetDirection([float(v) for v in direction.ravel()])
    for key, value in exported_metadata(array, extra).items():
        image.SetMetaData(key, value)
    return image
