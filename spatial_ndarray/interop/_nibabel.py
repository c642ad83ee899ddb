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
from ..geometry import Geometry, orthonormal_complement
from ._common import FRAME, optional

__all__ = ["from_nibabel", "to_nibabel"]

_RAS_TO_LPS = np.array([-1.0, -1.0, 1.0])


def from_nibabel(image: Any) -> SpatialArray:
    """A SpatialArray from a nibabel spatial image (NIfTI, Analyze, MGH...).

    The first ``min(ndim, 3)`` axes are spatial, any further ones (time, vector
    components) component axes. Values keep the stored dtype when the file has no
    scaling.

    Raises
    ------
    ValueError
        The affine has shear (its columns are not orthogonal), which an orthonormal
        direction cannot represent.
    """
    nib = optional("nibabel", "nibabel")
    if not isinstance(image, nib.spatialimages.SpatialImage):
        raise TypeError(f"from_nibabel needs a nibabel image, got {type(image).__name__}")
    data = np.asanyarray(image.dataobj)
    n = min(data.ndim, 3)
    affine = np.asarray(image.affine, dtype=np.float64)
    lps = np.zeros((4, n + 1))
    lps[:3, :n] = affine[:3, :n] * _RAS_TO_LPS[:, None]
    lps[:3, n] = affine[:3, 3] * _RAS_TO_LPS
    lps[3, n] = 1.0
    # (i, j, k) axes in an (x, y, z) frame, as ITK orders them; NIfTI stores affines in float32
    try:
        in_itk_order = Geometry.from_affine(lps, shear_tolerance=max(get_tolerance().direction, 1e-5))
    except ValueError as error:
        reason = str(error).split(". affine=")[0]
        raise ValueError(f"the image's {reason}; resample it first. Its affine (RAS): {affine.tolist()!r}") from None
    order = list(range(n))[::-1] + list(range(n, data.ndim))
    geometry = Geometry.from_itk(in_itk_order.origin, in_itk_order.spacing, in_itk_order.direction)  # numpy order
    if data.ndim >= 4 and n == 3:
        # NIfTI's 4th dim is time: a leading spatial axis, as SimpleITK reads it (spacing pixdim[4], origin toffset)
        zooms = image.header.get_zooms()
        step = float(zooms[3]) if len(zooms) > 3 and float(zooms[3]) > 0 else 1.0
        offset = float(image.header.get("toffset", 0.0) or 0.0) if hasattr(image.header, "get") else 0.0
        time_direction = np.zeros((4, 4))
        time_direction[0, 0] = 1.0
        time_direction[1:, 1:] = geometry.direction
        geometry = Geometry(np.concatenate([[offset], geometry.origin]), np.concatenate([[step], geometry.spacing]), time_direction)
        order = [3] + order[:3] + list(range(4, data.ndim))
    return SpatialArray(data.transpose(order), geometry=geometry, meta={"frame": FRAME})


def to_nibabel(array: SpatialArray) -> Any:
    """A ``nibabel.Nifti1Image`` from a SpatialArray in the LPS frame (see the module rule).

    Raises
    ------
    ValueError
        More than 3 spatial axes, a physical space other than 3-D (or 2-D, placed at
        S = 0), or ``meta["frame"]`` other than LPS.
    """
    nib = optional("nibabel", "nibabel")
    if not isinstance(array, SpatialArray):
        raise TypeError(f"to_nibabel needs a SpatialArray, got {type(array).__name__}")
    frame = (array._meta or {}).get("frame", FRAME)
    if frame != FRAME:
        raise ValueError(f"to_nibabel writes LPS geometry; this array's meta says frame={frame!r}")
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
    origin = np.zeros(3)
    direction = np.zeros((3, n))
    origin[3 - p :] = geometry.origin  # numpy order (z, y, x): a 2-D space sits in (y, x)
    direction[3 - p :] = geometry.direction
    # back to (i, j, k) axes and the (x, y, z) frame, then LPS -> RAS
    columns = (direction[::-1, ::-1] * geometry.spacing[::-1]) * _RAS_TO_LPS[:, None]
    affine = np.eye(4)
    affine[:3, :n] = columns
    if n < 3:  # NIfTI wants a full 3-D affine: complete the plane's axes with unit normals
        affine[:3, n:3] = orthonormal_complement(columns / geometry.spacing[::-1])
    affine[:3, 3] = origin[::-1] * _RAS_TO_LPS
    order = list(range(n))[::-1] + list(range(n, values.ndim))
    image = nib.Nifti1Image(np.ascontiguousarray(values.transpose(order)), affine)
    # the header stores float32; keep the in-memory affine exact (only a file rounds it)
    image.set_qform(affine, code=1, update_affine=False)
    image.set_sform(affine, code=1, update_affine=False)
    if time is not None:
        zooms = list(image.header.get_zooms())
        zooms[3] = time[1]
        image.header.set_zooms(zooms)
        image.header["toffset"] = time[0]
    return image
