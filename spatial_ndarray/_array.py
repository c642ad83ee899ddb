"""SpatialArray: an ndarray subclass that carries its place in physical space.

This module decides which rule of SPEC.md applies to each operation; the maths
of every rule is in `spatial_ndarray.geometry`.
"""

from __future__ import annotations

import copy as _copy
import operator
from collections.abc import Mapping
from typing import Any, Literal, SupportsIndex

import numpy as np
import numpy.typing as npt
from numpy.lib.array_utils import normalize_axis_tuple

from . import _functions
from ._indexing import index_geometry
from ._operands import SpatialOperands, attach, has_foreign_spatial, is_foreign_spatial
from ._reductions import check_reduction_out, reduction_rule
from ._ufuncs import ELEMENTWISE_UFUNCS, apply_ufunc
from .errors import GeometryMismatchError, GeometryUndefinedError
from .geometry import Geometry

__all__ = ["SpatialArray"]

_ndarray_view = np.ndarray.view
_ndarray_shape = np.ndarray.shape
_ndarray_real = np.ndarray.real
_ndarray_dtype = np.ndarray.dtype
_ndarray_flat = np.ndarray.flat
_ndarray_imag = np.ndarray.imag
_FAST_UFUNCS = frozenset(u for u in ELEMENTWISE_UFUNCS if u.nout == 1)
_FOREIGN = (
    "cannot assign a {} (another implementation's spatial array, SPEC SA-15.3) into a SpatialArray "
    "without checking its geometry; convert it with SpatialArray(np.asarray(value), origin=..., spacing=..., "
    "direction=...) or assign np.asarray(value) to drop its geometry on purpose"
)
_FAST_OPERANDS = frozenset({np.ndarray, float, int, complex, bool})  # exact types: other subclasses may defer


def _checked_meta(meta: Any) -> dict[str, Any] | None:
    if meta is None:
        return None
    if not isinstance(meta, Mapping):
        raise TypeError(f"meta must be a mapping (dict) or None, got {meta!r}")
    return dict(meta)


