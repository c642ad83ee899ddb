"""Broken implementations: each is the correct `DuckImage` with ONE realistic, one-line mistake.

`VARIANTS` maps each variant to the clause it breaks. The checker must catch every
one at default settings, with every feature claimed and, where the clause is a
MUST, with none (`checker_tests/test_variants.py`).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .duck import BareDuckImage, DuckImage, plain
from .lazy import LazyImage

# -- chapter 1: attributes and validation -----------------------------------------------------------------------


class OriginFloat32(DuckImage):  # stores the origin in float32 "to save memory"
    origin = property(lambda self: self._origin.astype(np.float32))


class SpacingColumn(DuckImage):  # spacing kept as an (N, 1) column from a matrix computation
    spacing = property(lambda self: self._spacing[:, None])


class OriginCutToN(DuckImage):  # assumes P == N and returns origin[:N]
    origin = property(lambda self: self._origin[: self._spacing.size])


class DirectionTransposed(DuckImage):  # returns the direction in (N, P) "row per axis" order
    direction = property(lambda self: self._direction.T)


class AcceptsNaN(DuckImage):  # cleans NaN instead of refusing it
    def validate(self, origin: Any, spacing: Any, direction: Any) -> Any:
        return super().validate(np.nan_to_num(np.asarray(origin, float)), spacing, direction)


class AcceptsZeroSpacing(DuckImage):  # tests spacing >= 0 instead of > 0
    def positive(self, s: np.ndarray) -> bool:
        return bool((s >= 0).all())


class UnitColumnsOnly(DuckImage):  # checks each column has norm 1, not that columns are orthogonal
    def orthonormal(self, d: np.ndarray) -> bool:
        return bool(np.allclose(np.linalg.norm(d, axis=0), 1.0))


class LooseOrthonormality(DuckImage):  # compares D^T D with I at atol=1e-2
    def orthonormal(self, d: np.ndarray) -> bool:
        return bool(np.allclose(d.T @ d, np.eye(d.shape[1]), rtol=0, atol=1e-2))


class TooManySpatialAxes(DuckImage):  # never compares N with the data's number of axes
    def enough_axes(self, s: np.ndarray, o: np.ndarray) -> bool:
        return s.size <= o.size


class VagueValidationMessage(DuckImage):  # "invalid geometry", naming no field
    def validate(self, origin: Any, spacing: Any, direction: Any) -> Any:
        try:
            return super().validate(origin, spacing, direction)
        except ValueError:
            raise ValueError("invalid geometry") from None


class ReadOnlyFlagOnly(DuckImage):  # a read-only flag that setflags(write=True) lifts again
    def frozen(self, value: np.ndarray) -> np.ndarray:
        return np.require(value, requirements="W").copy() if not value.flags.writeable else value


class SettersDoNotValidate(DuckImage):  # the origin setter stores what it is given
    origin = property(DuckImage.origin.fget, lambda self, v: setattr(self, "_origin", np.asarray(v, dtype=float)))


class SharedMeta(DuckImage):  # derived arrays share the meta dict instead of copying it
    def new(self, data: Any, origin: Any, spacing: Any, direction: Any) -> Any:
        result = super().new(data, origin, spacing, direction)
        result.meta = self.meta
        return result


class CopyDropsGeometry(DuckImage):  # __copy__ returns the values only
    def __copy__(self) -> Any:
        return self._data.copy()


class CopyIsSelf(DuckImage):  # copy.copy returns the array itself ("geometry is immutable anyway")
    def __copy__(self) -> Any:
        return self


class CopiesOnAsarray(DuckImage):  # __array__ always copies
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array(self._data, dtype=dtype, copy=True)


class MappingIgnoresSpacing(DuckImage):  # index_to_physical forgets the spacing
    def index_to_physical(self, index: Any) -> np.ndarray:
        return self._origin + np.asarray(index, dtype=float) @ self._direction.T


class AffineWithoutSpacing(DuckImage):  # the affine holds the direction alone
    affine = property(lambda self: np.block([[self._direction, self._origin[:, None]], [np.zeros((1, self._spacing.size)), np.ones((1, 1))]]))


# -- chapters 4 to 6: indexing -----------------------------------------------------------------------------------


class NegativeStepKeepsDirection(DuckImage):  # forgets to negate the column for a negative step
    def sliced_column(self, column: np.ndarray, step: int) -> np.ndarray:
        return column


class HandWrittenSliceBounds(DuckImage):  # clips start to [0, length] as for positive steps (length - 1 is the last element)
    def normalised(self, key: slice, length: int) -> tuple[int, int, int]:
        return ((0 if (key.step or 1) > 0 else length - 1) if key.start is None else max(0, min(key.start + length if key.start < 0 else key.start, length))), 0, key.step or 1


class EmptySliceKeepsOrigin(DuckImage):  # an empty slice "has no first element", so the origin stays
    def normalised(self, key: slice, length: int) -> tuple[int, int, int]:
        return key.indices(length) if len(range(*key.indices(length))) else (0, 0, key.indices(length)[2])


class StepNotInSpacing(DuckImage):  # a strided slice keeps the spacing
    def sliced_spacing(self, spacing: float, step: int) -> float:
        return spacing


class NegativeIndexNotWrapped(DuckImage):  # a[-1] moves the origin back by one spacing
    def wrapped(self, index: int, length: int) -> int:
        return index


class IntegerIndexKeepsOrigin(DuckImage):  # an integer index drops the axis but not the offset
    def integer_shift(self, axis: int, index: int) -> np.ndarray:
        return np.zeros_like(self._origin)


class IntegerIndexSquaresDirection(DuckImage):  # SimpleITK's Extract: P shrinks with N
    def embedded(self, origin: np.ndarray, spacing: np.ndarray, direction: np.ndarray) -> Any:
        return origin[: spacing.size], spacing, direction[: spacing.size]


class NoComponentAxes(DuckImage):  # requires one spacing per array axis
    def enough_axes(self, s: np.ndarray, o: np.ndarray) -> bool:
        return s.size == self._data.ndim and s.size <= o.size


class LeadingNewaxisKeepsGeometry(DuckImage):  # a newaxis anywhere keeps the geometry
    def leading_newaxis_geometry(self, origin: Any, spacing: Any, columns: Any) -> Any:
        return origin, np.array(spacing), np.stack(columns, axis=1)


class NewaxisIsAdvanced(DuckImage):  # treats None like an advanced index: plain even after the spatial axes
    def is_basic(self, key: tuple[Any, ...]) -> bool:
        return super().is_basic(key) and all(k is not None for k in key)


class AdvancedIndexKeepsGeometry(DuckImage):  # returns advanced-index results on the old grid
    def advanced_result(self, values: np.ndarray) -> Any:
        return self.like(values)


class BoolScalarIsInteger(DuckImage):  # bool is an int subclass, so a[True] goes down the integer path
    def is_basic(self, key: tuple[Any, ...]) -> bool:
        return all(k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer)) for k in key)


class ScalarIndexKeepsGeometry(DuckImage):  # a[i, j] returns a 0-axis "image"
    def indexed_geometry(self, key: tuple[Any, ...]) -> Any:
        return super().indexed_geometry(key) or (self._origin, self._spacing[:0], self._direction[:, :0])


class IndexingCopies(DuckImage):  # copies on every basic index
    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(key)
        return result.like(result._data.copy()) if isinstance(result, DuckImage) else result


class AdvancedGivesMaskedArray(DuckImage):  # returns np.ma arrays for advanced indexing "to keep masks possible"
    def advanced_result(self, values: np.ndarray) -> Any:
        return np.ma.asarray(values)


class ByteswapWithoutGeometry(DuckImage):  # builds the byteswapped array without its geometry
    def byteswap(self) -> Any:
        return _half_made(self)


class ShapeSetterReshapes(DuckImage):  # a shape setter that reshapes the values and keeps the geometry
    shape = property(DuckImage.shape.fget, lambda self, value: setattr(self, "_data", self._data.reshape(value)))


class ComponentSelectionPlain(DuckImage):  # a[..., [0, 2]] treated as any advanced index: plain
    def component_selection(self, key: tuple[Any, ...]) -> Any:
        return None


class MaskNotAnOperand(DuckImage):  # img[seg > 0] with seg on another grid selects silently
    def check_mask(self, mask: Any) -> None:
        return None


class WithValuesCopies(DuckImage):  # with_values copies the values "to be safe"
    def with_values(self, values: Any) -> Any:
        return super().with_values(np.array(values))


class TransposeMethodPlain(DuckImage):  # the transpose method forgets what np.transpose does
    def transpose(self, *axes: Any) -> Any:
        return self._data.transpose(*axes)


class AssignmentUnchecked(DuckImage):  # a[key] = b writes b's values whatever its grid
    def check_assignment(self, target: DuckImage, value: DuckImage) -> None:
        return None


def _half_made(image: DuckImage) -> Any:
    result = object.__new__(type(image))
    result._data = image._data.byteswap()
    return result


# -- chapters 7 and 10: ufuncs and tolerance ----------------------------------------------------------------------


class FloatResultsAsFloat32(DuckImage):  # computes float ufuncs in float32 for speed
    def ufunc_result(self, grid: DuckImage, result: Any) -> Any:
        return result.astype(np.float32) if isinstance(result, DuckImage) and result.dtype == np.float64 else result


class ComparisonsArePlain(DuckImage):  # boolean results lose the geometry
    def ufunc_result(self, grid: DuckImage, result: Any) -> Any:
        return np.asarray(result) if result.dtype == bool else result


class IgnoresDirection(DuckImage):  # compares origin and spacing only
    def directions_match(self, direction: np.ndarray, mine: list[int], lengths: np.ndarray, s: np.ndarray) -> bool:
        return True


class ToleranceScaledBySpacing0(DuckImage):  # SimpleITK's mistake: tolerance * spacing[0] on every axis
    def origin_tolerance(self, s: np.ndarray) -> np.ndarray:
        return self.tolerance * self._spacing[0] * np.ones_like(s)


class NoStorageAllowance(DuckImage):  # 1.1's tolerance: float32-stored geometries are a mismatch
    storage = 0.0


class LooseTolerance(DuckImage):  # a tolerance of 5e-3 "to be safe"
    tolerance = 5e-3


class FirstOperandGivesGrid(DuckImage):  # the result takes the first spatial operand's grid, even a slab's
    def combined(self, spatial: list[Any], result_shape: tuple[int, ...], masks: list[Any] | None = None) -> Any:
        grid = super().combined(spatial, result_shape, masks)
        return spatial[0] if grid is not None and isinstance(spatial[0], DuckImage) and spatial[0].ndim == grid.ndim else grid


class MaskGivesGrid(DuckImage):  # a where= mask counts as an input: np.add(x, x, where=m) takes m's grid
    def combined(self, spatial: list[Any], result_shape: tuple[int, ...], masks: list[Any] | None = None) -> Any:
        return super().combined(list(spatial) + list(masks or []), result_shape)


class NoFullOperandIsPlain(DuckImage):  # operands broadcast along different axes give a plain result
    def no_full_operand(self, spatial: list[Any]) -> Any:
        return None


class BroadcastOperandUnchecked(DuckImage):  # any operand numpy can broadcast is accepted
    def in_grid(self, part: DuckImage, result_shape: tuple[int, ...]) -> str | None:
        return None


class WhereNotAnOperand(DuckImage):  # the where= mask is not compared
    def extra_operands(self, outs: tuple[Any, ...], where: Any) -> list[DuckImage]:
        return [o for o in outs if isinstance(o, DuckImage)]


class ForeignArraysArePlain(DuckImage):  # recognises only its own class as spatial
    def is_operand(self, value: Any) -> bool:
        return isinstance(value, DuckImage)


class MismatchNotValueError(DuckImage):  # its own exception class, derived from Exception
    mismatch_error = type("GeometryMismatchError", (Exception,), {})


class FullVersionString(DuckImage):  # declares the package version format instead of "MAJOR.MINOR"
    __spatial_protocol__ = "1.2.0"


class NewaxisConsumesAnAxis(DuckImage):  # counts None among the indexed axes, so `...` expands one axis short
    def consumed(self, key: tuple[Any, ...]) -> int:
        return sum(1 for k in key if k is not Ellipsis)


class EllipsisOverSpatialAxesOnly(DuckImage):  # expands `...` to the spatial axes, not all axes
    def ellipsis_length(self, consumed: int) -> int:
        return self._spacing.size - consumed


class OutNotAnOperand(DuckImage):  # out= is written whatever its grid
    def extra_operands(self, outs: tuple[Any, ...], where: Any) -> list[DuckImage]:
        return [where] if isinstance(where, DuckImage) else []


class VagueMismatchMessage(DuckImage):  # "operands differ", without saying in what
    def mismatch(self, other: DuckImage) -> str | None:
        return super().mismatch(other) and "operands differ"


class StretchedAxisKeepsGeometry(DuckImage):  # a plain operand stretches a length-1 spatial axis, geometry kept
    def no_full_operand(self, spatial: list[DuckImage]) -> DuckImage | None:
        return spatial[0] if spatial[0].ndim == max(x.ndim for x in spatial) else None


class OutReturnsCopy(DuckImage):  # returns a new array instead of out
    def call(self, ufunc: np.ufunc, inputs: Any, plain_inputs: list[Any], outs: tuple[Any, ...], where: Any, kwargs: dict[str, Any]) -> Any:
        result = super().call(ufunc, inputs, plain_inputs, outs, where, kwargs)
        return copy.copy(result) if outs else result


class ForeignUfuncsUnwrapped(DuckImage):  # only numpy's own ufuncs keep the grid (scipy.special, frompyfunc do not)
    def call(self, ufunc: np.ufunc, inputs: Any, plain_inputs: list[Any], outs: tuple[Any, ...], where: Any, kwargs: dict[str, Any]) -> Any:
        return ufunc(*plain_inputs, **kwargs) if getattr(np, ufunc.__name__, None) is not ufunc else super().call(ufunc, inputs, plain_inputs, outs, where, kwargs)


class AccumulateReturnsPlain(DuckImage):  # ufunc.accumulate drops the geometry
    def accumulate_result(self, first: DuckImage, values: Any) -> Any:
        return values


# -- chapters 8, 9, 13: functions ----------------------------------------------------------------------------------


class ReductionAtFirstElement(DuckImage):  # a reduced axis keeps the origin of element 0
    def reduction_origin(self, origin: np.ndarray, spatial: list[int]) -> np.ndarray:
        return self._origin


class KeepdimsKeepsSpacing(DuckImage):  # keepdims keeps the old spacing
    def keepdims_spacing(self, spacing: float, length: int) -> float:
        return spacing


class FullReductionKeepsGeometry(DuckImage):  # a full reduction returns a 0-axis image
    def full_reduction_result(self, values: Any) -> Any:
        return self.new(np.asarray(values), self._origin, self._spacing[:0], self._direction[:, :0])


class EmptyAxisReductionHasCentre(DuckImage):  # reducing a length-0 axis still "centres" the origin
    def has_centre(self, length: int) -> bool:
        return True


class ReductionOutUnchecked(DuckImage):  # np.sum(a, axis=0, out=t) writes into t whatever its grid
    def into_out(self, out: Any, values: Any, geometry: Any) -> Any:
        np.copyto(out._data if isinstance(out, DuckImage) else out, values)
        return out


class ComponentReductionPlain(DuckImage):  # any reduction with an axis argument drops the geometry
    def reduce(self, func: Any, axis: Any, keepdims: bool, out: Any = None, kwargs: Any = None) -> Any:
        result = super().reduce(func, axis, keepdims, out, kwargs)
        return np.asarray(result) if out is None and axis is not None and all(a % self.ndim >= self._spacing.size for a in np.atleast_1d(axis)) else result


class TransposeKeepsSpacing(DuckImage):  # permutes the direction but not the spacing
    def permuted_spacing(self, order: list[int]) -> np.ndarray:
        return self._spacing


class SqueezeKeepsStaleGeometry(DuckImage):  # squeeze wraps numpy's result with the old geometry
    def squeezed(self, axis: Any = None) -> Any:
        return self.like(np.squeeze(self._data, axis))


def _intercept(func: Any, replacement: Any) -> Any:
    """An __array_function__ that handles ``func`` with ``replacement(self, args, kwargs)`` (variants' one line)."""
    def __array_function__(self: DuckImage, f: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if f is func:
            return replacement(self, args, kwargs)
        return DuckImage.__array_function__(self, f, types, args, kwargs)
    return __array_function__


class ReshapeSameShapeKeeps(DuckImage):  # a reshape to the same shape "changes nothing", geometry kept
    __array_function__ = _intercept(np.reshape, lambda self, args, kw: self.like(np.reshape(*plain(args), **kw)) if np.reshape(*plain(args), **kw).shape == self.shape else np.reshape(*plain(args), **kw))


class RepeatKeepsGeometry(DuckImage):  # repeat along a spatial axis keeps the grid
    __array_function__ = _intercept(np.repeat, lambda self, args, kw: self.like(np.repeat(*plain(args), **kw)) if kw.get("axis") is not None else np.repeat(*plain(args), **kw))


class AstypeDropsGeometry(DuckImage):  # astype goes through numpy and returns plain
    def astype(self, dtype: Any) -> Any:
        return self._data.astype(dtype)


class WhereUnchecked(DuckImage):  # np.where takes the grid of x without comparing y
    __array_function__ = _intercept(np.where, lambda self, args, kw: args[1].like(np.where(*plain(args))) if isinstance(args[1], DuckImage) else np.where(*plain(args)))


class FlipNotNegated(DuckImage):  # np.flip wraps the values with the old geometry
    __array_function__ = _intercept(np.flip, lambda self, args, kw: self.like(np.flip(*plain(args), **kw)))


class CumsumFlattenedKeeps(DuckImage):  # np.cumsum(a) (flattened) keeps the geometry when the size allows
    __array_function__ = _intercept(np.cumsum, lambda self, args, kw: self.like(np.cumsum(*plain(args), **kw).reshape(self.shape)) if kw.get("axis") is None and len(args) == 1 else self.like(np.cumsum(*plain(args), **kw)))


class SortKeepsGeometry(DuckImage):  # sorting along a spatial axis keeps the grid
    __array_function__ = _intercept(np.sort, lambda self, args, kw: self.like(np.sort(*plain(args), **kw)))


class PadWrongWay(DuckImage):  # pad moves the origin forward by the pad width
    def pad_step(self, step: np.ndarray) -> np.ndarray:
        return -step


class DiffNotShifted(DuckImage):  # diff keeps the origin of element 0
    def diff_shift(self, n: int, m: int) -> float:
        return 0.0


class DiffIgnoresPrepend(DuckImage):  # diff shifts by n/2 even when prepend adds elements
    def diff_shift(self, n: int, m: int) -> float:
        return n / 2


class ConcatenateUnchecked(DuckImage):  # pieces are joined whatever their grids
    def continuity(self, expected: DuckImage, piece: DuckImage) -> str | None:
        return None


class StackKeepsGeometryInFront(DuckImage):  # np.stack(axis=0) keeps the geometry of the first piece
    __array_function__ = _intercept(np.stack, lambda self, args, kw: args[0][0].like(np.stack(plain(args[0]), **kw)))


class LinalgPlain(DuckImage):  # np.linalg.det of a tensor image is plain
    __array_function__ = _intercept(np.linalg.det, lambda self, args, kw: np.linalg.det(*plain(args)))


class FftKeepsGeometry(DuckImage):  # fft2 results keep the spatial grid
    __array_function__ = _intercept(np.fft.fft2, lambda self, args, kw: self.like(np.fft.fft2(*plain(args), **kw)))


class SaveAllowed(DuckImage):  # np.save writes the values and silently drops the geometry
    __array_function__ = _intercept(np.save, lambda self, args, kw: np.save(*plain(args), **kw))


class ArgmaxPlain(DuckImage):  # index reductions return plain arrays
    __array_function__ = _intercept(np.argmax, lambda self, args, kw: np.argmax(*plain(args), **kw))


# -- fallbacks of SA-15.6 (an implementation that offers none of the features) -------------------------------


class BareAcceptsComponentAxes(BareDuckImage):  # makes arrays with ndim > N though it has no component support
    def enough_axes(self, s: np.ndarray, o: np.ndarray) -> bool:
        return s.size <= self._data.ndim and s.size <= o.size


class BareWritesInPlace(BareDuckImage):  # an "immutable" type whose out= and a[k] = v still write
    def writable(self) -> None:
        return None


class BareHasMapping(BareDuckImage):  # exposes index_to_physical without claiming mapping
    def __getattr__(self, name: str) -> Any:
        return getattr(self, "_" + name) if name in ("index_to_physical", "physical_to_index") else super().__getattr__(name)


# -- the lazy implementation (SA-11.3) ----------------------------------------------------------------------------


class LazyPlainResultsWrapped(LazyImage):  # wraps every dask result in its own class, advanced ones without a grid
    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(key)
        return result if isinstance(result, LazyImage) else _wrapped_without_grid(result)


def _wrapped_without_grid(values: Any) -> Any:
    result = object.__new__(LazyImage)
    result._values = values
    return result


#: Variants of the lazy implementation and the clause each breaks (checked as the lazy one is: --lazy, to_numpy).
LAZY_VARIANTS: dict[type[LazyImage], str] = {LazyPlainResultsWrapped: "SA-11.3"}

#: Bugs that cannot show without the components feature: the fallback makes every result with a newaxis or a
#: stacked axis plain, and images without component axes have no component index to get wrong.
COMPONENTS_ONLY: set[type[DuckImage]] = set()

#: Variants of an implementation offering no feature: caught only when the feature is not claimed.
FALLBACKS: dict[type[DuckImage], str] = {
    BareAcceptsComponentAxes: "SA-15.6", BareWritesInPlace: "SA-15.6", BareHasMapping: "SA-15.6",
}

#: Each variant and the clause it breaks.
VARIANTS: dict[type[DuckImage], str] = {
    OriginFloat32: "SA-1.1", SpacingColumn: "SA-1.2", OriginCutToN: "SA-1.3", DirectionTransposed: "SA-1.4",
    AcceptsNaN: "SA-1.5", AcceptsZeroSpacing: "SA-1.5", UnitColumnsOnly: "SA-1.6", LooseOrthonormality: "SA-1.6",
    TooManySpatialAxes: "SA-1.7", VagueValidationMessage: "SA-1.8", ReadOnlyFlagOnly: "SA-1.9",
    SettersDoNotValidate: "SA-1.10", SharedMeta: "SA-12.3", CopyDropsGeometry: "SA-12.2", CopyIsSelf: "SA-12.1",
    CopiesOnAsarray: "SA-11.2",
    MappingIgnoresSpacing: "SA-2.4", AffineWithoutSpacing: "SA-1.11",
    NegativeStepKeepsDirection: "SA-5.2", HandWrittenSliceBounds: "SA-5.2", EmptySliceKeepsOrigin: "SA-5.2",
    StepNotInSpacing: "SA-5.2", NegativeIndexNotWrapped: "SA-5.3", IntegerIndexKeepsOrigin: "SA-5.3",
    IntegerIndexSquaresDirection: "SA-4.2", NoComponentAxes: "SA-4.1", LeadingNewaxisKeepsGeometry: "SA-5.5",
    NewaxisIsAdvanced: "SA-5.5", AdvancedIndexKeepsGeometry: "SA-6.1", BoolScalarIsInteger: "SA-6.1",
    ScalarIndexKeepsGeometry: "SA-4.3", IndexingCopies: "SA-5.6", AssignmentUnchecked: "SA-5.7",
    FloatResultsAsFloat32: "SA-7.1", ComparisonsArePlain: "SA-7.3", IgnoresDirection: "SA-7.2",
    ToleranceScaledBySpacing0: "SA-10.1", LooseTolerance: "SA-10.1", BroadcastOperandUnchecked: "SA-7.7",
    NoStorageAllowance: "SA-10.1", FirstOperandGivesGrid: "SA-7.7", MaskGivesGrid: "SA-7.3", NoFullOperandIsPlain: "SA-7.8", ForeignUfuncsUnwrapped: "SA-7.9",
    WhereNotAnOperand: "SA-7.2", OutNotAnOperand: "SA-7.5", VagueMismatchMessage: "SA-10.3",
    StretchedAxisKeepsGeometry: "SA-7.4", OutReturnsCopy: "SA-7.5", AccumulateReturnsPlain: "SA-7.6",
    ReductionAtFirstElement: "SA-8.1", KeepdimsKeepsSpacing: "SA-8.2", FullReductionKeepsGeometry: "SA-8.4",
    EmptyAxisReductionHasCentre: "SA-8.5", ReductionOutUnchecked: "SA-8.7", ComponentReductionPlain: "SA-8.3",
    TransposeKeepsSpacing: "SA-9.1", SqueezeKeepsStaleGeometry: "SA-9.2", ReshapeSameShapeKeeps: "SA-9.3",
    RepeatKeepsGeometry: "SA-9.4", AstypeDropsGeometry: "SA-9.5", WhereUnchecked: "SA-13.1", FlipNotNegated: "SA-13.2",
    CumsumFlattenedKeeps: "SA-13.3", SortKeepsGeometry: "SA-13.4", PadWrongWay: "SA-13.5", DiffNotShifted: "SA-13.5",
    DiffIgnoresPrepend: "SA-13.5", ConcatenateUnchecked: "SA-13.6", StackKeepsGeometryInFront: "SA-13.6",
    LinalgPlain: "SA-13.7", FftKeepsGeometry: "SA-13.8", SaveAllowed: "SA-13.9", ArgmaxPlain: "SA-8.6",
    ForeignArraysArePlain: "SA-15.3", MismatchNotValueError: "SA-15.4", FullVersionString: "SA-15.1",
    NewaxisConsumesAnAxis: "SA-5.1", EllipsisOverSpatialAxesOnly: "SA-5.4", AdvancedGivesMaskedArray: "SA-11.1",
    ByteswapWithoutGeometry: "SA-11.4", ShapeSetterReshapes: "SA-9.6", ComponentSelectionPlain: "SA-6.2",
    MaskNotAnOperand: "SA-7.10", WithValuesCopies: "SA-12.4", TransposeMethodPlain: "SA-13.12",
}
COMPONENTS_ONLY.update({LeadingNewaxisKeepsGeometry, NewaxisIsAdvanced, BoolScalarIsInteger, StackKeepsGeometryInFront,
                        LinalgPlain, EllipsisOverSpatialAxesOnly, NewaxisConsumesAnAxis})
