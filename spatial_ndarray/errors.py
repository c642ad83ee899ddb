"""Exceptions and warnings raised by spatial_ndarray."""

from __future__ import annotations

__all__ = ["GeometryDroppedWarning", "GeometryMismatchError", "GeometryUndefinedError"]


class GeometryMismatchError(ValueError):
    """Spatial operands do not share one space (SPEC SA-10.3).

    The message names the part that differs (spatial_ndim, physical_ndim,
    spatial shape, origin, spacing or direction), shows both values and the
    tolerance in force.
    """


class GeometryUndefinedError(AttributeError):
    """The array's geometry is undefined.

    Raised when geometry is read from a ``SpatialArray`` that numpy created
    through a path that does not keep geometry (for example a C-level view
    this package does not intercept). Use ``np.asarray`` for its values.
    """


class GeometryDroppedWarning(UserWarning):
    """A numpy function or ufunc this package has not classified ran on plain values; its result has no geometry."""
