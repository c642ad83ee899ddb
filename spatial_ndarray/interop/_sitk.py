"""SimpleITK images <-> SpatialArray."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from ._common import exported_metadata, from_itk_order, optional, owned_view, to_itk_order

__all__ = ["from_sitk", "to_sitk"]


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
    sitk = _sitk()
    if not isinstance(image, sitk.Image):
        raise TypeError(f"from_sitk needs a SimpleITK.Image, got {type(image).__name__}")
    values = owned_view(sitk.GetArrayViewFromImage(image), image) if view else sitk.GetArrayFromImage(image)
    meta = {key: image.GetMetaData(key) for key in image.GetMetaDataKeys()}
    return from_itk_order(values, image.GetOrigin(), image.GetSpacing(), image.GetDirection(), meta)


def to_sitk(array: SpatialArray, *, singleton: bool = False) -> Any:
    """A SimpleITK image from a SpatialArray (one trailing component axis becomes a vector image).

    ``meta`` entries with string values become the image's metadata. An embedded
    slice (``P > N``) converts when it is axis-aligned (the dropped coordinates are
    kept in the metadata and restored by `from_sitk`), or with ``singleton=True`` as
    an image with singleton axes; otherwise the error says what to do.
    """
    sitk = _sitk()
    values, (origin, spacing, direction), is_vector, extra = to_itk_order(array, singleton=singleton)
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
