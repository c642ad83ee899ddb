"""OME-Zarr (OME-NGFF 0.4 and 0.5) multiscale images: pyramids by the binning rule, any level read back lazily.

What is written (SPEC chapter 18):

* one array per level, ``"0"`` the full resolution; level ``k + 1`` is the block
  mean of level ``k`` over ``factor`` elements per spatial axis (a trailing partial
  block is dropped), stored in the input's dtype (integer means rounded to nearest);
* an axis-aligned image (its direction a signed permutation: flips and axis swaps,
  every RAS file read in LPS) is stored as the view whose direction is the
  identity (transposed and flipped, no copy), so any NGFF reader places every voxel
  at its physical position; an oblique image is stored as it is and NGFF readers
  see it in its own axis frame (NGFF 0.4 and 0.5 have no rotation);
* each level's ``scale`` is its spacing and its ``translation`` the coordinate of
  its element 0 along the stored axes: the binning rule gives ``translation_k =
  translation_0 + spacing_0 * (f**k - 1) / 2``, so every level overlays the
  original exactly (no half-voxel error);
* axes ``[c,] [z,] y, x`` (NGFF puts channels before space), typed, with a unit;
* the exact geometry of every level in the array's own orientation, the view that
  undoes the storage layout, and the frame under the group attribute
  ``"spatial_ndarray"``; the reader uses it while the NGFF metadata is still what
  we wrote.

``read_ome_zarr`` reads ours (exactly, direction included) and any other
multiscale image (scale and translation, identity direction).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from ._array import SpatialArray
from .geometry import Geometry
from ._units import spatial_units
from .pyramid import block_mean

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

__all__ = ["read_ome_zarr", "write_ome_zarr"]

_ATTR = "spatial_ndarray"
_SPACE_AXES = ("z", "y", "x")
# UDUNITS-2 names NGFF accepts, by the abbreviations people write in metadata
_UNITS = {
    "m": "meter", "cm": "centimeter", "mm": "millimeter", "um": "micrometer", "µm": "micrometer",
    "μm": "micrometer", "micron": "micrometer", "nm": "nanometer", "pm": "picometer", "a": "angstrom",
    "å": "angstrom",
}
_NGFF_SPACE_UNITS = frozenset({
    "angstrom", "attometer", "centimeter", "decimeter", "exameter", "femtometer", "foot", "gigameter",
    "hectometer", "inch", "kilometer", "megameter", "meter", "micrometer", "mile", "millimeter", "nanometer",
    "parsec", "petameter", "picometer", "terameter", "yard", "yoctometer", "yottameter", "zeptometer",
    "zettameter",
})


def _needs(package: str, extra: str = "zarr") -> ImportError:
    return ImportError(f"OME-Zarr needs {package}: pip install 'spatial-ndarray[{extra}]'")


def _ngff_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    name = _UNITS.get(unit.strip().lower(), unit.strip().lower())
    if name not in _NGFF_SPACE_UNITS:
        raise ValueError(
            f"units {unit!r} is not a length unit OME-NGFF knows; use one of {sorted(_NGFF_SPACE_UNITS)} "
            "or an abbreviation such as 'mm', 'um', 'nm'"
        )
    return name


def _level_values(values: np.ndarray, factors: Sequence[int]) -> np.ndarray:
    """One pyramid step on plain values: the block mean, in the input's dtype.

    Shared by the in-memory and the chunked path, so both write the same numbers.
    """
    means = block_mean(values, list(factors))
    if np.issubdtype(values.dtype, np.integer):
        return np.rint(means).astype(values.dtype)
    if values.dtype == np.bool_:
        return means >= 0.5
    return means.astype(values.dtype)


def _as_source(image: Any) -> tuple[Any, Geometry, dict[str, Any]]:
    """(values: numpy or dask array, geometry, meta) of a SpatialArray or a lazy DataArray with our geometry."""
    if isinstance(image, SpatialArray):
        return np.asarray(image), image.geometry, dict(image.meta)
    from .lazy import is_lazy, unpack

    if is_lazy(image):
        return unpack(image)
    import xarray as xr  # a core dependency

    if isinstance(image, xr.DataArray):
        from .xarray import from_xarray

        in_memory = from_xarray(image)
        return np.asarray(in_memory), in_memory.geometry, dict(in_memory.meta)
    raise TypeError(
        f"write_ome_zarr needs a SpatialArray or an xarray DataArray with spatial geometry, got {type(image).__name__}"
    )


def _check_levels(levels: Any, factor: Any, shape: Sequence[int]) -> tuple[int, int]:
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 1:
        raise ValueError(f"levels must be a whole number >= 1 (every level written, full resolution included), got {levels!r}")
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 2:
        raise ValueError(f"factor must be a whole number >= 2, got {factor!r}")
    smallest = min(shape) // factor ** (levels - 1)
    if smallest < 1:
        raise ValueError(
            f"levels={levels} with factor={factor} would shrink the spatial shape {tuple(shape)} below one voxel; "
            f"use at most {1 + int(np.floor(np.log(min(shape)) / np.log(factor)))} levels"
        )
    return int(levels), int(factor)


def _chunks_for(chunks: Any, spatial_shape: Sequence[int], components: Sequence[int]) -> tuple[int, ...]:
    from .lazy import _chunk_edges

    n = len(spatial_shape)
    edges = [128 if n == 3 else 512] * n if chunks is None else _chunk_edges(chunks, (), n)
    return tuple(components) + tuple(min(e, s) for e, s in zip(edges, spatial_shape))


def write_ome_zarr(
    image: Any,
    path: str | os.PathLike[str],
    *,
    levels: int = 1,
    factor: int = 2,
    chunks: int | Sequence[int] | None = None,
    version: str = "0.5",
    units: str | None = None,
    name: str = "image",
    overwrite: bool = False,
) -> None:
    """Write ``image`` as an OME-Zarr multiscale pyramid whose levels overlay it exactly.

    Parameters
    ----------
    image : SpatialArray or xarray.DataArray
        2 or 3 spatial axes and at most one trailing component axis (written as
        NGFF's channel axis). A dask-backed DataArray with our geometry (from
        ``sn.to_xarray`` or :func:`read_ome_zarr`) is written chunk by chunk, each
        level computed from the one written before it, so the volume is never held
        in memory.
    path : path-like
        The ``.zarr`` directory to create.
    levels : int, default 1
        How many levels to write, full resolution included.
    factor : int, default 2
        Downsampling factor per spatial axis between successive levels.
    chunks : int or sequence of int, optional
        Chunk edge per spatial axis (default 128 for 3-D, 512 for 2-D, clipped to the shape).
    version : {"0.5", "0.4"}
        OME-NGFF version: 0.5 is zarr format 3, 0.4 zarr format 2.
    units : str, optional
        Length unit of the spatial axes (``"mm"``, ``"micrometer"``...). Default: the
        one rule of every border (``meta["spatial_units"]``, else the TIFF reader's
        per-axis ``meta["units"]`` when they agree, else millimetres in a medical frame).
    name : str, default "image"
    overwrite : bool, default False
        Replace an existing store at ``path``.

    Examples
    --------
    >>> import tempfile, numpy as np, spatial_ndarray as sn
    >>> img = sn.SpatialArray(np.arange(64.0).reshape(8, 8), origin=[10.0, 20.0], spacing=[0.5, 0.5])
    >>> path = tempfile.mkdtemp() + "/img.ome.zarr"
    >>> write_ome_zarr(img, path, levels=3)
    >>> coarse = read_ome_zarr(path, level=2, lazy=False)
    >>> coarse.shape, coarse.origin.tolist(), coarse.spacing.tolist()
    ((2, 2), [10.75, 20.75], [2.0, 2.0])
    """
    try:
        import zarr
    except ImportError:
        raise _needs("zarr") from None
    if version not in ("0.4", "0.5"):
        raise ValueError(f"version must be '0.4' or '0.5', got {version!r}")
    values, geometry, meta = _as_source(image)
    n = geometry.spatial_ndim
    components = tuple(values.shape[n:])
    if n not in (2, 3) or len(components) > 1:
        raise ValueError(
            f"OME-NGFF images have 2 or 3 space axes and at most one channel axis; this image has {n} spatial and "
            f"{len(components)} component axes (shape {values.shape}). Select a 2-D or 3-D part first (an integer index)."
        )
    levels, factor = _check_levels(levels, factor, values.shape[:n])
    unit = _ngff_unit(units if units is not None else spatial_units(meta))
    zarr_format: Literal[2, 3] = 3 if version == "0.5" else 2
    location = os.fspath(path)
    if os.path.exists(location) and not overwrite:
        raise FileExistsError(f"{location} exists; pass overwrite=True to replace it")

    order, flips = _storage_order(geometry)
    layout = _Layout(order, flips, values.ndim)
    stored_values = layout.to_stored(values)
    stored_geometry = layout.to_stored(_placeholder(values.shape, geometry)).geometry
    chunk_shape = _chunks_for(chunks, stored_values.shape[:n], components)
    group = zarr.open_group(location, mode="w", zarr_format=zarr_format)

    stored_geometries = [stored_geometry]
    for _ in range(levels - 1):  # the binning rule, level by level (SA-18.1)
        stored_geometries.append(stored_geometries[-1].binned(range(n), [factor] * n, keepdims=True))

    lazy = not isinstance(values, np.ndarray)
    level_values: Any = stored_values
    shapes = []
    for k in range(levels):
        if k:
            level_values = _next_level(level_values, group[str(k - 1)] if lazy else None, factor, n)
        on_disk = np.moveaxis(level_values, n, 0) if components else level_values  # NGFF: channel first
        shape = tuple(on_disk.shape)
        shapes.append(tuple(level_values.shape))
        array_chunks = tuple(min(c, s) for c, s in zip(chunk_shape, shape))
        kwargs: dict[str, Any] = {"name": str(k), "shape": shape, "dtype": on_disk.dtype, "chunks": array_chunks}
        if zarr_format == 3:
            kwargs["dimension_names"] = (["c"] if components else []) + list(_SPACE_AXES[-n:])
        else:
            kwargs["chunk_key_encoding"] = {"name": "v2", "separator": "/"}
        target = group.create_array(**kwargs)
        if lazy:
            on_disk.rechunk(array_chunks).store(target, lock=False)
        else:
            target[...] = on_disk

    axes: list[dict[str, Any]] = [{"name": "c", "type": "channel"}] if components else []
    for axis in _SPACE_AXES[-n:]:
        axes.append({"name": axis, "type": "space", **({"unit": unit} if unit else {})})
    lead = [1.0] if components else []
    ngff = [
        {"scale": lead + [float(s) for s in g.spacing], "translation": [0.0] * len(lead) + [float(c) for c in g.axis_coordinates()]}
        for g in stored_geometries
    ]
    datasets = [
        {"path": str(k), "coordinateTransformations": [{"type": "scale", "scale": t["scale"]}, {"type": "translation", "translation": t["translation"]}]}
        for k, t in enumerate(ngff)
    ]
    # each level in the array's own orientation: level 0 exactly as given, the others as the view of what is stored
    originals = [geometry] + [
        layout.to_original(_placeholder(shape, g)).geometry for shape, g in zip(shapes[1:], stored_geometries[1:])
    ]
    ours = {
        "levels": [
            {"origin": g.origin.tolist(), "spacing": g.spacing.tolist(), "direction": g.direction.tolist(), "ngff": t}
            for g, t in zip(originals, ngff)
        ],
        "order": order,
        "flips": flips,
        "frame": meta.get("frame"),
        "spatial_units": unit,
    }
    multiscale: dict[str, Any] = {"name": name, "axes": axes, "datasets": datasets, "type": "mean"}
    if version == "0.5":
        group.attrs.update({"ome": {"version": "0.5", "multiscales": [multiscale]}, _ATTR: ours})
    else:
        group.attrs.update({"multiscales": [{"version": "0.4", **multiscale}], _ATTR: ours})


def _storage_order(geometry: Geometry) -> tuple[list[int], list[bool]]:
    """(order, flips): the stored view is ``transpose(order)`` then flips, the identity direction where axis-aligned.

    Physical axis ``j`` is stored from array axis ``order[j]``, reversed where
    ``flips[j]``. An oblique or embedded image is stored as it is.
    """
    n = geometry.spatial_ndim
    alignment = geometry.axis_alignment() if geometry.physical_ndim == n else None
    if alignment is None:
        return list(range(n)), [False] * n
    order, flips = [0] * n, [False] * n
    for axis, (row, sign) in enumerate(alignment):
        order[row], flips[row] = axis, sign < 0
    return order, flips


class _Layout:
    """The view between an array's own orientation and the stored (identity-direction) one: a transpose and flips."""

    def __init__(self, order: Sequence[int], flips: Sequence[bool], ndim: int) -> None:
        n = len(order)
        self.axes = list(order) + list(range(n, ndim))
        self.inverse = [int(i) for i in np.argsort(self.axes)]
        self.key = tuple(slice(None, None, -1) if f else slice(None) for f in flips)

    def to_stored(self, values: Any) -> Any:
        return np.transpose(values, self.axes)[self.key]

    def to_original(self, values: Any) -> Any:
        return np.transpose(values[self.key], self.inverse)


