"""TIFF through tifffile: physical sizes and units from OME-XML and ImageJ metadata, written back as OME-XML.

A TIFF keeps an axis-aligned grid: spacing per axis (OME ``PhysicalSize*``, ImageJ
``XResolution``/``YResolution`` and ``spacing``), units, and in OME-TIFF the origin
(the first plane's ``Position*``). It has no direction, so only geometries with the
identity direction are written; other axes (channels ``C``, time ``T``, samples
``S``) are component axes, moved after the spatial ones, and ``meta["axes"]`` names
every axis of the result.
"""

from __future__ import annotations

import os
import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import numpy as np

from .._array import SpatialArray
from ..geometry import Geometry
from ._common import optional
from ._dtypes import storable

__all__ = ["read_tiff", "write_tiff"]

_SPATIAL = "ZYX"
_MICRO = {"um", "micron", "microns", "\\u00B5m", "µm", "μm"}


def _unit(name: Any) -> str:
    text = str(name).strip()
    return "µm" if text in _MICRO else text


def _ome_geometry(xml: str, axes: str) -> tuple[dict[str, float], dict[str, str], dict[str, float]]:
    """Physical sizes, their units and the first plane's position, per axis letter, from OME-XML."""
    root = ElementTree.fromstring(xml)
    pixels = next((e for e in root.iter() if e.tag.endswith("}Pixels") or e.tag == "Pixels"), None)
    sizes: dict[str, float] = {}
    units: dict[str, str] = {}
    origin: dict[str, float] = {}
    if pixels is None:
        return sizes, units, origin
    for letter in axes:
        size = pixels.get(f"PhysicalSize{letter}")
        if size is not None:
            sizes[letter] = float(size)
            units[letter] = _unit(pixels.get(f"PhysicalSize{letter}Unit", "µm"))  # OME's default unit
    plane = next((e for e in pixels if e.tag.endswith("Plane")), None)
    if plane is not None:
        for letter in sizes:
            position = plane.get(f"Position{letter}")
            if position is not None and _unit(plane.get(f"Position{letter}Unit", "")) == units[letter]:
                origin[letter] = float(position)
    return sizes, units, origin


def _imagej_geometry(tif: Any) -> tuple[dict[str, float], dict[str, str]]:
    """Physical sizes and units from ImageJ metadata: X/Y from the resolution tags, Z from ``spacing``."""
    metadata = tif.imagej_metadata or {}
    unit = _unit(metadata.get("unit", "")) or "pixel"
    sizes: dict[str, float] = {}
    tags = tif.pages[0].tags
    for letter, tag in (("X", "XResolution"), ("Y", "YResolution")):
        if tag in tags:
            numerator, denominator = tags[tag].value
            if numerator and denominator and (numerator, denominator) != (1, 1):
                sizes[letter] = denominator / numerator  # pixels per unit -> unit per pixel
    if "spacing" in metadata:
        sizes["Z"] = float(metadata["spacing"])
    return sizes, {letter: unit for letter in sizes}


