"""Cropping to a physical box: a view, no copy."""

from __future__ import annotations

import numpy.typing as npt

from ._array import SpatialArray

__all__ = ["crop"]


def crop(image: SpatialArray, lower: npt.ArrayLike, upper: npt.ArrayLike) -> SpatialArray:
    """The view (a basic slice, no copy) holding every voxel whose centre lies in the physical box ``[lower, upper]``.

    ``lower`` and ``upper`` are physical points ``(P,)`` (numpy axis order). For an
    oblique image the view is the index bounding box of the box's corners, so it may
    hold some voxels outside the box too (`Geometry.index_box`). An empty result is a
    ValueError naming the box and the image's extent.

    Examples
    --------
    >>> import numpy as np
    >>> img = SpatialArray(np.arange(8.0), origin=[10.0], spacing=[2.0])
    >>> part = crop(img, [13.0], [20.0])
    >>> part.tolist(), part.origin.tolist()
    ([2.0, 3.0, 4.0, 5.0], [14.0])
    """
    if not isinstance(image, SpatialArray):
        raise TypeError(f"crop needs a SpatialArray, got {type(image).__name__}")
    geometry = image.geometry
    return image[geometry.index_box(lower, upper, image.shape[: geometry.spatial_ndim])]  # type: ignore[no-any-return]
