"""Resampling onto another grid, through an affine transform (output points -> input points).

Output index -> output point -> input point -> input index is one affine map
(`Geometry.index_map_to`); ``scipy.ndimage.affine_transform`` evaluates it, split
into chunks of output rows over a thread pool. No coordinate arrays are made.

SimpleITK's inside rule: an output point is inside when its continuous input
index lies in ``[-0.5, n - 0.5)`` on every axis; inside points in the half-voxel
border band take the edge value, outside points get ``default_value``.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from ._array import SpatialArray
from .geometry import Geometry, inside_columns
from .transforms import AffineTransform

__all__ = ["INTERPOLATORS", "resample"]

#: interpolator name -> spline order. "label" is nearest neighbour: it never invents a label.
INTERPOLATORS = {"nearest": 0, "label": 0, "linear": 1, "bspline": 3}
_CHUNKS = 8


def _output_grid(
    image: SpatialArray, reference: Any, size: Any, origin: Any, spacing: Any, direction: Any
) -> tuple[Geometry, tuple[int, ...]]:
    n = image.geometry.spatial_ndim
    if reference is not None:
        if any(v is not None for v in (size, origin, spacing, direction)):
            raise TypeError("give either reference or size/origin/spacing/direction, not both")
        try:
            geometry = Geometry(reference.origin, reference.spacing, reference.direction)
        except AttributeError as error:
            raise TypeError(f"reference must have origin, spacing and direction, got {type(reference).__name__}") from error
        shape = tuple(int(s) for s in np.shape(reference)[: geometry.spatial_ndim])
    else:
        base = image.geometry
        geometry = Geometry(
            base.origin if origin is None else origin,
            base.spacing if spacing is None else spacing,
            base.direction if direction is None else direction,
        )
        shape = image.shape[:n] if size is None else tuple(np.atleast_1d(size).tolist())
        if len(shape) != geometry.spatial_ndim or not all(isinstance(s, int) and s >= 0 for s in shape):
            raise ValueError(f"size must be {geometry.spatial_ndim} non-negative integers, got {size!r}")
    if geometry.spatial_ndim != n:
        raise ValueError(f"the output grid has {geometry.spatial_ndim} spatial axes but the image has {n}")
    if geometry.physical_ndim != image.geometry.physical_ndim:
        raise ValueError(
            f"the output grid lives in {geometry.physical_ndim}-D space, the image in {image.geometry.physical_ndim}-D"
        )
    if 0 in shape:
        raise ValueError(f"the output grid is empty: size {shape}")
    return geometry, shape


def resample(
    image: SpatialArray,
    reference: Any = None,
    *,
    transform: AffineTransform | None = None,
    size: npt.ArrayLike | None = None,
    origin: npt.ArrayLike | None = None,
    spacing: npt.ArrayLike | None = None,
    direction: npt.ArrayLike | None = None,
    interpolator: str = "linear",
    default_value: float = 0.0,
    dtype: npt.DTypeLike | None = None,
    threads: int | None = None,
) -> SpatialArray:
    """Resample ``image`` onto a grid, through ``transform`` (which maps output points to input points).

    Parameters
    ----------
    image : SpatialArray
    reference : array with origin, spacing and direction, optional
        Any object implementing the protocol; its grid is the output grid.
    transform : AffineTransform, optional
        Output physical point -> input physical point. Identity by default.
    size, origin, spacing, direction : optional
        The output grid when no reference is given; each defaults to the image's.
    interpolator : {"linear", "nearest", "bspline", "label"}
    default_value : float
        Value of output points outside the image.
    dtype : data-type, optional
        Output type; default the image's.
    threads : int, optional
        Worker threads; default the number of CPUs.

    Examples
    --------
    >>> img = SpatialArray(np.arange(4.0), spacing=[2.0])
    >>> resample(img, size=[7], spacing=[1.0]).tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    """
    if not isinstance(image, SpatialArray):
        raise TypeError(f"resample needs a SpatialArray, got {type(image).__name__}")
    if interpolator not in INTERPOLATORS:
        raise ValueError(f"interpolator must be one of {sorted(INTERPOLATORS)}, got {interpolator!r}")
    from scipy import ndimage

    geometry, shape = _output_grid(image, reference, size, origin, spacing, direction)
    source = image.geometry
    if transform is not None and transform.ndim != source.physical_ndim:
        raise ValueError(f"transform is {transform.ndim}-D but the image lives in {source.physical_ndim}-D space")
    matrix, offset = geometry.index_map_to(
        source, None if transform is None else transform.matrix, None if transform is None else transform.offset
    )
    order = INTERPOLATORS[interpolator]
    values = np.asarray(image)
    n = source.spatial_ndim
    out_dtype = np.dtype(values.dtype if dtype is None else dtype)
    components = values.shape[n:]
    output = np.empty(shape + components, dtype=out_dtype)
    planes = [values[(...,) + c] for c in np.ndindex(*components)] if components else [values]
    targets = [output[(...,) + c] for c in np.ndindex(*components)] if components else [output]
    if order > 1:  # spline coefficients once, for every chunk
        planes = [ndimage.spline_filter(p, order=order, mode="nearest", output=np.float64) for p in planes]
    lengths = image.shape[:n]
    workers = max(1, threads or os.cpu_count() or 1)
    # a fixed split, whatever the number of threads: the result never depends on it (chunk offsets round alike)
    # (a 1-D output is one row: its chunks would cut the row the inside rule is computed along)
    bounds = np.linspace(0, shape[0], (min(shape[0], _CHUNKS) if len(shape) > 1 else 1) + 1).astype(int)

    def run(start: int, stop: int) -> None:
        chunk_offset = offset + matrix[:, 0] * start
        rows = np.indices((stop - start,) + shape[1:-1]).reshape(len(shape) - 1, -1).T if len(shape) > 1 else np.zeros((1, 0))
        row_offsets = chunk_offset + rows @ matrix[:, :-1].T if len(shape) > 1 else chunk_offset[None, :] + 0.0
        first, last = inside_columns(matrix[:, -1], row_offsets, lengths, shape[-1])
        columns = np.arange(shape[-1])
        inside = (columns >= first[:, None]) & (columns < last[:, None])
        for plane, target in zip(planes, targets):
            block = target[start:stop]
            ndimage.affine_transform(
                plane, matrix, offset=chunk_offset, output_shape=block.shape, output=block,
                order=order, mode="nearest", prefilter=False,
            )
            block.reshape(-1, shape[-1])[~inside] = default_value

    if workers == 1 or len(bounds) <= 2:
        for a, b in zip(bounds[:-1], bounds[1:]):
            run(int(a), int(b))
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: run(int(ab[0]), int(ab[1])), zip(bounds[:-1], bounds[1:])))
    return SpatialArray(output, geometry=geometry, meta=image._meta)


def resample_to_fit(
    image: SpatialArray,
    transform: AffineTransform,
    *,
    spacing: npt.ArrayLike | None = None,
    direction: npt.ArrayLike | None = None,
    interpolator: str = "linear",
    default_value: float = 0.0,
) -> SpatialArray:
    """Resample through ``transform`` onto a grid that contains the whole transformed image, so nothing is cut off.

    The corners of the input's extent are mapped through the inverse transform
    (``transform`` maps output points to input points) and covered by a grid with
    ``spacing`` and ``direction`` (default the image's).

    Examples
    --------
    >>> img = SpatialArray(np.ones((4, 4)))
    >>> turned = resample_to_fit(img, AffineTransform.from_rotation(np.pi / 4, center=[1.5, 1.5]))
    >>> turned.shape
    (6, 6)
    """
    source = image.geometry
    corners = transform.inverse().apply(source.corners(image.shape[: source.spatial_ndim]))
    geometry, shape = Geometry.covering(
        corners,
        source.spacing if spacing is None else spacing,
        source.direction if direction is None else direction,
    )
    return resample(image, size=shape, origin=geometry.origin, spacing=geometry.spacing, direction=geometry.direction,
                    transform=transform, interpolator=interpolator, default_value=default_value)


def resample_to_spacing(image: SpatialArray, spacing: npt.ArrayLike, *, antialias: bool = True, interpolator: str = "linear") -> SpatialArray:
    """Resample onto the grid of the same extent with a new ``spacing``.

    The new grid covers the image's extent (SA-3.1) with whole voxels, its first
    voxel's box starting where the image's does. With ``antialias``, axes made
    coarser are first smoothed by a Gaussian of ``sigma = (factor - 1) / 2`` input
    voxels, so that detail finer than the new spacing does not alias.

    Examples
    --------
    >>> resample_to_spacing(SpatialArray(np.arange(8.0)), [2.0], antialias=False).tolist()
    [0.5, 2.5, 4.5, 6.5]
    """
    from scipy import ndimage

    source = image.geometry
    n = source.spatial_ndim
    new = np.asarray(spacing, dtype=np.float64)
    if new.shape != (n,) or not np.all(new > 0) or not np.isfinite(new).all():
        raise ValueError(f"spacing must be {n} positive finite numbers, got {spacing!r}")
    factors = new / source.spacing
    shape = tuple(max(1, int(round(length / f))) for length, f in zip(image.shape[:n], factors))
    # the first new voxel's box starts at the image's extent start, -0.5 old voxels
    start = -0.5 + 0.5 * factors
    grid = source.sliced(start, factors, None)
    values: Any = image
    if antialias and np.any(factors > 1):
        sigma = [max(0.0, (f - 1) / 2) for f in factors] + [0.0] * (image.ndim - n)
        values = SpatialArray(ndimage.gaussian_filter(np.asarray(image, dtype=np.float64), sigma, mode="nearest"),
                              geometry=source, meta=image._meta)
    return resample(values, size=shape, origin=grid.origin, spacing=grid.spacing, direction=grid.direction,
                    interpolator=interpolator, dtype=image.dtype)
