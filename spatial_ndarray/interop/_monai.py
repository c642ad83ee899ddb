"""MONAI ``MetaTensor`` <-> SpatialArray.

The conversion, written out (``D``, ``s``, ``o``: our direction, spacing, origin in
numpy order, LPS; ``c``: the channel):

==================  =====================================  ==========================================
                    spatial_ndarray                        MONAI ``MetaTensor``
==================  =====================================  ==========================================
values              ``(z, y, x[, c])``                     ``(c, i, j, k)`` = ``values.transpose()``
                                                           (a length-1 channel for a scalar image)
physical point      ``(z, y, x)`` in LPS                   ``(x, y, z)`` in ``meta["space"]``
                                                           (RAS: x and y negated)
geometry            ``o``, ``s``, ``D`` (P x N)            ``affine`` ``(P+1, P+1)``: ``[i, j, k, 1]``
                                                           -> ``[x, y, z, 1]``
==================  =====================================  ==========================================

so ``affine[:P, :N] = diag(f) @ (D * s)[::-1, ::-1]`` and ``affine[:P, P] = diag(f) @ o[::-1]``,
with ``f = (-1, -1, 1)`` for RAS and ``(1, 1, 1)`` for LPS (`Geometry.to_ijk_affine`).
A 2-D image in a 2-D space gets a 3 x 3 affine, as MONAI's ITK reader gives. MONAI
reads a 2-D tensor's geometry from ``affine[:2, :2]`` (``affine_to_spacing``,
``to_affine_nd``), i.e. in the z = 0 plane, so a 2-D slice embedded in 3-D space
travels as a volume one voxel thick, ``(c, i, j, 1)`` with a 4 x 4 affine whose third
column is the plane's unit normal; ``meta["spatial_ndarray"]`` records ``N`` and ``P``
so that `from_monai` gives the slice back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from ..geometry import FRAMES, Geometry
from ._torch import RECORD_KEY, channel_first, frame_of, from_channel_first, geometry_of, record_of, require, tensor_values

__all__ = ["from_monai", "to_monai"]

#: MONAI's own ``meta`` keys, which describe the MetaTensor and are not carried into ours.
_MONAI_KEYS = frozenset(
    {"affine", "original_affine", "space", "spatial_shape", "original_channel_dim", "pixdim", "original_pixdim", "saved_to"}
)


def to_monai(array: SpatialArray, *, space: str = "RAS") -> Any:
    """A ``monai.data.MetaTensor`` (channel-first, ``(c, i, j, k)``) with the array's geometry as its affine.

    Parameters
    ----------
    array : SpatialArray
        At most one component axis (it becomes the channel; a scalar image gets a
        length-1 channel). Its geometry is read in ``meta["frame"]`` (LPS, our
        readers' frame, when absent).
    space : {"RAS", "LPS"}
        The frame of the affine, written to ``meta["space"]``. RAS is MONAI's
        default, which its transforms assume unless ``meta["space"]`` says LPS.

    Returns
    -------
    monai.data.MetaTensor
        On the CPU. It shares memory with ``array`` unless torch cannot share it: a
        flipped view (negative strides), a read-only array or non-native byte order
        are copied. String entries of ``array.meta`` (but ``frame``) are carried into
        the tensor's ``meta``.

    Raises
    ------
    ValueError
        More than one component axis, an unknown ``space`` or ``meta["frame"]``.
    TypeError
        Not a SpatialArray, or a dtype torch does not have.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> img = sn.SpatialArray(np.zeros((4, 5, 6), np.float32), origin=[1.0, 2.0, 3.0], spacing=[3.0, 2.0, 1.0])
    >>> tensor = sn.to_monai(img)
    >>> tuple(tensor.shape), tensor.meta["space"]
    ((1, 6, 5, 4), 'RAS')
    >>> tensor.affine[:3].tolist()  # i -> x (R = -L), j -> y (A = -P), k -> z; origin (-3, -2, 1)
    [[-1.0, 0.0, 0.0, -3.0], [0.0, -2.0, 0.0, -2.0], [0.0, 0.0, 3.0, 1.0]]
    """
    monai = require("monai")
    torch = require("torch")
    tensor, n = channel_first(array, "to_monai")
    if space not in FRAMES:
        raise ValueError(f"to_monai: space must be one of {FRAMES} (MONAI's meta['space']), got {space!r}")
    p = array.geometry.physical_ndim
    affine = array.geometry.to_ijk_affine(space, geometry_frame=frame_of(array, "to_monai"))
    meta: dict[str, Any] = {
        key: value for key, value in (array._meta or {}).items() if isinstance(value, str) and key != "frame" and key not in _MONAI_KEYS
    }
    if p > n:  # an embedded slice: a volume one voxel thick along each missing axis (see the module's note)
        tensor = tensor.reshape(tuple(tensor.shape) + (1,) * (p - n))
        meta[RECORD_KEY] = record_of(array)
    meta.update({"space": space, "original_channel_dim": 0, "spatial_shape": np.array(tensor.shape[1:])})
    return monai.data.MetaTensor(tensor, affine=torch.from_numpy(affine), meta=meta)


def from_monai(tensor: Any) -> SpatialArray:
    """A SpatialArray (LPS, numpy order) from a channel-first ``monai.data.MetaTensor``, in either space.

    The inverse of `to_monai` (see the module's table): values ``(c, i, j, k)`` come
    back as ``(z, y, x, c)``, a length-1 channel as a scalar image; ``meta["space"]``
    (RAS when absent, MONAI's default) says which frame the affine is in. A slice
    `to_monai` sent as a one-voxel-thick volume comes back as the slice. A
    ``(D+1, D+1)`` affine with fewer spatial axes ``N < D`` (MONAI's default 4 x 4 on
    a 2-D tensor) gives a 2-D space when the grid lies in the z = 0 plane, as MONAI
    reads it, else a slice embedded in ``D``-D space. No copy: the result shares the
    tensor's memory.

    Raises
    ------
    TypeError
        Not a MetaTensor.
    ValueError
        A batch (``is_batch``), pending lazy operations, no spatial axis, a tensor
        off the CPU, an affine that is not square or has fewer axes than the tensor,
        a sheared affine, or an unknown ``meta["space"]``; each message names the
        field.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> img = sn.SpatialArray(np.zeros((4, 5, 6), np.float32), origin=[1.0, 2.0, 3.0], spacing=[3.0, 2.0, 1.0])
    >>> sn.from_monai(sn.to_monai(img, space="LPS")).origin
    array([1., 2., 3.])
    """
    monai = require("monai")
    if not isinstance(tensor, monai.data.MetaTensor):
        raise TypeError(
            f"from_monai needs a monai.data.MetaTensor, got {type(tensor).__name__}; a plain tensor has no geometry: "
            "wrap it as MetaTensor(tensor, affine=...)"
        )
    if tensor.is_batch:
        raise ValueError(
            f"from_monai converts one image; this MetaTensor is a batch (is_batch=True, shape {tuple(tensor.shape)}): "
            "convert its items (monai.data.decollate_batch)"
        )
    if tensor.pending_operations:
        raise ValueError(
            f"from_monai: the MetaTensor has {len(tensor.pending_operations)} pending lazy operations, so its data and "
            "affine disagree; apply them first (monai.transforms.apply_pending)"
        )
    values = tensor_values(tensor, "from_monai", "the MetaTensor")
    if values.ndim < 2:
        raise ValueError(
            f"from_monai needs a channel-first tensor (c, i[, j[, k]]) with at least one spatial axis; tensor.ndim is {values.ndim}"
        )
    affine = tensor_values(tensor.affine, "from_monai", "MetaTensor.affine").astype(np.float64)
    space = tensor.meta.get("space", "RAS")
    space = getattr(space, "value", space)  # MONAI's SpaceKeys enum
    if space not in FRAMES:
        raise ValueError(f"from_monai: meta['space'] must be one of {FRAMES}, got {space!r}")
    geometry, values = geometry_of(affine, values, tensor.meta.get(RECORD_KEY), None, space, "from_monai", "MetaTensor.affine")
    meta: dict[str, Any] = {key: value for key, value in tensor.meta.items() if isinstance(value, str) and key not in _MONAI_KEYS}
    meta["frame"] = "LPS"
    return SpatialArray(from_channel_first(values), geometry=geometry, meta=meta)
