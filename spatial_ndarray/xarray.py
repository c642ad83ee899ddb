"""xarray adapters: SpatialArray <-> DataArray with physical coordinates, and the ``da.spatial`` accessor.

The layout follows itk's xarray bridge (itk 5.4) and spatial-image (1.2), so
``itk.image_from_xarray(to_xarray(image))`` recovers the geometry:

* dims in array order, ``("t", "z", "y", "x")[-N:]`` for the spatial axes, ``"c"``
  for a trailing component axis;
* one float64 coordinate per spatial dim, ``origin[i] + arange(n_i) * spacing[i]``;
* ``attrs["direction"]``: the direction in numpy order (itk writes ``D_itk[::-1,
  ::-1]`` there and reads it back the same way);
* ``attrs["origin"]``, ``attrs["spacing"]``: the exact values (itk ignores these
  keys), so a size-1 axis or a coordinate rounding error loses nothing;
* ``attrs["spatial_dims"]``: the spatial dims, space-separated, in the order the
  geometry attrs are written in (a string: itk copies it as metadata).

An embedded geometry (``P > N``, a slice of a volume) cannot be expressed by
coordinates alone: its coordinates are the offsets along each axis,
``direction[:, i] @ origin + arange(n_i) * spacing[i]``, and the full origin and
``(P, N)`` direction live in the attrs (itk refuses such a direction).

xarray is imported when this module is; the accessor is registered then.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from ._array import SpatialArray
from .geometry import Geometry

try:
    import xarray as xr
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "spatial_ndarray's xarray adapters need xarray: pip install 'spatial-ndarray[xarray]'"
    ) from error

__all__ = ["SpatialAccessor", "from_xarray", "geometry_of", "to_xarray"]

SPATIAL_DIMS = ("t", "z", "y", "x")
COMPONENT_DIM = "c"
_GEOMETRY_ATTRS = ("direction", "origin", "spacing", "spatial_dims")
# a coordinate step may differ from the mean step by this fraction of it and still count as uniform
_UNIFORM = 1e-6


def to_xarray(
    image: SpatialArray, *, name: str = "image", dims: Sequence[str] | None = None, units: str | None = None
) -> xr.DataArray:
    """A DataArray sharing ``image``'s memory, with physical coordinates (itk and spatial-image layout).

    Parameters
    ----------
    image : SpatialArray
    name : str, default "image"
    dims : sequence of str, optional
        One name per axis. Default ``("t", "z", "y", "x")[-N:]`` and ``"c"`` for
        one component axis.
    units : str, optional
        Physical units of the coordinates (``"mm"``), written as the coordinates'
        ``units`` attr. Default ``image.meta.get("spatial_units")``.

    Returns
    -------
    xarray.DataArray

    Examples
    --------
    >>> import numpy as np
    >>> from spatial_ndarray import SpatialArray
    >>> da = to_xarray(SpatialArray(np.zeros((2, 3)), origin=[10.0, 20.0], spacing=[2.0, 0.5]))
    >>> da.dims, da.coords["x"].values.tolist()
    (('y', 'x'), [20.0, 20.5, 21.0])
    """
    if not isinstance(image, SpatialArray):
        raise TypeError(f"to_xarray needs a SpatialArray, got {type(image).__name__}")
    geometry = image.geometry
    values = np.asarray(image)
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    n_components = values.ndim - n
    if dims is None:
        if n > len(SPATIAL_DIMS):
            raise ValueError(f"dims is required for {n} spatial axes (names exist for up to {len(SPATIAL_DIMS)})")
        if n_components > 1:
            raise ValueError(f"dims is required for {n_components} component axes (the default names one, 'c')")
        dims = SPATIAL_DIMS[-n:] + ((COMPONENT_DIM,) if n_components else ())
    dims = tuple(dims)
    if len(dims) != values.ndim or len(set(dims)) != len(dims) or not all(isinstance(d, str) for d in dims):
        raise ValueError(f"dims must be {values.ndim} distinct strings, got {dims!r}")
    if units is None and image._meta is not None:
        units = image._meta.get("spatial_units")
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
    if image._meta is not None:
        attrs.update({k: v for k, v in image._meta.items() if k not in _GEOMETRY_ATTRS})
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


def _attr_vector(attrs: dict[Hashable, Any], key: str, length: int | None) -> np.ndarray | None:
    value = attrs.get(key)
    if value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"attrs[{key!r}] must hold real numbers, got {value!r}") from None
    if array.ndim != 1 or (length is not None and array.shape[0] != length):
        raise ValueError(f"attrs[{key!r}] must be a vector of {length} entries, got {value!r}")
    return array


def geometry_of(data_array: xr.DataArray, spatial_dims: Sequence[str] | None = None) -> tuple[Geometry, tuple[str, ...]]:
    """The geometry a DataArray's coordinates and attrs describe, and the spatial dims it is expressed in.

    Reads only coordinates and attrs, never the data (a dask-backed array is not
    computed).

    Raises
    ------
    ValueError
        Non-uniform or constant coordinates, an unknown dim without
        ``spatial_dims``, or a direction attr of the wrong shape.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(np.zeros((3, 2)), dims=("y", "x"), coords={"y": [4.0, 2.0, 0.0], "x": [0.0, 0.5]})
    >>> geometry, dims = geometry_of(da)
    >>> geometry.spacing.tolist(), geometry.direction.tolist()
    ([2.0, 0.5], [[-1.0, 0.0], [0.0, 1.0]])
    """
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
    """A SpatialArray from a DataArray with physical coordinates (ours, itk's or spatial-image's).

    Spatial dims are moved into the order the geometry is expressed in (their
    canonical ``t, z, y, x`` order unless the attrs or ``spatial_dims`` say
    otherwise), component dims after them. A dask-backed DataArray is computed.

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
    meta = {k: v for k, v in data_array.attrs.items() if k not in _GEOMETRY_ATTRS}
    return SpatialArray(values, geometry=geometry, meta=meta or None)


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

    def to_spatial_array(self) -> SpatialArray:
        """The SpatialArray (computes a dask-backed DataArray)."""
        return from_xarray(self._data_array)
