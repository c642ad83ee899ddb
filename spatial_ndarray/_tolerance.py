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
        deviation from orthonormality accepted when a direction is validated.
    """

    coordinate: float = 1e-6
    direction: float = 1e-6


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
    Tolerance(coordinate=1e-06, direction=1e-06)
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
def tolerance(coordinate: float | None = None, direction: float | None = None) -> Iterator[Tolerance]:
    """Set the geometry tolerances for a block of code, in this thread or task only.

    Parameters
    ----------
    coordinate : float, optional
        Allowed origin and spacing difference as a fraction of the spacing.
        Unchanged when omitted.
    direction : float, optional
        Allowed element-wise direction difference. Unchanged when omitted.

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
    )
    token = _TOLERANCE.set(new)
    try:
        yield new
    finally:
        _TOLERANCE.reset(token)
