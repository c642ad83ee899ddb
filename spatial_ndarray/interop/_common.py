"""What the SimpleITK and ITK converters share: optional imports, ITK-order geometry, embedding, memory ownership."""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

import numpy as np

from .._array import SpatialArray
from ..geometry import Geometry, orthonormal_complement

__all__ = ["EMBEDDING_KEY", "FRAME", "ImageOwner", "exported_metadata", "from_itk_order", "optional", "owned_view", "to_itk_order"]

#: The physical frame of images converted from ITK, SimpleITK and (after conversion) nibabel: DICOM's LPS.
FRAME = "LPS"
#: Metadata key holding the coordinates an axis-aligned embedded slice drops (restored on the way back).
EMBEDDING_KEY = "spatial_ndarray_embedding"


def optional(module: str, package: str) -> ModuleType:
    """Import an optional package, or raise an ImportError saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"this needs {package}: pip install {package} (or pip install 'spatial-ndarray[interop]')"
        ) from error


class ImageOwner:
    """Exposes the buffer of an ITK or SimpleITK image to numpy and keeps that image alive.

    Their array views do not own the buffer: once the image is garbage-collected the
    view reads freed memory. numpy collapses ``.base`` chains of arrays, but stops at
    a non-array object, so every array derived from the result keeps this one, and
    through it the image.
    """

    def __init__(self, view: np.ndarray, image: Any) -> None:
        self.__array_interface__ = view.__array_interface__
        self._view = view
        self._image = image


def owned_view(view: np.ndarray, image: Any) -> np.ndarray:
    """A read-only array on ``image``'s buffer whose base chain keeps ``image`` alive."""
    values = np.asarray(ImageOwner(view, image))
    values.flags.writeable = False
    return values


def to_itk_order(array: SpatialArray, *, singleton: bool) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray], bool, dict[str, str]]:
    """Values and ITK-order (x, y, z) origin, spacing, direction of a SpatialArray, and whether it is a vector image.

    An embedded geometry (``P > N``) needs a square direction: with ``singleton=True``
    leading singleton axes complete it exactly (spacing 1); otherwise it converts only
    when whole physical coordinates are constant over the slice (an axis-aligned
    slice), and those coordinates go into the returned metadata so that the way back
    restores the embedding.
    """
    if not isinstance(array, SpatialArray):
        raise TypeError(f"expected a SpatialArray, got {type(array).__name__}")
    geometry = array.geometry
    values = np.asarray(array)
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    components = values.ndim - n
    if components > 1:
        raise ValueError(f"ITK images have at most one component axis; this array has {components}")
    extra: dict[str, str] = {}
    if p > n:
        direction = geometry.direction
        constant = [r for r in range(p) if np.allclose(direction[r], 0.0, atol=1e-12)]
        if singleton:
            completion = orthonormal_complement(direction)
            full = np.concatenate([completion, direction], axis=1)
            values = values.reshape((1,) * (p - n) + values.shape)
            geometry = Geometry(geometry.origin, np.concatenate([np.ones(p - n), geometry.spacing]), full)
        elif len(constant) == p - n:
            rows = [r for r in range(p) if r not in constant]
            extra[EMBEDDING_KEY] = json.dumps(
                {"physical_ndim": p, "rows": rows, "constant": {str(r): float(geometry.origin[r]) for r in constant}}
            )
            geometry = Geometry(geometry.origin[rows], geometry.spacing, direction[rows])
        else:
            raise ValueError(
                f"this {n}-D slice is embedded obliquely in {p}-D space: ITK needs a square direction. "
                "Pass singleton=True to convert it exactly as a "
                f"{p}-D image with {p - n} singleton axis, or resample it onto an axis-aligned plane"
            )
    origin, spacing, direction = geometry.to_itk()
    return values, (origin, spacing, direction), components == 1, extra


def exported_metadata(array: SpatialArray, extra: dict[str, str]) -> dict[str, str]:
    """The metadata an ITK image carries: the string entries of ``meta`` (not the frame) and ``extra``."""
    return {key: value for key, value in {**(array._meta or {}), **extra}.items() if isinstance(value, str) and key != "frame"}


def from_itk_order(values: np.ndarray, origin: Any, spacing: Any, direction: Any, meta: dict[str, Any]) -> SpatialArray:
    """A SpatialArray from values in numpy order and ITK-order geometry (restoring a recorded embedding)."""
    geometry = Geometry.from_itk(origin, spacing, direction)
    embedding = meta.pop(EMBEDDING_KEY, None)
    if embedding is not None:
        record = json.loads(embedding)
        p = int(record["physical_ndim"])
        rows = [int(r) for r in record["rows"]]
        full_origin = np.zeros(p)
        full_direction = np.zeros((p, geometry.spatial_ndim))
        full_origin[rows] = geometry.origin
        full_direction[rows] = geometry.direction
        for row, value in record["constant"].items():
            full_origin[int(row)] = value
        geometry = Geometry(full_origin, geometry.spacing, full_direction)
    meta.setdefault("frame", FRAME)
    return SpatialArray(values, geometry=geometry, meta=meta)
