"""What the MONAI and TorchIO converters share: optional imports, and values <-> channel-first torch tensors.

The layout rule, written out: our values are ``(z, y, x[, c])`` (numpy order, one
optional trailing component axis); MONAI and TorchIO want ``(c, i, j, k)`` with
``(i, j, k) = (x, y, z)``. That is the reverse of every axis, ``values.transpose()``:
a view, which torch shares without copying (``torch.from_numpy`` takes any
non-negative strides). A scalar image gets a length-1 channel in front, also a view.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from .._array import SpatialArray
from ..geometry import FRAMES, Geometry
from ._common import optional

__all__ = ["RECORD_KEY", "channel_first", "frame_of", "from_channel_first", "geometry_of", "record_of", "require", "tensor_values"]

#: The key under which `to_monai` and `to_torchio` record ``{"spatial_ndim": N, "physical_ndim": P}``: a 2-D image
#: travels as a volume one voxel thick (the only layout in which both libraries keep an embedded slice right).
RECORD_KEY = "spatial_ndarray"


def require(module: str) -> ModuleType:
    """Import torch, monai or torchio, or raise an ImportError saying what to install (the ``dl`` extra)."""
    return optional(module, module)


def frame_of(array: SpatialArray, caller: str) -> str:
    """The frame the array's geometry is written in (``meta["frame"]``, LPS when absent), checked."""
    frame = (array._meta or {}).get("frame", "LPS")
    if frame not in FRAMES:
        raise ValueError(f"{caller} reads the geometry in meta['frame'], which must be one of {FRAMES}; got {frame!r}")
    return str(frame)


def channel_first(array: SpatialArray, caller: str) -> tuple[Any, int]:
    """A CPU torch tensor ``(c, i, j, k)`` of the array's values (a view when torch can share them) and ``N``.

    It copies only when torch cannot share the memory: negative strides (a flipped
    view), a read-only array (torch tensors cannot be read-only; writing through a
    shared one would change the array) or non-native byte order.
    """
    torch = require("torch")
    if not isinstance(array, SpatialArray):
        raise TypeError(f"{caller} needs a SpatialArray, got {type(array).__name__}")
    values = np.asarray(array)
    n = array.spatial_ndim
    components = values.ndim - n
    if components > 1:
        raise ValueError(
            f"{caller}: torch images have one channel axis; this array has {components} component axes "
            f"(shape {values.shape}, N={n}): reshape the components into one axis first"
        )
    if any(s < 0 for s in values.strides) or not values.flags.writeable or not values.dtype.isnative:
        # copied in its own order (a transposing copy would cost 20x more), so the tensor is a Fortran-ordered view
        values = np.array(values, dtype=values.dtype.newbyteorder("="), order="C", copy=True)  # writeable, always
    layout = values.transpose()  # (c, i, j, k) or (i, j, k): every axis reversed
    if components == 0:
        layout = layout[np.newaxis]
    try:
        tensor = torch.from_numpy(layout)
    except TypeError:
        raise TypeError(f"{caller}: torch has no dtype for the array's dtype {values.dtype}; convert it with astype first") from None
    return tensor, n


def tensor_values(tensor: Any, caller: str, field: str) -> np.ndarray:
    """The values of a CPU torch tensor as a numpy array sharing its memory (detached from autograd)."""
    torch = require("torch")
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{caller}: {field} must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.device.type != "cpu":
        raise ValueError(f"{caller}: {field} is on device {str(tensor.device)!r}; move it to the CPU first (tensor.cpu())")
    plain = tensor.as_subclass(torch.Tensor) if type(tensor) is not torch.Tensor else tensor
    values: np.ndarray = plain.detach().resolve_conj().resolve_neg().numpy()
    return values


def from_channel_first(values: np.ndarray) -> np.ndarray:
    """``(c, i, j, k)`` values back to ``(z, y, x[, c])`` (a view): a length-1 channel becomes a scalar image."""
    layout = values.transpose()  # (k, j, i, c)
    if values.shape[0] == 1:
        layout = layout[..., 0]
    return layout


def record_of(array: SpatialArray) -> dict[str, int]:
    """What the way back needs to give a 2-D image back as 2-D: ``N`` and ``P``."""
    return {"spatial_ndim": array.spatial_ndim, "physical_ndim": array.geometry.physical_ndim}


def geometry_of(
    affine: np.ndarray, values: np.ndarray, record: Any, spatial_ndim: int | None, frame: str, caller: str, field: str
) -> tuple[Geometry, np.ndarray]:
    """The geometry of channel-first ``values`` under a square ``(i, j, k)`` ``affine``, and the values without dropped axes.

    ``N`` is ``spatial_ndim`` if given, else what was recorded (`record_of`) while the
    axes beyond it still have length 1, else every axis. ``P`` is the recorded one;
    without a record, ``N`` when the grid lies in the affine's first ``N``
    coordinates at 0 (a 2-D image in the z = 0 plane, as MONAI and SimpleITK read
    2-D images), else the affine's dimension (a slice embedded in 3-D).
    """
    axes = values.ndim - 1
    recorded_n = recorded_p = None
    if isinstance(record, dict):
        try:
            recorded_n, recorded_p = int(record["spatial_ndim"]), int(record["physical_ndim"])
        except (KeyError, TypeError, ValueError):
            recorded_n = recorded_p = None
    flat = recorded_n is not None and 1 <= recorded_n <= axes and all(length == 1 for length in values.shape[1 + recorded_n :])
    n = spatial_ndim if spatial_ndim is not None else (recorded_n if flat and recorded_n is not None else axes)
    if not isinstance(n, (int, np.integer)) or not 1 <= n <= axes or any(length != 1 for length in values.shape[1 + n :]):
        raise ValueError(
            f"{caller}: spatial_ndim must be an integer from 1 to {axes} with only length-1 axes after it; got {n!r} "
            f"for channel-first data of shape {tuple(values.shape)}"
        )
    size = affine.shape[0] - 1
    if affine.ndim != 2 or affine.shape[0] != affine.shape[1] or size < axes:
        raise ValueError(
            f"{caller}: {field} must be square (D+1, D+1) with D >= {axes} (the data's spatial axes, shape "
            f"{tuple(values.shape)}); got shape {affine.shape}"
        )
    try:
        geometry = None
        if size > n and (recorded_p is None or recorded_p < size):
            try:
                geometry = Geometry.from_ijk_affine(affine, n, frame, physical_ndim=max(n, recorded_p or n))
            except ValueError:
                geometry = None  # the grid leaves that smaller space: keep the affine's
        if geometry is None:
            geometry = Geometry.from_ijk_affine(affine, n, frame)
    except ValueError as error:
        raise ValueError(f"{caller}: {field} ({frame}) does not describe a grid: {error}") from None
    return geometry, values.reshape(values.shape[: 1 + n])
