"""ndarray methods that bypass the protocols, copies, pickling, metadata and repr (SPEC chapters 9, 11, 12)."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import numpy as np
import pytest

import spatial_ndarray as sn

from .test_positions import assert_positions_kept
from .test_ufuncs import assert_same_as_numpy, is_plain

OBLIQUE = np.array([[0.0, 0.6, -0.8], [1.0, 0.0, 0.0], [0.0, 0.8, 0.6]])


def volume(components: int = 0) -> sn.SpatialArray:
    shape = (3, 4, 5) + ((components,) if components else ())
    values = np.arange(int(np.prod(shape))).reshape(shape)
    return sn.SpatialArray(values, origin=[1.0, 2.0, 3.0], spacing=[0.5, 1.0, 2.0], direction=OBLIQUE, meta={"units": "HU"})


@pytest.mark.parametrize("call", [
    lambda a: a.T,
    lambda a: a.transpose(),
    lambda a: a.transpose(1, 0, 2),
    lambda a: a.transpose((2, 0, 1)),
    lambda a: a.transpose(None),
    lambda a: a.swapaxes(0, -1),
    lambda a: a.mT,
    lambda a: a[:, :1].squeeze(),
    lambda a: a[:1, :, :1].squeeze(axis=0),
    lambda a: a.copy(),
    lambda a: a.copy(order="F"),
    lambda a: a.astype(np.float32),
    lambda a: a.view(),
    lambda a: a.view(np.uint64) if a.dtype == np.int64 else a.view(),
    lambda a: copy.copy(a),
    lambda a: copy.deepcopy(a),
    lambda a: pickle.loads(pickle.dumps(a)),
], ids=["T", "transpose()", "transpose(1,0,2)", "transpose((2,0,1))", "transpose(None)", "swapaxes", "mT",
        "squeeze", "squeeze(axis)", "copy", "copy(F)", "astype", "view()", "view(dtype)", "copy.copy",
        "copy.deepcopy", "pickle"])
def test_methods_that_keep_geometry_keep_every_position(call: Any) -> None:
    """SA-9.1, SA-9.2, SA-9.5, SA-12.2: values are numpy's, positions are kept."""
    a = volume()
    result = call(a)
    assert_same_as_numpy(result, call(np.asarray(a)))
    assert isinstance(result, sn.SpatialArray)
    assert_positions_kept(a, result)


@pytest.mark.parametrize("call", [
    lambda a: a.reshape(-1),
    lambda a: a.reshape(3, 20),
    lambda a: a.ravel(),
    lambda a: a.flatten(),
    lambda a: a.take([0, 2], axis=0),
    lambda a: a.take(3),
    lambda a: a.repeat(2, axis=1),
    lambda a: a.repeat(2),
    lambda a: a.diagonal(),
    lambda a: a.argsort(axis=0),
    lambda a: a.nonzero(),
    lambda a: a.compress([True, False, True], axis=0),
    lambda a: a.astype(np.float32, subok=False),
    lambda a: a.view(np.ndarray),
    lambda a: a.view(np.int32) if a.dtype == np.int64 else a.view(np.ndarray),
    lambda a: a[[0, 2]],
    lambda a: a[np.array([True, False, True])],
    lambda a: a[a > 5],
    lambda a: a[True],
    lambda a: a[None],
    lambda a: a[:, None],
    lambda a: a[1, 2, 3],
    lambda a: np.asarray(a),
], ids=["reshape(-1)", "reshape", "ravel", "flatten", "take(axis)", "take", "repeat(axis)", "repeat", "diagonal",
        "argsort", "nonzero", "compress", "astype(subok=False)", "view(ndarray)", "view(smaller dtype)",
        "list index", "bool array", "mask", "bool scalar", "newaxis first", "newaxis between", "full index",
        "asarray"])
