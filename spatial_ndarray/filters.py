"""Filters in physical units: millimetres, not voxels.

numpy's and scipy's own functions keep their per-element meaning (SPEC SA-7.1);
these take physical units and use the geometry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._array import SpatialArray
from .geometry import Geometry

__all__ = ["distance_transform", "gaussian_filter", "gradient"]


def _spatial(image: Any, name: str) -> SpatialArray:
    if not isinstance(image, SpatialArray):
        raise TypeError(f"{name} needs a SpatialArray, got {type(image).__name__}")
    return image


def sigma_in_voxels(sigma: npt.ArrayLike, geometry: Geometry, ndim: int) -> list[float]:
    """A physical ``sigma`` (one value or one per spatial axis) in voxels per array axis; components get 0."""
    n = geometry.spatial_ndim
    try:
        sigmas = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (n,))
    except (TypeError, ValueError):
        sigmas = None
    if sigmas is None or not np.all(np.isfinite(sigmas)) or np.any(sigmas < 0):
        raise ValueError(f"sigma must be one or {n} finite values >= 0 (physical units), got {sigma!r}")
    return list(sigmas / geometry.spacing) + [0.0] * (ndim - n)


#: The border modes ``scipy.ndimage.gaussian_filter`` accepts.
MODES = ("constant", "grid-constant", "grid-mirror", "grid-wrap", "mirror", "nearest", "reflect", "wrap")


def check_mode(mode: Any) -> None:
    """Refuse a border ``mode`` scipy does not know (one name, or one per axis), naming it and the accepted ones."""
    modes = [mode] if isinstance(mode, str) else mode
    try:
        ok = all(isinstance(m, str) and m in MODES for m in modes) and len(modes) > 0
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"mode must be one of {list(MODES)} (or one of them per axis), got {mode!r}")


def gaussian_filter(image: SpatialArray, sigma: npt.ArrayLike, *, mode: str = "nearest", truncate: float = 4.0) -> SpatialArray:
    """Gaussian smoothing with ``sigma`` in physical units (one value, or one per spatial axis).

    Component axes are not smoothed. The direction does not matter: the axes are
    orthogonal, so an isotropic Gaussian in physical space is one along every axis.
    ``mode`` is scipy's border handling (one of `MODES`); anything else is refused.

    Examples
    --------
    >>> img = SpatialArray(np.eye(5)[2], spacing=[0.5])
    >>> np.round(gaussian_filter(img, 0.5), 3).tolist()
    [0.054, 0.242, 0.399, 0.242, 0.054]
    """
    from scipy import ndimage

    from .lazy import is_lazy

    check_mode(mode)
    if is_lazy(image):  # a dask-backed DataArray: chunk by chunk, the same values
        from . import lazy

        return lazy.gaussian_filter(image, sigma, mode=mode, truncate=truncate)  # type: ignore[arg-type, return-value]
    image = _spatial(image, "gaussian_filter")
    geometry = image.geometry
    in_voxels = sigma_in_voxels(sigma, geometry, image.ndim)
    values = np.asarray(image)
    dtype = values.dtype if values.dtype.kind == "f" else np.float64
    smoothed = ndimage.gaussian_filter(values.astype(dtype, copy=False), in_voxels, mode=mode, truncate=truncate)
    return SpatialArray(smoothed, geometry=geometry, meta=image._meta)


def gradient(image: SpatialArray) -> SpatialArray:
    """The gradient along the *physical* axes: a trailing component axis of length P.

    Central differences in physical units along each array axis (``np.gradient``
    with the spacing), turned into physical directions through the direction
    matrix: ``grad = sum_i (df/du_i) direction[:, i]``.

    Examples
    --------
    >>> ramp = SpatialArray(np.arange(5.0)[:, None] * np.ones((1, 3)), spacing=[2.0, 1.0], direction=[[0, 1], [1, 0]])
    >>> gradient(ramp)[2, 1].tolist()  # the array's axis 0 runs along physical axis 1
    [0.0, 0.5]
    """
    image = _spatial(image, "gradient")
    geometry = image.geometry
    n = geometry.spatial_ndim
    if image.ndim != n:
        raise ValueError("gradient needs a scalar image (no component axes)")
    if min(image.shape) < 2:
        raise ValueError(f"gradient needs at least 2 elements along every axis, got shape {image.shape}")
    values = np.asarray(image, dtype=np.float64)
    along_axes: list[np.ndarray] = list(np.gradient(values, *geometry.spacing)) if n > 1 else [np.gradient(values, geometry.spacing[0])]
    physical = np.stack(along_axes, axis=-1) @ geometry.direction.T
    return SpatialArray(physical, geometry=geometry, meta=image._meta)


def distance_transform(mask: SpatialArray) -> SpatialArray:
    """For every nonzero element, the physical distance to the nearest zero element (scipy's EDT, spacing as sampling).

    A mask with no zero element has no distance to measure: every element is ``inf``
    (scipy would return distances to its array boundary instead).

    Examples
    --------
    >>> distance_transform(SpatialArray(np.array([0, 1, 1, 1]), spacing=[2.0])).tolist()
    [0.0, 2.0, 4.0, 6.0]
    >>> distance_transform(SpatialArray(np.array([1, 1]), spacing=[2.0])).tolist()
    [inf, inf]
    """
    from scipy import ndimage

    mask = _spatial(mask, "distance_transform")
    geometry = mask.geometry
    if mask.ndim != geometry.spatial_ndim:
        raise ValueError("distance_transform needs a scalar mask (no component axes)")
    values = np.asarray(mask)
    if values.size and np.all(values != 0):  # no background: scipy would measure to its array edge
        return SpatialArray(np.full(values.shape, np.inf), geometry=geometry, meta=mask._meta)
    distances = ndimage.distance_transform_edt(values, sampling=geometry.spacing)
    return SpatialArray(distances, geometry=geometry, meta=mask._meta)
