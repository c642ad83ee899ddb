"""What the SimpleITK and ITK converters share: optional imports, ITK-order geometry, embedding, memory ownership."""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

import numpy as np

from .._array import SpatialArray
from .._tolerance import get_tolerance
from ..geometry import Geometry, nearest_orthonormal, orthonormal_complement

__all__ = [
    "EMBEDDING_KEY",
    "FRAME",
    "ORTHONORMALISED_KEY",
    "READER_DIRECTION_BOUND",
    "ImageOwner",
    "accepted_direction",
    "exported_metadata",
    "from_itk_order",
    "install_hint",
    "optional",
    "owned_view",
    "to_itk_order",
]

#: The physical frame of images converted from ITK, SimpleITK and (after conversion) nibabel: DICOM's LPS.
FRAME = "LPS"
#: Metadata key holding the coordinates an axis-aligned embedded slice drops (restored on the way back).
EMBEDDING_KEY = "spatial_ndarray_embedding"


#: The extra that installs each optional package (pyproject.toml): itk is its own, being 1.5 GB installed.
EXTRAS = {
    "SimpleITK": "interop", "nibabel": "interop", "tifffile": "interop", "itk": "itk",
    "torch": "dl", "monai": "dl", "torchio": "dl",
}

#: Readers orthonormalise stored directions up to this deviation ``max |D^T D - I|`` (SPEC SA-17.1).
READER_DIRECTION_BOUND = 1e-3
#: ``meta`` key recording that a reader orthonormalised the stored direction, and by how much (the deviation).
ORTHONORMALISED_KEY = "direction_orthonormalised"


def install_hint(package: str) -> str:
    """``pip install ...`` for an optional package, naming the spatial-ndarray extra that brings it."""
    extra = EXTRAS.get(package)
    hint = f"pip install {package} (or pip install 'spatial-ndarray[{extra}]')" if extra else f"pip install {package}"
    if extra == "dl":  # the registry's default torch drags in GBs of CUDA libraries
        hint += "; for the CPU-only build install torch from PyTorch's CPU-only wheels first"
    return hint


def optional(module: str, package: str) -> ModuleType:
    """Import an optional package, or raise an ImportError saying what to install (and which extra has it)."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f"this needs {package}: {install_hint(package)}") from error


def accepted_direction(direction: np.ndarray, source: str) -> tuple[np.ndarray, dict[str, Any]]:
    """The readers' rule for a stored direction (SA-17.1): as stored, orthonormalised and recorded, or refused.

    Within the direction tolerance in force the direction is returned unchanged. Up to
    `READER_DIRECTION_BOUND` it is replaced by the nearest orthonormal matrix and the
    returned ``meta`` entries record the deviation. Beyond it the error names
    ``source`` and the deviation.
    """
    nearest, deviation = nearest_orthonormal(direction)
    if deviation <= get_tolerance().direction:
        return direction, {}
    if deviation > READER_DIRECTION_BOUND:
        raise ValueError(
            f"{source}: the stored direction cosines are not orthonormal (max |D^T D - I| = {deviation:.3g}, "
            f"above the readers' bound {READER_DIRECTION_BOUND:g}); fix the header's direction "
            f"(or resample the image) before reading it. direction={np.asarray(direction).tolist()!r}"
        )
    return nearest, {ORTHONORMALISED_KEY: deviation}


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


def in_lps(array: SpatialArray) -> SpatialArray:
    """The array with its geometry written in LPS, the frame of ITK, DICOM and our readers (a view; SA-17.8).

    An array in another frame (``meta["frame"]``, e.g. RAS after `sn.lps_to_ras`) would otherwise be written
    with its coordinates taken as LPS: every voxel mirrored in x and y.
    """
    frame = (array._meta or {}).get("frame", "LPS")
    if frame == "LPS":
        return array
    from ..orientation import convert_frame

    return convert_frame(array, "LPS")


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
    array = in_lps(array)
    geometry = array.geometry
    values = np.asarray(array)
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    components = values.ndim - n
    if components > 1:
        raise ValueError(f"ITK images have at most one component axis; this array has {components}")
    if not 2 <= n <= 5 or not 2 <= p <= 5:
        raise ValueError(
            f"ITK images have 2 to 5 spatial axes; this array has N={n} (in {p}-D space). "
            + ("Make it a 2-D image one row high first (give it a leading spatial axis of length 1 with "
               "sn.SpatialArray(values[None], origin=..., spacing=..., direction=...))" if n == 1
               else "Split it into images of at most 5 spatial axes")
        )
    extra: dict[str, str] = {}
    if p > n:
        direction = geometry.direction
        # a physical coordinate constant over the slice, within the direction tolerance (as `axis_alignment` judges)
        constant = [r for r in range(p) if np.allclose(direction[r], 0.0, atol=get_tolerance().direction)]
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


def from_itk_order(
    values: np.ndarray, origin: Any, spacing: Any, direction: Any, meta: dict[str, Any], source: str = "the image"
) -> SpatialArray:
    """A SpatialArray from values in numpy order and ITK-order geometry (restoring a recorded embedding).

    The stored direction goes through the readers' rule (`accepted_direction`).
    """
    square = np.asarray(direction, dtype=np.float64)
    size = len(tuple(origin))
    square = square.reshape(size, size) if square.ndim == 1 and square.size == size * size else square
    square, record = accepted_direction(square, source)
    meta.update(record)
    geometry = Geometry.from_itk(origin, spacing, square)
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
