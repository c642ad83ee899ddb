"""Resampling onto another grid, through an affine transform (output points -> input points).

Output index -> output point -> input point -> input index is one affine map
(`Geometry.index_map_to`). For 1-, 2- and 3-D images with the nearest, label, linear
and label_linear interpolators a compiled kernel (`spatial_ndarray._kernels`)
evaluates it row by row: each voxel's continuous input index is
``row_start + j * step`` from its *global* output index (no running sum), so any
block of the output computes exactly what the whole image does (`_resample_block`).
Linear interpolation follows ITK's order in float64. bspline and N > 3 use scipy.

SimpleITK's inside rule: an output point is inside when its continuous input
index lies in ``[-0.5, n - 0.5)`` on every axis; inside points in the half-voxel
border band take the edge value, outside points get ``default_value``.

Integer outputs of linear interpolation are **rounded to nearest** (ties to even,
``np.rint``) and clamped to the dtype's range; SimpleITK truncates toward zero
instead, so its integer results are often one lower.
"""

from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _kernels
from ._array import SpatialArray
from ._kernels.fallback import round_to
from .geometry import Geometry, inside_columns
from .transforms import AffineTransform

__all__ = ["INTERPOLATORS", "NoOverlapWarning", "resample", "sample"]

#: interpolator name -> spline order. "label" is nearest neighbour: it never invents a label; "label_linear" is,
#: per label, the linearly interpolated indicator, the label of largest weight winning (SimpleITK's LabelLinear).
INTERPOLATORS = {"nearest": 0, "label": 0, "linear": 1, "label_linear": 1, "bspline": 3}
_KERNEL_CODES = {"nearest": 0, "label": 0, "linear": 1}
_CHUNKS = 8
_SMALL_OVERLAP = 0.05


class NoOverlapWarning(UserWarning):
    """The output grid (mostly) misses the input: the result is (mostly) ``default_value``."""


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


def _box_text(points: np.ndarray) -> str:
    return f"[{np.round(points.min(axis=0), 3).tolist()}, {np.round(points.max(axis=0), 3).tolist()}]"


def _check_overlap(image: SpatialArray, geometry: Geometry, shape: tuple[int, ...], transform: AffineTransform | None) -> None:
    """Warn (`NoOverlapWarning`) when the output grid, mapped through the transform, misses the image or mostly does."""
    source = image.geometry
    lengths = image.shape[: source.spatial_ndim]
    matrix, offset = geometry.index_map_to(source, None if transform is None else transform.matrix,
                                           None if transform is None else transform.offset)
    # output voxel centres on a coarse lattice (at most 9 per axis), traced to input indices
    lattice = np.stack(np.meshgrid(*[np.unique(np.linspace(0, n - 1, 9).round()) for n in shape], indexing="ij"), -1)
    lattice = lattice.reshape(-1, len(shape))
    fraction = float(source.contains_index(lattice @ matrix.T + offset, lengths).mean())
    if fraction >= _SMALL_OVERLAP:
        return
    corners = geometry.corners(shape)
    sent = corners if transform is None else transform.apply(corners)
    where = (f"the output grid covers {_box_text(corners)}, the transform sends it to {_box_text(sent)}, "
             f"and the image covers {_box_text(source.corners(lengths))} (physical boxes, numpy axis order)")
    if fraction == 0.0:
        inverse_hint = ""
        if transform is not None:
            m2, b2 = geometry.index_map_to(source, transform.inverse().matrix, transform.inverse().offset)
            if source.contains_index(lattice @ m2.T + b2, lengths).any():
                inverse_hint = "; the inverse transform would overlap: did you pass the inverse? (the transform maps OUTPUT points to INPUT points)"
        warnings.warn(f"resample: no output voxel falls inside the image, the result is all default_value: {where}{inverse_hint}",
                      NoOverlapWarning, stacklevel=3)
    else:
        warnings.warn(f"resample: only about {100 * fraction:.1f}% of the output grid falls inside the image: {where}",
                      NoOverlapWarning, stacklevel=3)


def _default_bytes(default_value: float, dtype: np.dtype) -> bytes:
    """``default_value`` as one element of ``dtype``: integers exact, anything else by the output rounding rule."""
    if dtype.kind in "iu" and isinstance(default_value, (int, np.integer)):
        info = np.iinfo(dtype)
        if not info.min <= default_value <= info.max:
            raise ValueError(f"default_value {default_value} does not fit the output dtype {dtype}")
        return np.array(default_value, dtype=dtype).tobytes()
    return round_to(np.array([default_value], dtype=np.float64), dtype).tobytes()


