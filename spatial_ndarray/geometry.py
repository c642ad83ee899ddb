"""Immutable image geometry and every rule that derives one geometry from another.

All geometry maths of the package lives in this module (SPEC.md chapters 1-5 and
8-10). Callers decide *which* rule applies; this module computes it.

A geometry has ``N`` spatial axes in a physical space of ``P >= N`` dimensions:

``origin``     ``(P,)``   physical position of the centre of element ``(0, ..., 0)``
``spacing``    ``(N,)``   distance between neighbouring element centres, per axis, ``> 0``
``direction``  ``(P, N)`` column ``i`` is the physical unit vector of array axis ``i``

and a continuous index ``k`` lies at ``origin + direction @ (spacing * k)``.

The values are kept as tuples of Python floats: derivations touch at most a few
dozen numbers, where plain Python arithmetic beats numpy's per-call overhead, and
tuple equality is exact and fast. numpy views of them are built once, on demand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._tolerance import Tolerance, get_tolerance

__all__ = [
    "Geometry",
    "affine_deviation",
    "closest_axes",
    "direction_deviation",
    "inside_columns",
    "nearest_orthonormal",
    "orthonormal_complement",
    "reflected_points",
]

_Vector = tuple[float, ...]


def _as_real_array(name: str, value: Any, ndim: int) -> np.ndarray:
    """Convert a user value to a float64 array of ``ndim`` dimensions or raise naming ``name``."""
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged nested sequences and similar
        raise TypeError(f"{name} must be an array of real numbers, got {value!r}") from exc
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers, got {value!r} (dtype {array.dtype})"
        )
    if array.ndim != ndim:
        expected = "a 1-D sequence" if ndim == 1 else "a 2-D matrix"
        raise ValueError(f"{name} must be {expected}, got {value!r} with shape {array.shape}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def _check_finite(origin: tuple[float, ...], spacing: tuple[float, ...]) -> None:
    """Refuse a derived geometry that overflowed: never a non-finite origin or spacing."""
    if not all(map(math.isfinite, origin)) or not all(map(math.isfinite, spacing)):
        raise OverflowError(
            f"the derived geometry is not finite (origin {list(origin)!r}, spacing {list(spacing)!r}): the "
            "slice, reduction or padding overflows float64; express the geometry in larger units"
        )


def _readonly(array: np.ndarray) -> np.ndarray:
    """A read-only copy that ``setflags(write=True)`` cannot make writable (SA-1.9): it views immutable bytes."""
    return np.frombuffer(array.tobytes(), dtype=array.dtype).reshape(array.shape)


#: The float32-storage allowance of the tolerance (SA-10.1) never exceeds this many voxels.
STORAGE_CAP = 0.01


class Geometry:
    """The immutable geometry of a spatial array.

    Parameters
    ----------
    origin : array_like of float, shape (P,), optional
        Physical position of the centre of element ``(0, ..., 0)``. Default zeros.
    spacing : array_like of float, shape (N,), optional
        Distance between element centres along each spatial axis, ``> 0``.
        Default ones.
    direction : array_like of float, shape (P, N), optional
        Orthonormal columns: column ``i`` is the unit vector of array axis ``i``.
        Default the identity (``P == N``).
    spatial_ndim : int, optional
        ``N``, used only when neither ``spacing`` nor ``direction`` gives it.

    Raises
    ------
    TypeError
        A field is not an array of real numbers (the message names the field).
    ValueError
        A field has the wrong shape, a non-finite value, a spacing ``<= 0``, or
        direction columns that are not orthonormal within the direction
        tolerance in force (see `spatial_ndarray.tolerance`).

    Examples
    --------
    >>> g = Geometry(origin=[10.0, 20.0], spacing=[0.5, 2.0])
    >>> g.index_to_physical([[1, 1]])
    array([[10.5, 22. ]])
    >>> g.sliced(starts=[2, 0], steps=[-1, 1], keep=[True, True]).origin
    array([11., 20.])
    """

    __slots__ = ("_origin", "_spacing", "_columns", "_arrays", "_memo")

    # Derived geometries are memoized per geometry: it is immutable, so the same
    # slice or reduction of the same image (a loop over frames) reuses the result.
    _MEMO_SIZE = 64

    _origin: _Vector
    _spacing: _Vector
    _columns: tuple[_Vector, ...]
    _arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    _memo: dict[Any, Any] | None

    def __init__(
        self,
        origin: npt.ArrayLike | None = None,
        spacing: npt.ArrayLike | None = None,
        direction: npt.ArrayLike | None = None,
        *,
        spatial_ndim: int | None = None,
    ) -> None:
        o = None if origin is None else _as_real_array("origin", origin, 1)
        s = None if spacing is None else _as_real_array("spacing", spacing, 1)
        d = None if direction is None else _as_real_array("direction", direction, 2)

        if s is not None:
            n = s.shape[0]
        elif d is not None:
            n = d.shape[1]
        elif spatial_ndim is not None:
            n = int(spatial_ndim)
        elif o is not None:
            n = o.shape[0]
        else:
            raise ValueError("Geometry needs at least one of origin, spacing, direction or spatial_ndim")
        if n < 0:
            raise ValueError(f"spatial_ndim must be >= 0, got {n}")
        if d is not None:
            p = d.shape[0]
        elif o is not None:
            p = o.shape[0]
        else:
            p = n

        if s is None:
            s = np.ones(n)
        if o is None:
            o = np.zeros(p)
        if d is None:
            if p < n:
                raise ValueError(f"origin must have {n} entries (one per spatial axis), got {o.tolist()!r}")
            if p > n:
                raise ValueError(
                    f"direction is required when origin has {p} entries but there are {n} spatial axes"
                )
            d = np.eye(n)

        if s.shape != (n,):
            raise ValueError(f"spacing must have {n} entries, got {s.tolist()!r}")
        if d.shape[1] != n:
            source = f"spacing has {n} entries" if spacing is not None else f"there are {n} spatial axes"
            raise ValueError(
                f"{source} but direction has {d.shape[1]} columns (one per spatial axis): "
                f"spacing={s.tolist()!r}, direction={d.tolist()!r}"
            )
        if o.shape != (p,):
            raise ValueError(
                f"origin must have {p} entries (the rows of direction), got {o.tolist()!r}"
            )
        if p < n:
            raise ValueError(
                f"direction must have at least as many rows as columns, got shape {d.shape}: {d.tolist()!r}"
            )
        if (s <= 0).any():
            raise ValueError(f"spacing must be > 0 on every axis, got {s.tolist()!r}")
        tol = get_tolerance().direction
        deviation = float(np.abs(d.T @ d - np.eye(n)).max()) if n else 0.0
        if deviation > tol:
            raise ValueError(
                f"direction columns must be orthonormal (|D^T D - I| <= {tol:g}), "
                f"got {d.tolist()!r} (deviation {deviation:.3g})"
            )
        self._origin = tuple(o.tolist())
        self._spacing = tuple(s.tolist())
        self._columns = tuple(tuple(col) for col in d.T.tolist())
        self._arrays = None
        self._memo = None

    # -- construction without validation (for geometries derived from valid ones) --

    @classmethod
    def _trusted(cls, origin: _Vector, spacing: _Vector, columns: tuple[_Vector, ...]) -> Geometry:
        self = object.__new__(cls)
        self._origin = origin
        self._spacing = spacing
        self._columns = columns
        self._arrays = None
        self._memo = None
        return self

    @classmethod
    def identity(cls, spatial_ndim: int) -> Geometry:
        """Origin 0, spacing 1 and identity direction for ``spatial_ndim`` axes.

        Examples
        --------
        >>> Geometry.identity(2).spacing
        array([1., 1.])
        """
        if spatial_ndim < 0:
            raise ValueError(f"spatial_ndim must be >= 0, got {spatial_ndim}")
        columns = tuple(tuple(1.0 if r == c else 0.0 for r in range(spatial_ndim)) for c in range(spatial_ndim))
        return cls._trusted((0.0,) * spatial_ndim, (1.0,) * spatial_ndim, columns)

    def replace(
        self,
        *,
        origin: npt.ArrayLike | None = None,
        spacing: npt.ArrayLike | None = None,
        direction: npt.ArrayLike | None = None,
    ) -> Geometry:
        """Return a validated copy with the given fields replaced.

        Examples
        --------
        >>> Geometry.identity(2).replace(spacing=[2, 3]).spacing
        array([2., 3.])
        """
        n, p = len(self._spacing), len(self._origin)
        for name, value, shape in (("origin", origin, (p,)), ("spacing", spacing, (n,)), ("direction", direction, (p, n))):
            if value is not None and np.shape(value) != shape:
                raise ValueError(f"{name} must have shape {shape} to match this geometry, got {value!r}")
        if direction is not None:
            return Geometry(
                self.origin if origin is None else origin, self.spacing if spacing is None else spacing, direction
            )
        # The direction was accepted once: it is not re-validated against the tolerance in force now (SA-10.4).
        checked = Geometry(
            self.origin if origin is None else origin,
            self.spacing if spacing is None else spacing,
            np.eye(p)[:, :n],
        )
        return Geometry._trusted(checked._origin, checked._spacing, self._columns)

    # -- read access -------------------------------------------------------

    def _numpy(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        arrays = self._arrays
        if arrays is None:
            p = len(self._origin)
            direction = np.array(self._columns, dtype=np.float64).reshape(len(self._spacing), p).T.copy()
            arrays = (
                _readonly(np.array(self._origin, dtype=np.float64)),
                _readonly(np.array(self._spacing, dtype=np.float64)),
                _readonly(direction),
            )
            self._arrays = arrays
        return arrays

    @property
    def origin(self) -> np.ndarray:
        """Read-only ``(P,)`` float64 array: physical position of element ``(0, ..., 0)``."""
        return self._numpy()[0]

    @property
    def spacing(self) -> np.ndarray:
        """Read-only ``(N,)`` float64 array: element spacing per spatial axis."""
        return self._numpy()[1]

    @property
    def direction(self) -> np.ndarray:
        """Read-only ``(P, N)`` float64 array: column ``i`` is the unit vector of axis ``i``."""
        return self._numpy()[2]

    @property
    def spatial_ndim(self) -> int:
        """``N``, the number of spatial axes."""
        return len(self._spacing)

    @property
    def physical_ndim(self) -> int:
        """``P``, the dimension of physical space."""
        return len(self._origin)

    @property
    def affine(self) -> np.ndarray:
        """The homogeneous ``(P+1, N+1)`` matrix mapping ``[k, 1]`` to ``[p, 1]``.

        Examples
        --------
        >>> Geometry(origin=[1, 2], spacing=[3, 4]).affine
        array([[3., 0., 1.],
               [0., 4., 2.],
               [0., 0., 1.]])
        """
        origin, spacing, direction = self._numpy()
        p, n = direction.shape
        affine = np.zeros((p + 1, n + 1))
        affine[:p, :n] = direction * spacing
        affine[:p, n] = origin
        affine[p, n] = 1.0
        return affine

    # -- index <-> physical ---------------------------------------------------

    def index_to_physical(self, index: npt.ArrayLike) -> np.ndarray:
        """Physical positions of (continuous) indices (SPEC SA-2.1).

        Parameters
        ----------
        index : array_like, shape (..., N)

        Returns
        -------
        ndarray, shape (..., P)

        Examples
        --------
        >>> Geometry(origin=[1, 1], spacing=[2, 2]).index_to_physical([0.5, 1])
        array([2., 3.])
        """
        origin, spacing, direction = self._numpy()
        k = _as_real_array("index", index, np.ndim(index)) if np.ndim(index) else None
        if k is None or k.shape[-1] != len(spacing):
            raise ValueError(
                f"index must have shape (..., {len(spacing)}), got {np.shape(index)}"
            )
        return origin + (k * spacing) @ direction.T

    def physical_coordinate(self, row: int, index: Sequence[npt.ArrayLike]) -> np.ndarray:
        """Physical coordinate ``row`` of indices given per axis as broadcastable arrays (SA-2.1, one row of it).

        ``origin[row] + sum_i direction[row, i] * spacing[i] * index[i]``, without
        stacking the indices into one ``(..., N)`` array: lazy coordinates of large
        grids compute one row at a time.

        Examples
        --------
        >>> Geometry(origin=[1.0, 2.0], spacing=[2.0, 3.0]).physical_coordinate(1, [np.arange(2)[:, None], np.arange(3)])
        array([[2., 5., 8.],
               [2., 5., 8.]])
        """
        origin, spacing, direction = self._numpy()
        if len(index) != len(spacing):
            raise ValueError(f"index must give {len(spacing)} arrays (one per spatial axis), got {len(index)}")
        result: Any = origin[row]
        for i, positions in enumerate(index):
            weight = direction[row, i] * spacing[i]
            if weight != 0.0:
                result = result + weight * np.asarray(positions, dtype=np.float64)
        shape = np.broadcast_shapes(*(np.shape(k) for k in index))
        return np.broadcast_to(result, shape).copy() if np.shape(result) != shape else np.asarray(result)

    def physical_to_index(self, points: npt.ArrayLike) -> np.ndarray:
        """Continuous indices of physical points, the inverse of `index_to_physical`.

        For ``P > N`` the result is the index of the point's orthogonal
        projection onto the array's plane (SPEC SA-2.4).

        Parameters
        ----------
        points : array_like, shape (..., P)

        Returns
        -------
        ndarray, shape (..., N)

        Examples
        --------
        >>> Geometry(origin=[1, 1], spacing=[2, 2]).physical_to_index([2, 3])
        array([0.5, 1. ])
        """
        origin, spacing, direction = self._numpy()
        p = _as_real_array("points", points, np.ndim(points)) if np.ndim(points) else None
        if p is None or p.shape[-1] != len(origin):
            raise ValueError(f"points must have shape (..., {len(origin)}), got {np.shape(points)}")
        return ((p - origin) @ direction) / spacing

    # -- extent (SPEC SA-3.1) -------------------------------------------------------

    def contains_index(self, index: npt.ArrayLike, shape: Sequence[int]) -> np.ndarray:
        """True where a continuous index lies in the extent ``[-0.5, n - 0.5)`` on every axis (SA-3.1).

        Parameters
        ----------
        index : array_like, shape (..., N)
        shape : sequence of int
            The spatial shape.

        Returns
        -------
        ndarray of bool, shape (...)

        Examples
        --------
        >>> Geometry.identity(1).contains_index([[-0.5], [3.49], [3.5]], shape=[4])
        array([ True,  True, False])
        """
        n = len(self._spacing)
        if len(shape) != n:
            raise ValueError(f"shape must have {n} entries (one per spatial axis), got {tuple(shape)!r}")
        k = np.asarray(index, dtype=np.float64)
        if k.ndim == 0 or k.shape[-1] != n:
            raise ValueError(f"index must have shape (..., {n}), got {np.shape(index)}")
        upper = np.asarray(shape, dtype=np.float64) - 0.5
        return np.all((k >= -0.5) & (k < upper), axis=-1)

    def contains(self, points: npt.ArrayLike, shape: Sequence[int]) -> np.ndarray:
        """True where physical points lie inside the extent of an array of ``shape`` (SA-3.1).

        For ``P > N`` a point counts when its projection onto the array's plane does.

        Examples
        --------
        >>> Geometry(spacing=[2.0]).contains([[-1.0], [6.9], [7.0]], shape=[4])
        array([ True,  True, False])
        """
        return self.contains_index(self.physical_to_index(points), shape)

    def corners(self, shape: Sequence[int]) -> np.ndarray:
        """Physical positions ``(2**N, P)`` of the corners of the extent of an array of ``shape``.

        Examples
        --------
        >>> Geometry.identity(1).corners([4])
        array([[-0.5],
               [ 3.5]])
        """
        n = len(self._spacing)
        if len(shape) != n:
            raise ValueError(f"shape must have {n} entries (one per spatial axis), got {tuple(shape)!r}")
        low_high = [(-0.5, length - 0.5) for length in shape]
        grid = np.array(np.meshgrid(*low_high, indexing="ij")).reshape(n, -1).T
        return self.index_to_physical(grid)

    def index_map_to(self, source: Geometry, matrix: npt.ArrayLike | None = None, translation: npt.ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The affine map from this grid's continuous indices to ``source``'s, through ``x -> matrix @ x + translation``.

        With ``k`` an index of this grid and ``x`` its physical position, the
        source index of ``matrix @ x + translation`` is ``M @ k + b``. This is the
        one composition resampling needs: output index -> output point -> input
        point -> input index, as a single affine (no coordinate arrays). For an
        embedded source (``P > N``) the index is that of the point's projection.

        Returns
        -------
        M : ndarray, shape (source N, this N)
        b : ndarray, shape (source N,)

        Examples
        --------
        >>> M, b = Geometry(origin=[10.0], spacing=[2.0]).index_map_to(Geometry(spacing=[0.5]))
        >>> M.tolist(), b.tolist()
        ([[4.0]], [20.0])
        """
        origin, spacing, direction = self._numpy()
        source_origin, source_spacing, source_direction = source._numpy()
        p = origin.shape[0]
        if source_origin.shape[0] != p:
            raise ValueError(f"the grids live in different spaces: {p}-D and {source_origin.shape[0]}-D")
        a = np.eye(p) if matrix is None else np.asarray(matrix, dtype=np.float64)
        t = np.zeros(p) if translation is None else np.asarray(translation, dtype=np.float64)
        to_source_index = source_direction.T / source_spacing[:, None]  # (source N, P)
        return to_source_index @ a @ (direction * spacing), to_source_index @ (a @ origin + t - source_origin)

    @classmethod
    def covering(cls, points: npt.ArrayLike, spacing: npt.ArrayLike, direction: npt.ArrayLike) -> tuple[Geometry, tuple[int, ...]]:
        """The smallest grid with this spacing and direction whose extent (SA-3.1) contains every point.

        Returns
        -------
        Geometry, tuple of int
            The grid and its shape.

        Examples
        --------
        >>> g, shape = Geometry.covering([[0.0], [9.9]], spacing=[2.0], direction=[[1.0]])
        >>> g.origin.tolist(), shape
        ([1.0], (5,))
        """
        grid = cls(np.zeros(np.shape(direction)[0]), spacing, direction)  # validates spacing and direction
        _, s, d = grid._numpy()
        p = _as_real_array("points", points, 2)
        if p.shape[1] != d.shape[0]:
            raise ValueError(f"points must have shape (k, {d.shape[0]}), got {p.shape}")
        along = p @ d  # coordinates along each axis
        low, high = along.min(axis=0), along.max(axis=0)
        shape = tuple(int(max(1, math.ceil((hi - lo) / step - 1e-9))) for lo, hi, step in zip(low, high, s))
        return cls(d @ (low + 0.5 * s), s, d), shape

    def respaced(self, shape: Sequence[int], spacing: npt.ArrayLike) -> tuple[Geometry, tuple[int, ...]]:
        """The grid with ``spacing`` over the extent (SA-3.1) of an array of ``shape``: it covers the whole extent
        and every one of its voxel centres lies inside it.

        ``ceil(length / spacing)`` voxels per axis (one more than the extent would hold at most), centred on
        the extent, so the overhang is the same at both ends and under half a new voxel.

        Examples
        --------
        >>> g, shape = Geometry(spacing=[1.0]).respaced([5], [2.0])  # extent [-0.5, 4.5]
        >>> shape, g.origin.tolist()
        ((3,), [0.0])
        """
        origin, old, direction = self._numpy()
        n = old.shape[0]
        new = _as_real_array("spacing", spacing, 1)
        if new.shape != (n,) or not np.all(new > 0):
            raise ValueError(f"spacing must be {n} positive finite numbers, got {spacing!r}")
        lengths = np.asarray(shape, dtype=np.float64) * old  # physical extent per axis
        # an extent over a whole number of new voxels by under 1e-6 of one is that number: spacings stored in
        # float32 (NIfTI) would otherwise add a voxel and shift the grid by half a spacing
        counts = tuple(int(max(1, math.ceil(length / step - 1e-6))) for length, step in zip(lengths, new))
        first = (-0.5 * old) + (lengths - np.asarray(counts) * new) / 2 + new / 2  # first centre, along each axis
        return Geometry(origin + direction @ first, new, direction), counts

    def on_plane(self, points: npt.ArrayLike) -> np.ndarray:
        """Whether physical points ``(..., P)`` lie on the array's plane (always, when ``P == N``).

        Off the plane means farther than the off-plane tolerance of `mismatch`
        (SA-10.1): an embedded slice has no thickness, so a point beside it is outside
        it, however close its projection is to a voxel.

        Examples
        --------
        >>> g = Geometry(origin=[4.0, 0.0, 0.0], spacing=[1.0, 1.0], direction=np.eye(3)[:, 1:])
        >>> g.on_plane([[4.0, 2.0, 3.0], [14.0, 2.0, 3.0]]).tolist()
        [True, False]
        """
        origin, spacing, direction = self._numpy()
        pts = np.asarray(points, dtype=np.float64)
        if direction.shape[0] == direction.shape[1]:
            return np.ones(pts.shape[:-1], dtype=bool)
        tol = get_tolerance()
        voxel = float(spacing.min()) if spacing.size else 1.0
        limit = tol.coordinate * voxel + min(tol.storage * float(np.linalg.norm(origin)), STORAGE_CAP * voxel)
        offset = pts - origin
        off = offset - (offset @ direction) @ direction.T
        return np.asarray(np.linalg.norm(off, axis=-1) <= limit)

    def index_box(self, lower: npt.ArrayLike, upper: npt.ArrayLike, shape: Sequence[int]) -> tuple[slice, ...]:
        """The basic slices of the voxels of an array of ``shape`` whose centres lie in the physical box
        ``[lower, upper]``; for an oblique grid, the index bounding box of the box's corners.

        Raises ValueError when no voxel is selected, naming the box and the array's extent.

        Examples
        --------
        >>> Geometry(origin=[10.0], spacing=[2.0]).index_box([13.0], [20.0], [8])
        (slice(2, 6, None),)
        """
        origin, _, _ = self._numpy()
        p = origin.shape[0]
        low, high = _as_real_array("lower", lower, 1), _as_real_array("upper", upper, 1)
        if low.shape != (p,) or high.shape != (p,):
            raise ValueError(f"lower and upper must be {p} finite numbers (a physical point each), got {lower!r}, {upper!r}")
        if np.any(low > high):
            raise ValueError(f"lower must not exceed upper on any axis, got lower {low.tolist()}, upper {high.tolist()}")
        corners = np.array(np.meshgrid(*zip(low, high), indexing="ij")).reshape(p, -1).T
        index = self.physical_to_index(corners)
        tolerance = 1e-9  # a centre on the box's face, up to rounding, is inside
        starts = np.maximum(np.ceil(index.min(axis=0) - tolerance), 0).astype(int)
        stops = np.minimum(np.floor(index.max(axis=0) + tolerance) + 1, np.asarray(shape)).astype(int)
        if not np.any(stops <= starts) and p > len(starts):
            # an embedded slice: its voxel centres lie on a plane the box may miss although their indices fit
            grid = np.stack(np.meshgrid(*[np.arange(a, b) for a, b in zip(starts, stops)], indexing="ij"), -1)
            centres = self.index_to_physical(grid.reshape(-1, len(starts)))
            slack = 1e-9 * np.maximum(1.0, np.abs(centres))
            if not np.any(np.all((centres >= low - slack) & (centres <= high + slack), axis=1)):
                stops = starts
        if np.any(stops <= starts):
            raise ValueError(f"no voxel centre lies in the box lower={low.tolist()}, upper={high.tolist()}: the array "
                             f"covers {np.round(self.corners(shape).min(axis=0), 6).tolist()} to "
                             f"{np.round(self.corners(shape).max(axis=0), 6).tolist()}")
        return tuple(slice(int(a), int(b)) for a, b in zip(starts, stops))

    @classmethod
    def from_affine(cls, affine: npt.ArrayLike, *, shear_tolerance: float | None = None) -> Geometry:
        """The geometry whose `affine` is ``affine`` (``(P+1, N+1)``): origin, spacing and direction from its columns.

        Columns must be orthogonal within ``shear_tolerance`` (default: the direction
        tolerance in force); within it, the direction is the nearest orthonormal
        matrix, which absorbs the rounding of affines stored in float32.

        Raises
        ------
        ValueError
            A zero column, or shear: columns that are not orthogonal.

        Examples
        --------
        >>> g = Geometry(origin=[1.0, 2.0], spacing=[3.0, 4.0])
        >>> Geometry.from_affine(g.affine) == g
        True
        """
        a = _as_real_array("affine", affine, 2)
        p, n = a.shape[0] - 1, a.shape[1] - 1
        if p < 1 or n < 1 or not np.allclose(a[p], np.eye(n + 1)[n]):
            raise ValueError(f"affine must be a (P+1, N+1) homogeneous matrix with last row [0, ..., 0, 1], got {a.tolist()!r}")
        columns = a[:p, :n]
        spacing = np.linalg.norm(columns, axis=0)
        if np.any(spacing == 0):
            raise ValueError(f"affine has a zero column (no spacing): {a.tolist()!r}")
        tol = get_tolerance().direction if shear_tolerance is None else shear_tolerance
        nearest, deviation = nearest_orthonormal(columns / spacing)
        if deviation > tol:
            raise ValueError(
                f"affine has shear (columns not orthogonal, deviation {deviation:.2g} > {tol:g}): an orthonormal "
                f"direction cannot represent it. affine={a.tolist()!r}"
            )
        return cls(a[:p, n], spacing, nearest)

    def reflected(self, physical_axes: Iterable[int]) -> Geometry:
        """The same grid written in a frame whose listed physical axes point the other way.

        Origin entries and direction rows of ``physical_axes`` (numpy order) are negated;
        every element keeps its place, only its coordinates change sign. LPS <-> RAS
        negates L/R and P/A: physical axes ``(1, 2)`` of a ``(S, P, L)``-ordered 3-D space.

        Examples
        --------
        >>> Geometry(origin=[1.0, 2.0, 3.0]).reflected([1, 2]).origin
        array([ 1., -2., -3.])
        """
        p = len(self._origin)
        rows = set()
        for axis in physical_axes:
            if not -p <= int(axis) < p:
                raise ValueError(f"physical_axes must lie in range({p}), got {axis!r}")
            rows.add(int(axis) % p)
        sign = [-1.0 if r in rows else 1.0 for r in range(p)]
        return Geometry._trusted(
            tuple(o * f for o, f in zip(self._origin, sign)),
            self._spacing,
            tuple(tuple(c * f for c, f in zip(column, sign)) for column in self._columns),
        )

    def start_coordinates(self) -> np.ndarray:
        """The coordinate of element ``(0, ..., 0)`` along each axis, as coordinate-based formats write it.

        ``origin`` itself when ``P == N`` (itk's xarray convention); for an embedded
        geometry, the origin's offset along each axis, ``direction.T @ origin``.

        Examples
        --------
        >>> Geometry(origin=[0.0, 0.0, 5.0], spacing=[1.0, 1.0], direction=np.eye(3)[:, :2]).start_coordinates()
        array([0., 0.])
        """
        origin, _, direction = self._numpy()
        return origin.copy() if direction.shape[0] == direction.shape[1] else direction.T @ origin

    def axis_coordinates(self) -> np.ndarray:
        """The origin in the image's own axis frame, ``direction.T @ origin``: element 0's coordinate along each axis.

        For the identity direction this is the origin; formats that only know
        scale and translation (OME-NGFF 0.4/0.5) see an oblique image in this frame.

        Examples
        --------
        >>> Geometry(origin=[3.0, 4.0], direction=[[0.0, -1.0], [1.0, 0.0]]).axis_coordinates()
        array([ 4., -3.])
        """
        origin, _, direction = self._numpy()
        return direction.T @ origin

    def axis_alignment(self) -> tuple[tuple[int, int], ...] | None:
        """For a signed-permutation direction, the physical axis each array axis runs along and its sign.

        Returns ``((row, sign), ...)``, one pair per spatial axis: column ``i`` of the
        direction is ``sign * e_row``, within the direction tolerance in force. None
        when some column is oblique (no single physical axis).

        Examples
        --------
        >>> Geometry(spacing=[1.0, 1.0], direction=[[0.0, -1.0], [1.0, 0.0]]).axis_alignment()
        ((1, 1), (0, -1))
        >>> Geometry(spacing=[1.0], direction=[[0.6], [0.8]]).axis_alignment() is None
        True
        """
        tol = get_tolerance().direction
        pairs = []
        for column in self._columns:
            rows = [r for r, value in enumerate(column) if abs(value) > tol]
            if len(rows) != 1 or abs(abs(column[rows[0]]) - 1.0) > tol:
                return None
            pairs.append((rows[0], 1 if column[rows[0]] > 0 else -1))
        if len({row for row, _ in pairs}) != len(pairs):
            return None
        return tuple(pairs)

    def axis_lines(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and signed step of each spatial axis' 1-D coordinate: element ``k`` sits at ``start + k * step``.

        For an axis running along physical axis ``row`` (see `axis_alignment`) the
        coordinate is the physical coordinate ``origin[row] + sign * k * spacing``
        (descending where the direction is negative). For an oblique axis it is the
        position along the axis' own unit vector, ``direction[:, i] @ origin + k * spacing``.

        Examples
        --------
        >>> starts, steps = Geometry(origin=[5.0, 1.0], spacing=[2.0, 0.5], direction=[[-1.0, 0.0], [0.0, 1.0]]).axis_lines()
        >>> starts.tolist(), steps.tolist()
        ([5.0, 1.0], [-2.0, 0.5])
        """
        origin, spacing, direction = self._numpy()
        alignment = self.axis_alignment()
        if alignment is None:
            return direction.T @ origin, spacing.copy()
        starts = np.array([origin[row] for row, _ in alignment])
        steps = np.array([sign * s for (_, sign), s in zip(alignment, spacing)])
        return starts, steps

    def box_edges(self, shape: Sequence[int]) -> np.ndarray:
        """The 1-D coordinates (`axis_lines`) of the outer edges of the voxel boxes, ``(N, 2)``: index -0.5 and ``n - 0.5``.

        These are what a plot's ``extent`` needs (SA-3.1: element ``k`` covers
        ``[k - 0.5, k + 0.5)``). An edge pair is descending where the axis runs
        against its physical axis.

        Examples
        --------
        >>> Geometry(origin=[10.0], spacing=[2.0], direction=[[-1.0]]).box_edges([3]).tolist()
        [[11.0, 5.0]]
        """
        n = len(self._spacing)
        if len(shape) != n:
            raise ValueError(f"shape must have {n} entries (one per spatial axis), got {tuple(shape)!r}")
        starts, steps = self.axis_lines()
        lengths = np.asarray(shape, dtype=np.float64)
        return np.stack([starts - 0.5 * steps, starts + (lengths - 0.5) * steps], axis=1)

    def in_plane(self) -> tuple[Geometry, tuple[int, ...] | None]:
        """A square (``P == N``) geometry placing every element in the array's own plane, and the physical rows it keeps.

        ``P == N``: this geometry, all rows. An embedded axis-aligned geometry (a
        slice of an axis-aligned volume): the rows its axes run along, in physical
        order, so positions are the true physical coordinates on those axes. An
        embedded oblique one: the coordinates along its own axes
        (``direction.T @ p``), rows None.

        Examples
        --------
        >>> g = Geometry(origin=[7.0, 1.0, 2.0], spacing=[1.0, 1.0], direction=np.eye(3)[:, 1:])
        >>> plane, rows = g.in_plane()
        >>> plane.origin.tolist(), rows
        ([1.0, 2.0], (1, 2))
        """
        origin, spacing, direction = self._numpy()
        p, n = direction.shape
        if p == n:
            return self, tuple(range(p))
        alignment = self.axis_alignment()
        if alignment is None:
            return Geometry(direction.T @ origin, spacing, np.eye(n)), None
        rows = tuple(sorted(row for row, _ in alignment))
        return Geometry(origin[list(rows)], spacing, direction[list(rows), :]), rows

    # -- derivations: each is one rule of SPEC.md --------------------------------

    def _derive(
        self,
        offsets: Sequence[float] | None,
        factors: Sequence[float] | None,
        keep: Sequence[bool] | None,
    ) -> Geometry:
        """The one kernel behind slicing, indexing, flipping, binning, padding and shifting.

        The origin moves to continuous index ``offsets``; then spacing ``i`` is
        multiplied by ``|factors[i]|``, column ``i`` is negated where
        ``factors[i] < 0``, and axis ``i`` is dropped where ``keep[i]`` is false.
        One pass over the axes in plain Python: this runs on every slice, so it
        avoids numpy's per-call overhead on a handful of numbers.
        """
        key = (
            None if offsets is None else tuple(offsets),
            None if factors is None else tuple(factors),
            None if keep is None else tuple(keep),
        )
        return self._memoized(key, lambda: self._derive_uncached(offsets, factors, keep))

    def _memoized(self, key: Any, compute: Any) -> Any:
        """``compute()``, remembered under ``key`` for this (immutable) geometry."""
        memo = self._memo
        if memo is None:
            memo = {}
            self._memo = memo
        else:
            found = memo.get(key)
            if found is not None:
                return found
        if len(memo) >= self._MEMO_SIZE:
            memo.clear()
        value = memo[key] = compute()
        return value

    def _derive_uncached(
        self,
        offsets: Sequence[float] | None,
        factors: Sequence[float] | None,
        keep: Sequence[bool] | None,
    ) -> Geometry:
        origin = self._origin
        spacing = self._spacing
        columns = self._columns
        if offsets is not None:
            for i, offset in enumerate(offsets):
                if offset:
                    step = spacing[i] * offset
                    origin = tuple([o + c * step for o, c in zip(origin, columns[i])])
        if factors is None and keep is None:
            _check_finite(origin, spacing)
            return Geometry._trusted(origin, spacing, columns)
        new_spacing = []
        new_columns = []
        for i in range(len(spacing)):
            if keep is not None and not keep[i]:
                continue
            factor = 1 if factors is None else factors[i]
            if factor == 1:
                new_spacing.append(spacing[i])
                new_columns.append(columns[i])
            elif factor > 0:
                new_spacing.append(spacing[i] * factor)
                new_columns.append(columns[i])
            else:  # 0.0 - c: no negative zeros
                new_spacing.append(spacing[i] * -factor)
                new_columns.append(tuple([0.0 - c for c in columns[i]]))
        spacing = tuple(new_spacing)
        _check_finite(origin, spacing)
        return Geometry._trusted(origin, spacing, tuple(new_columns))

    def sliced(self, starts: Sequence[float], steps: Sequence[float], keep: Sequence[bool] | None) -> Geometry:
        """Geometry of a basic index (SPEC SA-5.2, SA-5.3).

        Parameters
        ----------
        starts : sequence of int or float
            Normalised first index taken on each spatial axis (an integer index is
            its own start). Continuous starts describe resampled grids (coarsened
            coordinates, for example).
        steps : sequence of int or float
            Non-zero step on each spatial axis (1 for integer indices); a negative
            step flips the axis.
        keep : sequence of bool or None
            False for axes removed by an integer index; None keeps every axis.

        Examples
        --------
        >>> Geometry.identity(2).sliced([4, 1], [-2, 1], [True, False]).direction
        array([[-1.],
               [ 0.]])
        """
        return self._derive(starts, steps, keep)

    def first_axis_sliced(self, start: int, step: int) -> Geometry:
        """`sliced` for a slice on axis 0 only (``a[start::step]``), the commonest index, memoized by ``(start, step)``.

        Examples
        --------
        >>> Geometry.identity(2).first_axis_sliced(3, -1).origin
        array([3., 0.])
        """
        memo = self._memo
        if memo is not None:
            found = memo.get((start, step))
            if found is not None:
                return found
        n = len(self._spacing)
        return self._memoized(
            (start, step), lambda: self._derive_uncached((start,) + (0,) * (n - 1), (step,) + (1,) * (n - 1), None)
        )

    def permuted(self, order: Sequence[int]) -> Geometry:
        """Geometry after reordering the spatial axes: new axis ``j`` is old axis ``order[j]`` (SPEC SA-9.1).

        Examples
        --------
        >>> Geometry(spacing=[1, 2]).permuted([1, 0]).spacing
        array([2., 1.])
        """
        key = ("permuted", tuple(order))
        memo = self._memo
        if memo is not None and key in memo:
            return memo[key]  # type: ignore[no-any-return]
        if sorted(order) != list(range(len(self._spacing))):
            raise ValueError(f"order must be a permutation of range({len(self._spacing)}), got {list(order)!r}")
        return self._memoized(
            key,
            lambda: Geometry._trusted(
                self._origin,
                tuple([self._spacing[i] for i in order]),
                tuple([self._columns[i] for i in order]),
            ),
        )

    def flipped(self, axis: int, length: int) -> Geometry:
        """Geometry after reversing spatial axis ``axis`` of ``length`` elements (a slice ``::-1``).

        Examples
        --------
        >>> Geometry.identity(1).flipped(0, 5).origin
        array([4.])
        """
        n = len(self._spacing)
        starts = [0] * n
        steps = [1] * n
        starts[axis] = length - 1
        steps[axis] = -1
        return self.sliced(starts, steps, [True] * n)

    def binned(self, axes: Iterable[int], lengths: Iterable[int], keepdims: bool) -> Geometry:
        """Geometry after reducing whole spatial axes: the binning rule (SPEC SA-8.1, SA-8.2).

        The origin moves to the centre of each reduced extent; with ``keepdims``
        the axis stays with spacing ``length * spacing``, otherwise it is removed.

        Examples
        --------
        >>> Geometry.identity(2).binned([0], [4], keepdims=True).origin
        array([1.5, 0. ])
        >>> Geometry.identity(2).binned([0], [4], keepdims=True).spacing
        array([4., 1.])
        """
        n = len(self._spacing)
        offsets = [0.0] * n
        factors = [1.0] * n
        keep = [True] * n
        for axis, length in zip(axes, lengths):
            if length < 1:
                raise ValueError(f"cannot bin spatial axis {axis} of length {length}")
            offsets[axis] = (length - 1) / 2.0
            if keepdims:
                factors[axis] = float(length)
            else:
                keep[axis] = False
        return self._derive(offsets, factors, keep)

    def padded(self, before: Sequence[int]) -> Geometry:
        """Geometry after padding ``before[i]`` elements in front of spatial axis ``i``.

        Examples
        --------
        >>> Geometry.identity(2).padded([2, 0]).origin
        array([-2.,  0.])
        """
        return self._derive([-b for b in before], None, None)

    def shifted(self, offsets: Sequence[float]) -> Geometry:
        """Geometry whose origin sits at continuous index ``offsets`` of this one.

        Examples
        --------
        >>> Geometry.identity(1).shifted([0.5]).origin
        array([0.5])
        """
        return self._derive(offsets, None, None)

    def zoomed(self, in_shape: Sequence[int], out_shape: Sequence[int], grid_mode: bool = False) -> Geometry | None:
        """The grid ``scipy.ndimage.zoom`` samples when it turns spatial shape ``in_shape`` into ``out_shape``.

        Without ``grid_mode`` output index ``k`` samples input index ``k * z`` with
        ``z = (n_in - 1) / (n_out - 1)`` (``z = 1`` when ``n_out == 1``, as scipy
        takes it); with ``grid_mode`` the voxel boxes are scaled, ``z = n_in / n_out``,
        and ``k`` samples ``(k + 0.5) * z - 0.5``. The new spacing is ``z * spacing``.
        None where scipy samples one input index for a whole axis (``z == 0``): no grid.

        Examples
        --------
        >>> Geometry.identity(1).zoomed([5], [9]).spacing
        array([0.5])
        >>> g = Geometry.identity(1).zoomed([4], [2], grid_mode=True)
        >>> g.origin, g.spacing
        (array([0.5]), array([2.]))
        """
        n = len(self._spacing)
        if len(in_shape) != n or len(out_shape) != n:
            raise ValueError(f"in_shape and out_shape must have {n} entries, got {tuple(in_shape)!r} and {tuple(out_shape)!r}")
        offsets = []
        factors = []
        for n_in, n_out in zip(in_shape, out_shape):
            if grid_mode:
                z = n_in / n_out if n_out > 0 else 1.0
                offsets.append(0.5 * z - 0.5)
            else:
                z = (n_in - 1) / (n_out - 1) if n_out > 1 else 1.0
                offsets.append(0.0)
            if not z > 0:
                return None
            factors.append(z)
        return self._derive(offsets, factors, None)

    @property
    def voxel_volume(self) -> float:
        """The physical volume (area, length) of one element: the product of the spacing.

        Examples
        --------
        >>> Geometry(spacing=[0.5, 2.0, 3.0]).voxel_volume
        3.0
        """
        return math.prod(self._spacing)

    def ball_footprint(self, radius: float) -> np.ndarray:
        """Boolean footprint of the physical ball: every index offset whose physical length is at most ``radius``.

        The offset ``d`` has length ``|direction @ (spacing * d)| = |spacing * d|`` (the
        columns are orthonormal). A relative ``1e-9`` absorbs rounding, so an offset
        exactly ``radius`` away is inside. The footprint has shape ``2 * m + 1`` with
        ``m = floor(radius / spacing)`` per axis; its centre is offset 0.

        Examples
        --------
        >>> Geometry(spacing=[1.0, 2.0]).ball_footprint(2.0).astype(int)
        array([[0, 1, 0],
               [0, 1, 0],
               [1, 1, 1],
               [0, 1, 0],
               [0, 1, 0]])
        """
        try:
            r = float(radius)
        except (TypeError, ValueError):
            r = math.nan
        if not math.isfinite(r) or r < 0:
            raise ValueError(f"radius must be a finite physical length >= 0, got {radius!r}")
        limit = r * (1.0 + 1e-9)
        half = [int(math.floor(limit / s)) for s in self._spacing]
        axes = [np.arange(-m, m + 1) * s for m, s in zip(half, self._spacing)]
        squared = np.zeros([2 * m + 1 for m in half])
        for i, along in enumerate(axes):
            shape = [1] * len(axes)
            shape[i] = along.size
            squared = squared + (along**2).reshape(shape)
        return np.asarray(squared <= limit * limit)

    def extent_bounds(self, start: Sequence[int], stop: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper physical corners ``(P,)`` of the axis-aligned box holding the extent of index box ``[start, stop)``.

        The extent is the union of the element boxes (SA-3.1): continuous indices
        ``[start - 0.5, stop - 0.5]``; on an oblique grid the physical box holds its corners.

        Examples
        --------
        >>> low, high = Geometry(spacing=[2.0]).extent_bounds([1], [3])
        >>> low, high
        (array([1.]), array([5.]))
        """
        n = len(self._spacing)
        if len(start) != n or len(stop) != n:
            raise ValueError(f"start and stop must have {n} entries, got {tuple(start)!r} and {tuple(stop)!r}")
        low_high = [(a - 0.5, b - 0.5) for a, b in zip(start, stop)]
        grid = np.array(np.meshgrid(*low_high, indexing="ij")).reshape(n, -1).T
        corners = self.index_to_physical(grid)
        return corners.min(axis=0), corners.max(axis=0)

    # -- comparison ------------------------------------------------------------

    def mismatch(
        self, other: Geometry, tol: Tolerance | None = None, shape: Sequence[int] | None = None
    ) -> str | None:
        """Describe how ``other`` differs from this geometry beyond tolerance (SPEC SA-10.1).

        Every bound is on how far a point of the grid moves, in voxels of the axis
        it moves along: the origin, and the far end of each axis (index
        ``shape[i] - 1``) for spacing and direction. ``tol.storage`` allows for
        coordinates stored in reduced precision (float32 files).

        Parameters
        ----------
        other : Geometry
        tol : Tolerance, optional
            Defaults to the tolerance in force.
        shape : sequence of int, optional
            Spatial shape of the grid; without it each axis counts as one voxel long.

        Returns
        -------
        str or None
            None when both describe the same space, else the part that differs
            with both values and the tolerance.

        Examples
        --------
        >>> a = Geometry(spacing=[1.0])
        >>> a.mismatch(Geometry(spacing=[1.0 + 1e-9])) is None
        True
        >>> print(a.mismatch(Geometry(spacing=[1.1])))
        spacing differs on axis 0: 1.0 vs 1.1 (tolerance 1e-06 x spacing + 2.38e-07 x spacing at the far end, 1 voxels away)
        """
        if self is other or (
            self._origin == other._origin
            and self._spacing == other._spacing
            and self._columns == other._columns
        ):
            return None
        tol = get_tolerance() if tol is None else tol
        n = len(self._spacing)
        if n != len(other._spacing):
            return f"spatial_ndim differs: {n} vs {len(other._spacing)}"
        if len(self._origin) != len(other._origin):
            return f"physical_ndim differs: {len(self._origin)} vs {len(other._origin)}"
        o1, s1, d1 = self._numpy()
        o2, s2, d2 = other._numpy()
        smallest = np.minimum(s1, s2)
        lengths = np.ones(n) if shape is None else np.maximum(np.asarray(shape[:n], dtype=np.float64) - 1.0, 1.0)
        # Allowance at the far end of each axis, in length units: tol voxels plus rel of the axis' extent.
        # The storage part is capped at STORAGE_CAP voxels: at large coordinates (UTM, microscope stages) float32
        # cannot resolve a voxel anyway, and an uncapped allowance would pass whole-voxel shifts silently.
        far_allowance = tol.coordinate * smallest + np.minimum(tol.storage * lengths, STORAGE_CAP) * smallest
        for i in range(n):
            if lengths[i] * abs(s1[i] - s2[i]) > far_allowance[i]:
                return (
                    f"spacing differs on axis {i}: {float(s1[i])!r} vs {float(s2[i])!r} "
                    f"(tolerance {tol.coordinate:g} x spacing + {tol.storage:.3g} x spacing at the far end, "
                    f"{lengths[i]:g} voxels away)"
                )
        delta = o2 - o1
        along = d1.T @ delta
        # Origin allowance: tol voxels plus rel of the origin's coordinates, projected on each axis.
        origin_allowance = tol.coordinate * smallest + np.minimum(
            tol.storage * (np.abs(d1).T @ np.abs(o1)), STORAGE_CAP * smallest
        )
        for i in range(n):
            if abs(along[i]) > origin_allowance[i]:
                return (
                    f"origin differs along axis {i} by {along[i]:.6g} "
                    f"(tolerance {tol.coordinate:g} x spacing {smallest[i]:g} + {tol.storage:.3g} x |origin| "
                    f"= {origin_allowance[i]:.3g}): {o1.tolist()!r} vs {o2.tolist()!r}"
                )
        if len(o1) > n:
            off_plane = float(np.linalg.norm(delta - d1 @ along))
            # off the plane the float32 error is that of the whole origin (a slice far along z, small in x, y)
            voxel = float(smallest.min()) if n else 1.0
            limit = tol.coordinate * voxel + min(tol.storage * float(np.linalg.norm(o1)), STORAGE_CAP * voxel)
            if off_plane > limit:
                return (
                    f"origin differs off the array's plane by {off_plane:.6g} "
                    f"(tolerance {limit:.3g}): {o1.tolist()!r} vs {o2.tolist()!r}"
                )
        diff = np.abs(d1 - d2)
        if diff.size and diff.max() > tol.direction:
            r, c = np.unravel_index(int(diff.argmax()), diff.shape)
            return (
                f"direction differs at [{r}, {c}] by {diff[r, c]:.6g} "
                f"(tolerance {tol.direction:g}): {d1.tolist()!r} vs {d2.tolist()!r}"
            )
        if n:
            moved = lengths * smallest * np.linalg.norm(d1 - d2, axis=0)
            for i in range(n):
                if moved[i] > far_allowance[i]:
                    return (
                        f"direction differs on axis {i}: its far end, {lengths[i]:g} voxels away, moves by "
                        f"{moved[i]:.3g} (tolerance {far_allowance[i]:.3g}: {tol.coordinate:g} x spacing "
                        f"+ {tol.storage:.3g} x the axis' extent): {d1.tolist()!r} vs {d2.tolist()!r}"
                    )
        return None

    def broadcast_mismatch(
        self, shape: Sequence[int], other: Geometry, other_shape: Sequence[int], missing: int
    ) -> str | None:
        """Describe why ``other``, broadcast against this grid, does not lie in it (SPEC SA-7.7); None when it does.

        Parameters
        ----------
        shape : sequence of int
            Spatial shape of this (full) grid.
        other : Geometry
            Geometry of the broadcast operand.
        other_shape : sequence of int
            Spatial shape of the broadcast operand.
        missing : int
            Number of leading axes the broadcast operand lacks: its spatial axis
            ``j`` lines up with axis ``j + missing`` of this grid.

        Examples
        --------
        >>> full = Geometry(origin=[0.0, 0.0], spacing=[2.0, 1.0])
        >>> slab = full.binned([0], [4], keepdims=True)
        >>> full.broadcast_mismatch((4, 3), slab, (1, 3), 0) is None
        True
        >>> full.broadcast_mismatch((4, 3), full.sliced([1, 0], [1, 1], [False, True]), (3,), 1) is None
        True
        >>> moved = full.sliced([1, 0], [1, 1], [False, True]).replace(origin=[2.0, 0.5])
        >>> print(full.broadcast_mismatch((4, 3), moved, (3,), 1))
        origin differs along axis 1 of the full grid by 0.5 (tolerance 1e-06 x spacing 1 + 2.38e-07 x |origin| = 1e-06): [0.0, 0.0] vs [0.0, 0.5]
        """
        # memoized: `a - a[0]` in a loop asks the same question of the same immutable geometries
        key = ("lies", other, tuple(shape), tuple(other_shape), missing, get_tolerance())
        return self._memoized(key, lambda: self._broadcast_mismatch(shape, other, other_shape, missing) or "") or None

    def _broadcast_mismatch(
        self, shape: Sequence[int], other: Geometry, other_shape: Sequence[int], missing: int
    ) -> str | None:
        n, n_other = len(self._spacing), len(other._spacing)
        if n_other + missing != n:
            return (
                f"spatial_ndim differs: {n} vs {n_other}, and the axes do not line up: the operand lacks {missing} "
                f"leading axes, so its spatial axes would lie on axes {missing}..{missing + n_other - 1} of a grid "
                f"with {n} spatial axes"
            )
        if len(other._origin) != len(self._origin):
            return f"physical_ndim differs: {len(self._origin)} vs {len(other._origin)}"
        kept = [j for j in range(n_other) if not (other_shape[j] == 1 and shape[j + missing] != 1)]
        stretched = [i for i in range(n) if i < missing or (other_shape[i - missing] == 1 and shape[i] != 1)]
        o_full, _, d_full = self._numpy()
        o_other = other._numpy()[0]
        delta = o_other - o_full
        if stretched:
            columns = d_full[:, stretched]
            delta = delta - columns @ (columns.T @ delta)  # anywhere along the stretched axes
        full_part = Geometry._trusted(
            self._origin, tuple(self._spacing[j + missing] for j in kept), tuple(self._columns[j + missing] for j in kept)
        )
        other_part = Geometry._trusted(
            tuple((o_full + delta).tolist()), tuple(other._spacing[j] for j in kept), tuple(other._columns[j] for j in kept)
        )
        reason = full_part.mismatch(other_part, shape=[shape[j + missing] for j in kept])
        if reason is None:
            return None
        # name the axes of the full grid, not of the compared part
        for position, j in sorted(enumerate(kept), reverse=True):
            reason = reason.replace(f"axis {position}", f"axis {j + missing} of the full grid", 1) if f"axis {position}" in reason else reason
        return reason

    def same_space(self, other: Geometry, tol: Tolerance | None = None, shape: Sequence[int] | None = None) -> bool:
        """True when ``other`` describes the same space within tolerance (SPEC SA-10.1)."""
        return self.mismatch(other, tol, shape) is None

    def same_space_along(self, other: Geometry, keep: Sequence[bool], tol: Tolerance | None = None) -> bool:
        """`same_space` on the axes where ``keep`` is true, ignoring where the grids sit along the others.

        Spacing and direction of the kept axes, and the origins' offset along the
        kept axes, are compared within tolerance (SPEC SA-10.1).

        Examples
        --------
        >>> a = Geometry(origin=[0.0, 0.0], spacing=[1.0, 2.0])
        >>> a.same_space_along(Geometry(origin=[5.0, 0.0], spacing=[3.0, 2.0]), [False, True])
        True
        """
        if len(keep) != len(self._spacing) or len(other._spacing) != len(self._spacing):
            raise ValueError(f"keep must have {len(self._spacing)} entries and both geometries as many axes")
        if len(other._origin) != len(self._origin):
            return False
        n = len(self._spacing)
        mine = self.sliced([0] * n, [1] * n, keep)
        theirs = other.sliced([0] * n, [1] * n, keep)
        origin, _, direction = mine._numpy()
        along = direction.T @ (theirs.origin - origin)
        # put the other origin on this one's plane: only its offset along the kept axes counts
        moved = Geometry._trusted(tuple((origin + direction @ along).tolist()), theirs._spacing, theirs._columns)
        return mine.mismatch(moved, tol) is None

    def __eq__(self, other: object) -> bool:
        """Exact equality of every value (use `same_space` for tolerance)."""
        if not isinstance(other, Geometry):
            return NotImplemented
        return (
            self._origin == other._origin
            and self._spacing == other._spacing
            and self._columns == other._columns
        )

    def __hash__(self) -> int:
        return hash((self._origin, self._spacing, self._columns))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Geometry._trusted, (self._origin, self._spacing, self._columns))

    def __repr__(self) -> str:
        return (
            f"Geometry(origin={list(self._origin)!r}, spacing={list(self._spacing)!r}, "
            f"direction={self.direction.tolist()!r})"
        )

    # -- ITK / SimpleITK (x, y, z) order --------------------------------------------

    def to_itk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Origin, spacing and square direction in ITK's (x, y, z) order.

        Raises
        ------
        ValueError
            For an embedded geometry (``P > N``): ITK needs a square direction.

        Examples
        --------
        >>> o, s, d = Geometry(origin=[1, 2], spacing=[3, 4]).to_itk()
        >>> o, s
        (array([2., 1.]), array([4., 3.]))
        """
        if len(self._origin) != len(self._spacing):
            raise ValueError(
                f"ITK needs a square direction; this geometry embeds {len(self._spacing)} "
                f"spatial axes in {len(self._origin)}-D space"
            )
        origin, spacing, direction = self._numpy()
        return origin[::-1].copy(), spacing[::-1].copy(), direction[::-1, ::-1].copy()

    @classmethod
    def from_itk(cls, origin: npt.ArrayLike, spacing: npt.ArrayLike, direction: npt.ArrayLike) -> Geometry:
        """Build a geometry from ITK's (x, y, z) origin, spacing and direction (SPEC SA-2.2 note).

        ``direction`` may be the flat row-major tuple SimpleITK returns.

        Examples
        --------
        >>> Geometry.from_itk([2, 1], [4, 3], [1, 0, 0, 1]).origin
        array([1., 2.])
        """
        o = _as_real_array("origin", origin, 1)
        s = _as_real_array("spacing", spacing, 1)
        d = np.asarray(direction, dtype=np.float64)
        if d.ndim == 1 and d.size == o.size * o.size:
            d = d.reshape(o.size, o.size)
        d = _as_real_array("direction", d, 2)
        return cls(o[::-1], s[::-1], d[::-1, ::-1])


    # -- (i, j, k) affines in RAS or LPS: nibabel, MONAI, TorchIO ---------------------

    def to_ijk_affine(self, frame: str = "RAS", *, geometry_frame: str = "LPS", size: int | None = None) -> np.ndarray:
        """The square ``(size+1, size+1)`` matrix mapping a reversed-order index ``(i, j, k)`` to ``(x, y, z)`` in ``frame``.

        nibabel, MONAI and TorchIO index voxels in reversed (ITK) order and write the
        physical point in ``(x, y, z)`` order, in RAS (or LPS). The conversion, written
        out: with ``D`` this geometry's direction in numpy order (rows ``(z, y, x)``,
        columns ``(k, j, i)``), the matrix is ``D[::-1, ::-1] * spacing[::-1]``, the
        translation ``origin[::-1]``, and changing the frame between LPS and RAS
        negates the x and y rows (the first ``min(2, size)``). This geometry is read
        in ``geometry_frame`` (``meta["frame"]``; LPS after our readers).

        ``size`` (default ``P``) is the dimension of the affine's space: a smaller
        space sits in its last coordinates in numpy order (a 2-D space ``(y, x)`` at
        ``z = 0``), and axes beyond ``N`` are completed by unit columns
        (`orthonormal_complement`), the trailing singleton axes of a 2-D image stored
        as a volume.

        Raises
        ------
        ValueError
            An unknown frame, or ``size`` smaller than ``P``.

        Examples
        --------
        >>> Geometry(origin=[3.0, 2.0, 1.0], spacing=[3.0, 2.0, 1.0]).to_ijk_affine("RAS")
        array([[-1.,  0.,  0., -1.],
               [ 0., -2.,  0., -2.],
               [ 0.,  0.,  3.,  3.],
               [ 0.,  0.,  0.,  1.]])
        """
        origin, spacing, direction = self._numpy()
        p, n = direction.shape
        size = p if size is None else size
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < p:
            raise ValueError(f"size must be an integer >= P = {p} (the affine's space holds the geometry's), got {size!r}")
        signs = _frame_signs(geometry_frame, frame, int(size))
        placed = np.zeros((size, n))
        placed[size - p :] = direction
        columns = np.concatenate([orthonormal_complement(placed), placed * spacing], axis=1)  # numpy order
        affine = np.eye(size + 1)
        affine[:size, :size] = columns[::-1, ::-1]
        placed_origin = np.zeros(size)
        placed_origin[size - p :] = origin  # a smaller space sits at 0 in the leading numpy coordinates
        affine[:size, size] = placed_origin[::-1]
        affine[:size] *= signs[:, None]
        return affine + 0.0  # no negative zeros

    @classmethod
    def from_ijk_affine(
        cls,
        affine: npt.ArrayLike,
        spatial_ndim: int,
        frame: str = "RAS",
        *,
        physical_ndim: int | None = None,
        shear_tolerance: float | None = None,
    ) -> Geometry:
        """The LPS geometry (numpy order) of the first ``spatial_ndim`` axes of a square ``(i, j, k)`` affine in ``frame``.

        The inverse of `to_ijk_affine`: columns beyond ``spatial_ndim`` (the trailing
        singleton axes of a 2-D image stored as a volume) are ignored. ``P`` is the
        affine's dimension, or ``physical_ndim`` when smaller: then the dropped
        leading numpy coordinates (``z`` for a 2-D space) must be 0 over the whole
        grid. Decomposition, shear check and orthonormalisation are `from_affine`'s.

        Raises
        ------
        ValueError
            A non-square affine, fewer affine axes than ``spatial_ndim``, an unknown
            frame, shear, or a grid that leaves the smaller space.

        Examples
        --------
        >>> g = Geometry(origin=[3.0, 2.0, 1.0], spacing=[3.0, 2.0, 1.0])
        >>> Geometry.from_ijk_affine(g.to_ijk_affine("RAS"), 3, "RAS") == g
        True
        """
        a = _as_real_array("affine", affine, 2)
        size = a.shape[0] - 1
        if a.shape[0] != a.shape[1] or size < 1:
            raise ValueError(f"affine must be a square (D+1, D+1) homogeneous matrix, got shape {a.shape}")
        if not isinstance(spatial_ndim, (int, np.integer)) or not 1 <= spatial_ndim <= size:
            raise ValueError(f"spatial_ndim must be an integer in 1..{size} (the affine's axes), got {spatial_ndim!r}")
        p = size if physical_ndim is None else physical_ndim
        if not isinstance(p, (int, np.integer)) or not spatial_ndim <= p <= size:
            raise ValueError(f"physical_ndim must be an integer in {spatial_ndim}..{size}, got {physical_ndim!r}")
        signs = _frame_signs(frame, "LPS", size)
        n = int(spatial_ndim)
        homogeneous = np.zeros((size + 1, n + 1))
        homogeneous[:size, :n] = (a[:size, :n] * signs[:, None])[::-1, ::-1]  # rows (z, y, x), columns (k, j, i)
        homogeneous[:size, n] = (a[:size, size] * signs)[::-1]
        homogeneous[size] = a[size, [*range(n), size]]
        dropped = homogeneous[: size - p]
        if np.any(dropped != 0):
            raise ValueError(
                f"the affine's grid leaves the {p}-D space (its leading numpy coordinates are not 0): {a.tolist()!r}"
            )
        return cls.from_affine(homogeneous[size - p :], shear_tolerance=shear_tolerance)


def inside_columns(step: npt.ArrayLike, offsets: npt.ArrayLike, shape: Sequence[int], columns: int) -> tuple[np.ndarray, np.ndarray]:
    """The extent rule (SA-3.1) along rows of an affine index map, without per-element indices.

    Row ``r`` visits the continuous indices ``offsets[r] + step * j`` for columns
    ``j = 0 .. columns - 1``; those inside ``[-0.5, n - 0.5)`` on every axis form one
    interval of columns, ``[start[r], stop[r])`` (empty when ``stop <= start``). This is
    `Geometry.contains_index` evaluated a row at a time, for resampling.

    Examples
    --------
    >>> inside_columns([0.5], [[-1.0]], [3], 8)
    (array([1]), array([7]))
    """
    step = np.asarray(step, dtype=np.float64)
    offsets = np.asarray(offsets, dtype=np.float64)
    start = np.zeros(offsets.shape[0])
    stop = np.full(offsets.shape[0], float(columns))
    for axis, length in enumerate(shape):
        low, high = -0.5 - offsets[:, axis], length - 0.5 - offsets[:, axis]  # low <= step * j < high
        m = step[axis]
        if m > 0:
            start = np.maximum(start, np.ceil(low / m))
            stop = np.minimum(stop, np.ceil(high / m))
        elif m < 0:
            start = np.maximum(start, np.floor(high / m) + 1)
            stop = np.minimum(stop, np.floor(low / m) + 1)
        else:
            stop = np.where((low > 0) | (high <= 0), 0.0, stop)
    return start.astype(np.intp), np.maximum(stop, start).astype(np.intp)


def orthonormal_complement(direction: npt.ArrayLike) -> np.ndarray:
    """Columns completing the orthonormal ``(P, N)`` direction to a right-handed ``P x P`` basis (``[complement, direction]``).

    A square direction is already a basis: the complement is empty.

    Examples
    --------
    >>> orthonormal_complement(np.eye(3)[:, 1:]).tolist()
    [[1.0], [0.0], [0.0]]
    """
    d = _as_real_array("direction", direction, 2)
    p, n = d.shape
    if p == n:
        return np.zeros((p, 0))  # already a basis: nothing to complete
    q, _ = np.linalg.qr(np.concatenate([d, np.eye(p)], axis=1))
    complement = q[:, n:p]
    complement = complement - d @ (d.T @ complement)  # exactly orthogonal to the given columns
    complement, _ = np.linalg.qr(complement)
    if np.linalg.det(np.concatenate([complement, d], axis=1)) < 0:
        complement[:, 0] = -complement[:, 0]
    return np.where(np.abs(complement) < 1e-15, 0.0, complement) + 0.0


def affine_deviation(affine: npt.ArrayLike) -> float:
    """`direction_deviation` of the unit columns of a homogeneous ``affine``: how far from orthonormal (shear) they are.

    Examples
    --------
    >>> affine_deviation([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 1.0]])
    0.0
    """
    a = _as_real_array("affine", affine, 2)
    columns = a[:-1, :-1]
    norms = np.linalg.norm(columns, axis=0)
    if np.any(norms == 0):
        raise ValueError(f"affine has a zero column (no spacing): {a.tolist()!r}")
    return direction_deviation(columns / norms)


def direction_deviation(direction: npt.ArrayLike) -> float:
    """``max |D^T D - I|``: how far the columns of ``direction`` are from orthonormal (0 for an exact one).

    Examples
    --------
    >>> direction_deviation(np.eye(2))
    0.0
    >>> round(direction_deviation([[1.0, 0.0], [0.0, 1.001]]), 6)
    0.002001
    """
    d = _as_real_array("direction", direction, 2)
    return float(np.abs(d.T @ d - np.eye(d.shape[1])).max()) if d.size else 0.0


def nearest_orthonormal(direction: npt.ArrayLike) -> tuple[np.ndarray, float]:
    """The orthonormal ``(P, N)`` matrix nearest to ``direction`` (its polar factor) and ``direction``'s deviation.

    The nearest matrix in the Frobenius norm is ``U @ Vt`` of the SVD; for a
    direction a header rounded to a few decimals it moves each entry by about the
    rounding. The deviation is `direction_deviation` of the input.

    Raises
    ------
    ValueError
        ``direction`` is rank-deficient (no orthonormal matrix is near it).

    Examples
    --------
    >>> m, deviation = nearest_orthonormal([[1.0, 0.0], [0.0, 1.0001]])
    >>> m.round(12).tolist(), round(deviation, 8)
    ([[1.0, 0.0], [0.0, 1.0]], 0.00020001)
    """
    d = _as_real_array("direction", direction, 2)
    if d.shape[0] < d.shape[1]:
        raise ValueError(f"direction must have at least as many rows as columns, got shape {d.shape}")
    u, singular, vt = np.linalg.svd(d, full_matrices=False)
    if singular.size and singular.min() <= 1e-8 * max(1.0, float(singular.max())):
        raise ValueError(f"direction is singular (its columns are dependent): {d.tolist()!r}")
    return u @ vt, direction_deviation(d)


def closest_axes(direction: npt.ArrayLike) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The axis-aligned direction closest to ``direction``: for each column, a physical axis and a sign.

    Column ``i`` is matched to physical axis ``axes[i]`` with sign ``signs[i]`` (+1 or
    -1); the axes are distinct and maximise ``sum_i |direction[axes[i], i]|`` over every
    injective choice (ties go to the first in lexicographic order of ``axes``). For a
    direction within 45 degrees of a signed permutation this is each column's largest
    entry, as nibabel's ``io_orientation`` and ITK's orientation adapter find.

    Examples
    --------
    >>> closest_axes([[0.0, 1.0], [-1.0, 0.0]])
    ((1, 0), (-1, 1))
    """
    import itertools

    d = _as_real_array("direction", direction, 2)
    p, n = d.shape
    if p < n:
        raise ValueError(f"direction must have at least as many rows as columns, got shape {d.shape}")
    magnitude = np.abs(d)
    best: tuple[int, ...] = tuple(range(n))
    best_score = -1.0
    for axes in itertools.permutations(range(p), n):
        score = float(sum(magnitude[r, i] for i, r in enumerate(axes)))
        if score > best_score + 1e-12:
            best, best_score = axes, score
    signs = tuple(-1 if d[r, i] < 0 else 1 for i, r in enumerate(best))
    return best, signs


def reflected_points(points: npt.ArrayLike, physical_axes: Iterable[int]) -> np.ndarray:
    """Points ``(..., P)`` with the coordinates of ``physical_axes`` negated: `Geometry.reflected` for points.

    Examples
    --------
    >>> reflected_points([[1.0, 2.0, 3.0]], [1, 2]).tolist()
    [[1.0, -2.0, -3.0]]
    """
    result = np.array(points, dtype=np.float64)
    rows = sorted({int(r) for r in physical_axes})
    result[..., rows] = -result[..., rows]
    return result


#: The physical frames an (i, j, k) affine may be written in (``meta["frame"]``, MONAI's ``meta["space"]``).
FRAMES = ("LPS", "RAS")


def _frame_signs(source: str, target: str, size: int) -> np.ndarray:
    """Per-row signs, in (x, y, z) order, taking coordinates from frame ``source`` to ``target``: LPS <-> RAS negates x and y."""
    for name, value in (("frame", source), ("frame", target)):
        if value not in FRAMES:
            raise ValueError(f"{name} must be one of {FRAMES}, got {value!r}")
    signs = np.ones(size)
    if source != target:
        signs[: min(2, size)] = -1.0
    return signs
