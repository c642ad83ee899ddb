"""Multi-resolution: downsampling whose geometry follows the binning rule, and pyramids of it.

Binning ``f`` elements moves the origin by ``(f - 1) / 2`` old spacings and
multiplies the spacing by ``f`` (SPEC SA-8.1, SA-8.2), so every level overlays the
original exactly in physical space.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._array import SpatialArray

__all__ = ["block_mean", "downsample", "pyramid"]


def block_mean(values: np.ndarray, factors: list[int]) -> np.ndarray:
    """Mean of each block of ``factors`` elements on the leading axes (float64 or complex128); a trailing partial block is dropped.

    The blocks' elements are added in one fixed order (strided views, offset by
    offset), so an element's result does not depend on the array's extent: a
    chunked (dask) evaluation gives the in-memory numbers bit for bit.

    Examples
    --------
    >>> block_mean(np.arange(6.0), [2]).tolist()
    [0.5, 2.5, 4.5]
    """
    n = len(factors)
    kept = [length // f for length, f in zip(values.shape[:n], factors)]
    total = np.zeros(tuple(kept) + values.shape[n:], dtype=np.result_type(values.dtype, np.float64))
    for offset in np.ndindex(*factors):
        total += values[tuple(slice(o, o + m * f, f) for o, m, f in zip(offset, kept, factors))]
    return total / float(np.prod(factors))


def _factors_for(factors: Any, n: int, spatial_shape: tuple[int, ...]) -> list[int]:
    """Whole downsampling factors, one per spatial axis, each no larger than its axis."""
    problem = ValueError(f"factors must be {n} whole numbers >= 1 (one per spatial axis), got {factors!r}")
    try:
        given = np.broadcast_to(np.asarray(factors, dtype=np.float64), (n,))
    except (TypeError, ValueError):
        raise problem from None
    if np.any(given < 1) or np.any(given != np.round(given)):
        raise problem
    f = [int(k) for k in given]
    if any(length // k == 0 for length, k in zip(spatial_shape, f)):
        raise ValueError(f"factors {f} are larger than the spatial shape {spatial_shape}")
    return f


def downsample(image: SpatialArray, factors: npt.ArrayLike, *, method: str = "mean") -> SpatialArray:
    """Downsample by whole ``factors`` per spatial axis.

    ``"mean"`` averages each block of ``factors`` elements (a trailing partial block
    is dropped); ``"gaussian"`` smooths with ``sigma = factor / 2`` elements first
    (less aliasing) and then averages the blocks. Either way each new element sits
    at the centre of its block.

    Examples
    --------
    >>> img = SpatialArray(np.arange(8.0), origin=[10.0], spacing=[1.0])
    >>> small = downsample(img, 2)
    >>> small.tolist(), small.origin.tolist(), small.spacing.tolist()
    ([0.5, 2.5, 4.5, 6.5], [10.5], [2.0])
    """
    from .lazy import is_lazy

    if is_lazy(image):
        from . import lazy

        return lazy.downsample(image, factors, method=method)  # type: ignore[arg-type, return-value]
    if not isinstance(image, SpatialArray):
        raise TypeError(f"downsample needs a SpatialArray or a lazy image, got {type(image).__name__}")
    if method not in ("mean", "gaussian"):
        raise ValueError(f"method must be 'mean' or 'gaussian', got {method!r}")
    n = image.geometry.spatial_ndim
    f = _factors_for(factors, n, image.shape[:n])
    values = np.asarray(image)
    if method == "gaussian":
        from scipy import ndimage

        values = ndimage.gaussian_filter(values.astype(np.float64), [k / 2 if k > 1 else 0.0 for k in f] + [0.0] * (values.ndim - n), mode="nearest")
    means = block_mean(values, f)
    geometry = image.geometry.binned(range(n), f, keepdims=True)  # each block binned (SA-8.1, SA-8.2)
    return SpatialArray(means.astype(np.result_type(image.dtype, np.float32)), geometry=geometry, meta=image._meta)


def pyramid(image: SpatialArray, levels: int, *, factor: int = 2, method: str = "mean") -> list[SpatialArray]:
    """The image and ``levels - 1`` successive downsamplings by ``factor``, each overlaying the original.

    Examples
    --------
    >>> [level.shape for level in pyramid(SpatialArray(np.zeros((8, 8))), 3)]
    [(8, 8), (4, 4), (2, 2)]
    """
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 1:
        raise ValueError(f"levels must be a whole number >= 1, got {levels!r}")
    result = [image]
    for _ in range(levels - 1):
        result.append(downsample(result[-1], factor, method=method))
    return result
