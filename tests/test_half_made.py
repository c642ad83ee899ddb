"""No half-made arrays (SPEC SA-11.4): every public path gives a spatial array with its geometry, or a plain array.

The tables are generated from numpy itself: every attribute and method of ``np.ndarray`` and every
function of numpy, ``numpy.lib.stride_tricks`` and ``numpy.ma`` that takes ``subok`` must have an entry,
so a method or function a new numpy adds fails `test_every_method_is_in_the_table` until it is checked.
A same-shape copy, cast or view keeps the geometry (SA-9.5); everything else is plain.
"""

from __future__ import annotations

import copy
import inspect
import io
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import spatial_ndarray as sn
from spatial_ndarray import GeometryUndefinedError, SpatialArray

Call = Callable[[Any], Any]


def _image() -> SpatialArray:
    rng = np.random.default_rng(5)
    values = rng.normal(size=(3, 4))  # float64 draws: full mantissa
    c, s = np.cos(0.3), np.sin(0.3)
    return SpatialArray(values, origin=[1.5, -2.0], spacing=[2.0, 0.5], direction=[[c, -s], [s, c]], meta={"m": 1})


# Every public attribute and method of np.ndarray, and how to call it. Results are checked by `_check`.
METHODS: dict[str, list[Call]] = {
    "T": [lambda a: a.T],
    "mT": [lambda a: a.mT],
    "all": [lambda a: a.all(), lambda a: a.all(axis=0), lambda a: a.all(axis=1, keepdims=True)],
    "any": [lambda a: a.any(), lambda a: a.any(axis=0)],
    "argmax": [lambda a: a.argmax(), lambda a: a.argmax(axis=1)],
    "argmin": [lambda a: a.argmin(), lambda a: a.argmin(axis=0, keepdims=True)],
    "argpartition": [lambda a: a.argpartition(1)],
    "argsort": [lambda a: a.argsort(), lambda a: a.argsort(axis=0)],
    "astype": [lambda a: a.astype(np.float32), lambda a: a.astype(np.float32, subok=False), lambda a: a.astype(a.dtype, copy=False)],
    "base": [lambda a: a[1:].base, lambda a: a.base],
    "byteswap": [lambda a: a.byteswap(), lambda a: a.copy().byteswap(inplace=True)],
    "choose": [lambda a: (a > 0).astype(int).choose([np.zeros((3, 4)), np.ones((3, 4))])],
    "clip": [lambda a: a.clip(0, 1), lambda a: a.clip(max=0.5)],
    "compress": [lambda a: a.compress([True, False, True], axis=0), lambda a: a.compress([True, False])],
    "conj": [lambda a: a.conj()],
    "conjugate": [lambda a: a.conjugate()],
    "copy": [lambda a: a.copy(), lambda a: a.copy(order="F")],
    "ctypes": [lambda a: a.ctypes],
    "cumprod": [lambda a: a.cumprod(), lambda a: a.cumprod(axis=1)],
    "cumsum": [lambda a: a.cumsum(), lambda a: a.cumsum(axis=0), lambda a: a[0].cumsum()],
    "data": [lambda a: a.data],
    "device": [lambda a: a.device],
    "diagonal": [lambda a: a.diagonal()],
    "dot": [lambda a: a.dot(np.ones(4)), lambda a: a.dot(np.ones((4, 4)))],
    "dtype": [lambda a: a.dtype],
    "dump": [lambda a: a.dump(io.BytesIO())],
    "dumps": [lambda a: pickle.loads(a.dumps())],
    "fill": [lambda a: a.copy().fill(0.0)],
    "flags": [lambda a: a.flags],
    "flat": [lambda a: a.flat, lambda a: a.flat[1:3], lambda a: a.flat[[0, 5]], lambda a: a.flat[2], lambda a: a.flat.base, lambda a: a.flat.copy()],
    "flatten": [lambda a: a.flatten()],
    "getfield": [lambda a: a.getfield(np.float64), lambda a: a.getfield(np.float32), lambda a: a.getfield(np.float32, 4)],
    "imag": [lambda a: a.imag, lambda a: a.astype(complex).imag],
    "item": [lambda a: a.item(0)],
    "itemsize": [lambda a: a.itemsize],
    "max": [lambda a: a.max(), lambda a: a.max(axis=0)],
    "mean": [lambda a: a.mean(), lambda a: a.mean(axis=1), lambda a: a.mean(axis=(0, 1), keepdims=True)],
    "min": [lambda a: a.min(), lambda a: a.min(axis=1, keepdims=True)],
    "nbytes": [lambda a: a.nbytes],
    "ndim": [lambda a: a.ndim],
    "nonzero": [lambda a: a.nonzero()],
    "partition": [lambda a: a.copy().partition(1)],
    "prod": [lambda a: a.prod(), lambda a: a.prod(axis=0)],
    "put": [lambda a: a.copy().put([0], [1.0])],
    "ravel": [lambda a: a.ravel()],
    "real": [lambda a: a.real, lambda a: a.astype(complex).real],
    "repeat": [lambda a: a.repeat(2), lambda a: a.repeat(2, axis=0)],
    "reshape": [lambda a: a.reshape(4, 3), lambda a: a.reshape(3, 4), lambda a: a.reshape(-1)],
    "resize": [lambda a: a.copy().resize((3, 4), refcheck=False)],
    "round": [lambda a: a.round(), lambda a: a.round(1)],
    "searchsorted": [lambda a: np.sort(a[0]).searchsorted(0.0)],
    "setfield": [lambda a: a.copy().setfield(1.0, np.float64)],
    "setflags": [lambda a: a.copy().setflags(write=False)],
    "shape": [lambda a: a.shape],
    "size": [lambda a: a.size],
    "sort": [lambda a: a.copy().sort()],
    "squeeze": [lambda a: a.squeeze(), lambda a: a[:1].squeeze()],
    "std": [lambda a: a.std(), lambda a: a.std(axis=0)],
    "strides": [lambda a: a.strides],
    "sum": [lambda a: a.sum(), lambda a: a.sum(axis=1)],
    "swapaxes": [lambda a: a.swapaxes(0, 1)],
    "take": [lambda a: a.take([0, 1]), lambda a: a.take([0, 1], axis=1)],
    "to_device": [lambda a: a.to_device("cpu")],
    "tobytes": [lambda a: a.tobytes()],
    "tofile": [lambda a: None],  # writes a file of raw values; returns None (nothing to check)
    "tolist": [lambda a: a.tolist()],
    "trace": [lambda a: a.trace()],
    "transpose": [lambda a: a.transpose(), lambda a: a.transpose(0, 1)],
    "var": [lambda a: a.var(), lambda a: a.var(axis=1, keepdims=True)],
    "view": [
        lambda a: a.view(), lambda a: a.view(np.int64), lambda a: a.view(np.float32), lambda a: a.view(np.ndarray),
        lambda a: a.view(type=SpatialArray), lambda a: a.view([("x", np.float64)]), lambda a: a.view(np.complex128),
    ],
}

