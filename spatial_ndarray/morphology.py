"""Median filter and binary morphology with a ball of physical radius (SPEC SA-16.11).

The drop-in names in `spatial_ndarray.ndimage` take sizes in voxels, as scipy's do;
these take a radius in the frame's units (millimetres) and use the spacing. The
ball is every index offset whose physical length is at most ``radius``
(`Geometry.ball_footprint`); component axes are not part of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage as _scipy

from ._array import SpatialArray

__all__ = ["binary_closing", "binary_dilation", "binary_erosion", "binary_opening", "median_filter"]


def _spatial(image: Any, name: str) -> SpatialArray:
    if not isinstance(image, SpatialArray):
        raise TypeError(f"{name} needs a SpatialArray (its spacing sets the ball), got {type(image).__name__}")
    return image


def _footprint(image: SpatialArray, radius: float, *, crop: bool = False) -> np.ndarray:
    """The physical ball on the spatial axes, extended by length-1 axes over the component axes.

    ``radius`` must be finite, ``>= 0`` and at most the image's largest extent
    (shape x spacing): a larger ball reaches past the image in every direction, and
    its footprint can exhaust memory. With ``crop`` the footprint is cut to at most
    ``2 * shape + 1`` elements per axis; for binary morphology this changes nothing
    (an offset of ``shape`` or more along an axis leaves the image from every element,
    and the offset of exactly ``shape`` is kept whenever a longer one was in the ball).
    """
    geometry = image.geometry
    try:
        r = float(radius)
    except (TypeError, ValueError):
        r = float("nan")
    if not np.isfinite(r) or r < 0:
        raise ValueError(f"radius must be a finite physical length >= 0, got {radius!r}")
    n = geometry.spatial_ndim
    extent = np.asarray(image.shape[:n], dtype=np.float64) * geometry.spacing
    if extent.size and r > extent.max():
        raise ValueError(
            f"radius={radius!r} is larger than the image's extent {tuple(float(e) for e in extent)} "
            f"(shape x spacing, per axis): the ball would reach past the image in every direction; "
            f"use a radius of at most {float(extent.max())!r}"
        )
    ball = geometry.ball_footprint(r)
    if crop:
        keep = tuple(slice(max(0, (b - 1) // 2 - m), (b - 1) // 2 + m + 1) for b, m in zip(ball.shape, image.shape[:n]))
        ball = ball[keep]
    return ball.reshape(ball.shape + (1,) * (image.ndim - ball.ndim))


def median_filter(image: SpatialArray, radius: float, *, mode: str = "reflect", cval: float = 0.0) -> SpatialArray:
    """Median over the physical ball of ``radius`` around every element, on the same grid.

    Parameters
    ----------
    image : SpatialArray
    radius : float
        In the frame's units (millimetres): every offset at most this far is in the window.
    mode, cval
        Border handling, as ``scipy.ndimage.median_filter``.

    Examples
    --------
    >>> img = SpatialArray(np.array([0.0, 0, 9, 0, 0, 5, 5, 5]), spacing=[0.5])
    >>> median_filter(img, 0.5).tolist()  # 3 elements: 0.5 mm either side
    [0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 5.0, 5.0]
    """
    image = _spatial(image, "median_filter")
    values = _scipy.median_filter(np.asarray(image), footprint=_footprint(image, radius), mode=mode, cval=cval)
    return SpatialArray(values, geometry=image.geometry, meta=image._meta)


def _binary(operation: Callable[..., np.ndarray], name: str, mask: SpatialArray, radius: float, **kwargs: Any) -> SpatialArray:
    mask = _spatial(mask, name)
    values = operation(np.asarray(mask), structure=_footprint(mask, radius, crop=True), **kwargs)
    return SpatialArray(values, geometry=mask.geometry, meta=mask._meta)


def binary_dilation(mask: SpatialArray, radius: float) -> SpatialArray:
    """Every element within ``radius`` (physical) of a true element is true.

    Examples
    --------
    >>> mask = SpatialArray(np.eye(5, dtype=bool)[2], spacing=[0.5])
    >>> binary_dilation(mask, 1.0).astype(int).tolist()
    [1, 1, 1, 1, 1]
    """
    return _binary(_scipy.binary_dilation, "binary_dilation", mask, radius)


def binary_erosion(mask: SpatialArray, radius: float, *, border_value: int = 0) -> SpatialArray:
    """True where the whole physical ball of ``radius`` is true (outside the image counts as ``border_value``).

    Examples
    --------
    >>> mask = SpatialArray(np.array([0, 1, 1, 1, 1, 1, 0], dtype=bool), spacing=[2.0])
    >>> binary_erosion(mask, 2.0).astype(int).tolist()
    [0, 0, 1, 1, 1, 0, 0]
    """
    return _binary(_scipy.binary_erosion, "binary_erosion", mask, radius, border_value=border_value)


def binary_opening(mask: SpatialArray, radius: float) -> SpatialArray:
    """Erosion then dilation by the physical ball: removes parts narrower than the ball.

    Examples
    --------
    >>> mask = SpatialArray(np.array([1, 0, 1, 1, 1, 0, 0], dtype=bool), spacing=[1.0])
    >>> binary_opening(mask, 1.0).astype(int).tolist()
    [0, 0, 1, 1, 1, 0, 0]
    """
    return _binary(_scipy.binary_opening, "binary_opening", mask, radius)


def binary_closing(mask: SpatialArray, radius: float) -> SpatialArray:
    """Dilation then erosion by the physical ball: fills gaps narrower than the ball (scipy's border handling).

    Examples
    --------
    >>> mask = SpatialArray(np.array([0, 1, 1, 0, 1, 1, 0, 0], dtype=bool), spacing=[1.0])
    >>> binary_closing(mask, 1.0).astype(int).tolist()
    [0, 1, 1, 1, 1, 1, 0, 0]
    """
    return _binary(_scipy.binary_closing, "binary_closing", mask, radius)
