"""``scipy.ndimage`` with geometry: same names, signatures and values, one table of rules.

``from spatial_ndarray import ndimage as ndi`` is a drop-in for ``from scipy import
ndimage as ndi``: every function runs scipy's own code on the plain values, so the
values, dtype and shape are scipy's (SPEC SA-16.1), and geometry is only added.
Each public function of ``scipy.ndimage`` is classified once in `CLASSIFICATION`
(SPEC chapter 16 and its appendix are generated from it):

===============  ================================================================
``filter``       same grid: the result carries the input's geometry (SA-16.2)
``morphology``   same grid (SA-16.2)
``label``        a labelled image on the same grid, and the count (SA-16.6)
``distance``     distances on the same grid; index arrays are plain (SA-16.2)
``zoom``         the exact grid scipy samples, with and without ``grid_mode`` (SA-16.3)
``shift``        values move within the grid, as ``np.roll``: same grid (SA-16.4)
``index_space``  plain: the transform is in index space; `spatial_ndarray.resample`
                 is the physical-space version (SA-16.5)
``measurement``  what scipy returns: indices stay indices (SA-16.7)
``objects``      scipy's slices: basic indices, views with exact geometry (SA-16.6)
``fourier``      plain: the input is a Fourier transform (SA-16.8)
``structure``    plain: structuring elements are kernels, not images (SA-16.8)
===============  ================================================================

Spatial arrays among the aligned arguments (``input``, ``mask``, ``markers``,
``labels`` and the ``output`` array) must lie on one grid, as ufunc operands do:
the mismatch is raised before anything is written (SA-16.9). Kernels
(``weights``, ``structure``, ``footprint``) are not aligned.

Examples
--------
>>> import numpy as np
>>> import spatial_ndarray as sn
>>> from spatial_ndarray import ndimage as ndi
>>> img = sn.SpatialArray(np.eye(4), origin=[10.0, 0.0], spacing=[2.0, 0.5])
>>> ndi.gaussian_filter(img, 1).origin
array([10.,  0.])
>>> ndi.zoom(img, 2, order=1).spacing.round(4).tolist()  # output k samples input k * 3 / 7
[0.8571, 0.2143]
>>> img.index_to_physical(ndi.center_of_mass(img))  # an index from scipy, placed in space
array([13.  ,  0.75])
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from scipy import ndimage as _scipy

from ._array import SpatialArray
from ._functions import disjoint as _disjoint  # one merge rule for every policy table
from ._operands import SpatialOperands, attach, plain
from .errors import GeometryDroppedWarning, GeometryMismatchError
from .geometry import Geometry

__all__ = ["CLASSIFICATION", "Rule", "spec_appendix"]  # the scipy names are added below


class Rule(NamedTuple):
    """How one ``scipy.ndimage`` function treats geometry."""

    family: str
    note: str
    aligned: tuple[str, ...] = ("input",)  # arguments on the input's grid (besides ``output``)
    outputs: tuple[str, ...] = ("output",)  # arguments scipy writes into


_PLAIN = ("index_space", "measurement", "objects", "fourier", "structure")


def _many(family: str, names: str, note: str, **fields: Any) -> dict[str, Rule]:
    return {name: Rule(family, note, **fields) for name in names.split()}


_RESAMPLE = (
    "plain: transforms index space (on an anisotropic grid an index-space rotation is no physical rotation); "
    "sn.resample with an sn.AffineTransform is the physical version"
)

CLASSIFICATION: dict[str, Rule] = _disjoint(
    _many("filter",
          "convolve convolve1d correlate correlate1d gaussian_filter gaussian_filter1d gaussian_gradient_magnitude "
          "gaussian_laplace generic_filter generic_filter1d generic_gradient_magnitude generic_laplace laplace "
          "maximum_filter maximum_filter1d median_filter minimum_filter minimum_filter1d percentile_filter prewitt "
          "rank_filter sobel uniform_filter uniform_filter1d vectorized_filter",
          "same grid (sizes and sigmas in voxels; sn.gaussian_filter, sn.median_filter take mm)"),
    {"spline_filter": Rule("filter", "same grid: spline coefficients at the voxel centres")},
    {"spline_filter1d": Rule("filter", "same grid: spline coefficients at the voxel centres")},
    _many("morphology",
          "binary_closing binary_dilation binary_erosion binary_opening binary_propagation",
          "same grid; mask aligned (sn.binary_dilation... take a ball in mm)", aligned=("input", "mask")),
    _many("morphology",
          "binary_fill_holes binary_hit_or_miss black_tophat grey_closing grey_dilation grey_erosion grey_opening "
          "morphological_gradient morphological_laplace white_tophat",
          "same grid"),
    {"watershed_ift": Rule("morphology", "same grid; markers aligned", aligned=("input", "markers"))},
    {"label": Rule("label", "labelled image on the same grid, and the count")},
    _many("distance", "distance_transform_bf distance_transform_cdt",
          "distances on the same grid in voxels (or sampling); indices plain", outputs=("distances",)),
    {"distance_transform_edt": Rule("distance", "distances on the same grid in voxels (or sampling; "
                                    "sn.distance_transform gives mm); indices plain", outputs=("distances",))},
    {"zoom": Rule("zoom", "the grid scipy samples: spacing x (n_in - 1)/(n_out - 1), or n_in/n_out with grid_mode")},
    {"shift": Rule("shift", "values move within the grid, as np.roll: same grid")},
    _many("index_space", "affine_transform geometric_transform map_coordinates rotate", _RESAMPLE, aligned=()),
    _many("measurement",
          "center_of_mass extrema histogram labeled_comprehension maximum maximum_position mean median minimum "
          "minimum_position standard_deviation sum sum_labels variance",
          "scipy's values; positions are indices: img.index_to_physical(position)", aligned=("input", "labels"),
          outputs=()),
    {"value_indices": Rule("measurement", "scipy's index arrays (plain)", aligned=("arr",), outputs=())},
    {"find_objects": Rule("objects", "scipy's slices: img[s] is a view with exact geometry", outputs=())},
    _many("fourier", "fourier_ellipsoid fourier_gaussian fourier_shift fourier_uniform",
          "plain: the input is a Fourier transform (np.fft results are plain)", aligned=()),
    _many("structure", "generate_binary_structure iterate_structure",
          "plain: a structuring element is a kernel, not an image", aligned=(), outputs=()),
)


class _Parameters:
    """Reads and replaces named arguments of one scipy function without ``Signature.bind`` (5x its cost per call)."""

    __slots__ = ("positions", "defaults")

    def __init__(self, func: Callable[..., Any]) -> None:
        self.positions: dict[str, int | None] = {}
        self.defaults: dict[str, Any] = {}
        for i, parameter in enumerate(inspect.signature(func).parameters.values()):
            positional = parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
            self.positions[parameter.name] = i if positional else None
            self.defaults[parameter.name] = None if parameter.default is parameter.empty else parameter.default

    def get(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        i = self.positions.get(name)
        if i is not None and i < len(args):
            return args[i]
        return kwargs.get(name, self.defaults.get(name))

    def replaced(self, name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        i = self.positions.get(name)
        if i is not None and i < len(args):
            return args[:i] + (value,) + args[i + 1 :], kwargs
        return args, {**kwargs, name: value}


def _has_geometry(value: Any) -> bool:
    # a SpatialArray whose geometry numpy lost counts as plain, as in every other operation
    return isinstance(value, SpatialArray) and value._geometry is not None


def _operands(parameters: _Parameters, args: tuple[Any, ...], kwargs: dict[str, Any], rule: Rule) -> SpatialOperands:
    """The aligned spatial arguments, checked to share one space (SA-16.2)."""
    operands = SpatialOperands()
    for name in rule.aligned:
        value = parameters.get(name, args, kwargs)
        if isinstance(value, SpatialArray):
            operands.add(value, name)
    return operands


def _zoom_grid(factor: Any, grid_mode: bool, image: SpatialArray) -> tuple[Geometry | None, tuple[int, ...]]:
    """The geometry and spatial shape of ``zoom``'s output, its shape computed as scipy computes it."""
    geometry = image.geometry
    n = geometry.spatial_ndim
    factors = np.atleast_1d(np.asarray(factor, dtype=np.float64))
    if factors.ndim != 1 or factors.size not in (1, image.ndim):
        return None, ()  # scipy raises its own error for a zoom of the wrong length
    factors = np.broadcast_to(factors, (image.ndim,))
    out_shape = tuple(int(round(length * factor)) for length, factor in zip(image.shape, factors.tolist()))
    return geometry.zoomed(image.shape[:n], out_shape[:n], bool(grid_mode)), out_shape[:n]