def _resample_block(
    values: np.ndarray,
    index_matrix: npt.ArrayLike,
    index_offset: npt.ArrayLike,
    out_shape: tuple[int, ...],
    out_start: tuple[int, ...],
    in_start: tuple[int, ...],
    in_full_shape: tuple[int, ...],
    interpolator: str,
    default_value: float,
    dtype: npt.DTypeLike | None = None,
    threads: int = 1,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Evaluate one block of a resampling: the private entry point of chunked (dask) resampling.

    Output voxel ``k`` (a GLOBAL output index) reads the input at the global
    continuous index ``index_matrix @ k + index_offset``, computed row by row as
    ``row_start + j * step`` from global indices, so a block returns exactly
    (bit for bit) the same values as the whole-image call at those voxels, for any
    tiling and any number of threads.

    Parameters
    ----------
    values : ndarray
        The input crop: N spatial axes (N = 1, 2 or 3) then component axes. Its
        first voxel is global input index ``in_start``. It must hold every voxel
        the block reads (for linear, ``floor(x)`` and ``floor(x) + 1``, clamped to
        the full image; for nearest, the rounded index); otherwise ValueError.
    index_matrix, index_offset : array_like, shapes (N, N) and (N,)
        Global output index -> global input continuous index (`Geometry.index_map_to`).
    out_shape, out_start : tuple of int
        Spatial shape of the block and the global output index of its first voxel.
    in_start, in_full_shape : tuple of int
        Where the crop starts in the full input, and the full input's spatial
        shape: the inside rule ``[-0.5, n - 0.5)`` is judged against the full shape.
    interpolator : {"nearest", "label", "linear", "label_linear"}
    default_value : float
        Value of outside voxels.
    dtype : data-type, optional
        Output type; default ``values.dtype``. Integers are rounded (ties to even) and clamped.
    threads : int
        Python threads splitting the block's first axis (the GIL is released).
    out : ndarray, optional
        Where to write, shape ``out_shape + values.shape[N:]``.

    Returns
    -------
    ndarray, shape ``out_shape + values.shape[N:]``

    Examples
    --------
    >>> whole = _resample_block(np.arange(6.0), [[0.5]], [0.0], (12,), (0,), (0,), (6,), "linear", -1.0)
    >>> part = _resample_block(np.arange(6.0)[2:5], [[0.5]], [0.0], (3,), (5,), (2,), (6,), "linear", -1.0)
    >>> bool((whole[5:8] == part).all()), part.tolist()
    (True, [2.5, 3.0, 3.5])
    """
    values = np.asarray(values)
    n = len(out_shape)
    m = np.asarray(index_matrix, dtype=np.float64)
    b = np.asarray(index_offset, dtype=np.float64)
    if not 1 <= n <= 3 or m.shape != (n, n) or b.shape != (n,) or values.ndim < n:
        raise ValueError(f"_resample_block handles 1 to 3 spatial axes: index_matrix {m.shape}, index_offset {b.shape}, "
                         f"out_shape {out_shape}, values {values.shape}")
    if len(out_start) != n or len(in_start) != n or len(in_full_shape) != n:
        raise ValueError("out_start, in_start and in_full_shape need one entry per spatial axis")
    out_dtype = np.dtype(values.dtype if dtype is None else dtype)
    components = values.shape[n:]
    if out is None:
        out = np.empty(tuple(out_shape) + components, dtype=out_dtype)
    if interpolator == "label_linear":
        _label_linear_block(values, m, b, tuple(out_shape), tuple(out_start), tuple(in_start), tuple(in_full_shape),
                            default_value, out, threads)
        return out
    code = _KERNEL_CODES[interpolator]
    flat_values = values.reshape(values.shape[:n] + (-1,))
    flat_out = out.reshape(tuple(out_shape) + (-1,))
    if not np.shares_memory(flat_out, out) and flat_out.size:
        raise ValueError("out must be reshapeable to one component axis without a copy")
    if n == 1:  # a 1-D image is a 2-D one with a single row
        flat_values, flat_out = flat_values[None], flat_out[None]
        m = np.array([[1.0, 0.0], [0.0, m[0, 0]]])
        b = np.array([0.0, b[0]])
        out_start, in_start, in_full_shape = (0,) + tuple(out_start), (0,) + tuple(in_start), (1,) + tuple(in_full_shape)
    run = _kernels.kernel()
    args = (flat_values, flat_out, m.ravel().tolist(), b.tolist(), [int(s) for s in out_start], [int(s) for s in in_start],
            [int(s) for s in in_full_shape], code, _default_bytes(default_value, out_dtype))
    planes = flat_out.shape[0]
    workers = max(1, min(int(threads), planes))
    if workers == 1:
        run(*args, 0, planes)
    else:
        bounds = np.linspace(0, planes, min(planes, 4 * workers) + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: run(*args, int(ab[0]), int(ab[1])), zip(bounds[:-1], bounds[1:])))
    return out


def _label_linear_block(values: np.ndarray, m: np.ndarray, b: np.ndarray, out_shape: tuple[int, ...], out_start: tuple[int, ...],
                        in_start: tuple[int, ...], in_full_shape: tuple[int, ...], default_value: float, out: np.ndarray,
                        threads: int) -> None:
    """Per label, the linear interpolation of its indicator; the largest wins, the smallest label on ties (ITK's order)."""
    n = len(out_shape)
    if values.ndim != n:
        raise ValueError("label_linear needs a scalar label image (no component axes)")
    best = np.full(out_shape, -1.0)
    winner = np.zeros(out_shape, dtype=values.dtype)
    for label in np.unique(values):
        weight = _resample_block((values == label).astype(np.float64), m, b, out_shape, out_start, in_start, in_full_shape,
                                 "linear", -1.0, np.float64, threads)
        better = weight > best
        best[better] = weight[better]
        winner[better] = label
    out[...] = winner
    out[best < 0] = _default_array(default_value, out.dtype)


def _default_array(default_value: float, dtype: np.dtype) -> np.ndarray:
    return np.frombuffer(_default_bytes(default_value, dtype), dtype=dtype)[0]


def _check_default_value(default_value: Any) -> None:
    """Refuse a ``default_value`` that is not one number (a string would reach numpy's float conversion)."""
    try:
        kind = np.asarray(default_value).dtype.kind if np.ndim(default_value) == 0 else ""
    except (TypeError, ValueError):
        kind = ""
    if kind not in "biufc" or kind == "":
        raise ValueError(f"default_value must be one number (the value of output voxels outside the image), got {default_value!r}")


def _spatial(image: Any, name: str) -> SpatialArray:
    if not isinstance(image, SpatialArray):
        raise TypeError(f"{name} needs a SpatialArray (its geometry sets the grid), got {type(image).__name__}; "
                        "wrap the values with sn.SpatialArray(values, spacing=..., origin=..., direction=...)")
    return image


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
    chunks: int | tuple[int, ...] | None = None,
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
    interpolator : {"linear", "nearest", "label", "label_linear", "bspline"}
        ``label`` is nearest neighbour; ``label_linear`` interpolates each label's
        indicator linearly and keeps the label of largest weight (SimpleITK's
        ``sitkLabelLinear``): smoother than nearest, and it never invents a label.
    default_value : float
        Value of output points outside the image.
    dtype : data-type, optional
        Output type; default the image's. Integer outputs are rounded to nearest
        (ties to even) and clamped to the type's range; SimpleITK truncates instead.
    threads : int, optional
        Worker threads; default the number of CPUs. The result does not depend on it.
    chunks : int or tuple of int, optional
        Resample chunk by chunk on dask and return a lazy image (output chunk edge
        per spatial axis); a lazy ``image`` is always resampled this way. The values
        are this function's, bit for bit (SPEC SA-18.5).

    Warns
    -----
    NoOverlapWarning
        When no output voxel, or only a few percent, falls inside the image (the
        commonest resampling mistake: a grid beside the image, or the inverse
        transform passed); the message says where the grid and the image are.

    Examples
    --------
    >>> img = SpatialArray(np.arange(4.0), spacing=[2.0])
    >>> resample(img, size=[7], spacing=[1.0]).tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    >>> resample(SpatialArray(np.array([0, 3], np.uint8)), size=[3], spacing=[0.5]).tolist()  # 1.5 -> 2
    [0, 2, 3]
    """
    from .lazy import is_lazy

    _check_default_value(default_value)
    if is_lazy(image) or chunks is not None:  # chunk by chunk on dask: a lazy image, the same values
        from . import lazy

        return lazy.resample(  # type: ignore[return-value]
            image, reference, transform=transform, size=size, origin=origin, spacing=spacing, direction=direction,
            interpolator=interpolator, default_value=default_value, dtype=dtype, chunks=chunks,
        )
    if not isinstance(image, SpatialArray):
        raise TypeError(f"resample needs a SpatialArray or a lazy image, got {type(image).__name__}")
    if interpolator not in INTERPOLATORS:
        raise ValueError(f"interpolator must be one of {sorted(INTERPOLATORS)}, got {interpolator!r}")
    geometry, shape = _output_grid(image, reference, size, origin, spacing, direction)
    source = image.geometry
    if transform is not None and transform.ndim != source.physical_ndim:
        raise ValueError(f"transform is {transform.ndim}-D but the image lives in {source.physical_ndim}-D space")
    matrix, offset = geometry.index_map_to(
        source, None if transform is None else transform.matrix, None if transform is None else transform.offset
    )
    _check_overlap(image, geometry, shape, transform)
    values = np.asarray(image)
    n = source.spatial_ndim
    out_dtype = np.dtype(values.dtype if dtype is None else dtype)
    workers = max(1, threads or os.cpu_count() or 1)
    if n <= 3 and interpolator != "bspline" and _kernel_handles(values.dtype, out_dtype):
        output = _resample_block(values, matrix, offset, shape, (0,) * n, (0,) * n, image.shape[:n], interpolator,
                                 default_value, out_dtype, workers)
    else:
        output = _resample_scipy(values, n, matrix, offset, shape, INTERPOLATORS[interpolator], default_value, out_dtype,
                                 workers, interpolator == "label_linear")
    return SpatialArray(output, geometry=geometry, meta=image._meta)


_KERNEL_DTYPES = frozenset(np.dtype(t) for t in ("u1", "i1", "u2", "i2", "u4", "i4", "i8", "f4", "f8"))


def _kernel_handles(in_dtype: np.dtype, out_dtype: np.dtype) -> bool:
    return in_dtype.isnative and out_dtype.isnative and in_dtype in _KERNEL_DTYPES and out_dtype in _KERNEL_DTYPES


def _resample_scipy(values: np.ndarray, n: int, matrix: np.ndarray, offset: np.ndarray, shape: tuple[int, ...], order: int,
                    default_value: float, out_dtype: np.dtype, workers: int, labels: bool) -> np.ndarray:
    """bspline, N > 3 and dtypes the kernel lacks: scipy's affine_transform in float64, then the same rounding rule."""
    from scipy import ndimage

    if labels:
        raise ValueError(f"label_linear needs 1 to 3 spatial axes and one of the kernel dtypes, got {n} axes, {values.dtype}")
    components = values.shape[n:]
    output = np.empty(shape + components, dtype=out_dtype)
    planes = [values[(...,) + c] for c in np.ndindex(*components)] if components else [values]
    targets = [output[(...,) + c] for c in np.ndindex(*components)] if components else [output]
    planes = [np.asarray(p, dtype=np.float64) if p.dtype.kind in "biuf" else p for p in planes]
    if order > 1:  # spline coefficients once, for every chunk
        planes = [ndimage.spline_filter(p, order=order, mode="nearest", output=np.float64) for p in planes]
    lengths = values.shape[:n]
    # a fixed split, whatever the number of threads: the result never depends on it (chunk offsets round alike)
    # (a 1-D output is one row: its chunks would cut the row the inside rule is computed along)
    bounds = np.linspace(0, shape[0], (min(shape[0], _CHUNKS) if len(shape) > 1 else 1) + 1).astype(int)
    fill = _default_array(default_value, out_dtype) if out_dtype.kind in "biuf" else default_value

    def run(start: int, stop: int) -> None:
        chunk_offset = offset + matrix[:, 0] * start
        rows = np.indices((stop - start,) + shape[1:-1]).reshape(len(shape) - 1, -1).T if len(shape) > 1 else np.zeros((1, 0))
        row_offsets = chunk_offset + rows @ matrix[:, :-1].T if len(shape) > 1 else chunk_offset[None, :] + 0.0
        first, last = inside_columns(matrix[:, -1], row_offsets, lengths, shape[-1])
        columns = np.arange(shape[-1])
        inside = (columns >= first[:, None]) & (columns < last[:, None])
        for plane, target in zip(planes, targets):
            block = target[start:stop]
            computed = ndimage.affine_transform(plane, matrix, offset=chunk_offset, output_shape=block.shape,
                                                output=np.float64 if plane.dtype.kind in "biuf" else None,
                                                order=order, mode="nearest", prefilter=False)
            block[...] = round_to(computed, out_dtype) if out_dtype.kind in "iu" else computed
            block.reshape(-1, shape[-1])[~inside] = fill

    if workers == 1 or len(bounds) <= 2:
        for a, b in zip(bounds[:-1], bounds[1:]):
            run(int(a), int(b))
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda ab: run(int(ab[0]), int(ab[1])), zip(bounds[:-1], bounds[1:])))
    return output


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
    image = _spatial(image, "resample_to_fit")
    _check_default_value(default_value)
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

    The new grid covers the image's extent (SA-3.1) with whole voxels and every
    new voxel centre lies inside it: ``ceil(extent / spacing)`` voxels per axis,
    centred on the extent, so any overhang is equal at both ends and under half a
    new voxel (`Geometry.respaced`). With ``antialias``, axes made
    coarser are first smoothed by a Gaussian of ``sigma = (factor - 1) / 2`` input
    voxels, so that detail finer than the new spacing does not alias.

    Examples
    --------
    >>> resample_to_spacing(SpatialArray(np.arange(8.0)), [2.0], antialias=False).tolist()
    [0.5, 2.5, 4.5, 6.5]
    """
    from scipy import ndimage

    image = _spatial(image, "resample_to_spacing")
    source = image.geometry
    n = source.spatial_ndim
    try:
        new = np.asarray(spacing, dtype=np.float64)
    except (TypeError, ValueError):
        new = np.full(n, np.nan)
    if new.shape != (n,) or not np.all(new > 0) or not np.isfinite(new).all():
        raise ValueError(f"spacing must be {n} positive finite numbers, got {spacing!r}")
    factors = new / source.spacing
    grid, shape = source.respaced(image.shape[:n], new)
    values: Any = image
    if antialias and np.any(factors > 1):
        sigma = [max(0.0, (f - 1) / 2) for f in factors] + [0.0] * (image.ndim - n)
        values = SpatialArray(ndimage.gaussian_filter(np.asarray(image, dtype=np.float64), sigma, mode="nearest"),
                              geometry=source, meta=image._meta)
    return resample(values, size=shape, origin=grid.origin, spacing=grid.spacing, direction=grid.direction,
                    interpolator=interpolator, dtype=image.dtype)


def sample(image: SpatialArray, points: npt.ArrayLike, *, interpolator: str = "linear", default_value: float = math.nan) -> np.ndarray:
    """Values of ``image`` at arbitrary physical ``points`` ``(..., P)``: shape ``(...)`` plus the component axes.

    The same inside rule (continuous index in ``[-0.5, n - 0.5)``) and the same
    interpolation arithmetic as `resample`'s kernel; no coordinate grids. Linear
    returns float64; nearest and label keep the image's dtype unless
    ``default_value`` needs a wider one (NaN with integers gives float64).

    Examples
    --------
    >>> img = SpatialArray(np.array([0.0, 10.0, 20.0]), origin=[5.0], spacing=[2.0])
    >>> sample(img, [[6.0], [9.5], [100.0]]).tolist()
    [5.0, 20.0, nan]
    """
    from ._kernels.fallback import interpolate

    if not isinstance(image, SpatialArray):
        raise TypeError(f"sample needs a SpatialArray, got {type(image).__name__}")
    if interpolator not in _KERNEL_CODES:
        raise ValueError(f"interpolator must be one of {sorted(_KERNEL_CODES)}, got {interpolator!r}")
    geometry = image.geometry
    index = geometry.physical_to_index(points)  # validates the shape (..., P)
    n = geometry.spatial_ndim
    lengths = np.asarray(image.shape[:n], dtype=np.int64)
    flat = index.reshape(-1, n)
    # off an embedded slice's plane is outside it, whatever index the projection gives
    inside = np.asarray(geometry.contains_index(flat, image.shape[:n])) & geometry.on_plane(points).reshape(-1)
    values = np.asarray(image)
    code = _KERNEL_CODES[interpolator]
    picked = interpolate(values, [flat[:, a] for a in range(n)], inside, lengths, np.zeros(n, np.int64), code)
    dtype = np.dtype(np.float64) if code == 1 else np.result_type(values.dtype, default_value)
    result = picked.astype(dtype)
    result[~inside] = default_value
    return result.reshape(index.shape[:-1] + values.shape[n:])
