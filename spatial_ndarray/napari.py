"""napari: layer keyword arguments that put every voxel at its physical position, and a file reader (npe2).

``viewer.add_image(np.asarray(image), **sn.napari_layer_kwargs(image))`` shows the
image in physical space: the layer's ``affine`` is the image's own homogeneous
matrix (`Geometry.affine`: direction times spacing, and the origin), so flips,
axis swaps, oblique and improper (determinant -1) directions are all exact.

napari places an ``N``-D layer in an ``N``-D world, so an embedded slice
(``P > N``, a 2-D slice of a volume) is shown in its own plane (`Geometry.in_plane`):
on the physical axes it runs along when it is axis-aligned, else in coordinates
along its own axes. Its full origin and direction go in ``metadata["embedding"]``.

This module imports nothing from napari: the kwargs are plain values, and the
reader returns napari's layer-data tuples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ._array import SpatialArray
from ._units import physical_axis_names, spatial_units

__all__ = ["get_reader", "napari_layer_kwargs"]

# what sn.read opens (through nibabel, SimpleITK or itk)
READABLE = (".nii", ".nii.gz", ".mha", ".mhd", ".nrrd", ".nhdr", ".tif", ".tiff", ".png", ".dcm")


def napari_layer_kwargs(image: SpatialArray, *, name: str | None = None) -> dict[str, Any]:
    """Keyword arguments for ``napari.layers.Image`` / ``viewer.add_image(np.asarray(image), ...)`` in physical space.

    Parameters
    ----------
    image : SpatialArray
        Spatial axes, optionally one trailing RGB(A) component axis (``rgb=True``).
    name : str, optional
        Layer name; default ``image.meta["name"]``, else ``"image"``.

    Returns
    -------
    dict
        ``affine`` (``(N+1, N+1)``), ``axis_labels``, ``units`` (when known),
        ``name``, ``metadata`` (origin, spacing, direction, the image's meta, and
        ``embedding`` for a slice of a volume), and ``rgb`` for a colour image.

    Raises
    ------
    ValueError
        Component axes other than one RGB(A) axis (napari would take them for
        spatial dims): pick one component first, ``image[..., c]``.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> kwargs = napari_layer_kwargs(sn.SpatialArray(np.zeros((2, 3)), origin=[5.0, 0.0], spacing=[2.0, 1.0]))
    >>> kwargs["affine"].tolist(), kwargs["axis_labels"]
    ([[2.0, 0.0, 5.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], ('y', 'x'))
    """
    if not isinstance(image, SpatialArray):
        raise TypeError(f"napari_layer_kwargs needs a SpatialArray, got {type(image).__name__}")
    geometry = image.geometry
    components = image.shape[geometry.spatial_ndim:]
    if components and (len(components) > 1 or components[0] not in (3, 4)):
        raise ValueError(
            f"napari shows one RGB(A) component axis of 3 or 4, got component shape {components}: "
            "add one component at a time, image[..., c]"
        )
    meta = dict(image._meta) if image._meta is not None else {}
    plane, rows = geometry.in_plane()
    physical = physical_axis_names(geometry.physical_ndim)
    if rows is None:
        labels = tuple(f"along axis {i}" for i in range(geometry.spatial_ndim))
    else:
        labels = tuple(physical[r] for r in rows)
    metadata: dict[str, Any] = {
        "origin": geometry.origin.tolist(),
        "spacing": geometry.spacing.tolist(),
        "direction": geometry.direction.tolist(),
        "meta": meta,
    }
    if geometry.physical_ndim > geometry.spatial_ndim:
        metadata["embedding"] = {
            "origin": geometry.origin.tolist(),
            "direction": geometry.direction.tolist(),
            "world": "physical axes " + " ".join(labels) if rows is not None else "coordinates along the slice's own axes (direction.T @ p)",
        }
    kwargs: dict[str, Any] = {
        "affine": plane.affine,
        "axis_labels": labels,
        "name": name if name is not None else str(meta.get("name", "image")),
        "metadata": metadata,
    }
    units = spatial_units(meta)
    if units is not None:
        kwargs["units"] = units
    if components:
        kwargs["rgb"] = True
    return kwargs


def get_reader(path: str | os.PathLike[str] | list[Any]) -> Callable[[Any], list[tuple[Any, dict[str, Any], str]]] | None:
    """npe2 reader contribution: the reader for files ``sn.read`` opens, else None.

    Examples
    --------
    >>> get_reader("scan.nii.gz") is not None, get_reader("notes.txt")
    (True, None)
    """
    if isinstance(path, list):
        if len(path) != 1:
            return None
        path = path[0]
    location = Path(str(path))
    if location.is_dir() or location.name.lower().endswith(READABLE):
        return read_layers
    return None


def read_layers(path: Any) -> list[tuple[Any, dict[str, Any], str]]:
    """napari layer data for an image file: ``[(values, napari_layer_kwargs(image), "image")]``."""
    from .interop import read

    if isinstance(path, list):
        path = path[0]
    image = read(path)
    return [(np.asarray(image), napari_layer_kwargs(image, name=Path(path).name), "image")]
