"""TorchIO ``ScalarImage`` / ``LabelMap`` <-> SpatialArray.

The conversion, written out (``D``, ``s``, ``o``: our direction, spacing, origin in
numpy order, LPS):

==================  =====================================  ==========================================
                    spatial_ndarray                        TorchIO image
==================  =====================================  ==========================================
values              ``(z, y, x[, c])``                     ``data`` ``(c, i, j, k)`` = ``values.transpose()``
                    ``(y, x[, c])`` (2-D)                  ``(c, i, j, 1)``
physical point      ``(z, y, x)`` in LPS                   ``(x, y, z)`` in RAS (x and y negated)
geometry            ``o``, ``s``, ``D``                    ``affine`` 4 x 4: ``[i, j, k, 1]`` -> ``[x, y, z, 1]``
==================  =====================================  ==========================================

so ``affine[:3, :N] = diag(-1, -1, 1) @ (D * s)[::-1, ::-1]`` and
``affine[:3, 3] = diag(-1, -1, 1) @ o[::-1]`` (`Geometry.to_ijk_affine` with size 3).
TorchIO holds every image as a volume: a 2-D image is ``(c, i, j, 1)``, its plane at
``z = 0`` when its space is 2-D, its ``k`` column the unit normal of the plane.
`to_torchio` records the array's ``N`` and ``P`` under the image key
``"spatial_ndarray"`` so that `from_torchio` gives the 2-D image back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import SpatialArray
from ._torch import RECORD_KEY, channel_first, frame_of, from_channel_first, geometry_of, record_of, require, tensor_values

__all__ = ["from_torchio", "to_torchio"]


def to_torchio(array: SpatialArray, label: bool = False) -> Any:
    """A ``torchio.ScalarImage`` (or ``torchio.LabelMap`` with ``label=True``) with the array's geometry.

    Parameters
    ----------
    array : SpatialArray
        2 or 3 spatial axes in a space of at most 3 dimensions, at most one
        component axis (it becomes the channel; a scalar image gets a length-1
        channel). Its geometry is read in ``meta["frame"]`` (LPS when absent).
    label : bool
        A ``LabelMap`` (TorchIO resamples it with nearest neighbour) instead of a
        ``ScalarImage``.

    Returns
    -------
    torchio.ScalarImage or torchio.LabelMap
        Its ``data`` shares memory with ``array`` unless torch cannot share it (a
        flipped view, a read-only array, non-native byte order are copied) or
        TorchIO converts the dtype (it stores bool as uint8).

    Raises
    ------
    ValueError
        Other than 2 or 3 spatial axes, a space of more than 3 dimensions, more
        than one component axis, an unknown ``meta["frame"]``.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> img = sn.SpatialArray(np.zeros((4, 5, 6), np.float32), origin=[1.0, 2.0, 3.0], spacing=[3.0, 2.0, 1.0])
    >>> image = sn.to_torchio(img)
    >>> image.shape, image.spacing, [float(x) for x in image.origin]  # TorchIO's own (i, j, k) spacing and RAS origin
    ((1, 6, 5, 4), (1.0, 2.0, 3.0), [-3.0, -2.0, 1.0])
    """
    tio = require("torchio")
    if isinstance(array, SpatialArray) and not (2 <= array.spatial_ndim <= 3 and array.geometry.physical_ndim <= 3):
        raise ValueError(
            f"to_torchio: TorchIO images have 2 or 3 spatial axes in 3-D space; this array has "
            f"N={array.spatial_ndim} (spatial_ndim), P={array.geometry.physical_ndim} (physical_ndim)"
        )
    tensor, n = channel_first(array, "to_torchio")
    if n == 2:
        tensor = tensor[..., None]  # (c, i, j, 1): TorchIO's 2-D image
    affine = array.geometry.to_ijk_affine("RAS", geometry_frame=frame_of(array, "to_torchio"), size=3)
    kind = tio.LabelMap if label else tio.ScalarImage
    return kind(tensor=tensor, affine=affine, **{RECORD_KEY: record_of(array)})


def from_torchio(image: Any, *, spatial_ndim: int | None = None) -> SpatialArray:
    """A SpatialArray (LPS, numpy order) from a TorchIO image (see the module's table).

    Values ``(c, i, j, k)`` come back as ``(z, y, x, c)``, a length-1 channel as a
    scalar image; the result shares the image's memory.

    Parameters
    ----------
    image : torchio.Image
        A ``ScalarImage`` or ``LabelMap`` (loaded from its file if it is not yet).
    spatial_ndim : {None, 2, 3}
        2 reads a ``(c, i, j, 1)`` image as 2-D. By default, what `to_torchio`
        recorded (while the last axis still has length 1), else 3. A 2-D image is
        embedded in 3-D space (``P = 3``) unless it was 2-D in a 2-D space and its
        plane is still the one at ``z = 0``.

    Raises
    ------
    TypeError
        Not a TorchIO image.
    ValueError
        ``spatial_ndim`` not 2 or 3 (or 2 for an image whose last axis is not of
        length 1), data off the CPU, a sheared affine; each message names the field.

    Examples
    --------
    >>> import numpy as np, spatial_ndarray as sn
    >>> img = sn.SpatialArray(np.zeros((5, 6), np.float32), origin=[2.0, 3.0], spacing=[2.0, 1.0])
    >>> back = sn.from_torchio(sn.to_torchio(img))
    >>> back.shape, back.origin
    ((5, 6), array([2., 3.]))
    """
    tio = require("torchio")
    if not isinstance(image, tio.Image):
        raise TypeError(f"from_torchio needs a torchio.Image (ScalarImage or LabelMap), got {type(image).__name__}")
    values = tensor_values(image.data, "from_torchio", "image.data")
    if spatial_ndim is not None and spatial_ndim not in (2, 3):
        raise ValueError(f"from_torchio: spatial_ndim must be None, 2 or 3; got {spatial_ndim!r}")
    affine = np.asarray(image.affine, dtype=np.float64)
    geometry, values = geometry_of(affine, values, image.get(RECORD_KEY), spatial_ndim, "RAS", "from_torchio", "image.affine")
    return SpatialArray(from_channel_first(values), geometry=geometry, meta={"frame": "LPS"})
