"""Label statistics in physical units (SPEC SA-16.12).

``scipy.ndimage``'s measurements return indices (`spatial_ndarray.ndimage` keeps
them, as a drop-in must); this gives what a user reports: volumes in the frame's
units cubed, centroids and bounding boxes as physical points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage as _scipy

from ._array import SpatialArray
from ._operands import SpatialOperands

__all__ = ["LabelStatistics", "label_statistics"]


@dataclass(frozen=True)
class LabelStatistics:
    """Statistics of one label.

    Attributes
    ----------
    count : int
        Number of elements with this label.
    volume : float
        ``count`` times the volume of one element (mm^3 for a 3-D image in mm; area in 2-D).
    centroid : ndarray, shape (P,)
        Physical position of the mean index of the label's elements.
    bbox_min, bbox_max : ndarray, shape (P,)
        Axis-aligned physical box holding the extent (SA-3.1) of the label's index bounding box.
    slices : tuple of slice
        The index bounding box: ``image[slices]`` is a view with exact geometry.
    mean, minimum, maximum, sum : float or None
        Of ``image`` over the label, when an image is given.
    """

    count: int
    volume: float
    centroid: np.ndarray
    bbox_min: np.ndarray
    bbox_max: np.ndarray
    slices: tuple[slice, ...]
    mean: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    sum: float | None = None


def label_statistics(labels: SpatialArray, image: Any = None) -> dict[int, LabelStatistics]:
    """Per nonzero label: element count, physical volume, physical centroid and bounding box, and image statistics.

    Parameters
    ----------
    labels : SpatialArray of int
        A label image (``sn.ndimage.label`` gives one); 0 is background.
    image : array_like, optional
        Intensities on the same grid (a SpatialArray is checked against ``labels``).

    Returns
    -------
    dict of int to LabelStatistics, in increasing label order.

    Examples
    --------
    >>> labels = SpatialArray(np.array([[0, 1, 1], [0, 0, 2]]), origin=[10.0, 0.0], spacing=[2.0, 0.5])
    >>> stats = label_statistics(labels)
    >>> stats[1].count, stats[1].volume, stats[1].centroid.tolist()
    (2, 2.0, [10.0, 0.75])
    >>> stats[2].bbox_min.tolist(), stats[2].bbox_max.tolist()
    ([11.0, 0.75], [13.0, 1.25])
    """
    if not isinstance(labels, SpatialArray):
        raise TypeError(f"labels must be a SpatialArray (its geometry places the labels), got {type(labels).__name__}")
    values = np.asarray(labels)
    if values.dtype.kind not in "iub":
        raise TypeError(f"labels must hold integers, got dtype {values.dtype}")
    geometry = labels.geometry
    if values.ndim != geometry.spatial_ndim:
        raise ValueError(f"labels must be a scalar image (no component axes), got shape {values.shape}")
    intensities = None
    if image is not None:
        operands = SpatialOperands()
        operands.add(labels, "labels")
        if isinstance(image, SpatialArray):
            operands.add(image, "image")
        intensities = np.asarray(image)
        if intensities.shape != values.shape:
            raise ValueError(f"image must have the labels' shape {values.shape}, got {intensities.shape}")
    ids = np.unique(values)
    if ids.size and ids[0] < 0:
        raise ValueError(f"labels must be >= 0 (0 is background), got {ids[0]}")
    ids = ids[ids != 0]
    if ids.size == 0:
        return {}
    as_int = values.astype(np.intp, copy=False)
    counts = _scipy.sum_labels(np.ones(values.shape), as_int, ids)
    mean_index = np.atleast_2d(np.array(_scipy.center_of_mass(np.ones(values.shape), as_int, ids), dtype=np.float64))
    centroids = geometry.index_to_physical(mean_index.reshape(len(ids), geometry.spatial_ndim))
    extra: dict[str, Any] = {}
    if intensities is not None:
        extra = {
            "mean": _scipy.mean(intensities, as_int, ids),
            "minimum": _scipy.minimum(intensities, as_int, ids),
            "maximum": _scipy.maximum(intensities, as_int, ids),
            "sum": _scipy.sum_labels(intensities, as_int, ids),
        }
    objects = _scipy.find_objects(as_int, max_label=int(ids.max()))
    result: dict[int, LabelStatistics] = {}
    for i, label in enumerate(ids.tolist()):
        box = objects[label - 1]
        assert box is not None  # every id is present
        low, high = geometry.extent_bounds([s.start for s in box], [s.stop for s in box])
        count = int(round(float(counts[i])))
        result[label] = LabelStatistics(
            count=count,
            volume=count * geometry.voxel_volume,
            centroid=centroids[i],
            bbox_min=low,
            bbox_max=high,
            slices=tuple(box),
            **{key: float(value[i]) for key, value in extra.items()},
        )
    return result
