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

__all__ = ["Geometry", "inside_columns", "orthonormal_complement"]

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


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


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
        return Geometry(
            self.origin if origin is None else origin,
            self.spacing if spacing is None else spacing,
            self.direction if direction is None else direction,
        )

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
        direction = columns / spacing
        tol = get_tolerance().direction if shear_tolerance is None else shear_tolerance
        deviation = float(np.abs(direction.T @ direction - np.eye(n)).max())
        if deviation > tol:
            raise ValueError(
                f"affine has shear (columns not orthogonal, deviation {deviation:.2g} > {tol:g}): an orthonormal "
                f"direction cannot represent it. affine={a.tolist()!r}"
            )
        u, _, vt = np.linalg.svd(direction, full_matrices=False)  # the nearest orthonormal matrix
        return cls(a[:p, n], spacing, u @ vt)

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
        return Geometry._trusted(origin, tuple(new_spacing), tuple(new_columns))

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

    def mismatch(self, other: Geometry, tol: Tolerance | None = None) -> str | None:
        """Describe how ``other`` differs from this geometry beyond tolerance (SPEC SA-10.1).

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
        spacing differs on axis 0: 1.0 vs 1.1 (tolerance 1e-06 x spacing)
        """
        if self is other or (
            self._origin == other._origin
            and self._spacing == other._spacing
            and self._columns == other._columns
        ):
            return None
        tol = get_tolerance() if tol is None else tol
        if len(self._spacing) != len(other._spacing):
            return f"spatial_ndim differs: {len(self._spacing)} vs {len(other._spacing)}"
        if len(self._origin) != len(other._origin):
            return f"physical_ndim differs: {len(self._origin)} vs {len(other._origin)}"
        o1, s1, d1 = self._numpy()
        o2, s2, d2 = other._numpy()
        smallest = np.minimum(s1, s2)
        for i in range(len(s1)):
            if abs(s1[i] - s2[i]) > tol.coordinate * smallest[i]:
                return (
                    f"spacing differs on axis {i}: {float(s1[i])!r} vs {float(s2[i])!r} "
                    f"(tolerance {tol.coordinate:g} x spacing)"
                )
        delta = o2 - o1
        along = d1.T @ delta
        for i in range(len(s1)):
            if abs(along[i]) > tol.coordinate * smallest[i]:
                return (
                    f"origin differs along axis {i} by {along[i]:.6g} "
                    f"(tolerance {tol.coordinate:g} x spacing {smallest[i]:g}): "
                    f"{o1.tolist()!r} vs {o2.tolist()!r}"
                )
        if len(o1) > len(s1):
            off_plane = float(np.abs(delta - d1 @ along).max())
            limit = tol.coordinate * float(smallest.min()) if len(s1) else tol.coordinate
            if off_plane > limit:
                return (
                    f"origin differs off the array's plane by {off_plane:.6g} "
                    f"(tolerance {limit:g}): {o1.tolist()!r} vs {o2.tolist()!r}"
                )
        diff = np.abs(d1 - d2)
        if diff.size and diff.max() > tol.direction:
            r, c = np.unravel_index(int(diff.argmax()), diff.shape)
            return (
                f"direction differs at [{r}, {c}] by {diff[r, c]:.6g} "
                f"(tolerance {tol.direction:g}): {d1.tolist()!r} vs {d2.tolist()!r}"
            )
        return None

    def same_space(self, other: Geometry, tol: Tolerance | None = None) -> bool:
        """True when ``other`` describes the same space within tolerance (SPEC SA-10.1)."""
        return self.mismatch(other, tol) is None

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
