"""A minimal spatial array of "another implementation" (SA-15.3): the three attributes, values, and the version."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ForeignImage"]


class ForeignImage:
    """A spatial array from an implementation the one under test has never seen: no numpy protocols but ``__array__``."""

    __spatial_protocol__ = "1.2"

    def __init__(self, data: np.ndarray, origin: np.ndarray, spacing: np.ndarray, direction: np.ndarray) -> None:
        self._data = np.asarray(data)
        self._geometry = tuple(np.array(v, dtype=np.float64) for v in (origin, spacing, direction))
        for value in self._geometry:
            value.flags.writeable = False

    origin = property(lambda self: self._geometry[0])
    spacing = property(lambda self: self._geometry[1])
    direction = property(lambda self: self._geometry[2])
    shape = property(lambda self: self._data.shape)
    ndim = property(lambda self: self._data.ndim)
    dtype = property(lambda self: self._data.dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __repr__(self) -> str:
        return f"ForeignImage(shape={self.shape}, origin={self.origin.tolist()})"
