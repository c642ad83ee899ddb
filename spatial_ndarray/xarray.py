"""xarray adapters: SpatialArray <-> DataArray with true physical coordinates, and the ``da.spatial`` accessor.

Two layouts (SPEC chapter 14):

* ``layout="physical"`` (the default): coordinates are physical positions. An
  axis-aligned image (direction a signed permutation: flips and axis swaps
  included) gets one 1-D coordinate per dim holding the physical coordinate of its
  elements along the physical axis the dim runs along (descending where the
  direction is negative), and dims are named after those physical axes. An oblique
  image gets dims ``("l", "k", "j", "i")[-N:]`` with 1-D positions along each axis,
  plus N-D physical coordinates ``z``, ``y``, ``x`` computed on demand. Both are
  served by a `GeometryIndex` (an xarray ``CoordinateTransformIndex``), so nothing
  is computed or stored per voxel, and ``isel``, ``sel`` and alignment derive the
  geometry through `Geometry`. The scalar coordinate ``spatial_geometry`` records
  the geometry in netCDF-safe attrs; the DataArray's own attrs are the image's
  ``meta``, whatever its keys.
* ``layout="itk"``: itk's xarray bridge (itk 5.4) and spatial-image (1.2):
  coordinates ``origin[i] + arange(n_i) * spacing[i]`` along the array axes and
  the direction in ``attrs["direction"]``, so ``itk.image_from_xarray`` recovers
  the geometry.

`from_xarray` reads both layouts, itk's and spatial-image's DataArrays, and
DataArrays whose index a reduction, ``coarsen`` or a file dropped.

xarray is imported when this module is; the accessor is registered then.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from ._array import SpatialArray
from ._units import physical_axis_names, spatial_units
from .geometry import Geometry

try:
    import xarray as xr
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "spatial_ndarray's xarray adapters need xarray, a core dependency that is missing here: "
        "pip install 'xarray>=2025.7' (the [xarray] extra adds dask for lazy images)"
    ) from error

from ._xarray_index import RECORD, GeometryIndex, record_variable, surviving_transform

__all__ = ["GeometryIndex", "SpatialAccessor", "from_xarray", "geometry_of", "to_xarray"]

SPATIAL_DIMS = ("t", "z", "y", "x")
INDEX_DIMS = ("l", "k", "j", "i")
COMPONENT_DIM = "c"
LAYOUTS = ("physical", "itk")
_GEOMETRY_ATTRS = ("direction", "origin", "spacing", "spatial_dims")
_META_PREFIX = "meta_"  # itk layout: a meta key that names a geometry attr is stored as meta_<key>
# a coordinate step may differ from the mean step by this fraction of it and still count as uniform
_UNIFORM = 1e-6


def to_xarray(
    image: SpatialArray,
    *,
    name: str = "image",
    dims: Sequence[str] | None = None,
    units: str | None = None,
    layout: str = "physical",
    physical_axes: Sequence[str] | None = None,
) -> xr.DataArray:
    """A DataArray sharing ``image``'s memory, with physical coordinates.

    Parameters
    ----------
    image : SpatialArray
    name : str, default "image"
    dims : sequence of str, optional
        One name per axis. Default (physical layout): each axis-aligned dim is
        named after the physical axis it runs along; oblique dims are
        ``("l", "k", "j", "i")[-N:]``; one component axis is ``"c"``. The itk
        layout names dims ``("t", "z", "y", "x")[-N:]`` in array order.
    units : str, optional
        Units of the coordinates. Default ``image.meta["spatial_units"]``, else
        ``"mm"`` for a medical frame (``meta["frame"]`` LPS or RAS), else none.
    layout : {"physical", "itk"}
        ``"physical"``: coordinates are physical positions (lazy, through a
        `GeometryIndex`). ``"itk"``: itk's and spatial-image's convention.
    physical_axes : sequence of str, optional
        Names of the ``P`` physical axes, default ``("t", "z", "y", "x")[-P:]``.

    Returns
    -------
    xarray.DataArray

    Examples
    --------
    >>> import numpy as np
    >>> from spatial_ndarray import SpatialArray
    >>> flipped = SpatialArray(np.zeros((2, 3)), origin=[10.0, 20.0], spacing=[2.0, 0.5], direction=[[1, 0], [0, -1]])
    >>> da = to_xarray(flipped)
    >>> da.dims, da.coords["x"].values.tolist()
    (('y', 'x'), [20.0, 19.5, 19.0])
    >>> to_xarray(flipped, layout="itk").coords["x"].values.tolist()
    [20.0, 20.5, 21.0]
    """
    if not isinstance(image, SpatialArray):
        raise TypeError(f"to_xarray needs a SpatialArray, got {type(image).__name__}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    meta = dict(image._meta) if image._meta is not None else {}
    if units is None:
        units = spatial_units(meta)
    if layout == "itk":
        return _to_itk_layout(image, name, dims, units, meta)
    return _to_physical_layout(image, name, dims, units, meta, physical_axes)


def _check_dims(dims: Sequence[str], ndim: int) -> tuple[str, ...]:
    dims = tuple(dims)
    if len(dims) != ndim or len(set(dims)) != len(dims) or not all(isinstance(d, str) for d in dims):
        raise ValueError(f"dims must be {ndim} distinct strings, got {dims!r}")
    return dims


def _component_dims(n_components: int) -> tuple[str, ...]:
    if n_components > 1:
        raise ValueError(f"dims is required for {n_components} component axes (the default names one, 'c')")
    return (COMPONENT_DIM,) if n_components else ()


def _to_physical_layout(image: SpatialArray, name: str, dims: Sequence[str] | None, units: str | None,
                        meta: dict[str, Any], physical_axes: Sequence[str] | None) -> xr.DataArray:
    geometry = image.geometry
    values = np.asarray(image)
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    if physical_axes is None:
        physical_axes = physical_axis_names(p)
    physical_axes = tuple(physical_axes)
    if len(physical_axes) != p or len(set(physical_axes)) != p or not all(isinstance(a, str) for a in physical_axes):
        raise ValueError(f"physical_axes must be {p} distinct strings, got {physical_axes!r}")
    alignment = geometry.axis_alignment()
    if dims is None:
        if alignment is not None:
            spatial = tuple(physical_axes[row] for row, _ in alignment)
        else:
            spatial = INDEX_DIMS[-n:] if n <= len(INDEX_DIMS) else tuple(f"dim_{i}" for i in range(n))
        dims = spatial + _component_dims(values.ndim - n)
    dims = _check_dims(dims, values.ndim)
    if alignment is None:
        clash = sorted(set(dims) & set(physical_axes))
    else:
        covered = {row for row, _ in alignment}
        clash = sorted(set(dims) & {a for row, a in enumerate(physical_axes) if row not in covered})
    if clash or RECORD in dims:
        raise ValueError(
            f"dims {dims!r} reuse the names {clash or [RECORD]} of physical coordinates: pass other dims, or physical_axes=..."
        )
    index = GeometryIndex.from_geometry(geometry, dims[:n], values.shape[:n], physical_axes, units)
    indexed = index.create_variables()
    variables: dict[Hashable, Any] = dict(indexed)
    variables[RECORD] = record_variable(index.transform)
    if alignment is not None and p > n:  # an axis-aligned slice: the physical axes no dim runs along are constant
        covered = {row for row, _ in alignment}
        for row, axis_name in enumerate(physical_axes):
            if row not in covered:
                attrs = {"long_name": f"{axis_name} position", "physical_axis": axis_name} | ({"units": units} if units else {})
                variables[axis_name] = xr.Variable((), geometry.origin[row], attrs=attrs)
    indexes: dict[Hashable, Any] = {name: index for name in indexed}
    for axis, dim in enumerate(dims[n:], start=n):
        indexes[dim] = xr.indexes.PandasIndex(np.arange(values.shape[axis], dtype=np.uint32), dim)
        variables.update(indexes[dim].create_variables())
    # one Coordinates object built at once: assign_coords would copy (and deep-copy) the index variables each time
    coords = xr.Coordinates(variables, indexes=indexes)
    data_array = xr.DataArray(values, dims=dims, coords=coords, attrs=meta, name=name)
    return data_array


def _to_itk_layout(image: SpatialArray, name: str, dims: Sequence[str] | None, units: str | None,
                   meta: dict[str, Any]) -> xr.DataArray:
    geometry = image.geometry
    values = np.asarray(image)
    n = geometry.spatial_ndim
    if dims is None:
        if n > len(SPATIAL_DIMS):
            raise ValueError(f"dims is required for {n} spatial axes (names exist for up to {len(SPATIAL_DIMS)})")
        dims = SPATIAL_DIMS[-n:] + _component_dims(values.ndim - n)
    dims = _check_dims(dims, values.ndim)
    origin, spacing, direction = geometry.origin, geometry.spacing, geometry.direction
    starts = geometry.start_coordinates()
    coords: dict[Hashable, Any] = {}
    for axis, dim in enumerate(dims[:n]):
        coordinate_attrs = {"long_name": f"{dim} position"} | ({"units": units} if units else {})
        coords[dim] = xr.Variable(dim, starts[axis] + np.arange(values.shape[axis]) * spacing[axis], attrs=coordinate_attrs)
    for axis, dim in enumerate(dims[n:], start=n):
        coords[dim] = np.arange(values.shape[axis], dtype=np.uint32)
    attrs: dict[str, Any] = {
        "direction": direction.copy(),
        "origin": origin.copy(),
        "spacing": spacing.copy(),
        "spatial_dims": " ".join(dims[:n]),
    }
    for key, value in meta.items():  # a meta key named like a geometry attr is kept under a prefix, not lost
        attrs[_META_PREFIX + key if key in _GEOMETRY_ATTRS or key.startswith(_META_PREFIX) else key] = value
    return xr.DataArray(values, dims=dims, coords=coords, attrs=attrs, name=name)


def _spatial_dims(data_array: xr.DataArray, spatial_dims: Sequence[str] | None) -> tuple[str, ...]:
    """The spatial dims, in the order the geometry is expressed in."""
    dims = tuple(str(d) for d in data_array.dims)
    if spatial_dims is not None:
        chosen = tuple(spatial_dims)
        missing = [d for d in chosen if d not in dims]
        if missing or len(set(chosen)) != len(chosen) or not chosen:
            raise ValueError(f"spatial_dims {chosen!r} must be distinct dims of the DataArray {dims!r}")
        return chosen
    stored = data_array.attrs.get("spatial_dims")
    if isinstance(stored, str) and stored.split():
        names = tuple(stored.split())
        # a dim an integer isel dropped survives as a scalar coordinate: it is an integer index (SA-5.3)
        if all(d in dims or (d in data_array.coords and data_array.coords[d].ndim == 0) for d in names):
            if not any(d in dims for d in names):
                raise ValueError(f"the DataArray has none of its spatial dims {names} left: it is a single value")
            return names
    unknown = [d for d in dims if d not in SPATIAL_DIMS and d != COMPONENT_DIM]
    if unknown:
        raise ValueError(
            f"dims {unknown} are neither spatial ({', '.join(SPATIAL_DIMS)}) nor the component dim "
            f"{COMPONENT_DIM!r}: name the spatial dims with spatial_dims=(...), in array order"
        )
    chosen = tuple(d for d in SPATIAL_DIMS if d in dims)
    if not chosen:
        raise ValueError(f"the DataArray has no spatial dim among {SPATIAL_DIMS}: dims are {dims!r}")
    return chosen


def _attr_vector(attrs: Mapping[Hashable, Any], key: str, length: int | None, owner: str | None = None) -> np.ndarray | None:
    where = f"coords[{owner!r}].attrs[{key!r}]" if owner else f"attrs[{key!r}]"
    value = attrs.get(key)
    if value is None:
        return None
    try:
        array = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError(f"{where} must hold real numbers, got {value!r}") from None
    if array.ndim != 1 or (length is not None and array.shape[0] != length):
        raise ValueError(f"{where} must be a vector of {length} entries, got {value!r}")
    return array


def geometry_of(data_array: xr.DataArray, spatial_dims: Sequence[str] | None = None) -> tuple[Geometry, tuple[str, ...]]:
    """The geometry a DataArray describes, and the spatial dims it is expressed in (their order).

    Read, in this order, from: its `GeometryIndex` (exact, whatever ``isel`` did);
    its ``spatial_geometry`` record and coordinates (after a reduction, ``coarsen``
    or a file dropped the index: coordinates are read relative to the record, and
    a spatial dim that is gone without a coordinate was reduced, so it is binned);
    itk-layout attrs and coordinates; coordinates alone. Never reads the data (a
    dask-backed array is not computed).

    Raises
    ------
    ValueError
        Non-uniform or constant coordinates, an unknown dim without
        ``spatial_dims``, or geometry attrs of the wrong shape.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((3, 2)), dims=("y", "x"), coords={"y": [4.0, 2.0, 0.0], "x": [0.0, 0.5]})
    >>> geometry, dims = geometry_of(da)
    >>> geometry.spacing.tolist(), geometry.direction.tolist()
    ([2.0, 0.5], [[-1.0, 0.0], [0.0, 1.0]])
    """
    for index in data_array.xindexes.get_unique():
        if isinstance(index, GeometryIndex):
            return _reordered(index.geometry, index.spatial_dims, spatial_dims)
    reference = _reference(data_array)
    if reference is not None:
        geometry, dims = _geometry_relative(data_array, *reference)
        return _reordered(geometry, dims, spatial_dims)
    return _geometry_from_itk_attrs(data_array, spatial_dims)


def _reordered(geometry: Geometry, dims: tuple[str, ...], wanted: Sequence[str] | None) -> tuple[Geometry, tuple[str, ...]]:
    """``geometry`` with its axes in the order of ``wanted`` (default: as they are)."""
    if wanted is None or tuple(wanted) == dims:
        return geometry, dims
    wanted = tuple(wanted)
    if sorted(wanted) != sorted(dims):
        raise ValueError(f"spatial_dims {wanted!r} must be the spatial dims {dims!r} of the DataArray, in some order")
    return geometry.permuted([dims.index(d) for d in wanted]), wanted


def _record_geometry(record: Any) -> tuple[Geometry, tuple[str, ...], tuple[int, ...]]:
    """The geometry, spatial dims and shape the ``spatial_geometry`` coordinate records (JSON text)."""
    text = record.item() if isinstance(record, np.ndarray) else record
    if isinstance(text, bytes):
        text = text.decode()
    try:
        fields = json.loads(text)
        dims = tuple(str(d) for d in fields["spatial_dims"])
        shape = tuple(int(v) for v in fields["shape"])
        origin, spacing, direction = fields["origin"], fields["spacing"], fields["direction"]
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(
            f"coords[{RECORD!r}] must hold the JSON geometry record sn.to_xarray writes, got {text!r} ({error})"
        ) from None
    if len(shape) != len(dims):
        raise ValueError(f"coords[{RECORD!r}] records {len(dims)} spatial dims but a shape of {len(shape)}: {text!r}")
    return Geometry(origin, spacing, direction), dims, shape


def _reference(data_array: xr.DataArray) -> tuple[Geometry, tuple[str, ...], tuple[int, ...]] | None:
    """The grid the DataArray's coordinates are read against once its index is gone, with its dims and shape.

    The transform still behind a lazy coordinate (a reduction keeps the other dims'
    coordinates, computed from the grid before it) is exact; else the record
    `to_xarray` wrote; else None.
    """
    for variable in data_array.coords.values():
        transform = surviving_transform(variable.variable)
        if transform is not None:
            return transform.geometry, transform.dims, tuple(transform.dim_size[d] for d in transform.dims)
    if RECORD in data_array.coords:
        return _record_geometry(data_array.coords[RECORD].values)
    return None


def _geometry_relative(data_array: xr.DataArray, recorded: Geometry, dims: tuple[str, ...],
                       shape: tuple[int, ...]) -> tuple[Geometry, tuple[str, ...]]:
    """The geometry of the DataArray's grid, read from its coordinates relative to the grid ``recorded``.

    A dim's first coordinate gives the continuous index of its first element in
    ``recorded``, the step ratio the factor (a negative one flips); a dim that is
    gone with a scalar coordinate was an integer selection; one gone without a
    coordinate was reduced, so it is binned (SA-8.1).
    """
    starts, steps = recorded.axis_lines()
    n = len(dims)
    offsets = [0.0] * n
    factors = [1.0] * n
    keep = [True] * n
    for axis, dim in enumerate(dims):
        coordinate = data_array.coords.get(dim)
        if dim not in data_array.dims:
            keep[axis] = False
            if coordinate is not None and coordinate.ndim == 0:  # an integer selection: the element it chose
                offsets[axis] = _element(float(coordinate.values), starts[axis], steps[axis], shape[axis])[0]
            else:  # a reduction over the whole axis: the binning rule (SA-8.1)
                offsets[axis] = (shape[axis] - 1) / 2.0
            continue
        if coordinate is None or coordinate.dims != (dim,) or coordinate.size == 0:
            continue
        values = np.asarray(coordinate.values, dtype=np.float64)
        if not np.all(np.isfinite(values)):  # xarray's pad, reindex or shift fill coordinates with NaN
            raise ValueError(
                f"the coordinates of dim {dim!r} are not all finite ({values[:5].tolist()}...): a padded or "
                "reindexed DataArray has no grid. Pad the SpatialArray instead (np.pad keeps the geometry), or "
                "sn.resample onto the grid you want"
            )
        offset = _snap((values[0] - starts[axis]) / steps[axis])
        if values.size == 1:
            offset, factors[axis] = _element(float(values[0]), starts[axis], steps[axis], shape[axis], offset)
        offsets[axis] = offset
        if values.size >= 2:
            step = (values[-1] - values[0]) / (values.size - 1)
            if step == 0 or not np.all(np.abs(np.diff(values) - step) <= _UNIFORM * abs(step)):
                raise ValueError(f"the coordinates of dim {dim!r} are not uniformly spaced: {values[:5].tolist()}...")
            factors[axis] = _snap(step / steps[axis])
        elif offset != round(offset) or (offset > 0 and 2 * offset + 1 == shape[axis]):
            # one element at a bin centre: a block of 2 * offset + 1 elements from the first (xarray's coarsen)
            width = 2 * offset + 1
            if abs(width - round(width)) > _UNIFORM or not 1 < round(width) <= shape[axis]:
                raise ValueError(
                    f"dim {dim!r} has one element at {values[0]!r}, {offset:g} elements from the first of "
                    f"{shape[axis]}: neither an element nor a bin from the first one. Read the DataArray before "
                    "this step, or bin the SpatialArray (sn.downsample)"
                )
            factors[axis] = float(round(width))
    if not any(keep):
        raise ValueError(f"the DataArray has none of its spatial dims {dims} left: it is a single value")
    if all(keep) and not any(offsets) and all(f == 1.0 for f in factors):
        return recorded, dims
    geometry = recorded.sliced(offsets, factors, keep)
    return geometry, tuple(d for d, kept in zip(dims, keep) if kept)


def _element(value: float, start: float, step: float, length: int, direct: float | None = None) -> tuple[float, float]:
    """The index of one element whose coordinate is ``value`` on an axis line ``start + k * step`` of ``length``.

    A flipped selection measures an oblique axis along the negated direction, so its
    one coordinate is ``-(start + k * step)``; with one element there is no step to
    show the flip, so that reading is taken when the direct one is no element.
    Returns the index and the step factor (-1 for the flipped reading).
    """
    direct = _snap((value - start) / step) if direct is None else direct
    if direct == round(direct) and 0 <= direct < length:
        return direct, 1.0
    flipped = _snap((-value - start) / step)
    return (flipped, -1.0) if flipped == round(flipped) and 0 <= flipped < length else (direct, 1.0)


def _snap(value: float) -> float:
    """``value``, or the integer within `_UNIFORM` of it (coordinates carry rounding)."""
    nearest = round(value)
    return float(nearest) if abs(value - nearest) <= _UNIFORM else float(value)


def _geometry_from_itk_attrs(data_array: xr.DataArray, spatial_dims: Sequence[str] | None) -> tuple[Geometry, tuple[str, ...]]:
    dims = _spatial_dims(data_array, spatial_dims)
    n = len(dims)
    attrs = data_array.attrs
    present = [d in data_array.dims for d in dims]
    sizes = [int(data_array.sizes[d]) if here else 1 for d, here in zip(dims, present)]
    exact_origin = _attr_vector(attrs, "origin", None)
    exact_spacing = _attr_vector(attrs, "spacing", n)
    direction = attrs.get("direction")
    if direction is not None:
        try:
            direction = np.asarray(direction, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"attrs['direction'] must hold real numbers, got {attrs['direction']!r}") from None
        p = exact_origin.shape[0] if exact_origin is not None else n
        if direction.ndim == 1 and direction.size == p * n:
            direction = direction.reshape(p, n)  # flattened row by row, as netCDF attrs must be
        if direction.shape != (p, n):
            raise ValueError(
                f"attrs['direction'] must have shape ({p}, {n}) for spatial dims {dims}, got {direction.shape}"
            )
    else:
        direction = np.eye(n)
    p = direction.shape[0]
    if exact_origin is not None and exact_origin.shape[0] != p:
        raise ValueError(f"attrs['origin'] must have {p} entries, got {exact_origin.tolist()!r}")

    starts = np.zeros(n)
    steps = np.ones(n)
    known = [False] * n  # whether the coordinates give a step (two or more elements)
    for axis, dim in enumerate(dims):
        if dim not in data_array.coords:
            continue
        values = np.atleast_1d(np.asarray(data_array.coords[dim].values, dtype=np.float64))
        if values.size == 0:
            continue
        starts[axis] = values[0]
        if values.size == 1:
            continue
        step = (values[-1] - values[0]) / (values.size - 1)  # less rounding than values[1] - values[0]
        if step == 0 or not np.all(np.abs(np.diff(values) - step) <= _UNIFORM * abs(step)):
            raise ValueError(f"the coordinates of dim {dim!r} are not uniformly spaced: {values[:5].tolist()}...")
        steps[axis] = step
        known[axis] = True

    if exact_origin is not None and exact_spacing is not None:
        # xarray carries attrs through isel, sel, flips and coarsen unchanged while it updates the coordinates:
        # read the coordinates relative to the geometry the attrs describe. The first element sits at continuous
        # index (start - written start) / spacing of that geometry, and the step ratio scales (a negative one
        # flips) each axis. Exact to the bit when nothing changed.
        exact = Geometry(exact_origin, exact_spacing, direction)
        written = exact.start_coordinates()
        offsets = [0.0] * n
        factors = [1.0] * n
        for i in range(n):
            if dims[i] in data_array.coords and sizes[i] > 0:
                offset = (starts[i] - written[i]) / exact_spacing[i]
                offsets[i] = 0.0 if abs(offset) <= _UNIFORM else offset
            if known[i]:
                factor = steps[i] / exact_spacing[i]
                factors[i] = 1.0 if abs(factor - 1.0) <= _UNIFORM else factor
        kept = tuple(d for d, here in zip(dims, present) if here)
        if not any(offsets) and all(f == 1.0 for f in factors) and all(present):
            return exact, kept
        return exact.sliced(offsets, factors, None if all(present) else present), kept
    if p != n:
        raise ValueError(f"attrs['direction'] of shape {direction.shape} needs attrs['origin'] and attrs['spacing']")
    spacing = np.where(known, np.abs(steps), exact_spacing if exact_spacing is not None else 1.0)
    flips = [-1 if known[i] and steps[i] < 0 else 1 for i in range(n)]  # descending coordinates: a flipped axis
    return Geometry(starts, spacing, direction).sliced([0] * n, flips, None), dims


def from_xarray(data_array: xr.DataArray, *, spatial_dims: Sequence[str] | None = None) -> SpatialArray:
    """A SpatialArray from a DataArray: ours (either layout), itk's or spatial-image's.

    Spatial dims are moved into the order the geometry is expressed in (array
    order as written; ``t, z, y, x`` for DataArrays without our index or attrs,
    unless ``spatial_dims`` says otherwise), component dims after them. A
    dask-backed DataArray is computed. Reductions over a spatial dim give the
    binning rule's geometry (SA-8.1).

    Parameters
    ----------
    data_array : xarray.DataArray
    spatial_dims : sequence of str, optional
        The spatial dims in array order, for dims other than t, z, y, x.

    Returns
    -------
    SpatialArray

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 3)), dims=("x", "y"), coords={"x": [0.0, 1.0], "y": [5.0, 7.0, 9.0]})
    >>> image = from_xarray(da)
    >>> image.shape, image.origin.tolist(), image.spacing.tolist()
    ((3, 2), [5.0, 0.0], [2.0, 1.0])
    """
    if not isinstance(data_array, xr.DataArray):
        raise TypeError(f"from_xarray needs an xarray.DataArray, got {type(data_array).__name__}")
    geometry, dims = geometry_of(data_array, spatial_dims)
    order = list(dims) + [d for d in data_array.dims if d not in dims]
    values = np.asarray(data_array.transpose(*order).data)
    return SpatialArray(values, geometry=geometry, meta=_meta_of(data_array) or None)


def _meta_of(data_array: xr.DataArray) -> dict[str, Any]:
    """The image's meta: every attr of our physical layout; itk-layout attrs without the geometry keys."""
    attrs = data_array.attrs
    if RECORD in data_array.coords or any(isinstance(i, GeometryIndex) for i in data_array.xindexes.get_unique()):
        return {str(k): v for k, v in attrs.items()}
    meta: dict[str, Any] = {}
    for key, value in attrs.items():
        key = str(key)
        if key in _GEOMETRY_ATTRS:
            continue
        meta[key[len(_META_PREFIX):] if key.startswith(_META_PREFIX) else key] = value
    return meta