def _check_output(name: str, output: SpatialArray, geometry: Geometry | None, spatial_shape: tuple[int, ...]) -> None:
    """A spatial output array must be the result's grid, checked before scipy writes (SA-16.9)."""
    if geometry is None:
        raise GeometryMismatchError(
            f"{name}: this result has no grid (a zoom factor of 0), so it cannot be written into a SpatialArray; "
            f"pass np.asarray({name}) or a dtype"
        )
    n = geometry.spatial_ndim
    reason = None
    if output.geometry.spatial_ndim != n or output.shape[:n] != spatial_shape:
        reason = f"spatial shape differs: result {spatial_shape} vs {name} {output.shape[: output.geometry.spatial_ndim]}"
    else:
        reason = geometry.mismatch(output.geometry)
    if reason is not None:
        raise GeometryMismatchError(
            f"{name} is not on the result's grid: {reason}\n  result: {geometry!r}\n  {name}: {output.geometry!r}"
        )


def _wrap_same_grid(result: Any, operands: SpatialOperands) -> Any:
    """Every array of ``result`` on the operands' grid (same spatial shape and ndim) gets their geometry."""
    if isinstance(result, np.ndarray) and type(result) is np.ndarray:
        if operands.keeps(result.shape, result.ndim):
            return attach(result, operands.cls, operands.geometry, operands.meta)  # type: ignore[arg-type]
        return result
    if type(result) is tuple or type(result) is list:
        return type(result)(_wrap_same_grid(item, operands) for item in result)
    return result


