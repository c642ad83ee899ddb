"""The physical units an image's coordinates are in, from its metadata (one rule for xarray, plots and napari)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MEDICAL_FRAMES = ("LPS", "RAS")


def spatial_units(meta: Mapping[str, Any] | None) -> str | None:
    """The one unit of an image's coordinates, for every border (xarray, plots, napari, OME-Zarr).

    ``meta["spatial_units"]``; else the per-axis ``meta["units"]`` the TIFF reader
    records, when every axis has the same unit; else ``"mm"`` for a medical frame
    (``meta["frame"]`` LPS or RAS); else None.

    Examples
    --------
    >>> spatial_units({"frame": "LPS"}), spatial_units({"spatial_units": "um"}), spatial_units(None)
    ('mm', 'um', None)
    >>> spatial_units({"units": ("µm", "µm")}), spatial_units({"units": ("µm", "s")})
    ('µm', None)
    """
    if not meta:
        return None
    units = meta.get("spatial_units")
    per_axis = meta.get("units")
    if units is None and isinstance(per_axis, (list, tuple)) and per_axis and len(set(map(str, per_axis))) == 1:
        units = per_axis[0]
    if units is None and meta.get("frame") in MEDICAL_FRAMES:
        units = "mm"
    return None if units is None else str(units)


def physical_axis_names(p: int) -> tuple[str, ...]:
    """Default names of the ``P`` physical axes, in numpy order: ``("t", "z", "y", "x")[-P:]``, else ``p0, p1, ...``.

    Examples
    --------
    >>> physical_axis_names(2)
    ('y', 'x')
    """
    names = ("t", "z", "y", "x")
    return names[-p:] if 0 < p <= len(names) else tuple(f"p{r}" for r in range(p))