# np functions (and numpy.ma / stride_tricks ones) that take ``subok`` or convert to a subclass, and how to call them.
FUNCTIONS: dict[str, list[Call]] = {
    "numpy.array": [
        lambda a: np.array(a, subok=True), lambda a: np.array(a, subok=True, dtype=np.float32),
        lambda a: np.array(a, subok=True, order="F"), lambda a: np.array(a, subok=True, copy=False),
        lambda a: np.array(a),
    ],
    "numpy.asanyarray": [lambda a: np.asanyarray(a), lambda a: np.asanyarray(a, dtype=np.float32), lambda a: np.asanyarray(a, order="F")],
    "numpy.asarray": [lambda a: np.asarray(a)],
    "numpy.ascontiguousarray": [lambda a: np.ascontiguousarray(a[:, ::2])],
    "numpy.asfortranarray": [lambda a: np.asfortranarray(a)],
    "numpy.asarray_chkfinite": [lambda a: np.asarray_chkfinite(a)],
    "numpy.require": [
        lambda a: np.require(a, requirements="F"), lambda a: np.require(a, dtype=np.float32),
        lambda a: np.require(a, requirements=["C", "W", "O"]), lambda a: np.require(np.asfortranarray(a), requirements="C"),
    ],
    "numpy.copy": [lambda a: np.copy(a, subok=True), lambda a: np.copy(a)],
    "numpy.empty_like": [lambda a: np.empty_like(a), lambda a: np.empty_like(a, subok=False), lambda a: np.empty_like(a, shape=(5,))],
    "numpy.zeros_like": [lambda a: np.zeros_like(a), lambda a: np.zeros_like(a, shape=(3, 4, 2))],
    "numpy.ones_like": [lambda a: np.ones_like(a), lambda a: np.ones_like(a, dtype=np.int8)],
    "numpy.full_like": [lambda a: np.full_like(a, 2.0), lambda a: np.full_like(a, 2.0, shape=(2, 2))],
    "numpy.broadcast_to": [lambda a: np.broadcast_to(a, (3, 4), subok=True), lambda a: np.broadcast_to(a, (2, 3, 4), subok=True)],
    "numpy.broadcast_arrays": [lambda a: np.broadcast_arrays(a, np.ones((2, 1, 1)), subok=True), lambda a: np.broadcast_arrays(a, 1.0, subok=True)],
    "numpy.frombuffer": [lambda a: np.frombuffer(a)],
    "numpy.fromiter": [lambda a: np.fromiter(a.flat, float)],
    "numpy.lib.stride_tricks.as_strided": [
        lambda a: np.lib.stride_tricks.as_strided(a, subok=True),
        lambda a: np.lib.stride_tricks.as_strided(a),
    ],
    "numpy.lib.stride_tricks.sliding_window_view": [lambda a: np.lib.stride_tricks.sliding_window_view(a, (2, 2), subok=True)],
    "numpy.ma.MaskedArray": [lambda a: np.ma.MaskedArray(a).data, lambda a: np.ma.MaskedArray(a).filled()],
    "numpy.ma.array": [lambda a: np.ma.array(a).data, lambda a: np.ma.array(a, subok=True).filled(0)],
    "numpy.ma.masked_array": [lambda a: np.ma.masked_array(a, mask=a > 0).data, lambda a: np.ma.masked_array(a).filled()],
    "numpy.ma.getdata": [lambda a: np.ma.getdata(np.ma.masked_array(a)), lambda a: np.ma.getdata(a, subok=True)],
    "numpy.ma.empty_like": [lambda a: np.ma.empty_like(a).data],
    "numpy.ma.zeros_like": [lambda a: np.ma.zeros_like(a).data],
    "numpy.ma.ones_like": [lambda a: np.ma.ones_like(a).data],
    "numpy.ma.mvoid": [lambda a: None],  # one record of a structured masked array: no array of a's shape to carry
    "numpy.ma.masked_where": [lambda a: np.ma.masked_where(a > 0, a).data],
    "copy.copy": [lambda a: copy.copy(a)],
    "copy.deepcopy": [lambda a: copy.deepcopy(a)],
    "pickle": [lambda a: pickle.loads(pickle.dumps(a))],
    "numpy.nditer": [lambda a: np.nditer(a, flags=["buffered"], op_dtypes=[np.float32], casting="same_kind").operands[0]],
}

