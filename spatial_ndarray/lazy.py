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

__all__ = ["block_reduce", "downsample", "gaussian_filter", "input_region", "is_lazy", "lazy_image", "resample", "unpack"]


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
    meta = dict(image.attrs)  # in chapter 14's physical layout the attrs are the meta (SA-14.7)
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


def resample(
    image: Any,
    reference: Any = None,
    *,
    transform: Any = None,
    size: npt.ArrayLike | None = None,
    origin: npt.ArrayLike | None = None,
    spacing: npt.ArrayLike | None = None,
    direction: npt.ArrayLike | None = None,
    interpolator: str = "linear",
    default_value: float = 0.0,
    dtype: npt.DTypeLike | None = None,
    chunks: int | tuple[int, ...] | None = None,
) -> xr.DataArray:
    """``sn.resample`` chunk by chunk: a lazy image on the output grid (``sn.resample`` of a lazy image calls it).

    Each output chunk is evaluated by the compiled kernel's block entry point from
    the global index map, so the values equal the in-memory ``sn.resample`` bit for
    bit, chunk borders included (images of more than 3 spatial axes, or dtypes the
    kernel lacks, go through scipy per block). Each chunk reads only the input
    region it needs: the index bounding box
    of its corners mapped into the input, widened by the interpolator's support
    (one voxel for linear). A chunk that maps entirely outside the input reads
    nothing and holds ``default_value``. Peak memory is a few chunks and their
    input regions, not the volume.

    ``image`` is a lazy image or a SpatialArray; ``chunks`` is the output chunk edge
    per spatial axis (default: the input's chunks, else 128).
    """
    import dask
    import dask.array as dask_array

    from .resample import INTERPOLATORS, _check_overlap, _kernel_handles, _output_grid, _resample_block

    if interpolator not in INTERPOLATORS:
        raise ValueError(f"interpolator must be one of {sorted(INTERPOLATORS)}, got {interpolator!r}")
    if interpolator == "bspline":
        raise ValueError(
            "interpolator='bspline' needs the whole image's spline coefficients; chunked resampling supports "
            "'linear', 'nearest' and 'label' (resample a SpatialArray in memory for bspline)"
        )
    if is_lazy(image):
        data, source, meta = unpack(image)
        name = str(image.name or "image")
    elif isinstance(image, SpatialArray):
        source, meta, name = image.geometry, dict(image.meta), "image"
        edges = _chunk_edges(chunks, (), source.spatial_ndim)
        data = dask_array.from_array(np.asarray(image), chunks=tuple(edges) + image.shape[source.spatial_ndim:])
    else:
        raise TypeError(f"resample needs a SpatialArray or a lazy image, got {type(image).__name__}")
    n = source.spatial_ndim
    grid, shape = _output_grid(_placeholder(data.shape, source), reference, size, origin, spacing, direction)
    if transform is not None and transform.ndim != source.physical_ndim:
        raise ValueError(f"transform is {transform.ndim}-D but the image lives in {source.physical_ndim}-D space")
    matrix, offset = grid.index_map_to(
        source, None if transform is None else transform.matrix, None if transform is None else transform.offset
    )
    _check_overlap(_placeholder(data.shape, source), grid, shape, transform)
    components = tuple(data.shape[n:])
    out_dtype = np.dtype(data.dtype if dtype is None else dtype)
    exact = n <= 3 and _kernel_handles(np.dtype(data.dtype), out_dtype)
    edges = _chunk_edges(chunks, data.chunks[:n], n)
    starts = [list(range(0, length, edge)) for length, edge in zip(shape, edges)]
    support = 0 if INTERPOLATORS[interpolator] == 0 else 1

    def block(out_start: tuple[int, ...]) -> Any:
        out_shape = tuple(min(e, length - s) for s, e, length in zip(out_start, edges, shape))
        region = input_region(matrix, offset, out_start, out_shape, data.shape[:n], support)
        if region is None:  # maps entirely outside the input: read nothing
            return dask_array.full(out_shape + components, default_value, dtype=out_dtype)
        lo, hi = region
        crop = data[tuple(slice(a, b) for a, b in zip(lo, hi))]
        if exact:  # the compiled kernel's block entry point: the whole-image call's numbers, bit for bit
            task = dask.delayed(_resample_block)(
                crop, matrix, offset, out_shape, out_start, tuple(lo), tuple(data.shape[:n]), interpolator,
                default_value, out_dtype, 1,
            )
        else:  # N > 3 or a dtype the kernel lacks: scipy on the crop, the block's grid a slice of the whole
            task = dask.delayed(_evaluate_block)(
                crop, source, lo, grid, out_start, out_shape, transform, tuple(data.shape[:n]),
                interpolator, default_value, out_dtype,
            )
        return dask_array.from_delayed(task, out_shape + components, dtype=out_dtype)

    def nest(prefix: tuple[int, ...]) -> Any:
        axis = len(prefix)
        if axis == n:
            whole = block(prefix)
            for _ in components:  # np.block semantics: one list level per axis, components in one piece
                whole = [whole]
            return whole
        return [nest(prefix + (s,)) for s in starts[axis]]

    return lazy_image(dask_array.block(nest(())), grid, meta, name=name)


