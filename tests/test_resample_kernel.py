"""The compiled resampling kernel: its numpy twin, block tiling, dtypes, 64-bit offsets, and SimpleITK bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import spatial_ndarray as sn
from spatial_ndarray import _kernels
from spatial_ndarray._kernels import fallback
from spatial_ndarray.resample import _resample_block, resample
from spatial_ndarray.transforms import AffineTransform

DTYPES = ["u1", "i1", "u2", "i2", "u4", "i4", "i8", "f4", "f8"]
compiled = pytest.mark.skipif(not _kernels.COMPILED, reason="the compiled kernel is not built (or SPATIAL_NDARRAY_PURE_PYTHON=1)")


def _values(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Full-mantissa floats (float64 draws rounded), integers over most of the type's range."""
    kind = np.dtype(dtype)
    if kind.kind == "f":
        return (rng.normal(size=shape) * 100).astype(dtype)
    info = np.iinfo(kind)
    low, high = max(info.min, -(2**40)), min(info.max, 2**40)
    return rng.integers(low, high, size=shape, endpoint=True).astype(dtype)


def _oblique_map(rng: np.random.Generator, n: int, in_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    m = q * rng.uniform(0.6, 1.3, n)
    b = (np.array(in_shape) - 1) / 2 - m @ (np.array(in_shape) - 1) / 2 + rng.normal(size=n)
    return m, b


def _args(values: np.ndarray, out: np.ndarray, m: np.ndarray, b: np.ndarray, code: int, default: bytes) -> tuple:
    n = m.shape[0]
    return (values, out, m.ravel().tolist(), b.tolist(), [0] * n, [0] * n, list(values.shape[:n]), code, default, 0, out.shape[0])


@compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [2, 3])
def test_compiled_and_numpy_kernels_agree_bit_for_bit(dtype: str, n: int) -> None:
    """Every dtype, 2-D and 3-D, one and three components, nearest and linear, into float and integer outputs."""
    from spatial_ndarray._kernels import _resample  # type: ignore[attr-defined]

    rng = np.random.default_rng(DTYPES.index(dtype) + 10 * n)
    in_shape = (9, 11, 8)[:n]
    for components in (1, 3):
        values = _values(rng, in_shape + (components,), dtype)
        m, b = _oblique_map(rng, n, in_shape)
        for code in (0, 1):
            for out_dtype in {dtype, "f4", "f8", "u1", "i2"}:
                default = np.array(7, dtype=out_dtype).tobytes()
                ours = np.empty((10, 7, 9)[:n] + (components,), dtype=out_dtype)
                twin = np.empty_like(ours)
                _resample.resample(*_args(values, ours, m, b, code, default))
                fallback.resample(*_args(values, twin, m, b, code, default))
                assert (ours == 7).any() and (ours != 7).any()
                np.testing.assert_array_equal(ours, twin, err_msg=f"{dtype}->{out_dtype} interp {code}")


def _needed_crop(m: np.ndarray, b: np.ndarray, start: tuple[int, ...], shape: tuple[int, ...], full: tuple[int, ...]) -> tuple[slice, ...]:
    """The input box a block reads: its corners' indices, widened by one voxel and clipped (the test's own bound)."""
    corners = np.array(np.meshgrid(*[(s, s + k - 1) for s, k in zip(start, shape)], indexing="ij")).reshape(len(shape), -1).T
    x = corners @ m.T + b
    low = np.clip(np.floor(x.min(axis=0)) - 1, 0, np.array(full) - 1).astype(int)
    high = np.clip(np.floor(x.max(axis=0)) + 2, 1, np.array(full)).astype(int)
    return tuple(slice(lo, max(hi, lo + 1)) for lo, hi in zip(low, high))