class SpatialArray(np.ndarray):
    """An ndarray whose elements have positions in physical space.

    The leading ``N`` axes are spatial; trailing axes are component axes
    (channels, vector components). Element ``k`` (over the spatial axes) lies at
    ``origin + direction @ (spacing * k)``. Every operation gives the values
    numpy gives; geometry is only added (SPEC.md SA-7.1).

    Parameters
    ----------
    data : array_like
        The values. An ndarray is wrapped without copying unless ``copy`` is
        true or ``dtype`` needs a conversion.
    origin : array_like of float, shape (P,), optional
        Physical position of the centre of element ``(0, ..., 0)``. Default zeros.
    spacing : array_like of float, shape (N,), optional
        Element spacing per spatial axis, ``> 0``. Default ones.
    direction : array_like of float, shape (P, N), optional
        Orthonormal columns, one per spatial axis. Default the identity.
    geometry : Geometry, optional
        A ready geometry, instead of ``origin``, ``spacing`` and ``direction``.
    meta : mapping, optional
        Free-form metadata (modality, units...), carried to derived arrays as a
        shallow copy and never compared.
    dtype : data-type, optional
        Convert the values to this type.
    copy : bool, default False
        Copy the values.

    Notes
    -----
    ``N`` is taken from ``spacing``, else ``direction``, else ``origin``;
    without any of them every axis is spatial. When ``data`` is a
    ``SpatialArray``, fields not given are taken from it.

    Examples
    --------
    >>> import numpy as np
    >>> img = SpatialArray(np.zeros((4, 5)), origin=[10.0, 20.0], spacing=[2.0, 0.5])
    >>> img[1:, ::2].origin
    array([12., 20.])
    >>> img[1:, ::2].spacing
    array([2., 1.])
    >>> img.index_to_physical([3, 4])
    array([16., 22.])
    """

    # Class-level defaults: an array numpy creates without a geometry (through a
    # path no rule of ours decides) reads None here and counts as plain;
    # __array_finalize__ gives the geometry to numpy's same-shape copies and casts.
    _geometry: Geometry | None = None
    _meta: dict[str, Any] | None = None
    #: The SPEC.md version this type implements (SA-15.1); other implementations recognise it by this.
    __spatial_protocol__: str = "1.2"

    def __new__(
        cls,
        data: npt.ArrayLike,
        origin: npt.ArrayLike | None = None,
        spacing: npt.ArrayLike | None = None,
        direction: npt.ArrayLike | None = None,
        *,
        geometry: Geometry | None = None,
        meta: Mapping[str, Any] | None = None,
        dtype: npt.DTypeLike | None = None,
        copy: bool = False,
    ) -> SpatialArray:
        values = np.array(data, dtype=dtype, copy=True) if copy else np.asarray(data, dtype=dtype)
        base = data._geometry if isinstance(data, SpatialArray) else None
        if geometry is not None:
            if origin is not None or spacing is not None or direction is not None:
                raise TypeError("give either geometry or origin/spacing/direction, not both")
            if not isinstance(geometry, Geometry):
                raise TypeError(f"geometry must be a spatial_ndarray.Geometry, got {geometry!r}")
        elif origin is None and spacing is None and direction is None:
            geometry = base if base is not None else Geometry.identity(values.ndim)
        elif base is not None:
            geometry = Geometry(
                base.origin if origin is None else origin,
                base.spacing if spacing is None else spacing,
                base.direction if direction is None else direction,
            )
        else:
            geometry = Geometry(origin, spacing, direction, spatial_ndim=values.ndim if origin is None else None)
        _check_fits(geometry, values.ndim, spacing, direction, origin)
        result = _ndarray_view(values, cls)
        result._geometry = geometry
        result._meta = _checked_meta(meta) if meta is not None else (
            None if not isinstance(data, SpatialArray) or data._meta is None else dict(data._meta)
        )
        return result

    def __array_finalize__(self, obj: Any) -> None:
        # numpy's C-level copies and casts (np.array(a, subok=True), np.asanyarray(a, dtype=...),
        # np.require, a.byteswap(), np.ma) make the new array here and nowhere else: a same-shape
        # copy keeps the grid (SA-9.5). Any other new array is left without geometry and is
        # decided by the rule that made it (indexing, ufuncs, functions attach their own).
        source: Any = obj if isinstance(obj, SpatialArray) else getattr(obj, "base", None)  # np.ma: a view of a view
        geometry = getattr(source, "_geometry", None)
        if geometry is None or _ndarray_shape.__get__(self) != _ndarray_shape.__get__(source):
            return
        if self.base is not None and self.strides != source.strides:
            return  # a view that moved elements (a flip, a transpose, as_strided): no grid here
        self._geometry = geometry
        self._meta = None if source._meta is None else dict(source._meta)

    # -- geometry access ---------------------------------------------------------------

    def _known_geometry(self) -> Geometry:
        geometry = self._geometry
        if geometry is None:
            raise GeometryUndefinedError(
                "this SpatialArray has no geometry: numpy made it through an operation that "
                "does not keep geometry; use np.asarray(x) for its values"
            )
        return geometry

    @property
    def geometry(self) -> Geometry:
        """The immutable `Geometry` (origin, spacing, direction) of this array."""
        return self._known_geometry()

    @geometry.setter
    def geometry(self, value: Geometry) -> None:
        if not isinstance(value, Geometry):
            raise TypeError(f"geometry must be a spatial_ndarray.Geometry, got {value!r}")
        _check_fits(value, self.ndim)
        self._geometry = value

    @property
    def origin(self) -> np.ndarray:
        """Read-only ``(P,)`` float64: physical position of the centre of element ``(0, ..., 0)``.

        Assigning validates the new value and replaces this array's geometry only.
        """
        return self._known_geometry().origin

    @origin.setter
    def origin(self, value: npt.ArrayLike) -> None:
        self._geometry = self._known_geometry().replace(origin=value)

    @property
    def spacing(self) -> np.ndarray:
        """Read-only ``(N,)`` float64: element spacing along each spatial axis."""
        return self._known_geometry().spacing

    @spacing.setter
    def spacing(self, value: npt.ArrayLike) -> None:
        self._geometry = self._known_geometry().replace(spacing=value)

    @property
    def direction(self) -> np.ndarray:
        """Read-only ``(P, N)`` float64: column ``i`` is the physical unit vector of axis ``i``."""
        return self._known_geometry().direction

    @direction.setter
    def direction(self, value: npt.ArrayLike) -> None:
        self._geometry = self._known_geometry().replace(direction=value)

    @property
    def spatial_ndim(self) -> int:
        """``N``: the number of leading spatial axes."""
        return self._known_geometry().spatial_ndim

    @property
    def spatial_shape(self) -> tuple[int, ...]:
        """The lengths of the spatial axes: ``shape[:N]``."""
        return self.shape[: self._known_geometry().spatial_ndim]

    @property
    def affine(self) -> np.ndarray:
        """Homogeneous ``(P+1, N+1)`` matrix ``[[direction * spacing, origin], [0, 1]]``."""
        return self._known_geometry().affine

    @property
    def meta(self) -> dict[str, Any]:
        """Free-form metadata of this array (its own dict; never compared)."""
        if self._meta is None:
            self._meta = {}
        return self._meta

    @meta.setter
    def meta(self, value: Mapping[str, Any] | None) -> None:
        self._meta = _checked_meta(value)

    def index_to_physical(self, index: npt.ArrayLike) -> np.ndarray:
        """Physical positions ``(..., P)`` of (continuous) indices ``(..., N)``.

        Examples
        --------
        >>> img = SpatialArray(np.zeros((2, 2)), spacing=[2.0, 3.0])
        >>> img.index_to_physical([[1, 1], [0.5, 0]])
        array([[2., 3.],
               [1., 0.]])
        """
        return self._known_geometry().index_to_physical(index)

    def physical_to_index(self, points: npt.ArrayLike) -> np.ndarray:
        """Continuous indices ``(..., N)`` of physical points ``(..., P)``.

        Examples
        --------
        >>> img = SpatialArray(np.zeros((2, 2)), spacing=[2.0, 3.0])
        >>> img.physical_to_index([2.0, 3.0])
        array([1., 1.])
        """
        return self._known_geometry().physical_to_index(points)

    def contains(self, points: npt.ArrayLike) -> np.ndarray:
        """True where physical points ``(..., P)`` lie inside this array's extent (SPEC SA-3.1).

        Examples
        --------
        >>> img = SpatialArray(np.zeros((4, 4)), spacing=[2.0, 2.0])
        >>> img.contains([[-1.0, 0.0], [7.0, 0.0]])
        array([ True, False])
        """
        geometry = self._known_geometry()
        return geometry.contains(points, self.shape[: geometry.spatial_ndim])

    def with_values(self, values: npt.ArrayLike) -> Any:
        """``values`` on this array's grid: the same geometry and a copy of ``meta``, without copying the values.

        For results of functions that return plain arrays (scipy, scikit-image, a
        model): ``values`` must have this array's spatial shape first; trailing
        component axes may differ. A spatial ``values`` must already be on this
        grid (SPEC SA-12.4).

        Parameters
        ----------
        values : array_like
            The new values, shape ``spatial_shape + components``.

        Returns
        -------
        SpatialArray
            A view of ``values`` (when it is an ndarray) with this array's geometry.

        Raises
        ------
        ValueError
            When the leading axes of ``values`` are not this array's spatial shape.

        Examples
        --------
        >>> import numpy as np
        >>> img = SpatialArray(np.zeros((3, 4)), origin=[5.0, 0.0], spacing=[2.0, 1.0], meta={"units": "HU"})
        >>> smooth = np.ones((3, 4))  # e.g. scipy.ndimage.gaussian_filter(np.asarray(img), 1)
        >>> back = img.with_values(smooth)
        >>> back.origin, back.meta, np.shares_memory(back, smooth)
        (array([5., 0.]), {'units': 'HU'}, True)
        >>> img.with_values(np.ones((3, 4, 3))).spatial_shape  # an RGB component axis
        (3, 4)
        """
        geometry = self._known_geometry()
        if isinstance(values, SpatialArray):
            operands = SpatialOperands()
            operands.add(self, "this array")
            operands.add(values, "values")
        plain_values = _ndarray_view(values, np.ndarray) if isinstance(values, np.ndarray) else np.asarray(values)
        n = geometry.spatial_ndim
        spatial_shape = _ndarray_shape.__get__(self)[:n]
        if plain_values.ndim < n or plain_values.shape[:n] != spatial_shape:
            raise ValueError(
                f"with_values: values of shape {plain_values.shape} do not fit this array's spatial shape "
                f"{spatial_shape}; values must have shape {spatial_shape} + (any component axes). "
                "Resample them onto this grid (sn.resample) if they come from another grid"
            )
        return attach(plain_values, type(self), geometry, self._meta)

    def to_xarray(self, *, name: str = "image", dims: Any = None, units: str | None = None, layout: str = "physical") -> Any:
        """This array as an xarray.DataArray with physical coordinates; see `spatial_ndarray.to_xarray`."""
        from .xarray import to_xarray

        return to_xarray(self, name=name, dims=dims, units=units, layout=layout)

    @classmethod
    def from_xarray(cls, data_array: Any, *, spatial_dims: Any = None) -> SpatialArray:
        """A SpatialArray from a DataArray; see `spatial_ndarray.from_xarray`."""
        from .xarray import from_xarray

        return from_xarray(data_array, spatial_dims=spatial_dims)

    # -- shape in place ------------------------------------------------------------------

    @property  # type: ignore[override]
    def shape(self) -> tuple[int, ...]:
        """Tuple of array dimensions; assigning one that changes the spatial shape is refused."""
        return _ndarray_shape.__get__(self)

    @shape.setter
    def shape(self, value: Any) -> None:
        geometry = self._geometry
        old = _ndarray_shape.__get__(self)
        if geometry is not None:
            new = tuple(np.empty(old, dtype=np.bool_).reshape(value).shape) if old else ()
            n = geometry.spatial_ndim
            if new[:n] != old[:n]:
                raise ValueError(
                    f"setting shape {value!r} would change the spatial shape {old[:n]} of a "
                    "SpatialArray; use np.asarray(x).reshape(...) for a plain array"
                )
        _ndarray_shape.__set__(self, value)  # type: ignore[attr-defined]

    @property  # type: ignore[override]
    def dtype(self) -> np.dtype[Any]:
        """Data-type of the values; assigning one of another itemsize that changes the spatial shape is refused."""
        return _ndarray_dtype.__get__(self)

    @dtype.setter
    def dtype(self, value: Any) -> None:
        geometry = self._geometry
        if geometry is not None:
            old = _ndarray_shape.__get__(self)
            new = _ndarray_view(self, np.ndarray).view(value).shape  # numpy's own error for an impossible dtype
            n = geometry.spatial_ndim
            if new[:n] != old[:n]:
                raise ValueError(
                    f"setting dtype {np.dtype(value)} would change the spatial shape {old[:n]} of a SpatialArray "
                    f"to {new[:n]}; use np.asarray(x).view({np.dtype(value)}) for a plain array"
                )
        _ndarray_dtype.__set__(self, value)  # type: ignore[attr-defined]

    @property  # type: ignore[override]
    def flat(self) -> Any:
        """A flat iterator over the values: its items and slices are plain (a flattened array has no grid, SA-9.3)."""
        return _ndarray_flat.__get__(_ndarray_view(self, np.ndarray))

    @flat.setter
    def flat(self, value: Any) -> None:
        _ndarray_flat.__set__(self, np.asarray(value))  # type: ignore[attr-defined]

    def getfield(self, dtype: npt.DTypeLike, offset: SupportsIndex = 0) -> Any:  # type: ignore[override]
        """A field of each element as a view: same grid while the spatial shape is unchanged (SA-9.5)."""
        values = np.ndarray.getfield(_ndarray_view(self, np.ndarray), dtype, offset)
        geometry = self._geometry
        n = 0 if geometry is None else geometry.spatial_ndim
        return self._derived(values, geometry if values.shape[:n] == self.shape[:n] else None)

    def __array_wrap__(self, array: Any, context: Any = None, return_scalar: bool = False) -> Any:
        # numpy wraps the result of an elementwise computation in the input's type: the same
        # shape keeps the grid, anything else is plain (never an array without its geometry)
        values = np.ndarray.__array_wrap__(_ndarray_view(self, np.ndarray), array, context, return_scalar)
        if not isinstance(values, np.ndarray) or values.shape != self.shape:
            return values
        return self._derived(values, self._geometry)

    @property  # type: ignore[override]
    def real(self) -> Any:
        """The real part: a view on the same grid (SA-9.5)."""
        return self._derived(_ndarray_real.__get__(_ndarray_view(self, np.ndarray)), self._geometry)

    @real.setter
    def real(self, value: Any) -> None:
        _ndarray_real.__set__(self, np.asarray(value))  # type: ignore[attr-defined]

    @property  # type: ignore[override]
    def imag(self) -> Any:
        """The imaginary part: a view on the same grid (SA-9.5)."""
        return self._derived(_ndarray_imag.__get__(_ndarray_view(self, np.ndarray)), self._geometry)

    @imag.setter
    def imag(self, value: Any) -> None:
        _ndarray_imag.__set__(self, np.asarray(value))  # type: ignore[attr-defined]

    def resize(self, *new_shape: Any, refcheck: bool = True) -> None:
        """Refused when it would change the spatial shape (the geometry would go stale)."""
        geometry = self._geometry
        if geometry is not None:
            target = new_shape[0] if len(new_shape) == 1 else new_shape
            target = (target,) if isinstance(target, (int, np.integer)) else tuple(target)
            n = geometry.spatial_ndim
            if target[:n] != self.shape[:n]:
                raise ValueError(
                    f"resize to {target} would change the spatial shape {self.shape[:n]}; "
                    "use np.resize(np.asarray(x), ...) for a plain array"
                )
        np.ndarray.resize(self, *new_shape, refcheck=refcheck)

    # -- numpy protocols ----------------------------------------------------------------

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, SpatialArray):
            self._check_mask(key)
        result: Any = np.ndarray.__getitem__(self, key)
        if not isinstance(result, np.ndarray):
            return result  # a scalar
        geometry = self._geometry
        if geometry is None:
            new = None
        elif type(key) is slice:  # a[start:stop:step], inlined: the commonest index
            start, _, step = key.indices(len(self))
            new = geometry if not start and step == 1 else geometry.first_axis_sliced(start, step)
        else:
            new = index_geometry(geometry, _ndarray_view(self, np.ndarray).shape, key)
        if new is None:
            return _ndarray_view(result, np.ndarray)
        spatial: Any = result  # numpy made it a SpatialArray view already: attach in place
        spatial._geometry = new
        if self._meta is not None:
            spatial._meta = dict(self._meta)
        return spatial

    def _check_mask(self, mask: SpatialArray) -> None:
        """A spatial boolean index is an operand (SA-7.10): it must be in this array's space before selecting."""
        geometry, other = self._geometry, mask._geometry
        if geometry is None or other is None or mask.dtype != np.bool_ or other.spatial_ndim != geometry.spatial_ndim:
            return
        operands = SpatialOperands()
        operands.add(self, "indexed array")
        operands.add(mask, "boolean index")
        operands.resolve()

    def __setitem__(self, key: Any, value: Any) -> None:
        if is_foreign_spatial(value, SpatialArray):
            raise TypeError(_FOREIGN.format(type(value).__name__))
        if isinstance(key, SpatialArray):
            self._check_mask(key)
        if isinstance(value, SpatialArray):
            if value._geometry is not None and self._geometry is not None:
                target = self[key]
                if isinstance(target, SpatialArray):  # SA-5.7: the same check as ufunc operands
                    operands = SpatialOperands()
                    operands.add(target, "target a[key]")
                    operands.add(value, "assigned value")
                    operands.resolve(target.shape)  # the value may broadcast into the target (SA-7.7)
            value = _ndarray_view(value, np.ndarray)
        np.ndarray.__setitem__(self, key, value)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__" and not kwargs and ufunc in _FAST_UFUNCS:
            # Fast path for `a + b`, `np.sin(a)`: operands with the very same geometry (or
            # exactly equal), no out/where. Anything else takes the general path, which
            # applies the same rules with tolerance checks and full error messages.
            first: Any = None
            first_shape: tuple[int, ...] = ()
            plain_inputs = []
            for value in inputs:
                if isinstance(value, SpatialArray):
                    values = _ndarray_view(value, np.ndarray)
                    geometry = value._geometry
                    if geometry is not None:
                        if first is None:
                            first = value
                            first_shape = values.shape
                        elif (geometry is not first._geometry and geometry != first._geometry) or (
                            values.shape[: geometry.spatial_ndim] != first_shape[: geometry.spatial_ndim]
                            or values.ndim != len(first_shape)
                        ):
                            break
                    plain_inputs.append(values)
                elif type(value) in _FAST_OPERANDS or isinstance(value, np.generic):
                    plain_inputs.append(value)
                else:
                    break
            else:
                result = ufunc(*plain_inputs)
                if first is None or type(result) is not np.ndarray:
                    return result
                geometry = first._geometry
                n = geometry.spatial_ndim
                if result.ndim != len(first_shape) or result.shape[:n] != first_shape[:n]:
                    return result  # SA-7.4: broadcasting stretched or prepended axes
                return attach(result, type(first), geometry, first._meta)
        return apply_ufunc(SpatialArray, ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        for t in types:
            if not issubclass(t, np.ndarray):
                return NotImplemented
        if has_foreign_spatial(args, SpatialArray) or has_foreign_spatial(kwargs, SpatialArray):
            return NotImplemented  # SA-15.3: never read another implementation's geometry as plain values
        return _functions.dispatch(SpatialArray, func, args, kwargs)

    # -- copies, pickling ----------------------------------------------------------------

    def _derived(self, values: np.ndarray, geometry: Geometry | None) -> Any:
        """``values`` as an array of this type with ``geometry`` and a copy of the meta, or plain."""
        if geometry is None:
            return values if type(values) is np.ndarray else _ndarray_view(values, np.ndarray)
        return attach(values, type(self), geometry, self._meta)

    def copy(self, order: Literal["K", "A", "C", "F"] = "C") -> Any:  # type: ignore[override]
        """Copy values, geometry and metadata (SA-9.5)."""
        return self._derived(np.ndarray.copy(_ndarray_view(self, np.ndarray), order=order), self._geometry)

    def __copy__(self) -> Any:
        return self.copy(order="K")

    def __deepcopy__(self, memo: dict[int, Any] | None = None, /) -> Any:
        result = self._derived(np.ndarray.__deepcopy__(self, memo), self._geometry)
        if self._meta is not None:
            result._meta = _copy.deepcopy(self._meta, memo)
        return result

    def astype(self, dtype: npt.DTypeLike, order: str = "K", casting: str = "unsafe", subok: bool = True, copy: bool = True) -> Any:  # type: ignore[override]
        """Cast the values; geometry is kept unless ``subok=False`` (SA-9.5)."""
        result = np.ndarray.astype(_ndarray_view(self, np.ndarray), dtype, order=order, casting=casting, copy=copy)  # type: ignore[call-overload]
        if not subok:
            return result
        if result.base is not None and not copy and np.shares_memory(result, self) and result.dtype == self.dtype:
            return self
        return self._derived(result, self._geometry)

    def view(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """A new view; geometry is kept when the type stays spatial and the spatial shape is unchanged (SA-9.5)."""
        requested = kwargs.get("type")
        for arg in args:
            if isinstance(arg, type) and issubclass(arg, np.ndarray):
                requested = arg
        # numpy's view assigns the new dtype to the new object: do it on plain values, wrap after
        values = np.ndarray.view(_ndarray_view(self, np.ndarray), *args, **kwargs)
        if requested is not None and not issubclass(requested, SpatialArray):
            return values
        values = _ndarray_view(values, np.ndarray)
        geometry = self._geometry
        if geometry is None or values.shape[: geometry.spatial_ndim] != self.shape[: geometry.spatial_ndim]:
            return values
        return attach(values, type(self) if requested is None else requested, geometry, self._meta)

    def __reduce__(self) -> tuple[Any, ...]:
        reduced: Any = np.ndarray.__reduce__(self)
        constructor, args, state = reduced
        return constructor, args, (state, self._geometry, self._meta)

    def __setstate__(self, state: Any) -> None:
        array_state, geometry, meta = state
        np.ndarray.__setstate__(self, array_state)
        self._geometry = geometry
        self._meta = meta

    # -- methods that change axes ---------------------------------------------------------

    def _permuted(self, order: tuple[int, ...]) -> Any:
        """Transpose by ``order``; plain unless the spatial axes stay leading (SA-9.1)."""
        values = np.ndarray.transpose(_ndarray_view(self, np.ndarray), order)
        geometry = self._geometry
        if geometry is None:
            return values
        n = geometry.spatial_ndim
        if sorted(order[:n]) != list(range(n)):
            return values
        new = geometry if list(order[:n]) == list(range(n)) else geometry.permuted(order[:n])
        return self._derived(values, new)

    def transpose(self, *axes: Any) -> Any:  # type: ignore[override]
        """Permute the axes; see `numpy.ndarray.transpose` and SPEC SA-9.1."""
        if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
            axes = () if axes[0] is None else tuple(axes[0])  # a tuple, list or array of axes
        ndim = self.ndim
        if not axes:
            order = tuple(range(ndim))[::-1]
        elif len(axes) == ndim and sorted(axes) == list(range(ndim)):
            order = tuple(axes)  # already a permutation (numpy's moveaxis passes one)
        else:
            order = normalize_axis_tuple(axes, ndim)
            if len(order) != ndim:
                np.ndarray.transpose(_ndarray_view(self, np.ndarray), axes)  # numpy's own error
        return self._permuted(order)

    @property
    def T(self) -> Any:  # type: ignore[override]
        """The transposed array (all axes reversed); see SPEC SA-9.1."""
        return self._permuted(tuple(range(self.ndim))[::-1])

    @property
    def mT(self) -> Any:  # type: ignore[override]
        """Transpose of the last two axes; see SPEC SA-9.1."""
        if self.ndim < 2:
            return np.ndarray.view(self, np.ndarray).mT  # numpy's own error
        order = list(range(self.ndim))
        order[-2], order[-1] = order[-1], order[-2]
        return self._permuted(tuple(order))

    def swapaxes(self, axis1: SupportsIndex, axis2: SupportsIndex) -> Any:  # type: ignore[override]
        """Interchange two axes; see SPEC SA-9.1."""
        a, b = normalize_axis_tuple((operator.index(axis1), operator.index(axis2)), self.ndim, allow_duplicate=True)
        order = list(range(self.ndim))
        order[a], order[b] = order[b], order[a]
        return self._permuted(tuple(order))

    def squeeze(self, axis: Any = None) -> Any:  # type: ignore[override]
        """Remove length-1 axes; a spatial one collapses like an integer index 0 (SA-9.2)."""
        values = np.ndarray.squeeze(_ndarray_view(self, np.ndarray), axis=axis)
        geometry = self._geometry
        if geometry is None:
            return values
        n = geometry.spatial_ndim
        shape = self.shape
        axes = [i for i in range(self.ndim) if shape[i] == 1] if axis is None else normalize_axis_tuple(axis, self.ndim)
        keep = [i not in axes for i in range(n)]
        if not any(keep):
            return values
        if all(keep):
            return self._derived(values, geometry)
        return self._derived(values, geometry.sliced([0] * n, [1] * n, keep))

    def repeat(self, repeats: Any, axis: SupportsIndex | None = None) -> Any:  # type: ignore[override]
        """Repeat elements; keeps geometry only along a component axis (SA-9.4)."""
        values = np.ndarray.repeat(_ndarray_view(self, np.ndarray), repeats, axis=axis)
        geometry = self._geometry
        if geometry is None or axis is None:
            return values
        (a,) = normalize_axis_tuple(operator.index(axis), self.ndim)
        return self._derived(values, geometry if a >= geometry.spatial_ndim else None)

    # -- reductions: the binning rule (SPEC chapter 8) --------------------------------------------

    def _reduce(self, name: str, axis: Any, keepdims: bool, out: Any, kwargs: dict[str, Any]) -> Any:
        values = _ndarray_view(self, np.ndarray)
        geometry = self._geometry
        if geometry is not None:
            geometry = reduction_rule(geometry, values.shape, axis, bool(keepdims))[0]
        if out is not None and isinstance(out, SpatialArray):
            check_reduction_out(out._geometry, geometry)
            kwargs["out"] = _ndarray_view(out, np.ndarray)
        elif out is not None:
            kwargs["out"] = out
        if keepdims:
            kwargs["keepdims"] = keepdims
        where = kwargs.get("where")
        if where is not None and isinstance(where, SpatialArray):
            operands = SpatialOperands()
            operands.add(self, "array")
            operands.check(where, "where")
            kwargs["where"] = _ndarray_view(where, np.ndarray)
        result = getattr(values, name)(axis=axis, **kwargs)
        if out is not None:
            return out
        if geometry is None or type(result) is not np.ndarray:
            return result
        return attach(result, type(self), geometry, self._meta)

    def sum(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Sum over ``axis``; reduced spatial axes follow the binning rule (SA-8.1)."""
        return self._reduce("sum", axis, keepdims, out, _with_dtype(dtype, kwargs))

    def prod(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Product over ``axis``; see SA-8.1."""
        return self._reduce("prod", axis, keepdims, out, _with_dtype(dtype, kwargs))

    def mean(self, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Mean over ``axis``; see SA-8.1."""
        return self._reduce("mean", axis, keepdims, out, _with_dtype(dtype, kwargs))

    def std(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Standard deviation over ``axis``; see SA-8.1."""
        return self._reduce("std", axis, keepdims, out, dict(dtype=dtype, ddof=ddof, **kwargs))

    def var(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Variance over ``axis``; see SA-8.1."""
        return self._reduce("var", axis, keepdims, out, dict(dtype=dtype, ddof=ddof, **kwargs))

    def max(self, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Maximum over ``axis``; see SA-8.1."""
        return self._reduce("max", axis, keepdims, out, kwargs)

    def min(self, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """Minimum over ``axis``; see SA-8.1."""
        return self._reduce("min", axis, keepdims, out, kwargs)

    def all(self, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """True where every element along ``axis`` is; see SA-8.1."""
        return self._reduce("all", axis, keepdims, out, kwargs)

    def any(self, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:  # type: ignore[override]
        """True where some element along ``axis`` is; see SA-8.1."""
        return self._reduce("any", axis, keepdims, out, kwargs)

    def argmax(self, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:  # type: ignore[override]
        """Indices of the maxima along ``axis``; see SA-8.6."""
        return self._reduce("argmax", axis, keepdims, out, {})

    def argmin(self, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:  # type: ignore[override]
        """Indices of the minima along ``axis``; see SA-8.6."""
        return self._reduce("argmin", axis, keepdims, out, {})

    def _accumulate(self, name: str, axis: Any, dtype: Any, out: Any) -> Any:
        # axis=None flattens: plain, unless there is one axis to accumulate along (SA-13.3)
        geometry = self._geometry if axis is not None or self.ndim == 1 else None
        if isinstance(out, SpatialArray):
            if geometry is None or out._geometry is None or out.shape[: geometry.spatial_ndim] != self.shape[: geometry.spatial_ndim]:
                raise GeometryMismatchError(f"out of {name} must be in the input's space")
            reason = geometry.mismatch(out._geometry)
            if reason is not None:
                raise GeometryMismatchError(f"out of {name} is not in the input's space: {reason}")
            out_plain = _ndarray_view(out, np.ndarray)
        else:
            out_plain = out
        result = getattr(np.ndarray, name)(_ndarray_view(self, np.ndarray), axis=axis, dtype=dtype, out=out_plain)
        if out is not None:
            return out
        return self._derived(result, geometry)

    def cumsum(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:  # type: ignore[override]
        """Cumulative sum along ``axis``: same grid (SA-13.3); ``axis=None`` on more than one axis flattens to a plain array."""
        return self._accumulate("cumsum", axis, dtype, out)

    def round(self, decimals: SupportsIndex = 0, out: Any = None) -> Any:  # type: ignore[override]
        """Round to ``decimals``: elementwise, the same grid as `numpy.round` gives (SA-13.1)."""
        return np.round(self, decimals, out=out)

    def cumprod(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:  # type: ignore[override]
        """Cumulative product along ``axis``; see `cumsum`."""
        return self._accumulate("cumprod", axis, dtype, out)

    # -- representation ----------------------------------------------------------------------

    def __repr__(self) -> str:
        values = np.array_repr(_ndarray_view(self, np.ndarray))
        body = values[len("array(") : -1]
        indent = " " * len("SpatialArray(")
        body = body.replace("\n      ", "\n" + indent)
        geometry = self._geometry
        if geometry is None:
            return f"SpatialArray({body},\n{indent}geometry=undefined)"
        direction = np.array2string(geometry.direction, separator=", ", prefix=indent + "direction=")
        return (
            f"SpatialArray({body},\n"
            f"{indent}origin={geometry.origin.tolist()!r},\n"
            f"{indent}spacing={geometry.spacing.tolist()!r},\n"
            f"{indent}direction={direction})"
        )


def _with_dtype(dtype: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if dtype is not None:
        kwargs["dtype"] = dtype
    return kwargs


def _check_fits(geometry: Geometry, ndim: int, spacing: Any = None, direction: Any = None, origin: Any = None) -> None:
    """Raise, naming the field the caller gave, when the geometry has more spatial axes than the data."""
    n = geometry.spatial_ndim
    if n < 1:
        raise ValueError("a SpatialArray needs at least one spatial axis (spacing has no entries)")
    if n > ndim:
        if spacing is not None or (direction is None and origin is None):
            given = f"spacing has {n} entries"
        elif direction is not None:
            given = f"direction has {n} columns"
        else:
            raise ValueError(
                f"origin has {n} entries but the data has only {ndim} axes: give one origin entry per spatial "
                f"axis, or, for an image embedded in {n}-D space, a direction of shape ({n}, N), got origin={list(np.asarray(origin).tolist())!r}"
            )
        raise ValueError(
            f"{given} but the data has only {ndim} axes (the geometry needs one spatial axis per entry)"
        )


def _plain_method(name: str) -> Any:
    """A method that gives numpy's result as a plain array: its geometry is undefined (SA-9.3)."""
    numpy_method = getattr(np.ndarray, name)

    def method(self: SpatialArray, *args: Any, **kwargs: Any) -> Any:
        args = tuple(_ndarray_view(a, np.ndarray) if isinstance(a, SpatialArray) else a for a in args)
        return numpy_method(_ndarray_view(self, np.ndarray), *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"SpatialArray.{name}"
    method.__doc__ = f"`numpy.ndarray.{name}` on the values; the result is a plain array (geometry undefined)."
    return method


def _function_method(name: str) -> Any:
    """A method that is the numpy function of the same name: one rule for both (SA-13.12)."""
    function = getattr(np, name)

    def method(self: SpatialArray, *args: Any, **kwargs: Any) -> Any:
        return function(self, *args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"SpatialArray.{name}"
    method.__doc__ = f"`numpy.{name}` of this array: the same result and the same geometry rule (SPEC SA-13.12)."
    return method


def _compress(self: SpatialArray, condition: Any, axis: SupportsIndex | None = None, out: Any = None) -> Any:
    """`numpy.compress` of this array: plain along a spatial axis or with no axis (SPEC SA-13.12)."""
    return np.compress(condition, self, axis=axis, out=out)


for _name in ("reshape", "ravel", "flatten", "dot", "nonzero"):
    setattr(SpatialArray, _name, _plain_method(_name))
for _name in ("take", "diagonal", "trace", "argsort", "argpartition", "choose", "searchsorted"):
    setattr(SpatialArray, _name, _function_method(_name))
SpatialArray.compress = _compress  # type: ignore[method-assign, assignment]
del _name