def _placeholder(shape: Sequence[int], geometry: Geometry) -> SpatialArray:
    """A SpatialArray of ``shape`` that owns no memory, to derive geometries through our own indexing rules."""
    return SpatialArray(np.broadcast_to(np.zeros((), dtype=np.uint8), tuple(shape)), geometry=geometry)


def _next_level(previous: Any, written: Any, factor: int, n: int) -> Any:
    """Level ``k + 1`` from level ``k``; a lazy level is read back from the array just written (bounded memory)."""
    if written is None:
        return _level_values(previous, [factor] * n)
    import dask.array as dask_array

    from .lazy import block_reduce

    source = dask_array.from_zarr(written)
    if previous.ndim > n:  # stored channel-first; our order has the components last
        source = dask_array.moveaxis(source, 0, -1)
    return block_reduce(source, [factor] * n, lambda block: _level_values(block, [factor] * n), source.dtype)


def _multiscale(attrs: Mapping[str, Any], location: str) -> tuple[dict[str, Any], str]:
    if "ome" in attrs and "multiscales" in attrs["ome"]:
        return attrs["ome"]["multiscales"][0], str(attrs["ome"].get("version", "0.5"))
    if "multiscales" in attrs:
        first = attrs["multiscales"][0]
        return first, str(first.get("version", "0.4"))
    raise ValueError(f"{location} holds no OME-NGFF multiscale image (no 'multiscales' in its attributes)")


