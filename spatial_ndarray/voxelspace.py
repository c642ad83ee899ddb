"""`keep_geometry`: run a voxel-space function (scikit-image's, your own) and keep the input's grid (SPEC SA-16.13).

scikit-image and scipy work in voxel space and leave geometry to the library above
them. Some of their functions happen to return our subclass, most return plain
arrays; this decorator makes the answer one rule: the function runs on the plain
values, and a result on the input's grid gets the input's geometry.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from ._array import SpatialArray
from ._operands import SpatialOperands, attach, plain
from .errors import GeometryDroppedWarning

__all__ = ["keep_geometry"]

F = TypeVar("F", bound=Callable[..., Any])


def _accepts_spacing(func: Callable[..., Any]) -> bool:
    try:
        parameter = inspect.signature(func).parameters.get("spacing")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)


def _spatial_operands(args: tuple[Any, ...], kwargs: dict[str, Any]) -> SpatialOperands:
    """Every SpatialArray argument, checked to lie on one grid (an image and its mask or markers)."""
    operands = SpatialOperands()
    for i, value in enumerate(args):
        if isinstance(value, SpatialArray):
            operands.add(value, f"argument {i}")
    for name, value in kwargs.items():
        if isinstance(value, SpatialArray):
            operands.add(value, name)
    return operands


def _regrid(result: Any, operands: SpatialOperands, off_grid: list[tuple[int, ...]]) -> Any:
    """Arrays of ``result`` with the input's spatial shape (and leading spatial axes) get its geometry."""
    if type(result) is np.ndarray or isinstance(result, SpatialArray):
        values = result.view(np.ndarray)
        n = len(operands.spatial_shape)
        if values.ndim >= n and values.shape[:n] == operands.spatial_shape:
            return attach(values, operands.cls, operands.geometry, operands.meta)  # type: ignore[arg-type]
        if values.ndim:
            off_grid.append(values.shape)
        return values
    if type(result) is tuple or type(result) is list:
        return type(result)(_regrid(item, operands, off_grid) for item in result)
    return result


def keep_geometry(func: F) -> F:
    """Decorate a voxel-space function so its result keeps the input's geometry.

    The wrapped function runs on the plain values (every SpatialArray argument is
    passed as ``np.asarray``; several must lie on one grid). Each array it returns
    (alone, or in a tuple or list) whose leading axes have the input's spatial shape
    gets the input's geometry; any other array is returned plain, with one
    `GeometryDroppedWarning` naming the shapes (a resized image is on another grid:
    `spatial_ndarray.resample_to_spacing` resizes in physical space). Other results
    (scalars, region lists) are returned as they are.

    It stamps the input's grid on any result of the same spatial shape, so it must
    not be used for functions that move voxels within the same shape (transposes,
    flips, rotations such as ``skimage.transform.rotate``, ``np.transpose``): those
    give wrong geometry; use `spatial_ndarray.resample`, `spatial_ndarray.reorient`
    or numpy's own functions on the SpatialArray instead.

    When ``func`` has a ``spacing`` parameter and the call does not give one, the
    input's spacing is passed, in numpy axis order (scikit-image's order). Such
    functions give lengths and coordinates scaled by the spacing but measured along
    the array axes from element 0: ``img.origin + coords @ img.direction.T`` places
    them in physical space.

    Parameters
    ----------
    func : callable
        The voxel-space function; anything else raises ``TypeError``.

    Returns
    -------
    callable
        ``func`` with the geometry handling above.

    Examples
    --------
    >>> import spatial_ndarray as sn
    >>> @keep_geometry
    ... def threshold(image, level):
    ...     return np.asarray(image) > level
    >>> img = sn.SpatialArray(np.arange(4.0), origin=[5.0], spacing=[2.0])
    >>> threshold(img, 1.5).origin
    array([5.])
    >>> @keep_geometry
    ... def lengths(mask, spacing=None):
    ...     return np.count_nonzero(mask) * spacing[0]
    >>> float(lengths(img > 1.5))
    4.0
    """
    if not callable(func):
        raise TypeError(f"keep_geometry needs a function to wrap (func), got {type(func).__name__} {func!r}; "
                        "use it as @sn.keep_geometry or sn.keep_geometry(func)(image, ...)")
    passes_spacing = _accepts_spacing(func)
    name = getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        operands = _spatial_operands(args, kwargs)
        if operands.geometry is None:
            return func(*args, **kwargs)
        if passes_spacing:
            bound = inspect.signature(func).bind_partial(*args, **kwargs)
            if bound.arguments.get("spacing") is None:  # not given, or given as None
                bound.arguments["spacing"] = tuple(operands.geometry.spacing.tolist())
                args, kwargs = bound.args, bound.kwargs
        result = func(*plain(args, SpatialArray), **plain(kwargs, SpatialArray))
        off_grid: list[tuple[int, ...]] = []
        result = _regrid(result, operands, off_grid)
        if off_grid:
            shapes = ", ".join(str(shape) for shape in off_grid)
            warnings.warn(
                f"{name} returned arrays of shape {shapes}, not on the input's grid (spatial shape "
                f"{operands.spatial_shape}): they are returned without geometry. To change the grid in physical "
                "space use sn.resample or sn.resample_to_spacing; coordinates in index units map to physical "
                "points with img.index_to_physical",
                GeometryDroppedWarning,
                stacklevel=2,
            )
        return result

    return wrapper  # type: ignore[return-value]
