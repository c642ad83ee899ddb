"""Anatomical orientation codes, reorientation as a view, and LPS <-> RAS frame conversion (SPEC chapter 17).

Conventions, written out once:

- A **frame** (``meta["frame"]``, ``"LPS"`` after every reader and when absent) names
  where each physical axis points, in ITK's ``(x, y, z)`` order: ``"LPS"`` is x towards
  the patient's Left, y Posterior, z Superior (DICOM, ITK); ``"RAS"`` is nibabel's
  world. Our physical coordinates are in numpy order, ``(z, y, x)``, so physical axis
  ``r`` of a ``P``-D space points to ``frame[P - 1 - r]``.
- An **orientation code** has one letter per spatial axis **in numpy axis order**: the
  direction in which the index along that axis increases (nibabel's ``aff2axcodes``
  meaning). nibabel and ITK list voxel axes in ``(i, j, k)`` order, the reverse of
  numpy's for arrays read by our readers: nibabel's ``"RAS"`` canonical image is our
  code ``"SAR"``, and SimpleITK's ``DICOMOrient(image, "LPS")`` is our ``"SPL"``.
  Reverse the string to go between them.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

from ._array import SpatialArray
from .geometry import Geometry, closest_axes, reflected_points

__all__ = ["DEFAULT_FRAME", "convert_frame", "lps_to_ras", "orientation", "ras_to_lps", "reorient"]

#: The frame assumed when ``meta`` has none: every reader's (DICOM's and ITK's).
DEFAULT_FRAME = "LPS"

_OPPOSITE = {"L": "R", "R": "L", "P": "A", "A": "P", "S": "I", "I": "S"}
_PAIR = {letter: index for index, pair in enumerate(("LR", "PA", "SI")) for letter in pair}

T = TypeVar("T", SpatialArray, Geometry, np.ndarray)


def _checked_frame(frame: Any, p: int, field: str = "frame") -> str:
    if not isinstance(frame, str) or len(frame) < p or any(c not in _OPPOSITE for c in frame[:p].upper()):
        raise ValueError(
            f"{field} must name where each physical axis points in (x, y, z) order with letters L/R, P/A, S/I "
            f"(e.g. 'LPS' or 'RAS'), at least {p} of them; got {frame!r}"
        )
    letters = frame[:p].upper()
    if len({_PAIR[c] for c in letters}) != p:
        raise ValueError(f"{field} {frame!r} names the same anatomical axis twice")
    return letters


def _frame_of(array: SpatialArray) -> str:
    return _checked_frame((array._meta or {}).get("frame", DEFAULT_FRAME), array.geometry.physical_ndim, 'meta["frame"]')


def _letters(frame: str) -> list[str]:
    """The letter each physical axis points to, in numpy order (the frame string reversed)."""
    return list(frame[::-1])


def orientation(array: SpatialArray) -> str:
    """The anatomical direction each spatial axis points to, in numpy axis order (``aff2axcodes``' meaning).

    For an oblique image, the closest codes: the axis-aligned direction nearest to the
    image's (`spatial_ndarray.geometry.closest_axes`).

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> ct = sn.SpatialArray(np.zeros((2, 3, 4)), meta={"frame": "LPS"})
    >>> sn.orientation(ct)
    'SPL'
    >>> sn.orientation(ct[:, ::-1])
    'SAL'
    """
    if not isinstance(array, SpatialArray):
        raise TypeError(f"orientation needs a SpatialArray, got {type(array).__name__}")
    letters = _letters(_frame_of(array))
    axes, signs = closest_axes(array.geometry.direction)
    return "".join(letters[r] if s > 0 else _OPPOSITE[letters[r]] for r, s in zip(axes, signs))


def reorient(array: SpatialArray, codes: str) -> SpatialArray:
    """A view of ``array`` whose spatial axes point along ``codes`` (numpy axis order): transposes and flips only.

    Every element keeps its physical position (the geometry follows the view); no
    value is copied. For an oblique image the axes are matched by `orientation`, so the
    result is the closest axis-aligned orientation, as nibabel's
    ``as_closest_canonical`` gives. Component axes stay last.

    Parameters
    ----------
    codes : str
        One letter per spatial axis from L/R, P/A, S/I, each anatomical axis once,
        interpreted in the array's frame. nibabel's ``as_closest_canonical`` is
        ``reorient(a, "SAR")`` for a 3-D image; SimpleITK's ``DICOMOrient(img, "LPS")``
        is ``reorient(a, "SPL")`` (reverse ITK's and nibabel's strings).

    Raises
    ------
    ValueError
        ``codes`` of the wrong length, with letters outside L/R/P/A/S/I, naming an axis
        twice, or naming one the image does not span (an embedded slice).

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> a = sn.SpatialArray(np.arange(6.0).reshape(2, 3), meta={"frame": "LP"})
    >>> b = sn.reorient(a, "LA")
    >>> np.shares_memory(a, b), sn.orientation(b), b.shape
    (True, 'LA', (3, 2))
    """
    current = orientation(array)
    n = array.geometry.spatial_ndim
    if not isinstance(codes, str) or len(codes) != n or any(c not in _OPPOSITE for c in codes.upper()):
        raise ValueError(
            f"codes must have one letter from L/R, P/A, S/I per spatial axis ({n}, numpy order), got {codes!r}"
        )
    codes = codes.upper()
    source = {_PAIR[c]: i for i, c in enumerate(current)}
    wanted = [_PAIR[c] for c in codes]
    if len(set(wanted)) != n or any(w not in source for w in wanted):
        raise ValueError(
            f"codes {codes!r} must name each of this image's anatomical axes once; it points along {current!r}"
        )
    order = [source[w] for w in wanted]
    view = array.transpose(order + list(range(n, array.ndim)))
    flips = tuple(slice(None, None, -1) if current[i] != c else slice(None) for i, c in zip(order, codes))
    return view[flips] if any(f.step == -1 for f in flips) else view  # type: ignore[no-any-return]


def convert_frame(value: T, to: str, *, source: str | None = None) -> T:
    """The same positions written in frame ``to``: a SpatialArray (a view), a Geometry, or points ``(..., P)``.

    Frames differ only in the signs of their axes (``"LPS"`` and ``"RAS"`` negate x and
    y). ``source`` is the current frame: ``meta["frame"]`` for an array (LPS when
    absent), LPS for a Geometry or points when not given. Points are in numpy order,
    ``(..., z, y, x)``, as ``index_to_physical`` gives them.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> sn.convert_frame(np.array([10.0, 20.0, 30.0]), "RAS")
    array([ 10., -20., -30.])
    >>> img = sn.SpatialArray(np.zeros((2, 2, 2)), origin=[1.0, 2.0, 3.0])
    >>> ras = sn.lps_to_ras(img)
    >>> ras.meta["frame"], ras.origin
    ('RAS', array([ 1., -2., -3.]))
    """
    if isinstance(value, SpatialArray):
        p = value.geometry.physical_ndim
        start = _checked_frame(source, p, "source") if source is not None else _frame_of(value)
    elif isinstance(value, Geometry):
        p = value.physical_ndim
        start = _checked_frame(source if source is not None else DEFAULT_FRAME, p, "source")
    else:
        points = np.asarray(value, dtype=np.float64)
        if points.ndim == 0:
            raise ValueError(f"points must have a last axis of physical coordinates, got {value!r}")
        p = points.shape[-1]
        start = _checked_frame(source if source is not None else DEFAULT_FRAME, p, "source")
    target = _checked_frame(to, p, "to")
    begin, end = _letters(start), _letters(target)
    if [_PAIR[c] for c in begin] != [_PAIR[c] for c in end]:
        raise ValueError(f"frames {start!r} and {target!r} order their axes differently; only sign changes are converted")
    rows = [r for r in range(p) if begin[r] != end[r]]
    if isinstance(value, SpatialArray):
        meta = dict(value._meta or {})
        meta["frame"] = target
        return SpatialArray(value, geometry=value.geometry.reflected(rows), meta=meta)  # type: ignore[return-value]
    if isinstance(value, Geometry):
        return value.reflected(rows)  # type: ignore[return-value]
    return reflected_points(points, rows)  # type: ignore[return-value]


def lps_to_ras(value: T) -> T:
    """`convert_frame` from LPS (or the array's frame) to RAS."""
    return convert_frame(value, "RAS", source=None if isinstance(value, SpatialArray) else "LPS")


def ras_to_lps(value: T) -> T:
    """`convert_frame` from RAS (or the array's frame) to LPS."""
    return convert_frame(value, "LPS", source=None if isinstance(value, SpatialArray) else "RAS")