def _placeholder(shape: tuple[int, ...], geometry: Geometry) -> SpatialArray:
    """A SpatialArray of ``shape`` owning no memory, for functions that only read a grid."""
    return SpatialArray(np.broadcast_to(np.zeros((), dtype=np.uint8), shape), geometry=geometry)


def _chunk_edges(chunks: Any, input_chunks: tuple[tuple[int, ...], ...], n: int) -> list[int]:
    if chunks is None:
        return [max(axis[0], 1) for axis in input_chunks] if input_chunks else [128] * n
    try:
        edges = [int(c) for c in np.broadcast_to(np.asarray(chunks), (n,))]
    except (TypeError, ValueError):
        raise ValueError(f"chunks must be one whole number or {n} (one per spatial axis), got {chunks!r}") from None
    if any(e < 1 for e in edges):
        raise ValueError(f"chunks must be >= 1, got {chunks!r}")
    return edges


def input_region(
    matrix: np.ndarray, offset: np.ndarray, out_start: tuple[int, ...], out_shape: tuple[int, ...],
    in_shape: tuple[int, ...], support: int,
) -> tuple[list[int], list[int]] | None:
    """The input index box ``[lo, hi)`` an output block reads, or None when it maps entirely outside the input.

    The index map is affine, so the block's corner indices bound every voxel's
    continuous input index ``x``. Linear interpolation reads ``floor(x)`` and
    ``floor(x) + 1`` (``support=1``), nearest ``floor(x + 0.5)`` (``support=0``);
    one voxel more on each side absorbs rounding. Clipped to the input, whose edge
    voxels also serve SimpleITK's half-voxel border band.
    """
    corners = np.array(list(np.ndindex(*(2,) * len(out_shape))), dtype=np.float64)
    corners = np.asarray(out_start) + corners * (np.asarray(out_shape) - 1)
    mapped = corners @ np.asarray(matrix).T + offset
    low, high = mapped.min(axis=0), mapped.max(axis=0)
    lengths = np.asarray(in_shape)
    if np.any(high < -0.5 - 1e-6) or np.any(low >= lengths - 0.5 + 1e-6):
        return None
    shift = 0.0 if support else 0.5
    lo = np.clip(np.floor(low + shift) - 1, 0, lengths - 1).astype(int)
    hi = np.clip(np.floor(high + shift) + support + 2, 1, lengths).astype(int)
    return lo.tolist(), np.maximum(hi, lo + 1).tolist()


def _evaluate_block(
    crop: np.ndarray, source: Geometry, lo: list[int], grid: Geometry, out_start: tuple[int, ...],
    out_shape: tuple[int, ...], transform: Any, in_shape: tuple[int, ...],
    interpolator: str, default_value: float, dtype: np.dtype[Any],
) -> np.ndarray:
    """One output block from the input crop whose first voxel is global input index ``lo``."""
    from .resample import resample as resample_in_memory

    n = len(out_shape)
    # the crop's and the block's grids are basic slices of the full grids: exact geometry by our own indexing rules
    crop_grid = _placeholder(in_shape, source)[tuple(slice(a, a + s) for a, s in zip(lo, crop.shape[:n]))].geometry
    block_grid = _placeholder(tuple(s + e for s, e in zip(out_start, out_shape)), grid)[
        tuple(slice(s, None) for s in out_start)
    ].geometry
    out = resample_in_memory(
        SpatialArray(np.asarray(crop), geometry=crop_grid), size=list(out_shape), origin=block_grid.origin,
        spacing=block_grid.spacing, direction=block_grid.direction, transform=transform,
        interpolator=interpolator, default_value=default_value, dtype=dtype, threads=1,
    )
    return np.asarray(out)
