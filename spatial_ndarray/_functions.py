"""The ``__array_function__`` table: every numpy function, the geometry rule it follows.

Each overridable numpy function is classified once, by qualified name, into one
family of SPEC.md chapter 13 (the handlers are in `_function_rules`):

=================  =============================================================
``method``         numpy calls the ndarray method of the same name; SpatialArray's
                   method applies the rule (sum, mean, argmax, transpose...)
``implementation`` numpy's own code works through indexing, overridden methods and
                   other numpy functions (flip, rot90, split, hstack...)
``elementwise``    results on the grid of the aligned operands (where, clip, isclose)
``reduction``      the binning rule on the reduced axes (median, nanmean, norm...)
``cumulative``     same grid along an axis (nancumsum, cumulative_sum)
``along_axis``     plain along a spatial axis, kept along a component axis (sort...)
``stacked``        linear algebra on stacks: kept on the stacking axes (det, eigh...)
``custom``         a rule of its own (pad, diff, concatenate, stack, tile...)
``plain``          geometry undefined: plain results (reshape, fft, unique...)
``refused``        TypeError that says why (np.save would drop the geometry)
=================  =============================================================

A function missing from the table (one a future numpy adds) runs on the plain
values and returns a plain result with a `GeometryDroppedWarning`.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, TypeVar

from . import _function_rules as rules
from ._operands import plain
from .errors import GeometryDroppedWarning

__all__ = ["CLASSIFICATION", "SUBMODULES", "GeometryDroppedWarning", "classify", "dispatch", "overridable_functions", "spec_appendix"]


class Rule(NamedTuple):
    """How one numpy function treats geometry."""

    family: str
    make: Callable[[Callable[..., Any]], rules.Handler]
    note: str = ""


def _many(family: str, make: Callable[[Callable[..., Any]], rules.Handler], names: str, note: str = "") -> dict[str, Rule]:
    return {name: Rule(family, make, note) for name in names.split()}


def _aligned(*names: str) -> Callable[[Callable[..., Any]], rules.Handler]:
    return lambda func: rules.elementwise(func, names)


def _along(array_name: str | None = None, axis_default: int | None = None) -> Callable[[Callable[..., Any]], rules.Handler]:
    return lambda func: rules.along_axis(func, array_name, axis_default)


def _stacked(core: int) -> Callable[[Callable[..., Any]], rules.Handler]:
    return lambda func: rules.stacked(func, core)


def _refused(reason: str) -> Callable[[Callable[..., Any]], rules.Handler]:
    return lambda func: rules.refused(func, reason)


_SAVE = (
    "the file would hold the values without their geometry; write the image with its geometry "
    "(sn.write(x, 'image.nii.gz'), or x.to_xarray() to netCDF or zarr), or save np.asarray(x) to drop "
    "the geometry on purpose and put loaded values back on the grid with x.with_values(values)"
)

class _Classified(Protocol):
    @property
    def family(self) -> str: ...


_R = TypeVar("_R", bound=_Classified)


def disjoint(*groups: dict[str, _R]) -> dict[str, _R]:
    """Merge groups of rules, refusing a function classified twice (the families must be disjoint).

    One policy table per library (numpy's here, scipy.ndimage's in `ndimage`) merges its families through it.
    """
    merged: dict[str, _R] = {}
    for group in groups:
        for name, rule in group.items():
            if name in merged:
                raise ValueError(f"{name} is classified twice: {merged[name].family} and {rule.family}")
            merged[name] = rule
    return merged


CLASSIFICATION: dict[str, Rule] = disjoint(
    # -- numpy's function calls the ndarray method of the same name, which applies the rule ----------
    _many("reduction", rules.implementation,
            "numpy.sum numpy.prod numpy.mean numpy.std numpy.var numpy.max numpy.min numpy.amax numpy.amin "
            "numpy.argmax numpy.argmin numpy.all numpy.any",
            "binning rule on reduced spatial axes (the method applies it)"),
    _many("cumulative", rules.implementation, "numpy.cumsum numpy.cumprod",
            "same grid; axis=None on more than one axis is plain (the method applies it)"),
    {"numpy.repeat": Rule("along_axis", rules.implementation,
                          "plain along a spatial axis or with axis=None (the method applies it)")},
    _many("implementation", rules.implementation, "numpy.transpose numpy.swapaxes numpy.squeeze",
            "permutes or removes axes (SA-9.1, SA-9.2; the method applies it)"),
    # -- functions whose methods call them back: the rule is here ------------------------------------
    _many("along_axis", _along("a"), "numpy.take numpy.compress numpy.argsort numpy.argpartition",
            "plain along a spatial axis or with axis=None"),
    _many("custom", rules.component_pair, "numpy.diagonal numpy.trace",
            "kept when axis1 and axis2 are both component axes"),
    {"numpy.choose": Rule("elementwise", _aligned("a", "choices"), "on the grid of a and choices")},
    {"numpy.searchsorted": Rule("elementwise", _aligned("v"), "on the grid of v (a is a sorted table)")},
    {"numpy.nonzero": Rule("plain", rules.plain_result, "index arrays")},
    # -- numpy's implementation, step by step through rules that apply ---------------------------
    _many("implementation", rules.implementation,
            "numpy.moveaxis numpy.rollaxis numpy.matrix_transpose numpy.linalg.matrix_transpose "
            "numpy.flip numpy.fliplr numpy.flipud numpy.rot90 "
            "numpy.atleast_1d numpy.atleast_2d numpy.atleast_3d "
            "numpy.hstack numpy.vstack numpy.dstack numpy.append "
            "numpy.linalg.matmul",
            "numpy's code through indexing, methods and the other rules"),
    # -- elementwise: one grid in, the same grid out -----------------------------------------------
    _many("elementwise", rules.elementwise,
            "numpy.clip numpy.round numpy.around numpy.fix numpy.nan_to_num numpy.real numpy.imag numpy.angle "
            "numpy.real_if_close numpy.isneginf numpy.isposinf numpy.iscomplex numpy.isreal numpy.i0 numpy.sinc "
            "numpy.where numpy.isclose numpy.select numpy.piecewise numpy.copy numpy.astype "
            "numpy.zeros_like numpy.ones_like numpy.empty_like numpy.full_like "
            "numpy.unwrap numpy.gradient numpy.tril numpy.triu numpy.roll numpy.copyto numpy.broadcast_to "
            "numpy.broadcast_arrays "
            "numpy.lib.scimath.sqrt numpy.lib.scimath.log numpy.lib.scimath.log2 numpy.lib.scimath.log10 "
            "numpy.lib.scimath.logn numpy.lib.scimath.power numpy.lib.scimath.arccos numpy.lib.scimath.arcsin "
            "numpy.lib.scimath.arctanh",
            "same grid; array arguments must share one space"),
    {"numpy.interp": Rule("elementwise", _aligned("x"), "on the grid of x (xp, fp are a lookup table)")},
    {"numpy.digitize": Rule("elementwise", _aligned("x"), "on the grid of x (bins are not aligned)")},
    {"numpy.isin": Rule("elementwise", _aligned("element"), "on the grid of element")},
    {"numpy.polyval": Rule("elementwise", _aligned("x"), "on the grid of x")},
    {"numpy.putmask": Rule("elementwise", _aligned("a", "mask"), "in place; a and mask aligned")},
    {"numpy.place": Rule("elementwise", _aligned("arr", "mask"), "in place; arr and mask aligned")},
    {"numpy.polynomial.polynomial.polyval2d": Rule("elementwise", _aligned("x", "y"), "on the grid of x and y")},
    # -- reductions: the binning rule ---------------------------------------------------------------
    _many("reduction", rules.reduction,
            "numpy.ptp numpy.median numpy.average numpy.percentile numpy.quantile numpy.count_nonzero "
            "numpy.nansum numpy.nanprod numpy.nanmean numpy.nanstd numpy.nanvar numpy.nanmax numpy.nanmin "
            "numpy.nanargmax numpy.nanargmin numpy.nanmedian numpy.nanpercentile numpy.nanquantile "
            "numpy.trapezoid numpy.linalg.norm numpy.linalg.vector_norm",
            "binning rule on reduced spatial axes"),
    _many("cumulative", rules.cumulative,
            "numpy.nancumsum numpy.nancumprod numpy.cumulative_sum numpy.cumulative_prod",
            "same grid; include_initial along a spatial axis is plain"),
    # -- along one axis -----------------------------------------------------------------------------
    _many("along_axis", _along(), "numpy.sort numpy.partition numpy.take_along_axis numpy.delete numpy.insert",
            "plain along a spatial axis"),
    {"numpy.sort_complex": Rule("along_axis", _along(axis_default=-1), "sorts the last axis")},
    {"numpy.apply_along_axis": Rule("along_axis", _along("arr"), "plain along a spatial axis")},
    # -- linear algebra on stacks -----------------------------------------------------------------
    _many("stacked", _stacked(2),
            "numpy.linalg.det numpy.linalg.slogdet numpy.linalg.inv numpy.linalg.pinv numpy.linalg.eig "
            "numpy.linalg.eigh numpy.linalg.eigvals numpy.linalg.eigvalsh numpy.linalg.cholesky numpy.linalg.qr "
            "numpy.linalg.svd numpy.linalg.svdvals numpy.linalg.matrix_rank numpy.linalg.matrix_power "
            "numpy.linalg.matrix_norm numpy.linalg.cond numpy.linalg.trace numpy.linalg.diagonal",
            "kept on the stacking axes when the matrices are component axes"),
    _many("stacked", _stacked(1), "numpy.linalg.cross numpy.linalg.vecdot numpy.cross",
            "kept on the stacking axes when the vectors are a component axis"),
    # -- rules of their own -------------------------------------------------------------------------
    {"numpy.pad": Rule("custom", rules.pad, "origin moves back by the leading pad width")},
    {"numpy.diff": Rule("custom", rules.diff, "origin moves n/2 spacings (less the prepend)")},
    {"numpy.tile": Rule("custom", rules.tile, "copies continue the grid")},
    {"numpy.expand_dims": Rule("custom", rules.expand_dims, "as indexing with newaxis")},
    {"numpy.concatenate": Rule("custom", rules.concatenate, "pieces must continue one grid")},
    {"numpy.stack": Rule("custom", rules.stack, "new component axis only")},
    {"numpy.column_stack": Rule("custom", rules.column_stack, "1-D arrays become columns a[:, None]; then concatenate")},
    {"numpy.block": Rule("custom", rules.block, "nested concatenations: pieces continue one grid")},
    {"numpy.unstack": Rule("custom", rules.unstack, "each part is an integer index")},
    _many("custom", lambda f: rules.split(f, lambda a, axis: axis), "numpy.split numpy.array_split",
          "each piece is a basic slice"),
    {"numpy.hsplit": Rule("custom", lambda f: rules.split(f, lambda a, axis: 1 if a.ndim > 1 else 0),
                          "each piece is a basic slice")},
    {"numpy.vsplit": Rule("custom", lambda f: rules.split(f, lambda a, axis: 0), "each piece is a basic slice")},
    {"numpy.dsplit": Rule("custom", lambda f: rules.split(f, lambda a, axis: 2), "each piece is a basic slice")},
    # -- geometry undefined ----------------------------------------------------------------------------
    _many("plain", rules.plain_result,
            "numpy.reshape numpy.ravel numpy.resize numpy.ediff1d numpy.trim_zeros numpy.extract "
            "numpy.argwhere numpy.flatnonzero numpy.unique numpy.unique_all numpy.unique_counts "
            "numpy.unique_inverse numpy.unique_values numpy.intersect1d numpy.union1d numpy.setdiff1d "
            "numpy.setxor1d numpy.lexsort numpy.bincount numpy.histogram numpy.histogram2d numpy.histogramdd "
            "numpy.histogram_bin_edges numpy.apply_over_axes numpy.put numpy.put_along_axis numpy.fill_diagonal "
            "numpy.diag numpy.diagflat numpy.diag_indices_from numpy.tril_indices_from numpy.triu_indices_from "
            "numpy.dot numpy.vdot numpy.inner numpy.outer numpy.tensordot numpy.einsum numpy.einsum_path numpy.kron "
            "numpy.convolve numpy.correlate numpy.cov numpy.corrcoef numpy.vander "
            "numpy.poly numpy.polyadd numpy.polysub numpy.polymul numpy.polydiv numpy.polyder numpy.polyint "
            "numpy.polyfit numpy.roots numpy.polynomial.polynomial.polygrid2d "
            "numpy.packbits numpy.unpackbits numpy.meshgrid numpy.ix_ numpy.unravel_index numpy.ravel_multi_index "
            "numpy.shape numpy.ndim numpy.size numpy.shares_memory numpy.may_share_memory numpy.array_equal "
            "numpy.array_equiv numpy.allclose numpy.iscomplexobj numpy.isrealobj numpy.result_type numpy.can_cast "
            "numpy.min_scalar_type numpy.common_type numpy.array2string numpy.array_repr numpy.array_str "
            "numpy.datetime_as_string numpy.busday_count numpy.busday_offset numpy.is_busday "
            "numpy.array numpy.asarray numpy.asanyarray numpy.ascontiguousarray numpy.asfortranarray numpy.require "
            "numpy.empty numpy.zeros numpy.ones numpy.full numpy.eye numpy.identity numpy.tri numpy.arange "
            "numpy.linspace numpy.logspace numpy.geomspace numpy.frombuffer numpy.fromfile numpy.fromfunction "
            "numpy.fromiter numpy.fromstring numpy.loadtxt numpy.genfromtxt "
            "numpy.lib.stride_tricks.sliding_window_view "
            "numpy.linalg.solve numpy.linalg.lstsq numpy.linalg.multi_dot numpy.linalg.tensorinv "
            "numpy.linalg.tensorsolve numpy.linalg.tensordot numpy.linalg.outer",
            "geometry undefined"),
    {f"numpy.fft.{name}": Rule("plain", rules.plain_result, "frequency domain")
       for name in "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn hfft ihfft fftshift ifftshift".split()},
    {f"numpy.strings.{name}": Rule("plain", rules.plain_result, "string function")
       for name in ("capitalize center decode encode expandtabs ljust lower mod multiply partition replace rjust "
                    "rpartition swapcase title translate upper zfill _join _rsplit _split _splitlines").split()},
    {f"numpy.char.{name}": Rule("plain", rules.plain_result, "string comparison")
       for name in "equal not_equal greater greater_equal less less_equal".split()},
    {f"numpy.lib.recfunctions.{name}": Rule("plain", rules.plain_result, "structured arrays")
       for name in ("append_fields apply_along_fields assign_fields_by_name drop_fields find_duplicates join_by "
                    "merge_arrays rec_append_fields rec_drop_fields rec_join recursive_fill_fields rename_fields "
                    "repack_fields require_fields stack_arrays structured_to_unstructured "
                    "unstructured_to_structured").split()},
    # -- refused ------------------------------------------------------------------------------------------
    _many("refused", _refused(_SAVE), "numpy.save numpy.savez numpy.savez_compressed numpy.savetxt",
            "would silently drop the geometry"),
)


def _qualified(func: Any) -> str:
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__name__', '')}"


def _resolve(qualified: str) -> Any:
    module_name, _, name = qualified.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        return None  # a name this numpy version does not have


def classify(func: Any) -> Rule | None:
    """The rule for a numpy function, or None when it is not classified.

    Examples
    --------
    >>> import numpy as np
    >>> classify(np.pad).family
    'custom'
    """
    return CLASSIFICATION.get(_qualified(func))


HANDLERS: dict[Any, rules.Handler] = {}
for _name, _rule in CLASSIFICATION.items():
    _func = _resolve(_name)
    if _func is not None:
        HANDLERS[_func] = _rule.make(_func)


def dispatch(spatial_cls: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Apply the table's rule for ``func``; an unclassified function gives a plain result and a warning."""
    handler = HANDLERS.get(func)
    if handler is None:
        rule = classify(func)  # numpy's internal `like=` dispatchers share a public function's name
        if rule is not None:
            handler = HANDLERS[func] = rule.make(func)
    if handler is not None:
        return handler(spatial_cls, args, kwargs)
    warnings.warn(
        f"{_qualified(func)} is not classified by spatial_ndarray yet; "
        "it ran on the plain values and its result has no geometry",
        GeometryDroppedWarning,
        stacklevel=4,
    )
    return func(*plain(args, spatial_cls), **plain(kwargs, spatial_cls))


