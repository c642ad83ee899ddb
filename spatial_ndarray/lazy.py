"""Lazy images: dask-backed xarray DataArrays that carry our geometry, processed chunk by chunk.

A lazy image is an ``xarray.DataArray`` in ``sn.to_xarray``'s layout whose data is
a dask array: xarray's own lazy operations, selections and ``dask.distributed``
apply to it, and ``da.spatial.geometry`` reads its geometry without computing
anything. The functions here take one and return one, each output chunk computed
from the input region it needs; the values are those of the in-memory function,
bit for bit, chunk borders included (SPEC chapter 18).

Examples
--------
>>> import numpy as np, dask.array as da, spatial_ndarray as sn
>>> image = lazy_image(da.ones((8, 8), chunks=4), sn.Geometry(origin=[0.0, 0.0], spacing=[1.0, 1.0]))
>>> small = downsample(image, 2)
>>> small.spatial.origin.tolist(), small.spatial.spacing.tolist(), type(small.data).__name__
([0.5, 0.5], [2.0, 2.0], 'Array')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._array import SpatialArray
from .filters import sigma_in_voxels
from .geometry import Geometry
from .pyramid import _factors_for, block_mean

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["block_reduce", "downsample", "gaussian_filter", "is_lazy", "lazy_image", "unpack"]


def is_lazy(image: Any) -> bool:
    """True for an xarray DataArray whose data is a dask array (a lazy image)."""
    data = getattr(image, "data", None)
    return type(image).__name__ == "DataArray" and type(data).__module__.startswith("dask")


def lazy_image(data: Any, geometry: Geometry, meta: Mapping[str, Any] | None = None, *, name: str = "image") -> xr.DataArray:
    """A lazy image: ``data`` (a dask array, spatial axes first) with ``geometry``, in ``sn.to_xarray``'s layout.

    Nothing is computed: the layout is built on a placeholder that owns no memory.
    """
    if not isinstance(geometry, Geometry):
        raise TypeError(f"geometry must be a spatial_ndarray.Geometry, got {type(geometry).__name__}")
    from .xarray import to_xarray

    placeholder = np.broadcast_to(np.zeros((), dtype=data.dtype), data.shape)  # zero strides: no memory
    layout = to_xarray(SpatialArray(placeholder, geometry=geometry, meta=dict(meta or {})), name=name)
    return layout.copy(deep=False, data=data)


def unpack(image: xr.DataArray) -> tuple[Any, Geometry, dict[str, Any]]:
    """(dask data with spatial axes first and components last, geometry, meta) of a lazy image."""
    if not is_lazy(image):
        raise TypeError(f"expected a lazy image (an xarray DataArray backed by dask), got {type(image).__name__}")
    geometry, dims = image.spatial.geometry, image.spatial.spatial_dims
    components = [d for d in image.dims if d not in dims]
    data = image.transpose(*dims, *components).data
    meta = {k: v for k, v in image.attrs.items() if k in ("frame", "spatial_units")}
    return data, geometry, meta


def downsample(image: xr.DataArray, factors: npt.ArrayLike, *, method: str = "mean") -> xr.DataArray:
    """``sn.downsample`` of a lazy image, chunk by chunk; the same values and geometry as in memory."""
    data, geometry, meta = unpack(image)
    if method not in ("mean", "gaussian"):
        raise ValueError(f"method must be 'mean' or 'gaussian', got {method!r}")
    n = geometry.spatial_ndim
    f = _factors_for(factors, n, data.shape[:n])
    if method == "gaussian":
        sigmas = [k / 2 if k > 1 else 0.0 for k in f]
        data = _gaussian_chunks(data.astype(np.float64), sigmas + [0.0] * (data.ndim - n), mode="nearest", truncate=4.0)
    dtype = np.result_type(image.dtype, np.float32)
    means = block_reduce(data, f, lambda block: block_mean(block, f).astype(dtype), dtype)
    return lazy_image(means, geometry.binned(range(n), f, keepdims=True), meta, name=str(image.name or "image"))


def block_reduce(data: Any, factors: list[int], reduce: Any, dtype: npt.DTypeLike) -> Any:
    """Apply ``reduce`` (blocks of ``factors`` elements -> one element each) chunk by chunk.

    The trailing partial block is dropped and every chunk holds a whole number of
    blocks, so each block is reduced from exactly the numbers the in-memory call sees.
    """
    n = len(factors)
    kept = [s // k for s, k in zip(data.shape[:n], factors)]
    data = data[tuple(slice(0, m * k) for m, k in zip(kept, factors))]
    aligned = tuple(max(k, (c[0] // k) * k) for c, k in zip(data.chunks[:n], factors)) + tuple(data.shape[n:])
    data = data.rechunk(aligned)
    out_chunks = tuple(tuple(c // k for c in axis) for axis, k in zip(data.chunks[:n], factors)) + data.chunks[n:]
    return data.map_blocks(reduce, chunks=out_chunks, dtype=dtype)


def gaussian_filter(image: xr.DataArray, sigma: npt.ArrayLike, *, mode: str = "nearest", truncate: float = 4.0) -> xr.DataArray:
    """``sn.gaussian_filter`` (sigma in physical units) of a lazy image: chunks overlap by the kernel's radius."""
    data, geometry, meta = unpack(image)
    in_voxels = sigma_in_voxels(sigma, geometry, data.ndim)
    dtype = data.dtype if data.dtype.kind == "f" else np.float64
    smoothed = _gaussian_chunks(data.astype(dtype), in_voxels, mode=mode, truncate=truncate)
    return lazy_image(smoothed, geometry, meta, name=str(image.name or "image"))


def _gaussian_chunks(data: Any, sigmas: list[float], *, mode: str, truncate: float) -> Any:
    """scipy's separable Gaussian per chunk, each chunk extended by the kernel radius (interior results are exact)."""
    from scipy import ndimage

    # scipy's radius per axis: int(truncate * sigma + 0.5); an axis the kernel spans whole is one chunk, no halo
    radius = [int(truncate * s + 0.5) if s > 0 else 0 for s in sigmas]
    whole = [r >= length for r, length in zip(radius, data.shape)]
    depth = {axis: 0 if w else r for axis, (r, w) in enumerate(zip(radius, whole))}
    # a halo may not exceed a neighbouring chunk: grow small chunks first
    grown = tuple(
        length if w else max(c[0], r, 1) for length, w, r, c in zip(data.shape, whole, radius, data.chunks)
    )
    if grown != tuple(c[0] for c in data.chunks):
        data = data.rechunk(grown)
    return data.map_overlap(
        lambda block: ndimage.gaussian_filter(block, sigmas, mode=mode, truncate=truncate),
        depth=depth,
        boundary="none",
        dtype=data.dtype,
    )