# Known paths numpy builds entirely in C, giving a SpatialArray that no hook can turn into a plain array. Each
# behaves as a plain array (no geometry; every operation on it gives plain results) and is listed in SPEC SA-11.4.
RESIDUAL: dict[str, Call] = {
    "np.array(a, subok=True, ndmin=3)": lambda a: np.array(a, subok=True, ndmin=3),
    "as_strided(a, shape=(4, 3), subok=True)": lambda a: np.lib.stride_tricks.as_strided(a, shape=(4, 3), strides=a.strides[::-1], subok=True),
    "np.ndarray.ravel(a) (numpy's unbound methods, as np.ma uses them)": lambda a: np.ndarray.ravel(a),
    "np.ma.masked_array(a).compressed()": lambda a: np.ma.masked_array(a).compressed(),
    "np.ma.masked_array(a)[1:].data": lambda a: np.ma.masked_array(a)[1:].data,
    "(np.ma.masked_array(a) + 1).data": lambda a: (np.ma.masked_array(a) + 1).data,
}


def _subok_functions() -> set[str]:
    """Every non-ufunc callable of numpy, numpy.lib.stride_tricks and numpy.ma that takes ``subok``."""
    found = set()
    for module in (np, np.lib.stride_tricks, np.ma):
        for name in dir(module):
            obj = getattr(module, name)
            if name.startswith("_") or isinstance(obj, np.ufunc) or not callable(obj):
                continue
            try:
                parameters = inspect.signature(obj).parameters
            except (TypeError, ValueError):
                continue
            if "subok" in parameters:
                found.add(f"{module.__name__}.{name}")
    return found


def _has_geometry(value: Any) -> bool:
    try:
        value.origin
    except GeometryUndefinedError:
        return False
    return True


def _check(result: Any, a: SpatialArray, where: str) -> None:
    """SA-11.4: a spatial result has its geometry; a same-shape spatial result (a copy, cast or view) has a's."""
    if isinstance(result, (tuple, list)):
        for item in result:
            _check(item, a, where)
        return
    if isinstance(result, np.ma.MaskedArray):
        _check(result.data, a, where)
        return
    if not isinstance(result, SpatialArray):
        return
    assert _has_geometry(result), f"{where} returned a SpatialArray without geometry"
    if result.shape[:2] == a.shape and not np.shares_memory(result, a) or (
        np.shares_memory(result, a) and result.strides[:2] == a.strides and result.shape[:2] == a.shape
    ):
        assert result.geometry == a.geometry, f"{where}: a same-shape copy, cast or view must keep the grid (SA-9.5)"
        assert result.meta == a.meta