#: The public numpy submodules whose functions, with numpy's namespace, make the set of SPEC SA-13.10.
#: numpy registers a submodule's overridable functions when it is imported: importing these fixes the set.
SUBMODULES = (
    "numpy.fft", "numpy.linalg", "numpy.lib.recfunctions", "numpy.lib.scimath", "numpy.lib.stride_tricks",
    "numpy.strings", "numpy.char", "numpy.polynomial", "numpy.ma",
)


def _public(qualified: str) -> bool:
    return not any(part.startswith("_") for part in qualified.split("."))


def overridable_functions() -> set[str]:
    """The set SPEC SA-13.10 defines: every public overridable function of numpy and `SUBMODULES`, by qualified name.

    Private helpers numpy also dispatches (``numpy.strings._join``) are outside the set;
    the table classifies them too, so they never fall back to the unclassified path.

    Examples
    --------
    >>> "numpy.pad" in overridable_functions() and "numpy.strings._join" not in overridable_functions()
    True
    """
    from numpy.testing.overrides import get_overridable_numpy_array_functions

    for module in SUBMODULES:
        importlib.import_module(module)
    names = map(_qualified, get_overridable_numpy_array_functions())
    return {name for name in names if name.startswith("numpy.") and _public(name)}


def spec_appendix() -> str:
    """The SPEC.md appendix: every public classified numpy function and its rule, as a Markdown table."""
    lines = ["| function | family | geometry |", "|---|---|---|"]
    for name in sorted(filter(_public, CLASSIFICATION)):
        rule = CLASSIFICATION[name]
        lines.append(f"| `{name.removeprefix('numpy.')}` | {rule.family} | {rule.note} |")
    return "\n".join(lines) + "\n"