def _returned_output(result: Any, passed: dict[int, SpatialArray]) -> Any:
    """Replace the plain views of spatial ``output`` arrays scipy returns by the arrays themselves (as ufunc ``out=``)."""
    if id(result) in passed:
        return passed[id(result)]
    if type(result) is tuple or type(result) is list:
        return type(result)(_returned_output(item, passed) for item in result)
    return result


def _wrapper(name: str, rule: Rule) -> Callable[..., Any]:
    func = getattr(_scipy, name)
    parameters = _Parameters(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        operands = _operands(parameters, args, kwargs, rule)
        zoom_grid: tuple[Geometry | None, tuple[int, ...]] | None = None
        if rule.family == "zoom":
            image = parameters.get("input", args, kwargs)
            if _has_geometry(image):
                zoom_grid = _zoom_grid(parameters.get("zoom", args, kwargs), parameters.get("grid_mode", args, kwargs), image)
        passed: dict[int, SpatialArray] = {}
        for out_name in rule.outputs:
            out = parameters.get(out_name, args, kwargs)
            if not _has_geometry(out):
                continue
            if zoom_grid is not None:
                _check_output(out_name, out, *zoom_grid)
            elif rule.family in _PLAIN:
                raise GeometryMismatchError(
                    f"{out_name}: scipy.ndimage.{name} works in index space ({rule.note}); its result has no grid, "
                    f"so it cannot be written into a SpatialArray. Pass np.asarray({out_name}) or a dtype"
                )
            else:
                operands.add(out, out_name)  # same grid: an operand, as a ufunc's out= (SA-7.2)
            view = out.view(np.ndarray)
            args, kwargs = parameters.replaced(out_name, view, args, kwargs)
            passed[id(view)] = out
        result = func(*plain(args, SpatialArray), **plain(kwargs, SpatialArray))
        if passed:
            result = _returned_output(result, passed)
        if operands.geometry is None or rule.family in _PLAIN:
            return result
        if zoom_grid is not None:
            geometry = zoom_grid[0]
            if geometry is None or type(result) is not np.ndarray:
                return result
            return attach(result, operands.cls, geometry, operands.meta)
        return _wrap_same_grid(result, operands)

    wrapper.__module__ = __name__
    wrapper.__doc__ = (
        f"``scipy.ndimage.{name}`` on the plain values, with geometry ({rule.family}: {rule.note}).\n\n"
        f"Parameters, values and errors are scipy's; see ``scipy.ndimage.{name}``.\n"
    )
    return wrapper


for _name, _rule in CLASSIFICATION.items():
    if hasattr(_scipy, _name):
        globals()[_name] = _wrapper(_name, _rule)
        __all__.append(_name)


def __getattr__(name: str) -> Any:
    """A ``scipy.ndimage`` function the table does not classify (a newer scipy's): plain result and a warning (SA-16.10)."""
    func = getattr(_scipy, name, None) if not name.startswith("_") else None
    if func is None or not callable(func):
        raise AttributeError(f"module 'spatial_ndarray.ndimage' has no attribute {name!r}")

    @functools.wraps(func)
    def unclassified(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"scipy.ndimage.{name} is not classified by spatial_ndarray.ndimage yet; "
            "it ran on the plain values and its result has no geometry",
            GeometryDroppedWarning,
            stacklevel=2,
        )
        return func(*plain(args, SpatialArray), **plain(kwargs, SpatialArray))

    return unclassified


def spec_appendix() -> str:
    """The SPEC.md appendix: every classified ``scipy.ndimage`` function and its rule, as a Markdown table."""
    lines = ["| function | family | geometry |", "|---|---|---|"]
    for name in sorted(CLASSIFICATION):
        rule = CLASSIFICATION[name]
        lines.append(f"| `{name}` | {rule.family} | {rule.note} |")
    return "\n".join(lines) + "\n"
