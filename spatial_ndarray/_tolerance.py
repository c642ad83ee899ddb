"""The tolerance used to compare and validate geometries, set per thread or task."""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

__all__ = ["Tolerance", "get_tolerance", "tolerance"]


class Tolerance(NamedTuple):
    """Tolerances in force (SPEC SA-10.1, SA-10.2).

    Attributes
    ----------
    coordinate : float
        Origin and spacing differences allowed, as a fraction of the spacing.
    direction : float
        Element-wise difference allowed between direction matrices, and the
        deviation from orthonormality accepted when a new direction is validated.
    storage : float
        Allowance for coordinates stored in reduced precision, relative to the
        origin's coordinates and to each axis' extent (SA-10.1). The default,
        ``2**-22``, is two units of float32 rounding: a geometry read back from a
        float32 file (NIfTI) is never a mismatch.
    """

    coordinate: float = 1e-6
    direction: float = 1e-6
    storage: float = 2.0**-22


# A ContextVar is per thread and per asyncio task, so `with tolerance(...)` in one
# thread never changes the comparisons made by another.
_TOLERANCE: contextvars.ContextVar[Tolerance] = contextvars.ContextVar(
    "spatial_ndarray_tolerance", default=Tolerance()
)


def get_tolerance() -> Tolerance:
    """Return the tolerances in force in the current thread or task.

    Examples
    --------
    >>> get_tolerance()
    Tolerance(coordinate=1e-06, direction=1e-06, storage=2.384185791015625e-07)
    """
    return _TOLERANCE.get()


def _checked(name: str, value: float | None, current: float) -> float:
    if value is None:
        return current
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"tolerance {name} must be a real number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"tolerance {name} must be finite and >= 0, got {value!r}")
    return float(value)


@contextlib.contextmanager
def tolerance(
    coordinate: float | None = None, direction: float | None = None, storage: float | None = None
) -> Iterator[Tolerance]:
    """Set the geometry tolerances for a block of code, in this thread or task only.

    Parameters
    ----------
    coordinate : float, optional
        Allowed origin and spacing difference as a fraction of the spacing.
        Unchanged when omitted.
    direction : float, optional
        Allowed element-wise direction difference. Unchanged when omitted.
    storage : float, optional
        Allowance for reduced-precision storage, relative to coordinates and
        extents (``0`` compares in float64 exactly up to ``coordinate``).
        Unchanged when omitted.

    Yields
    ------
    Tolerance
        The tolerances in force inside the block.

    Examples
    --------
    >>> with tolerance(coordinate=1e-3) as tol:
    ...     tol.coordinate
    0.001
    >>> get_tolerance().coordinate
    1e-06
    """
    current = _TOLERANCE.get()
    new = Tolerance(
        _checked("coordinate", coordinate, current.coordinate),
        _checked("direction", direction, current.direction),
        _checked("storage", storage, current.storage),
    )
    token = _TOLERANCE.set(new)
    try:
        yield new
    finally:
        _TOLERANCE.reset(token)
