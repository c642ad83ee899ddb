"""An xarray index backed by `Geometry`: lazy physical coordinates, and isel/sel/alignment through Geometry's maths.

xarray's ``CoordinateTransform`` / ``CoordinateTransformIndex`` (experimental in
xarray; tested with 2025.7 to 2026.9) compute coordinate values on demand from a
transform. `GeometryTransform` is that transform for an image grid and
`GeometryIndex` the index built on it:

* one 1-D coordinate per spatial dim (`Geometry.axis_lines`: the physical
  coordinate along the axis it runs along, or the position along an oblique axis);
* for an oblique grid, one N-D coordinate per physical axis (``z``, ``y``, ``x``),
  never computed until asked; for an axis-aligned slice of a volume, the physical
  axes no dim runs along as scalar coordinates;
* beside the index, ``sn.to_xarray`` writes ``spatial_geometry``, a scalar
  coordinate recording the geometry as written (`record_variable`): reductions,
  ``coarsen``, integer selections and files drop the index, and the coordinates
  left are then read relative to a reference geometry.

``isel`` (slices with any step, integers) derives the new geometry with
`Geometry.sliced`; ``sel`` maps physical positions to indices with
`Geometry.physical_to_index`; alignment of two grids of one lattice (a flipped
or cropped view of the same voxels) joins them in index space through
`Geometry.index_map_to`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr
from xarray.core.indexing import IndexSelResult
from xarray.indexes import CoordinateTransform, CoordinateTransformIndex

from ._tolerance import get_tolerance
from .geometry import Geometry

RECORD = "spatial_geometry"  # the scalar coordinate whose attrs record the geometry


class _LazyLabels(Mapping[Hashable, Any]):
    """The labels `GeometryTransform.forward` returns, each computed only when looked up."""

    def __init__(self, transform: GeometryTransform, positions: Mapping[str, Any]) -> None:
        self._transform = transform
        self._positions = positions

    def __getitem__(self, name: Hashable) -> Any:
        return self._transform.label(name, self._positions)

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._transform.coord_names)

    def __len__(self) -> int:
        return len(self._transform.coord_names)


class GeometryTransform(CoordinateTransform):
    """Grid index -> physical coordinates of an image, through its `Geometry`.

    Parameters
    ----------
    geometry : Geometry
    dims : sequence of str
        The spatial dims, in array order (one per spatial axis of ``geometry``).
    sizes : sequence of int
    physical_axes : sequence of str
        One name per physical axis (``P`` of them).
    """

    def __init__(self, geometry: Geometry, dims: Sequence[str], sizes: Sequence[int], physical_axes: Sequence[str]) -> None:
        dims, physical_axes = tuple(dims), tuple(physical_axes)
        self.geometry = geometry
        self.physical_axes = physical_axes
        self.alignment = geometry.axis_alignment()
        self.starts, self.steps = geometry.axis_lines()
        varying = () if self.alignment is not None else physical_axes  # N-D coordinates of an oblique grid
        super().__init__(dims + varying, dict(zip(dims, (int(s) for s in sizes))))

    def label(self, name: Hashable, positions: Mapping[str, Any]) -> np.ndarray:
        """The coordinate ``name`` at the given (broadcastable) grid positions."""
        if name in self.dims:
            axis = self.dims.index(str(name))
            return self.starts[axis] + np.asarray(positions[str(name)], dtype=np.float64) * self.steps[axis]
        row = self.physical_axes.index(str(name))
        return self.geometry.physical_coordinate(row, [positions[d] for d in self.dims])

    def forward(self, dim_positions: dict[str, Any]) -> dict[Hashable, Any]:
        return _LazyLabels(self, dim_positions)  # type: ignore[return-value]  # a Mapping: computed per lookup

    def generate_coords(self, dims: tuple[str, ...] | None = None) -> dict[Hashable, Any]:
        """All labels, from sparse (broadcasting) grid positions: no per-element index arrays are built."""
        dims = self.dims if dims is None else dims
        positions = np.meshgrid(*(np.arange(self.dim_size[d]) for d in dims), indexing="ij", sparse=True)
        return self.forward(dict(zip(dims, positions)))

    def reverse(self, coord_labels: dict[Hashable, Any]) -> dict[str, Any]:
        points = np.stack(np.broadcast_arrays(*(np.asarray(coord_labels[a], dtype=np.float64) for a in self.physical_axes)), axis=-1)
        index = self.geometry.physical_to_index(points)
        return {d: index[..., i] for i, d in enumerate(self.dims)}

    def equals(self, other: CoordinateTransform, exclude: frozenset[Hashable] | None = None) -> bool:  # type: ignore[override]
        if not isinstance(other, GeometryTransform) or set(self.dims) != set(other.dims):
            return False
        compared = [d for d in self.dims if not exclude or d not in exclude]
        if any(self.dim_size[d] != other.dim_size[d] for d in compared):
            return False
        mine, theirs = self.geometry, other.geometry.permuted([other.dims.index(d) for d in self.dims])
        if len(compared) == len(self.dims):
            return mine.same_space(theirs)
        keep = [d in compared for d in self.dims]
        return mine.same_space_along(theirs, keep)

    def __repr__(self) -> str:
        return f"GeometryTransform({self.geometry!r}, dims={self.dims}, sizes={tuple(self.dim_size.values())})"


def record_variable(transform: GeometryTransform) -> xr.Variable:
    """The ``spatial_geometry`` scalar coordinate: geometry, spatial dims, sizes and physical axes as JSON text.

    Data, not attrs, and no index: netCDF attrs cannot be 2-D, and a scalar index
    coordinate would be passed through alignment unchanged. Floats are written by
    repr, so they read back exactly.
    """
    geometry = transform.geometry
    text = json.dumps({
        "spatial_dims": list(transform.dims),
        "shape": [transform.dim_size[d] for d in transform.dims],
        "origin": geometry.origin.tolist(),
        "spacing": geometry.spacing.tolist(),
        "direction": geometry.direction.tolist(),
        "physical_axes": list(transform.physical_axes),
    })
    # a variable-length string (object dtype): zarr v3 has a spec for it, not for numpy's fixed-length "<U"
    return xr.Variable((), np.array(text, dtype=object), attrs={"long_name": "spatial-ndarray geometry as written (JSON)"})  # type: ignore[no-untyped-call]


def surviving_transform(variable: xr.Variable) -> GeometryTransform | None:
    """The `GeometryTransform` behind a lazy coordinate variable, if it still has one.

    A reduction drops the index but keeps the coordinates of the other dims, whose
    data still computes from the transform of the grid before the reduction. This
    reads xarray's ``Variable._data`` (no public accessor exists); None when that
    changes or the coordinate was computed.
    """
    from xarray.core.indexing import CoordinateTransformIndexingAdapter

    data = getattr(variable, "_data", None)
    transform = getattr(data, "_transform", None) if isinstance(data, CoordinateTransformIndexingAdapter) else None
    return transform if isinstance(transform, GeometryTransform) else None


class GeometryIndex(CoordinateTransformIndex):
    """The xarray index of a spatial image: physical coordinates computed from its `Geometry` on demand.

    Built by ``sn.to_xarray``; read back by ``sn.from_xarray`` and ``da.spatial``.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> da = sn.to_xarray(sn.SpatialArray(np.zeros((2, 3)), origin=[0.0, 9.0], direction=[[1, 0], [0, -1]]))
    >>> da.coords["x"].values.tolist()
    [9.0, 8.0, 7.0]
    >>> type(da.xindexes["x"]).__name__
    'GeometryIndex'
    """

    transform: GeometryTransform

    def __init__(self, transform: GeometryTransform, units: str | None = None) -> None:
        super().__init__(transform)
        self.units = units

    @classmethod
    def from_geometry(cls, geometry: Geometry, dims: Sequence[str], sizes: Sequence[int], physical_axes: Sequence[str],
                      units: str | None = None) -> GeometryIndex:
        """The index of an image with this geometry, spatial dims and sizes."""
        return cls(GeometryTransform(geometry, dims, sizes, physical_axes), units)

    @property
    def geometry(self) -> Geometry:
        """The grid's `Geometry`, in the order of `spatial_dims`."""
        return self.transform.geometry

    @property
    def spatial_dims(self) -> tuple[str, ...]:
        """The spatial dims, in array order."""
        return self.transform.dims

    @property
    def shape(self) -> tuple[int, ...]:
        """The spatial sizes, in array order."""
        return tuple(self.transform.dim_size[d] for d in self.transform.dims)

    @classmethod
    def from_variables(cls, variables: Mapping[Any, xr.Variable], *, options: Mapping[str, Any]) -> GeometryIndex:
        raise NotImplementedError(
            "a GeometryIndex is made from a geometry, not from coordinate values: use sn.to_xarray(image), "
            "or da.spatial.indexed() for a DataArray read from a file"
        )

    def _attrs(self, **extra: Any) -> dict[str, Any]:
        return extra | ({"units": self.units} if self.units else {})

    def create_variables(self, variables: Mapping[Any, xr.Variable] | None = None) -> dict[Hashable, xr.Variable]:
        from xarray.core.indexing import CoordinateTransformIndexingAdapter

        transform = self.transform
        alignment = transform.alignment
        result: dict[Hashable, xr.Variable] = {}
        for axis, dim in enumerate(transform.dims):
            if alignment is not None:
                physical_axis = transform.physical_axes[alignment[axis][0]]
                attrs = self._attrs(long_name=f"{physical_axis} position", physical_axis=physical_axis)
            else:
                attrs = self._attrs(long_name=f"position along dim {dim}")
            data = CoordinateTransformIndexingAdapter(transform, dim, (dim,))
            result[dim] = xr.Variable((dim,), data, attrs=attrs)  # type: ignore[no-untyped-call]
        if alignment is None:
            for name in transform.physical_axes:
                dims = transform.dims
                if variables is not None and name in variables and set(variables[name].dims) == set(dims):
                    dims = tuple(str(d) for d in variables[name].dims)  # keep a transposed order
                data = CoordinateTransformIndexingAdapter(transform, name, dims)
                result[name] = xr.Variable(dims, data, attrs=self._attrs(long_name=f"{name} position", physical_axis=name))  # type: ignore[no-untyped-call]
        return result

    def isel(self, indexers: Mapping[Any, Any]) -> GeometryIndex | None:
        transform = self.transform
        starts: list[int] = []
        steps: list[int] = []
        dims: list[str] = []
        sizes: list[int] = []
        for dim in transform.dims:
            length = transform.dim_size[dim]
            indexer = indexers.get(dim, slice(None))
            if not isinstance(indexer, slice):
                # an integer drops the dim (xarray then keeps its coordinate as a scalar, read as an integer index
                # against the record); integer arrays and masks have no grid (SA-6.1). Either way: no index.
                return None
            kept = range(length)[indexer]
            starts.append(kept.start if len(kept) else 0)
            steps.append(kept.step)
            dims.append(dim)
            sizes.append(len(kept))
        geometry = transform.geometry.sliced(starts, steps, None)
        return GeometryIndex(GeometryTransform(geometry, dims, sizes, transform.physical_axes), self.units)

    def sel(self, labels: dict[Any, Any], method: Any = None, tolerance: Any = None) -> IndexSelResult:
        """Select by physical position: a dim's 1-D coordinate (scalar, slice or array), or a full physical point."""
        transform = self.transform
        on_dims = {k: v for k, v in labels.items() if k in transform.dims}
        physical = {k: v for k, v in labels.items() if k not in on_dims}
        result: dict[Any, Any] = {}
        for dim, label in on_dims.items():
            result[dim] = self._sel_along(dim, label, method, tolerance)
        if physical:
            result.update(self._sel_point(physical, method))
        return IndexSelResult(result)

    def _sel_along(self, dim: str, label: Any, method: Any, tolerance: Any) -> Any:
        transform = self.transform
        axis = transform.dims.index(dim)
        start, step, length = transform.starts[axis], transform.steps[axis], transform.dim_size[dim]
        if isinstance(label, slice):
            if label.step is not None:
                raise ValueError(f"sel({dim}=slice(...)) selects a physical interval; a step is not supported, got {label!r}")
            low = -math.inf if label.start is None else float(label.start)
            high = math.inf if label.stop is None else float(label.stop)
            low, high = min(low, high), max(low, high)
            bounds = sorted([(low - start) / step, (high - start) / step])
            slack = get_tolerance().coordinate
            first = max(0, math.ceil(bounds[0] - slack)) if math.isfinite(bounds[0]) else 0
            last = min(length - 1, math.floor(bounds[1] + slack)) if math.isfinite(bounds[1]) else length - 1
            return slice(first, max(first, last + 1))
        values = label.values if isinstance(label, (xr.DataArray, xr.Variable)) else np.asarray(label)
        index = (np.asarray(values, dtype=np.float64) - start) / step
        nearest = np.round(index)
        if method == "nearest":
            outside = (index < -0.5) | (index >= length - 0.5)
            if np.any(outside):
                raise KeyError(f"{dim}={values!r} lies outside the image's extent along {dim} (SA-3.1)")
        elif method is None:
            limit = get_tolerance().coordinate if tolerance is None else float(tolerance) / abs(step)
            if np.any(np.abs(index - nearest) > limit) or np.any((nearest < 0) | (nearest > length - 1)):
                raise KeyError(f"{dim}={values!r} is not the position of an element (pass method='nearest' for the closest one)")
        else:
            raise ValueError(f"sel on a spatial dim supports method=None or 'nearest', got {method!r}")
        integers = nearest.astype(np.intp)
        if isinstance(label, (xr.DataArray, xr.Variable)):
            return type(label)(label.dims, integers) if isinstance(label, xr.Variable) else xr.DataArray(integers, dims=label.dims)
        return int(integers) if integers.ndim == 0 else integers

    def _sel_point(self, labels: Mapping[Any, Any], method: Any) -> dict[Any, Any]:
        transform = self.transform
        unknown = [k for k in labels if k not in transform.physical_axes]
        if unknown:
            raise KeyError(f"no spatial dim or physical axis named {unknown}: dims {transform.dims}, physical axes {transform.physical_axes}")
        missing = [a for a in transform.physical_axes if a not in labels]
        if missing:
            raise ValueError(f"a physical point needs every physical coordinate {transform.physical_axes}: missing {missing}")
        if method != "nearest":
            raise ValueError("selecting a physical point on an oblique grid needs method='nearest' (the nearest element)")
        first = next(iter(labels.values()))
        index = transform.reverse({a: (v.values if isinstance(v, (xr.DataArray, xr.Variable)) else v) for a, v in labels.items()})
        stacked = np.stack([index[d] for d in transform.dims], axis=-1)
        if not np.all(transform.geometry.contains_index(stacked, self.shape)):
            raise KeyError(f"the point {dict(labels)!r} lies outside the image's extent (SA-3.1)")
        out: dict[Any, Any] = {}
        for dim in transform.dims:
            integers = np.round(index[dim]).astype(np.intp)
            if isinstance(first, (xr.DataArray, xr.Variable)):
                out[dim] = xr.DataArray(integers, dims=first.dims) if isinstance(first, xr.DataArray) else xr.Variable(first.dims, integers)
            else:
                out[dim] = int(integers) if integers.ndim == 0 else xr.Variable(("points",), integers)
        return out

    def _lattice_map(self, other: GeometryIndex) -> tuple[np.ndarray, np.ndarray]:
        """Per dim (in this index's order), the sign and offset mapping ``other``'s indices to this one's: ``k = sign * k' + offset``."""
        if set(other.spatial_dims) != set(self.spatial_dims):
            raise ValueError(f"cannot align grids with spatial dims {self.spatial_dims} and {other.spatial_dims}")
        theirs = other.geometry.permuted([other.spatial_dims.index(d) for d in self.spatial_dims])
        matrix, offset = theirs.index_map_to(self.geometry)
        signs = np.round(np.diag(matrix))
        rounded = np.round(offset)
        tol = get_tolerance().coordinate
        off_diagonal = matrix - np.diag(np.diag(matrix))
        if (np.any(np.abs(np.abs(np.diag(matrix)) - 1.0) > tol) or np.any(np.abs(off_diagonal) > tol)
                or np.any(np.abs(offset - rounded) > tol) or theirs.physical_ndim != self.geometry.physical_ndim):
            raise ValueError(
                "cannot align these DataArrays: their grids are not views of one lattice (same spacing and axes, "
                f"whole-element offsets). Resample one onto the other (sn.resample).\n  {self.geometry!r}\n  {theirs!r}"
            )
        return signs.astype(np.intp), rounded.astype(np.intp)

    def join(self, other: GeometryIndex, how: str = "inner") -> GeometryIndex:  # type: ignore[override]
        signs, offset = self._lattice_map(other)
        own = np.array(self.shape)
        theirs = np.array([other.transform.dim_size[d] for d in self.spatial_dims])
        ends = np.stack([offset, offset + signs * (theirs - 1)])
        low, high = ends.min(axis=0), ends.max(axis=0)
        if how == "inner":
            low, high = np.maximum(low, 0), np.minimum(high, own - 1)
        elif how == "outer":
            low, high = np.minimum(low, 0), np.maximum(high, own - 1)
        else:
            raise ValueError(f"join={how!r} is not supported for spatial grids (use inner, outer, left, right or exact)")
        sizes = np.maximum(high - low + 1, 0)
        geometry = self.geometry.shifted([float(v) for v in low])
        return GeometryIndex(GeometryTransform(geometry, self.spatial_dims, sizes.tolist(), self.transform.physical_axes),
                             self.units)

    def reindex_like(self, other: GeometryIndex) -> dict[Hashable, Any]:  # type: ignore[override]
        signs, offset = self._lattice_map(other)
        indexers: dict[Hashable, Any] = {}
        for axis, dim in enumerate(self.spatial_dims):
            positions = signs[axis] * np.arange(other.transform.dim_size[dim]) + offset[axis]
            positions[(positions < 0) | (positions >= self.shape[axis])] = -1  # -1: missing, filled by xarray
            indexers[dim] = positions
        return indexers

    @classmethod
    def concat(cls, indexes: Sequence[GeometryIndex], dim: Hashable, positions: Any = None) -> GeometryIndex:  # type: ignore[override]
        """Concatenation along a spatial dim: each piece must continue the grid of the one before (SA-13.6)."""
        first = indexes[0]
        if positions is not None:
            raise ValueError("concatenating spatial grids in a given order of positions is not supported: concatenate in order")
        if dim not in first.spatial_dims:
            raise ValueError(f"cannot concatenate along {dim!r}: it is not a spatial dim of {first.spatial_dims} (stack the DataArrays instead)")
        axis = first.spatial_dims.index(str(dim))
        sizes = list(first.shape)
        expected = first.geometry
        for piece in indexes[1:]:
            if piece.spatial_dims != first.spatial_dims:
                raise ValueError(f"cannot concatenate grids with spatial dims {first.spatial_dims} and {piece.spatial_dims}")
            if any(a != b for i, (a, b) in enumerate(zip(first.shape, piece.shape)) if i != axis):
                raise ValueError(f"cannot concatenate along {dim!r}: the other sizes differ, {first.shape} and {piece.shape}")
            offsets = [0.0] * len(sizes)
            offsets[axis] = float(sizes[axis])
            problem = expected.shifted(offsets).mismatch(piece.geometry)
            if problem is not None:
                raise ValueError(f"cannot concatenate along {dim!r}: a piece does not continue the grid of the ones before ({problem})")
            sizes[axis] += piece.shape[axis]
        return GeometryIndex(GeometryTransform(expected, first.spatial_dims, sizes, first.transform.physical_axes), first.units)

    def roll(self, shifts: Mapping[Any, int]) -> None:
        return None  # a rolled image is no longer a grid: the index is dropped

    def rename(self, name_dict: Mapping[Any, Hashable], dims_dict: Mapping[Any, Hashable]) -> GeometryIndex:
        transform = self.transform
        dims = [str(dims_dict.get(d, name_dict.get(d, d))) for d in transform.dims]
        axes = [str(name_dict.get(a, a)) for a in transform.physical_axes]
        renamed = GeometryTransform(transform.geometry, dims, [transform.dim_size[d] for d in transform.dims], axes)
        return GeometryIndex(renamed, self.units)

    def _repr_inline_(self, max_width: int) -> str:
        kind = "axis-aligned" if self.transform.alignment is not None else "oblique"
        return f"GeometryIndex({kind}, spacing={self.geometry.spacing.tolist()})"