def test_operations_with_undefined_geometry_are_plain(call: Any) -> None:
    """SA-5.5, SA-6.1, SA-9.3, SA-9.4, SA-11.1: numpy's values, no geometry."""
    a = volume()
    result = call(a)
    expected = call(np.asarray(a))
    assert_same_as_numpy(result, expected)
    for part in (result if isinstance(result, tuple) else (result,)):
        assert is_plain(part)


def test_component_axes() -> None:
    """SA-4.1, SA-5.4, SA-9.1, SA-9.4: component axes carry no geometry."""
    a = volume(components=2)
    assert a.spatial_ndim == 3 and a.spatial_shape == (3, 4, 5) and a.shape == (3, 4, 5, 2)
    assert a[..., 1].geometry == a.geometry
    assert a[:, :, :, ::-1].geometry == a.geometry
    assert a.repeat(3, axis=-1).geometry == a.geometry
    assert is_plain(a.T)  # a component axis would move in front of a spatial axis
    assert a.transpose(1, 0, 2, 3).spacing.tolist() == [1.0, 0.5, 2.0]
    assert a[..., None].geometry == a.geometry and a[..., None].shape == (3, 4, 5, 2, 1)
    assert a.sum(axis=-1).geometry == a.geometry
    assert_positions_kept(a, a[1:, ::-2, 2, ::-1])


def test_embedding_after_integer_indices() -> None:
    """SA-4.2, SA-4.3: a slice keeps P; indexing every spatial axis gives plain values."""
    a = volume()
    plane = a[1]
    assert plane.origin.shape == (3,) and plane.direction.shape == (3, 2) and plane.spacing.shape == (2,)
    assert_positions_kept(a, plane)
    line = plane[:, 2]
    assert line.direction.shape == (3, 1)
    assert_positions_kept(a, line)
    assert is_plain(line[3])
    with_components = volume(components=2)
    assert is_plain(with_components[0, 1, 2]) and with_components[0, 1, 2].shape == (2,)


def test_views_own_their_geometry() -> None:
    """SA-1.10, SA-12.1: setting geometry on a view or copy never reaches its base, nor the reverse."""
    a = volume()
    view = a[1:]
    view_before = view.geometry
    copied = a.copy()
    view.spacing = [9.0, 9.0, 9.0]
    copied.origin = [0.0, 0.0, 0.0]
    assert a.spacing.tolist() == [0.5, 1.0, 2.0] and a.origin.tolist() == [1.0, 2.0, 3.0]
    a.direction = np.eye(3)
    assert view.direction.tolist() == view_before.direction.tolist()
    assert np.shares_memory(view, a)  # still a view of the same memory


def test_meta_is_carried_as_a_shallow_copy_and_never_compared() -> None:
    """SA-12.2, SA-12.3."""
    a = volume()
    b = a[1:]
    b.meta["units"] = "mm"
    assert a.meta == {"units": "HU"} and b.meta == {"units": "mm"}
    assert (a + 1).meta == {"units": "HU"} and a.sum(axis=0).meta == {"units": "HU"}
    other = sn.SpatialArray(np.asarray(a), geometry=a.geometry, meta={"patient": "x"})
    assert (a + other).geometry == a.geometry  # meta differs: no mismatch
    nested = sn.SpatialArray(np.zeros(2), meta={"tags": [1, 2]})
    deep = copy.deepcopy(nested)
    deep.meta["tags"].append(3)
    assert nested.meta["tags"] == [1, 2]
    assert pickle.loads(pickle.dumps(nested)).meta == {"tags": [1, 2]}
    with pytest.raises(TypeError, match="meta must be a mapping"):
        nested.meta = 5  # type: ignore[assignment]
    assert sn.SpatialArray(np.zeros(2)).meta == {}


def test_pickle_keeps_everything_for_every_protocol() -> None:
    """SA-12.2."""
    a = volume(components=2)[::2, 1]
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        b = pickle.loads(pickle.dumps(a, protocol=protocol))
        assert b.geometry == a.geometry and b.meta == a.meta and b.dtype == a.dtype
        np.testing.assert_array_equal(np.asarray(b), np.asarray(a))
    assert pickle.loads(pickle.dumps(a.geometry)) == a.geometry