def test_every_method_is_in_the_table() -> None:
    """SA-11.4: the method table covers every public attribute and method numpy's ndarray has."""
    public = {name for name in dir(np.ndarray) if not name.startswith("_")}
    assert public - set(METHODS) == set(), "new ndarray attributes: add them to METHODS"


def test_every_subok_function_is_in_the_table() -> None:
    """SA-11.4: the function table covers every numpy function that takes subok."""
    assert _subok_functions() - set(FUNCTIONS) == set(), "new functions with subok: add them to FUNCTIONS"


@pytest.mark.parametrize("name", sorted(METHODS))
def test_methods_never_half_made(name: str) -> None:
    """SA-11.4, SA-9.5: each call of each ndarray method or attribute."""
    for i, call in enumerate(METHODS[name]):
        a = _image()
        with np.errstate(all="ignore"):
            _check(call(a), a, f"{name}[{i}]")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_functions_never_half_made(name: str) -> None:
    """SA-11.4, SA-9.5: each creation or conversion function that can return a subclass."""
    for i, call in enumerate(FUNCTIONS[name]):
        a = _image()
        _check(call(a), a, f"{name}[{i}]")


@pytest.mark.parametrize("name", sorted({n for n in dir(np.ndarray) if n.startswith("__") and n not in ("__new__", "__init__", "__init_subclass__", "__class__", "__subclasshook__", "__class_getitem__")}))
def test_dunder_methods_never_half_made(name: str) -> None:
    """SA-11.4: every special method of ndarray, called with no argument, a scalar or the array itself."""
    for args in ((), (1,), (np.float64(0.5),)):
        a = _image()
        try:
            with np.errstate(all="ignore"):
                result = getattr(a, name)(*args)
        except Exception:  # wrong arity or meaning for this method: the next trial
            continue
        _check(result, a, f"{name}{args}")


def test_same_shape_copies_keep_geometry() -> None:
    """SA-9.5: the copies numpy makes in C keep the grid and the metadata; flat items are plain."""
    a = _image()
    for result in (np.array(a, subok=True), np.asanyarray(a, dtype=np.float32), np.require(a, requirements="F"),
                   a.byteswap().byteswap(), np.ma.masked_array(a).data):
        assert type(result) is SpatialArray and result.geometry == a.geometry and result.meta == {"m": 1}
        np.testing.assert_array_equal(np.asarray(result).astype(np.float64), np.asarray(a).astype(result.dtype).astype(np.float64))
    assert type(a.flat[1:3]) is np.ndarray
    assert type(a.__array_wrap__(np.ones(5))) is np.ndarray


def test_residual_paths_behave_as_plain() -> None:
    """SA-11.4 (note): the C-only paths listed in the spec give arrays without geometry that act as plain ones."""
    a = _image()
    for label, call in RESIDUAL.items():
        result = call(a)
        assert not _has_geometry(result), f"{label} now has a geometry: check it is right and update SPEC SA-11.4"
        assert not hasattr(result, "origin")  # GeometryUndefinedError is an AttributeError, as on a plain array
        for derived in (result + 1, np.sin(result), result.sum(axis=0), result[0], np.concatenate([result, result])):
            assert not isinstance(derived, SpatialArray), label


def test_dtype_setter_refuses_a_new_spatial_shape() -> None:
    """SA-9.6: assigning a dtype of another itemsize would reinterpret the memory of the spatial axes."""
    a = _image()
    with pytest.raises(ValueError, match=r"spatial shape \(3, 4\).*np.asarray\(x\).view"):
        a.dtype = np.float32
    assert a.shape == (3, 4) and a.dtype == np.float64
    a.dtype = np.int64  # same itemsize: the spatial shape and the grid stay
    assert a.shape == (3, 4) and _has_geometry(a)
    b = SpatialArray(np.zeros((3, 4, 2)), spacing=[1.0, 1.0])
    b.dtype = np.complex128  # only the component axis changes
    assert b.shape == (3, 4, 1) and b.spacing.tolist() == [1.0, 1.0]


def test_sn_module_has_no_half_made_constructor() -> None:
    """SA-11.4: the constructor gives geometry to every array it makes."""
    assert _has_geometry(sn.SpatialArray(np.zeros(3)))