@xr.register_dataarray_accessor("spatial")
class SpatialAccessor:
    """``da.spatial``: the physical geometry of a DataArray, read from coordinates and attrs only.

    Works on dask-backed DataArrays without computing them. Origin, spacing and
    direction are expressed in the order of `spatial_dims`.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((2, 3)), dims=("y", "x"), coords={"y": [0.0, 2.0], "x": [1.0, 2.0, 3.0]})
    >>> da.spatial.spacing.tolist()
    [2.0, 1.0]
    """

    def __init__(self, data_array: xr.DataArray) -> None:
        self._data_array = data_array
        self._cached: tuple[Geometry, tuple[str, ...]] | None = None

    def _geometry(self) -> tuple[Geometry, tuple[str, ...]]:
        if self._cached is None:
            self._cached = geometry_of(self._data_array)
        return self._cached

    @property
    def geometry(self) -> Geometry:
        """The `Geometry`."""
        return self._geometry()[0]

    @property
    def spatial_dims(self) -> tuple[str, ...]:
        """The spatial dims, in the order of origin, spacing and direction."""
        return self._geometry()[1]

    @property
    def origin(self) -> np.ndarray:
        """Physical position of the centre of the first element."""
        return self.geometry.origin

    @property
    def spacing(self) -> np.ndarray:
        """Element spacing per spatial dim."""
        return self.geometry.spacing

    @property
    def direction(self) -> np.ndarray:
        """Direction: column ``i`` is the unit vector of spatial dim ``i``."""
        return self.geometry.direction

    def index_to_physical(self, index: Any) -> np.ndarray:
        """Physical positions of (continuous) indices given in `spatial_dims` order."""
        return self.geometry.index_to_physical(index)

    def physical_to_index(self, points: Any) -> np.ndarray:
        """Continuous indices, in `spatial_dims` order, of physical points."""
        return self.geometry.physical_to_index(points)

    def physical_coords(self) -> xr.DataArray:
        """The physical position of every element, dims `spatial_dims` + ``("physical",)``.

        For a dask-backed DataArray the positions are a dask array chunked like it
        (nothing is computed until asked); otherwise a numpy array.
        """
        geometry, dims = self._geometry()
        origin, spacing, direction = geometry.origin, geometry.spacing, geometry.direction
        chunks = self._data_array.chunksizes if self._data_array.chunks is not None else None
        total = xr.DataArray(origin, dims=("physical",))
        for axis, dim in enumerate(dims):
            n = self._data_array.sizes[dim]
            if chunks is not None:
                import dask.array as dask_array

                index = dask_array.arange(n, chunks=chunks[dim], dtype=np.float64)
            else:
                index = np.arange(n, dtype=np.float64)
            step = xr.DataArray(direction[:, axis] * spacing[axis], dims=("physical",))
            total = total + xr.DataArray(index, dims=(dim,)) * step
        return total.transpose(*dims, "physical")

    def indexed(self) -> xr.DataArray:
        """This DataArray with a `GeometryIndex` rebuilt from its geometry (after a file or ``coarsen`` dropped it).

        The spatial dims' coordinates become the index's lazy ones; other
        coordinates and attrs are kept.
        """
        geometry, dims = self._geometry()
        data_array = self._data_array
        old = data_array.coords.get(dims[0])
        units = old.attrs.get("units") if old is not None else None
        physical_axes = None
        if RECORD in data_array.coords:
            physical_axes = tuple(json.loads(str(data_array.coords[RECORD].values.item())).get("physical_axes", ()))
        if physical_axes is None or len(physical_axes) != geometry.physical_ndim:
            physical_axes = physical_axis_names(geometry.physical_ndim)
        index = GeometryIndex.from_geometry(geometry, dims, [data_array.sizes[d] for d in dims], physical_axes, units)
        coords = xr.Coordinates.from_xindex(index)
        stale = [name for name in set(coords) | set(dims) if name in data_array.coords]
        return data_array.drop_vars(stale).assign_coords(coords)

    def to_spatial_array(self) -> SpatialArray:
        """The SpatialArray (computes a dask-backed DataArray)."""
        return from_xarray(self._data_array)