def read_tiff(path: str | os.PathLike[str]) -> SpatialArray:
    """Read a TIFF (OME-TIFF, ImageJ or plain) with its physical sizes; warn when it has none."""
    tifffile = optional("tifffile", "tifffile")
    with tifffile.TiffFile(path) as tif:
        series = tif.series[0]
        data = series.asarray()
        axes = str(series.axes)
        if "Z" not in axes:  # a plain page stack (tifffile calls it I or Q) is the depth axis, as SimpleITK reads it
            axes = axes.replace("I", "Z", 1) if "I" in axes else axes.replace("Q", "Z", 1)
        sizes: dict[str, float] = {}
        units: dict[str, str] = {}
        origin: dict[str, float] = {}
        if tif.is_ome and tif.ome_metadata:
            sizes, units, origin = _ome_geometry(tif.ome_metadata, _SPATIAL)
            # tifffile squeezes axes of length 1; a Z with a physical size is a real axis (a one-slice volume)
            full_shape, full_axes = tuple(series.get_shape(False)), str(series.get_axes(False))
            keep = [i for i, a in enumerate(full_axes) if a in "YX" or full_shape[i] > 1 or (a == "Z" and "Z" in sizes)]
            data = data.reshape([full_shape[i] for i in keep])
            axes = "".join(full_axes[i] for i in keep)
        elif tif.is_imagej:
            sizes, units = _imagej_geometry(tif)
    spatial = [i for i, letter in enumerate(axes) if letter in _SPATIAL]
    others = [i for i, letter in enumerate(axes) if letter not in _SPATIAL]
    letters = [axes[i] for i in spatial]
    missing = [letter for letter in letters if letter not in sizes]
    if missing:
        warnings.warn(
            f"{Path(path).name} has no physical size for axis {', '.join(missing)}: spacing 1 there "
            "(write the sizes into the OME-XML or ImageJ metadata, or set spacing on the array)",
            UserWarning,
            stacklevel=3,
        )
    geometry = Geometry(
        [origin.get(letter, 0.0) for letter in letters], [sizes.get(letter, 1.0) for letter in letters]
    )
    meta: dict[str, Any] = {"axes": "".join(letters + [axes[i] for i in others])}
    if units:
        meta["units"] = tuple(units.get(letter, "pixel") for letter in letters)
    return SpatialArray(data.transpose(spatial + others), geometry=geometry, meta=meta)


def write_tiff(array: SpatialArray, path: str | os.PathLike[str]) -> None:
    """Write an axis-aligned image as OME-TIFF: physical sizes, units (``meta["units"]``) and origin.

    Units come from ``meta["units"]``; without them, ``mm`` for images from medical
    readers (which set ``meta["frame"]``), else OME's default, micrometres.

    Raises
    ------
    ValueError
        A direction other than the identity (TIFF has none: `spatial_ndarray.reorient`
        or resample first, or write .nrrd/.mha/.nii), more than 3 spatial axes or more
        than one component axis.
    """
    tifffile = optional("tifffile", "tifffile")
    geometry = array.geometry
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    if n > 3 or p != n or not np.array_equal(geometry.direction, np.eye(n)):
        raise ValueError(
            f"TIFF stores an axis-aligned grid (spacing and origin, no direction); this image has N={n}, P={p} and "
            f"direction {geometry.direction.tolist()!r}. Reorient it (sn.reorient) or resample it onto an "
            "axis-aligned grid, or write .nrrd, .mha or .nii, which keep the direction"
        )
    values = storable(np.asarray(array), "TIFF")
    components = values.ndim - n
    if components > 1:
        raise ValueError(f"OME-TIFF here takes one component (channel) axis; this array has {components}")
    letters = _SPATIAL[3 - n :]
    meta = array._meta or {}
    units = meta.get("units")
    if units is None or len(units) != n:
        units = ("mm" if "frame" in meta else "µm",) * n
    if components:  # channels go before Y and X, where OME-TIFF keeps them
        values = np.moveaxis(values, -1, max(n - 2, 0))
        axes = letters[:-2] + "C" + letters[-2:]
    else:
        axes = letters
    metadata: dict[str, Any] = {"axes": axes}
    # one Plane per (Z, C) pair in storage order; its position is that plane's element (0, 0) (the Z index moves it)
    stacked = [letter for letter in axes if letter not in "YX"]
    plane_shape = [values.shape[axes.index(letter)] for letter in stacked]
    plane_index = np.indices(plane_shape).reshape(len(stacked), -1) if stacked else np.zeros((0, 1), dtype=int)
    planes = plane_index.shape[1]
    plane: dict[str, Any] = {}
    for letter, size, unit, start in zip(letters, geometry.spacing, units, geometry.origin):
        metadata[f"PhysicalSize{letter}"] = float(size)
        metadata[f"PhysicalSize{letter}Unit"] = str(unit)
        steps = plane_index[stacked.index(letter)] if letter in stacked else np.zeros(planes, dtype=int)
        plane[f"Position{letter}"] = [float(start) + float(size) * int(k) for k in steps]
        plane[f"Position{letter}Unit"] = [str(unit)] * planes
    metadata["Plane"] = plane
    # minisblack: a last axis of 3 or 4 is data, not RGB samples
    tifffile.imwrite(path, values, ome=True, photometric="minisblack", metadata=metadata)