def test_astype_without_copy_returns_itself_when_nothing_changes() -> None:
    a = volume()
    assert a.astype(a.dtype, copy=False) is a
    converted = a.astype(np.float64, copy=False)
    assert converted.geometry == a.geometry and not np.shares_memory(converted, a)


def test_in_place_shape_changes_that_would_stale_the_geometry_are_refused() -> None:
    a = sn.SpatialArray(np.zeros((3, 4)), spacing=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"would change the spatial shape \(3, 4\)"):
        a.shape = (12,)
    a.shape = (3, 4, 1)  # a trailing component axis is fine
    assert a.spatial_shape == (3, 4)
    b = sn.SpatialArray(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="resize to"):
        b.resize((4, 3))


def test_geometry_lost_by_numpy_internals_is_reported_clearly() -> None:
    """A SpatialArray numpy creates without geometry never pretends to have one."""
    lost = np.zeros((2, 2)).view(sn.SpatialArray)
    with pytest.raises(sn.GeometryUndefinedError, match="np.asarray"):
        lost.origin
    assert "geometry=undefined" in repr(lost)
    assert is_plain(lost + 1) and is_plain(lost[0:1]) and is_plain(lost.sum(axis=0))
    assert (lost + sn.SpatialArray(np.zeros((2, 2)))).geometry == sn.Geometry.identity(2)


def test_repr_shows_values_and_geometry() -> None:
    a = sn.SpatialArray(np.arange(4.0).reshape(2, 2), origin=[1.0, 2.0], spacing=[0.5, 0.5])
    assert repr(a) == (
        "SpatialArray([[0., 1.],\n"
        "              [2., 3.]],\n"
        "             origin=[1.0, 2.0],\n"
        "             spacing=[0.5, 0.5],\n"
        "             direction=[[1., 0.],\n"
        "                        [0., 1.]])"
    )
    assert str(a) == str(np.asarray(a))
    assert "dtype=int32" in repr(sn.SpatialArray(np.arange(3, dtype=np.int32)))


def test_memoized_derivations_repeat_exactly_and_never_leak_between_geometries() -> None:
    """SA-5.2, SA-8.1: a repeated slice or reduction reuses its result; a changed geometry gets its own."""
    a = volume()
    assert a[1:].geometry is a[1:].geometry
    assert a.sum(axis=0).geometry is a.sum(axis=0).geometry
    # the same (start, step) key on axis 0 must not be confused with other derivations
    first = a[2:].geometry
    assert a[2::1, 0:].geometry == first and a[:, 2:].geometry != first
    assert a.mean(axis=1, keepdims=True).geometry != a.mean(axis=1).geometry
    a.spacing = [5.0, 5.0, 5.0]
    assert a[1:].spacing.tolist() == [5.0, 5.0, 5.0]
    assert_positions_kept(a, a[1:])
    assert_positions_kept(a, a[1:][1:][::-1])
    for _ in range(200):  # more distinct derivations than the memo holds
        a[_ % 3 :]
    assert_positions_kept(a, a[1::2])


def test_real_and_imag_are_views_on_the_same_grid() -> None:
    """SA-9.5: numpy's real/imag are views; they keep the geometry and write through."""
    a = sn.SpatialArray(np.arange(6.0).reshape(2, 3) * (1 + 2j), origin=[1.0, 2.0], spacing=[0.5, 0.25])
    for part, values in ((a.real, np.arange(6.0)), (a.imag, 2 * np.arange(6.0))):
        assert part.geometry == a.geometry and np.shares_memory(part, a)
        np.testing.assert_array_equal(part, values.reshape(2, 3))
    a.imag = 0.0
    a.real[0, 0] = 9.0
    assert np.asarray(a)[0, 0] == 9.0 and not np.asarray(a).imag.any()
    assert a[:, 1:].real.geometry == a[:, 1:].geometry
