"""``sn.imshow``: a 2-D image (or a 2-D slice of a volume) drawn with matplotlib on physical axes.

Every voxel is drawn as its box (SA-3.1) at its physical position: the extent is
computed from the voxel boxes' outer edges (`Geometry.box_edges`), flipped and
swapped axes are put the right way round, and the axes are labelled with the
physical axis names and units. Physical axes increase to the right and upwards.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._array import SpatialArray
from ._units import physical_axis_names, spatial_units

__all__ = ["imshow"]


def imshow(image: SpatialArray, ax: Any = None, **kwargs: Any) -> Any:
    """Show a 2-D spatial image on physical axes with matplotlib; return the ``AxesImage``.

    Parameters
    ----------
    image : SpatialArray
        Two spatial axes, optionally one trailing component axis of 3 or 4
        (RGB/RGBA). A slice of a volume (``P > 2``) is drawn in its plane: on the
        two physical axes it runs along when it is axis-aligned, else in
        coordinates along its own axes (said in the title).
    ax : matplotlib Axes, optional
        Default ``plt.gca()``.
    **kwargs
        Passed to ``ax.imshow`` (default ``cmap="gray"``, ``interpolation="nearest"``).

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        Not two spatial axes, or component axes that are not one RGB(A) axis.

    Notes
    -----
    An oblique 2-D image (``P == 2``, direction not a signed permutation) is
    resampled (linear) onto an axis-aligned grid with its spacing that covers it,
    and the title says so.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, spatial_ndarray as sn
    >>> flipped = sn.SpatialArray(np.zeros((2, 3)), origin=[0.0, 10.0], direction=[[1, 0], [0, -1]])
    >>> sn.imshow(flipped).get_extent()
    [10.5, 7.5, 1.5, -0.5]
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("sn.imshow needs matplotlib: pip install 'spatial-ndarray[examples]'") from error
    if not isinstance(image, SpatialArray):
        raise TypeError(f"imshow needs a SpatialArray, got {type(image).__name__}")
    geometry = image.geometry
    if geometry.spatial_ndim != 2:
        raise ValueError(
            f"imshow shows 2 spatial axes, got {geometry.spatial_ndim} (shape {image.shape}): "
            "pick a slice first, e.g. image[k] or image[:, k]"
        )
    components = image.shape[2:]
    if components and (len(components) > 1 or components[0] not in (3, 4)):
        raise ValueError(f"imshow shows one RGB(A) component axis of 3 or 4, got component shape {components}: pick one, image[..., c]")
    title = ""
    plane, rows = geometry.in_plane()
    if plane.axis_alignment() is None:  # oblique in its own plane: put it on an axis-aligned display grid
        from .resample import resample_to_fit
        from .transforms import AffineTransform

        image = resample_to_fit(image, AffineTransform(np.eye(2)), direction=np.eye(2))
        plane, rows = image.geometry, (0, 1)
        title = "oblique image resampled onto an axis-aligned grid"
    alignment = plane.axis_alignment()
    assert alignment is not None  # in_plane is axis-aligned here by construction
    values = np.asarray(image)
    # horizontal: the axis running along the later physical axis (x), vertical: the earlier one (y)
    horizontal = 0 if alignment[0][0] == 1 else 1
    vertical = 1 - horizontal
    if horizontal == 0:
        values = np.swapaxes(values, 0, 1)
    edges = plane.box_edges(image.shape[:2])
    extent = tuple(float(e) for e in (edges[horizontal][0], edges[horizontal][1], edges[vertical][1], edges[vertical][0]))
    if ax is None:
        ax = plt.gca()
    kwargs.setdefault("cmap", "gray")
    kwargs.setdefault("interpolation", "nearest")
    shown = ax.imshow(values, extent=extent, origin="upper", **kwargs)
    ax.set_xlim(sorted(edges[horizontal]))
    ax.set_ylim(sorted(edges[vertical]))
    units = spatial_units(image._meta)
    suffix = f" ({units})" if units else ""
    if rows is None:
        names = ("along axis 0", "along axis 1")
        title = title or "oblique slice, in coordinates along its own axes"
    else:
        physical = physical_axis_names(geometry.physical_ndim)
        names = (physical[rows[0]], physical[rows[1]])
    ax.set_xlabel(names[1] + suffix)
    ax.set_ylabel(names[0] + suffix)
    if title:
        ax.set_title(title)
    return shown
