"""nibabel images <-> SpatialArray.

The rule: geometry is kept in LPS (ITK's and DICOM's frame) and in numpy order, so
that a NIfTI file read through nibabel and through SimpleITK gives the same array
(axes ``(k, j, i)``) and the same geometry. nibabel's affine maps ``(i, j, k)`` to RAS+;
at the boundary R and A are negated and the axis order reversed. ``meta["frame"]``
records ``"LPS"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from .._tolerance import get_tolerance
from ..geometry import Geometry, affine_deviation
from ._common import FRAME, ORTHONORMALISED_KEY, READER_DIRECTION_BOUND, in_lps, optional
from ._dtypes import storable

__all__ = ["from_nibabel", "to_nibabel"]

_RAS_TO_LPS = np.array([-1.0, -1.0, 1.0])
#: Intent name of the vector images `to_nibabel` writes: how many of dims 1-4 are axes (the rest have length 1).
_AXES_MARK = "axes="


def _axes_of(image: Any, shape: tuple[int, ...]) -> tuple[tuple[int, ...], int]:
    """(i, j[, k][, t]) lengths and the number of vector components of a NIfTI data shape, as SimpleITK reads them.

    A vector image (intent ``vector``, 5 dims) keeps its components in dim 5; its
    unused trailing dims of length 1 are dropped (never below 2), unless the intent
    name, as `to_nibabel` writes it, says how many dims are axes (a 3-D vector image
    of one slice is otherwise indistinguishable from a 2-D one). A 4th dim of
    length 1 is dropped too.
    """
    intent, _, name = image.header.get_intent() if hasattr(image.header, "get_intent") else ("", (), "")
    if len(shape) == 5 and intent == "vector":
        if name.startswith(_AXES_MARK) and name[len(_AXES_MARK):].isdigit():  # written by to_nibabel: exact
            return tuple(shape[: int(name[len(_AXES_MARK):])]), shape[4]
        axes = list(shape[:4])
        while len(axes) > 2 and axes[-1] == 1:
            axes.pop()
        return tuple(axes), shape[4]
    if len(shape) > 4:
        raise ValueError(f"{len(shape)}-D NIfTI data without the vector intent is not supported (shape {shape})")
    axes = list(shape)
    if len(axes) == 4 and axes[3] == 1:
        axes.pop()
    return tuple(axes), 0


def _scaled(image: Any) -> np.ndarray:
    """The data as SimpleITK reads it: raw, or scaled (slope, intercept) in float64 and stored as float32 unless raw float64."""
    proxy = image.dataobj
    slope, inter = getattr(proxy, "slope", 1.0), getattr(proxy, "inter", 0.0)
    if not isinstance(proxy, np.ndarray) and (slope != 1.0 or inter != 0.0):
        raw = np.dtype(image.get_data_dtype())
        scaled = np.asarray(proxy.get_unscaled(), dtype=np.float64) * float(slope) + float(inter)
        return scaled if raw == np.float64 else scaled.astype(np.float32)
    return np.asanyarray(proxy)


def from_nibabel(image: Any) -> SpatialArray:
    """A SpatialArray from a nibabel spatial image (NIfTI, Analyze, MGH...), as SimpleITK reads the same file.

    The first up to 3 axes are spatial (a 2-D file gives ``N = 2``, and ``P = 2`` when
    the plane is the one at S = 0 that SimpleITK and `to_nibabel` write); a 4th
    (time) axis of length > 1 is a leading spatial axis; a vector image (intent
    ``vector``, components in dim 5) gives one trailing component axis. Values keep
    the stored dtype; with intensity scaling (``scl_slope``/``scl_inter``) they are
    computed in float64 and kept as float32 unless stored as float64, which is
    SimpleITK's rule (nibabel's own ``get_fdata`` keeps float64). The direction
    follows the readers' rule (SA-17.1).

    Raises
    ------
    ValueError
        The affine has shear beyond the readers' bound, which an orthonormal
        direction cannot represent.
    """
    nib = optional("nibabel", "nibabel")
    if not isinstance(image, nib.spatialimages.SpatialImage):
        raise TypeError(f"from_nibabel needs a nibabel image, got {type(image).__name__}")
    data = _scaled(image)
    source = image.get_filename() or "the nibabel image"
    axes, components = _axes_of(image, data.shape)
    data = data.reshape(axes + ((components,) if components else ()))
    n = min(len(axes), 3)
    affine = np.asarray(image.affine, dtype=np.float64)
    plane = n == 2 and np.allclose(affine[2, [0, 1, 3]], 0.0, atol=1e-9) and abs(affine[2, 2]) > 0
    rows = 2 if plane else 3  # a plane at S = 0 is a 2-D space, as SimpleITK reads it
    lps = np.zeros((rows + 1, n + 1))
    lps[:rows, :n] = affine[:rows, :n] * _RAS_TO_LPS[:rows, None]
    lps[:rows, n] = affine[:rows, 3] * _RAS_TO_LPS[:rows]
    lps[rows, n] = 1.0
    # (i, j, k) axes in an (x, y, z) frame, as ITK orders them; NIfTI stores affines in float32
    try:
        in_itk_order = Geometry.from_affine(lps, shear_tolerance=READER_DIRECTION_BOUND)
    except ValueError as error:
        reason = str(error).split(". affine=")[0]
        raise ValueError(f"{source}: the image's {reason}; resample it first. Its affine (RAS): {affine.tolist()!r}") from None
    deviation = affine_deviation(lps)
    meta: dict[str, Any] = {"frame": FRAME}
    if deviation > get_tolerance().direction:
        meta[ORTHONORMALISED_KEY] = deviation
    order = list(range(n))[::-1] + list(range(n, data.ndim))
    geometry = Geometry.from_itk(in_itk_order.origin, in_itk_order.spacing, in_itk_order.direction)  # numpy order
    if len(axes) == 4:
        # NIfTI's 4th dim is time: a leading spatial axis, as SimpleITK reads it (spacing pixdim[4], origin toffset)
        zooms = image.header.get_zooms()
        step = float(zooms[3]) if len(zooms) > 3 and float(zooms[3]) > 0 else 1.0
        offset = float(image.header.get("toffset", 0.0) or 0.0) if hasattr(image.header, "get") else 0.0
        time_direction = np.zeros((4, 4))
        time_direction[0, 0] = 1.0
        time_direction[1:, 1:] = geometry.direction
        geometry = Geometry(np.concatenate([[offset], geometry.origin]), np.concatenate([[step], geometry.spacing]), time_direction)
        order = [3] + order[:3] + list(range(4, data.ndim))
    return SpatialArray(data.transpose(order), geometry=geometry, meta=meta)


def to_nibabel(array: SpatialArray) -> Any:
    """A ``nibabel.Nifti1Image`` from a SpatialArray (see the module rule).

    An array in another frame than LPS (``meta["frame"]``, e.g. after `sn.lps_to_ras`)
    is converted first, so every voxel keeps its anatomical position.

    Raises
    ------
    ValueError
        More than 3 spatial axes, a physical space other than 3-D (or 2-D, placed at
        S = 0), or a ``meta["frame"]`` that names no frame.
    """
    nib = optional("nibabel", "nibabel")
    if not isinstance(array, SpatialArray):
        raise TypeError(f"to_nibabel needs a SpatialArray, got {type(array).__name__}")
    array = in_lps(array)  # our LPS convention; nibabel's RAS affine is made below
    geometry = array.geometry
    values = np.asarray(array)
    time: tuple[float, float] | None = None
    if geometry.spatial_ndim == 4 and geometry.physical_ndim == 4:
        direction4 = geometry.direction
        if not (np.allclose(direction4[0], [1, 0, 0, 0]) and np.allclose(direction4[:, 0], [1, 0, 0, 0])):
            raise ValueError("a 4-D array goes to NIfTI only with its first axis as time, apart from space")
        time = (float(geometry.origin[0]), float(geometry.spacing[0]))
        geometry = Geometry(geometry.origin[1:], geometry.spacing[1:], direction4[1:, 1:])
        values = np.moveaxis(values, 0, 3)  # time goes after the three spatial axes in NIfTI
    n, p = geometry.spatial_ndim, geometry.physical_ndim
    if n > 3 or p > 3:
        raise ValueError(f"NIfTI holds up to 3 spatial axes (and time) in 3-D space; this array has N={n}, P={p}")
    components = values.ndim - n - (time is not None)
    if components > 1:
        raise ValueError(
            f"NIfTI holds one component axis (a vector image); this array has {components}: "
            "reshape the components into one axis first"
        )
    # (i, j, k) -> RAS (x, y, z); a 2-D space sits at S = 0, and NIfTI's full 3-D affine completes a plane's axes
    affine = geometry.to_ijk_affine("RAS", size=3)
    order = list(range(n))[::-1] + list(range(n, values.ndim))
    data = storable(np.ascontiguousarray(values.transpose(order)), "NIfTI")
    if components:  # a NIfTI vector image, as SimpleITK writes it: (i, j, k, t, c) with unused dims of length 1
        data = data.reshape(data.shape[:-1] + (1,) * (5 - data.ndim) + data.shape[-1:])
    image = nib.Nifti1Image(data, affine, dtype=data.dtype)
    if components:
        image.header.set_intent("vector", name=f"{_AXES_MARK}{values.ndim - 1}")
    # the header stores float32; keep the in-memory affine exact (only a file rounds it)
    image.set_qform(affine, code=1, update_affine=False)
    image.set_sform(affine, code=1, update_affine=False)
    if time is not None:
        zooms = list(image.header.get_zooms())
        zooms[3] = time[1]
        image.header.set_zooms(zooms)
        image.header["toffset"] = time[0]
    return image
