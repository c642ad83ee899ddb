"""SA-5.1: every element a view keeps keeps its value and its physical position.

Values are unique (``arange``), so each element of a result names the element
of the original array it came from; positions are computed by the tests' own
oracle from the public attributes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, basic_keys, spatial_arrays


def assert_positions_kept(original: sn.SpatialArray, derived: Any) -> None:
    """Every element of ``derived`` sits where the original element with its value sat."""
    if not isinstance(derived, sn.SpatialArray):
        return
    n_derived = derived.spatial_ndim
    n_original = original.spatial_ndim
    values = np.asarray(original)
    scale = 1.0 + np.abs(np.asarray(original.origin)).max() + float(
        np.asarray(original.spacing).max()
    ) * max(original.shape)
    for index in np.ndindex(*derived.shape):
        value = derived[index] if not derived.ndim == 0 else derived
        source = np.unravel_index(int(value), values.shape)
        got = array_position(derived, index[:n_derived])
        want = array_position(original, source[:n_original])
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9 * scale)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_chains_of_basic_indexing_keep_every_position(data: st.DataObject) -> None:
    """SA-5.1, SA-5.2, SA-5.3, SA-5.4, SA-5.5 over random geometries (oblique, embedded) and index chains."""
    original = data.draw(spatial_arrays())
    current: Any = original
    for _ in range(data.draw(st.integers(1, 3))):
        if not isinstance(current, sn.SpatialArray) or current.ndim == 0:
            break
        key = data.draw(basic_keys(current.shape, current.spatial_ndim))
        expected = np.asarray(current)[key]
        result = current[key]
        # the drop-in invariant (SA-7.1): numpy's values, dtype and shape
        np.testing.assert_array_equal(np.asarray(result), expected)
        assert np.asarray(result).dtype == expected.dtype
        assert np.shape(result) == np.shape(expected)
        if isinstance(expected, np.ndarray):
            # a view stays a view (SA-5.6)
            assert np.shares_memory(np.asarray(result), np.asarray(original)) == np.shares_memory(
                expected, np.asarray(original)
            ) or expected.size == 0
        assert_positions_kept(original, result)
        current = result


@settings(max_examples=200, deadline=None)
@given(array=spatial_arrays(components=False), data=st.data())
def test_flip_transpose_and_squeeze_keep_positions(array: sn.SpatialArray, data: st.DataObject) -> None:
    """SA-9.1, SA-9.2: permutations and squeezes keep every element where it was."""
    order = data.draw(st.permutations(range(array.ndim)))
    assert_positions_kept(array, array.transpose(order))
    assert_positions_kept(array, np.transpose(array, order))
    assert_positions_kept(array, array.T)
    if array.ndim >= 2:
        a, b = data.draw(st.lists(st.integers(0, array.ndim - 1), min_size=2, max_size=2))
        assert_positions_kept(array, array.swapaxes(a, b))
        assert_positions_kept(array, np.moveaxis(array, a, b))
    assert_positions_kept(array, array.squeeze())
    assert_positions_kept(array, np.squeeze(array))
