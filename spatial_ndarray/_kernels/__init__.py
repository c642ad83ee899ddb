"""Resampling kernels: the compiled extension, or its numpy twin (same results, slower).

``SPATIAL_NDARRAY_PURE_PYTHON=1`` in the environment forces the numpy path (``SPATIAL_NDARRAY_NO_AVX2=1``
keeps the compiled kernel but skips its AVX2 rows, for comparison). When the extension is
missing otherwise, the first resampling warns once, naming the slow path.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Callable

from . import fallback

__all__ = ["COMPILED", "kernel"]

_compiled: Any = None
if os.environ.get("SPATIAL_NDARRAY_PURE_PYTHON", "") not in ("1", "true", "True", "yes"):
    try:
        from . import _resample as _compiled  # type: ignore[attr-defined,no-redef]
    except ImportError:  # an sdist built without a compiler
        _compiled = None
    FORCED = False
else:
    FORCED = True

#: whether the compiled kernel is in use
COMPILED: bool = _compiled is not None
_warned = False


def kernel() -> Callable[..., None]:
    """The ``resample(values, out, matrix, offset, out_start, in_start, full_shape, interp, default, lo, hi)`` in use."""
    global _warned
    if _compiled is not None:
        return _compiled.resample  # type: ignore[no-any-return]
    if not FORCED and not _warned:
        _warned = True
        warnings.warn("spatial_ndarray's compiled resampling kernel is not built: using the numpy fallback "
                      "(same results, several times slower); reinstall with a C compiler to build it",
                      RuntimeWarning, stacklevel=3)
    return fallback.resample