def _scale_translation(transforms: Sequence[Mapping[str, Any]], ndim: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    scale, translation = np.ones(ndim), np.zeros(ndim)
    for t in transforms:
        kind = t.get("type")
        if kind == "scale":
            scale = scale * np.asarray(t["scale"], dtype=np.float64)
            translation = translation * np.asarray(t["scale"], dtype=np.float64)
        elif kind == "translation":
            translation = translation + np.asarray(t["translation"], dtype=np.float64)
        elif kind == "identity":
            continue
        else:
            raise ValueError(f"{where}: coordinate transformation {kind!r} is not supported (only scale and translation)")
    return scale, translation


def read_ome_zarr(
    path: str | os.PathLike[str], level: int = 0, *, lazy: bool = True
) -> xr.DataArray | SpatialArray:
    """Read one level of an OME-Zarr multiscale image with its geometry.

    Parameters
    ----------
    path : path-like
        An OME-NGFF 0.4 or 0.5 image (ours or any other writer's).
    level : int, default 0
        0 is the full resolution.
    lazy : bool, default True
        True: a dask-backed xarray DataArray carrying the geometry (nothing is
        read until computed; ``sn.from_xarray(da)`` gives the SpatialArray).
        False: a SpatialArray in memory.

    Notes
    -----
    The channel axis comes last (our component axis); a time axis is a leading
    spatial axis, as in NIfTI. Without our ``"spatial_ndarray"`` attribute the
    direction is the identity and the geometry is NGFF's scale and translation.

    Examples
    --------
    See :func:`write_ome_zarr`.
    """
    try:
        import dask.array as dask_array
        import zarr
    except ImportError:
        raise _needs("zarr and dask") from None
    location = os.fspath(path)
    if not os.path.exists(location):
        raise FileNotFoundError(f"no such OME-Zarr store: {location}")
    group = zarr.open_group(location, mode="r")
    attrs: dict[str, Any] = dict(group.attrs.asdict())
    multiscale, version = _multiscale(attrs, location)
    datasets = multiscale["datasets"]
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)) or not 0 <= level < len(datasets):
        raise ValueError(f"level must be a whole number in [0, {len(datasets) - 1}] for {location}, got {level!r}")
    ndim = len(getattr(group[datasets[0]["path"]], "shape", ()))
    axes = multiscale.get("axes") or [{"name": a} for a in _SPACE_AXES[-ndim:]]
    axes = [a if isinstance(a, Mapping) else {"name": a} for a in axes]  # NGFF 0.3 wrote plain names
    types = [a.get("type", "channel" if a["name"] == "c" else "time" if a["name"] == "t" else "space") for a in axes]
    unknown = [a["name"] for a, t in zip(axes, types) if t not in ("space", "time", "channel")]
    if unknown or types.count("channel") > 1:
        raise ValueError(f"{location}: axes {[a['name'] for a in axes]} are not time/channel/space axes we can read")
    where = f"{location} level {level}"
    scale, translation = _scale_translation(datasets[level].get("coordinateTransformations", []), len(axes), where)
    overall = multiscale.get("coordinateTransformations")
    if overall:
        s2, t2 = _scale_translation(overall, len(axes), location)
        scale, translation = scale * s2, translation * s2 + t2

    data = dask_array.from_zarr(group[datasets[level]["path"]])
    spatial = [i for i, t in enumerate(types) if t != "channel"]
    channel = [i for i, t in enumerate(types) if t == "channel"]
    data = data.transpose(spatial + channel)
    ours: Any = attrs.get(_ATTR)
    meta: dict[str, Any] = {}
    geometry = Geometry(translation[spatial], scale[spatial])
    stored = _our_level(ours, level, scale, translation)
    if stored is not None:
        geometry = Geometry(stored["origin"], stored["spacing"], stored["direction"])
        data = _Layout(ours["order"], ours["flips"], data.ndim).to_original(data)
        meta.update({k: ours[k] for k in ("frame", "spatial_units") if ours.get(k)})
    elif isinstance(ours, Mapping):
        warnings.warn(
            f"{where}: the '{_ATTR}' geometry attribute disagrees with the NGFF scale/translation (the pyramid was "
            "rewritten by another tool?); using NGFF's, with the identity direction",
            UserWarning,
            stacklevel=2,
        )
    if "spatial_units" not in meta:
        unit = next((a.get("unit") for a, t in zip(axes, types) if t == "space" and a.get("unit")), None)
        if unit:
            meta["spatial_units"] = unit
    if not lazy:
        return SpatialArray(data.compute(), geometry=geometry, meta=meta)
    from .lazy import lazy_image

    return lazy_image(data, geometry, meta, name=str(multiscale.get("name") or "image"))


def _our_level(ours: Any, level: int, scale: np.ndarray, translation: np.ndarray) -> Mapping[str, Any] | None:
    """Our attribute's record of this level, if the NGFF metadata is still exactly what we wrote beside it."""
    try:
        stored = ours["levels"][level]
        written = stored["ngff"]
        agrees = np.array_equal(written["scale"], scale) and np.array_equal(written["translation"], translation)
        int(ours["order"][0]), bool(ours["flips"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return stored if agrees else None  # type: ignore[no-any-return]


