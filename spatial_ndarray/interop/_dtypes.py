"""Which stored type each numpy dtype gets in each format: the same values, the narrowest type the format holds.

One table, used by the converters (and so by `write`). A dtype the format cannot
hold without changing values is refused with the format's list and what to do.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STORABLE", "storable"]

_INTEGERS = (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.uint64, np.int64)

#: The stored types of each format (numpy names), as their libraries accept them.
STORABLE: dict[str, tuple[str, ...]] = {
    "NIfTI": ("uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64",
              "complex64", "complex128"),
    "SimpleITK": ("uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32", "float64",
                  "complex64", "complex128"),
    "TIFF": ("bool", "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64", "complex64",
             "complex128"),  # OME-XML's pixel types
}


def _narrowest_integer(values: np.ndarray) -> np.dtype:
    if values.size == 0:
        return np.dtype(np.uint8)
    low, high = int(values.min()), int(values.max())
    return next(np.dtype(t) for t in _INTEGERS if np.iinfo(t).min <= low and high <= np.iinfo(t).max)


def storable(values: np.ndarray, fmt: str) -> np.ndarray:
    """``values`` in a dtype ``fmt`` stores without changing any value (a copy only when the dtype changes).

    - ``bool`` becomes ``uint8`` where the format has no boolean type (reads back as 0/1 ``uint8``);
    - ``float16`` becomes ``float32``; ``longdouble``/``clongdouble`` become ``float64``/``complex128``
      when every value survives, else they are refused;
    - in NIfTI, ``int64``/``uint64`` become the narrowest integer type holding the values (nibabel and most
      NIfTI tools refuse 64-bit integers, which numpy makes by default); in OME-TIFF, which has no 64-bit
      integers, too, when the values fit in 32 bits.

    Raises
    ------
    TypeError
        A dtype the format cannot hold (strings, objects, datetimes, long doubles that do not fit);
        the message lists the format's types.

    Examples
    --------
    >>> storable(np.array([0, 300]), "NIfTI").dtype
    dtype('uint16')
    >>> storable(np.array([True, False]), "SimpleITK").dtype
    dtype('uint8')
    """
    kinds = STORABLE[fmt]
    dtype = values.dtype
    if dtype.name in kinds and not (fmt == "NIfTI" and dtype.kind in "iu" and dtype.itemsize == 8):
        return values
    if dtype == np.bool_:
        return values.astype(np.uint8)
    if dtype.kind in "iu" and _narrowest_integer(values).name in kinds:
        return values.astype(_narrowest_integer(values))
    if dtype == np.float16:
        return values.astype(np.float32)
    if dtype.kind in "fc" and dtype.itemsize > 8 * (2 if dtype.kind == "c" else 1):
        narrower = values.astype(np.complex128 if dtype.kind == "c" else np.float64)
        if np.array_equal(narrower, values, equal_nan=True):
            return narrower
    raise TypeError(
        f"{fmt} cannot store dtype {dtype} without changing values; it stores {', '.join(kinds)}. "
        f"Convert first, e.g. a.astype(np.float64), or choose another format"
    )
