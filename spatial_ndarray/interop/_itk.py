"""itk images <-> SpatialArray."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from ._dtypes import storable
from ._common import exported_metadata, from_itk_order, optional, owned_view, to_itk_order

__all__ = ["from_itk", "read_itk", "to_itk"]


def from_itk(image: Any, *, view: bool = False) -> SpatialArray:
    """A SpatialArray from an ``itk.Image`` (or ``itk.VectorImage``); the same contract as `from_sitk`."""
    return read_itk(image, view=view, source="the itk image")


def read_itk(image: Any, *, view: bool, source: str) -> SpatialArray:
    """`from_itk`, naming ``source`` (the file) in errors about its geometry."""
    itk = optional("itk", "itk")
    try:
        values = itk.array_view_from_image(image) if view else itk.array_from_image(image)
    except (TypeError, AttributeError, KeyError) as error:
        raise TypeError(f"from_itk needs an itk.Image, got {type(image).__name__}") from error
    if view:
        values = owned_view(values, image)
    meta = {key: value for key, value in dict(image).items() if key not in ("origin", "spacing", "direction") and isinstance(value, str)}
    return from_itk_order(
        values, tuple(image.GetOrigin()), tuple(image.GetSpacing()), itk.array_from_matrix(image.GetDirection()), meta, source
    )


def to_itk(array: SpatialArray, *, singleton: bool = False) -> Any:
    """An ``itk.Image`` from a SpatialArray; the same contract as `to_sitk`."""
    itk = optional("itk", "itk")
    values, (origin, spacing, direction), is_vector, extra = to_itk_order(array, singleton=singleton)
    values = storable(values, "SimpleITK")  # bool and float16 as SimpleITK stores them
    try:
        image = itk.image_from_array(np.ascontiguousarray(values), is_vector=is_vector)
    except (TypeError, KeyError, RuntimeError) as error:
        raise TypeError(
            f"itk's Python wrapping has no image type for dtype {values.dtype} (it wraps few types, e.g. uint8, "
            f"uint16, float32, float64): convert with a.astype(...), or use to_sitk / write, which store every "
            f"SimpleITK type. ({error})"
        ) from None
    image.SetOrigin([float(v) for v in origin])
    image.SetSpacing([float(v) for v in spacing])
    image.SetDirection(itk.matrix_from_array(np.ascontiguousarray(direction)))
    for key, value in exported_metadata(array, extra).items():
        image[key] = value
    return image