@pytest.mark.parametrize("interpolator", ["linear", "nearest", "label_linear"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_blocks_tile_the_whole_image_bit_for_bit(interpolator: str, n: int) -> None:
    """Odd block sizes, an oblique map crossing blocks, inputs cropped to what each block reads."""
    rng = np.random.default_rng(n)
    in_shape = (13, 12, 11)[:n]
    values = rng.integers(0, 4, in_shape).astype(np.uint8) if interpolator == "label_linear" else _values(rng, in_shape, "f4")
    m, b = _oblique_map(rng, n, in_shape)
    b = b + 4.0  # the output grid crosses the input's border
    out_shape = (14, 13, 15)[:n]
    whole = _resample_block(values, m, b, out_shape, (0,) * n, (0,) * n, in_shape, interpolator, 9.0, threads=2)
    assert (whole == np.array(9.0).astype(whole.dtype)).any() and (whole != np.array(9.0).astype(whole.dtype)).any()
    tiled = np.full_like(whole, 99)
    block = (5, 4, 6)[:n]
    for start in np.ndindex(*[-(-o // k) for o, k in zip(out_shape, block)]):
        begin = tuple(s * k for s, k in zip(start, block))
        size = tuple(min(k, o - s) for k, o, s in zip(block, out_shape, begin))
        crop = _needed_crop(m, b, begin, size, in_shape)
        part = _resample_block(values[crop], m, b, size, begin, tuple(c.start for c in crop), in_shape, interpolator, 9.0)
        tiled[tuple(slice(s, s + k) for s, k in zip(begin, size))] = part
    np.testing.assert_array_equal(tiled, whole)


def test_a_crop_too_small_is_refused() -> None:
    values = np.arange(10.0)
    with pytest.raises(ValueError, match="crop does not hold"):
        _resample_block(values[2:4], [[1.0]], [0.0], (5,), (0,), (2,), (10,), "linear", 0.0)


def test_offsets_beyond_two_to_the_31_bytes() -> None:
    """A view whose elements lie > 2^31 bytes apart: 32-bit offsets would wrap and read the wrong voxels."""
    step = 2**30 + 8  # bytes between planes; the last plane starts beyond 2^31
    try:
        buffer = np.zeros(2 * step + 64, dtype=np.uint8)  # calloc: untouched pages cost no memory
    except MemoryError:
        pytest.skip("cannot reserve 2 GB of address space")
    view = np.lib.stride_tricks.as_strided(buffer, shape=(3, 2, 2), strides=(step, 2, 1))
    view[...] = np.arange(12, dtype=np.uint8).reshape(3, 2, 2) + 1
    out = _resample_block(view, np.eye(3), np.zeros(3), (3, 2, 2), (0, 0, 0), (0, 0, 0), (3, 2, 2), "nearest", 0.0)
    np.testing.assert_array_equal(out, view)
    half = _resample_block(view, np.diag([1.0, 1.0, 0.5]), np.array([0.0, 0.0, 0.25]), (3, 2, 3), (0, 0, 0), (0, 0, 0),
                           (3, 2, 2), "linear", 0.0, np.float64)
    np.testing.assert_array_equal(half[2, 1], [11.25, 11.75, 12.0])
    target = np.lib.stride_tricks.as_strided(np.zeros(2 * step + 64, dtype=np.uint8), shape=(3, 2, 2), strides=(step, 2, 1))
    _resample_block(view, np.eye(3), np.zeros(3), (3, 2, 2), (0, 0, 0), (0, 0, 0), (3, 2, 2), "nearest", 0.0, out=target)
    np.testing.assert_array_equal(target, view)


def test_the_fallback_warns_once_when_the_extension_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kernels, "_compiled", None)
    monkeypatch.setattr(_kernels, "FORCED", False)
    monkeypatch.setattr(_kernels, "_warned", False)
    with pytest.warns(RuntimeWarning, match="numpy fallback"):
        assert _kernels.kernel() is fallback.resample
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _kernels.kernel()


@pytest.mark.parametrize("dtype", DTYPES)
def test_integer_linear_rounds_to_nearest_and_clamps(dtype: str) -> None:
    """The rule: np.rint of the float64 interpolation, clamped to the dtype; computed here from the two neighbours."""
    rng = np.random.default_rng(3)
    values = _values(rng, (40,), dtype)
    image = sn.SpatialArray(values)
    out = np.asarray(resample(image, size=[79], spacing=[0.5]))
    a, c = values[:-1].astype(np.float64), values[1:].astype(np.float64)
    middle = a + (c - a) * 0.5
    expected = middle.astype(dtype) if np.dtype(dtype).kind == "f" else np.rint(middle).astype(dtype)
    np.testing.assert_array_equal(out[1::2], expected)
    np.testing.assert_array_equal(out[::2], values)
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        high = resample(image, size=[5], spacing=[1.0], dtype=np.uint8, default_value=0)
        assert np.asarray(high).min() >= 0 and np.asarray(high).max() <= 255
        assert info.min <= out.min() and out.max() <= info.max


_SCALAR_VS_AVX2 = """
import sys, numpy as np
from spatial_ndarray.resample import _resample_block
rng = np.random.default_rng(1)
for shape, dtype in (((31, 29, 27), "f4"), ((33, 35, 30), "f8"), ((61, 67), "f4"), ((50, 45), "f8")):
    n = len(shape)
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    values = (rng.normal(size=shape) * 100).astype(dtype)
    out = _resample_block(values, q * 0.9, (np.array(shape) - 1) / 2 - q @ (np.array(shape) - 1) / 2 * 0.9 + 0.3,
                          tuple(s + 3 for s in shape), (0,) * n, (0,) * n, shape, "linear", -1.0)
    sys.stdout.buffer.write(out.tobytes())
"""


@compiled
def test_the_avx2_and_scalar_linear_paths_agree_bit_for_bit() -> None:
    import os
    import subprocess
    import sys

    from spatial_ndarray._kernels import _resample  # type: ignore[attr-defined]

    if not _resample.AVX2:
        pytest.skip("this CPU has no AVX2: only the scalar path runs")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    vector = subprocess.run([sys.executable, "-c", _SCALAR_VS_AVX2], env=env, capture_output=True, check=True).stdout
    scalar = subprocess.run([sys.executable, "-c", _SCALAR_VS_AVX2], env={**env, "SPATIAL_NDARRAY_NO_AVX2": "1"},
                            capture_output=True, check=True).stdout
    assert len(vector) > 100_000 and vector == scalar


def test_resample_to_spacing_counts_a_float32_stored_extent_as_whole_voxels() -> None:
    """A spacing read from a float32 header (2.5000001) must not add a voxel and shift the grid by half a spacing."""
    stored = float(np.nextafter(np.float32(2.5), np.float32(3.0)))  # 2.5 plus one float32 ulp
    image = sn.SpatialArray(np.zeros((6, 4)), spacing=[stored, 1.0])
    out = sn.resample_to_spacing(image, [5.0, 2.0], antialias=False)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out.origin, [-0.5 * stored + 2.5, 0.5], atol=1e-5)
