"""sn.imshow against matplotlib's own AxesImage (Agg), and napari_layer_kwargs against the real napari (headless)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatial_ndarray as sn

from .strategies import array_position, position

NAMES = ("t", "z", "y", "x")


def _signed_permutation(rng: np.random.Generator, p: int, n: int) -> np.ndarray:
    return (np.eye(p)[:, rng.permutation(p)] * rng.choice([-1.0, 1.0], size=p))[:, :n]


def _unique_image(shape: tuple[int, ...], origin: Any, spacing: Any, direction: Any, **meta: Any) -> sn.SpatialArray:
    return sn.SpatialArray(np.arange(float(np.prod(shape))).reshape(shape), origin=origin, spacing=spacing,
                           direction=direction, meta=meta or None)


# -- matplotlib ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plt() -> Any:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def _drawn_positions(shown: Any) -> tuple[np.ndarray, np.ndarray]:
    """Values and data coordinates of every pixel centre of an AxesImage, from matplotlib's extent and origin."""
    values = np.asarray(shown.get_array())
    rows, cols = values.shape[:2]
    left, right, bottom, top = shown.get_extent()
    assert shown.origin == "upper"
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    x = left + (c + 0.5) * (right - left) / cols
    y = top + (r + 0.5) * (bottom - top) / rows
    return values, np.stack([y, x], axis=-1)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), embedded=st.booleans(), shape=st.tuples(st.integers(1, 5), st.integers(1, 5)))
def test_imshow_puts_every_voxel_at_its_physical_position(plt: Any, seed: int, embedded: bool, shape: tuple[int, int]) -> None:
    """SA-14.9: flips and swaps (and axis-aligned slices of volumes) are drawn where each voxel lies, axes increasing."""
    rng = np.random.default_rng(seed)
    p = 3 if embedded else 2
    direction = _signed_permutation(rng, p, 2)
    image = _unique_image(shape, rng.normal(size=p) * 20, rng.uniform(0.2, 3.0, size=2), direction, frame="LPS")
    figure, axes = plt.subplots()
    shown = sn.imshow(image, ax=axes)
    values, centres = _drawn_positions(shown)
    rows = sorted(int(np.argmax(np.abs(direction[:, i]))) for i in range(2))  # the two physical axes it runs along
    for pixel in np.ndindex(*values.shape):
        source = np.unravel_index(int(values[pixel]), shape)
        point = position(image.origin, image.spacing, direction, source)
        np.testing.assert_allclose(centres[pixel], point[rows], atol=1e-9 * (1 + np.abs(point).max()))
    assert axes.get_xlim()[0] < axes.get_xlim()[1] and axes.get_ylim()[0] < axes.get_ylim()[1]
    assert axes.get_xlabel() == f"{NAMES[-p:][rows[1]]} (mm)" and axes.get_ylabel() == f"{NAMES[-p:][rows[0]]} (mm)"
    plt.close(figure)


def test_imshow_extent_is_the_voxel_boxes_of_a_flipped_image(plt: Any) -> None:
    """SA-14.9, SA-3.1: the issue's example: a flipped x axis lying in [20, 91) is drawn there, not at [91, 163)."""
    image = _unique_image((4, 72), [0.0, 90.0], [1.0, 1.0], [[1.0, 0.0], [0.0, -1.0]])
    figure, axes = plt.subplots()
    shown = sn.imshow(image, ax=axes)
    assert shown.get_extent() == [90.5, 18.5, 3.5, -0.5]
    assert sorted(axes.get_xlim()) == [18.5, 90.5]
    plt.close(figure)


def test_imshow_of_oblique_images_says_what_it_shows(plt: Any) -> None:
    """SA-14.9: an oblique 2-D image is resampled onto an axis-aligned grid; an oblique slice is drawn in its plane."""
    angle = 0.3
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    image = _unique_image((6, 8), [1.0, 2.0], [1.0, 1.0], rotation)
    figure, axes = plt.subplots()
    shown = sn.imshow(image, ax=axes)
    assert "resampled onto an axis-aligned grid" in axes.get_title()
    left, right, bottom, top = shown.get_extent()
    corners = image.geometry.corners(image.shape)
    assert min(left, right) <= corners[:, 1].min() and max(left, right) >= corners[:, 1].max()
    assert min(top, bottom) <= corners[:, 0].min() and max(top, bottom) >= corners[:, 0].max()
    plt.close(figure)
    volume = _unique_image((3, 4, 5), [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))[0])
    figure, axes = plt.subplots()
    shown = sn.imshow(volume[1], ax=axes)
    assert "its own axes" in axes.get_title() and axes.get_xlabel() == "along axis 1"
    values, centres = _drawn_positions(shown)
    direction = np.asarray(volume[1].direction)
    for pixel in np.ndindex(*values.shape):
        source = np.unravel_index(int(values[pixel]), volume.shape)
        along = direction.T @ array_position(volume, source)
        np.testing.assert_allclose(centres[pixel], along, atol=1e-9)
    plt.close(figure)


def test_imshow_refuses_what_it_cannot_show(plt: Any) -> None:
    with pytest.raises(ValueError, match="imshow shows 2 spatial axes, got 3"):
        sn.imshow(sn.SpatialArray(np.zeros((2, 3, 4))))
    with pytest.raises(ValueError, match="one RGB"):
        sn.imshow(sn.SpatialArray(np.zeros((2, 3, 5)), spacing=[1.0, 1.0]))
    with pytest.raises(TypeError, match="imshow needs a SpatialArray"):
        sn.imshow(np.zeros((2, 2)))


# -- napari --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def napari_image() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    napari = pytest.importorskip("napari")
    return napari.layers.Image


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 3), kind=st.sampled_from(["oblique", "improper", "flipped"]))
def test_napari_places_every_voxel_where_we_do(napari_image: Any, seed: int, n: int, kind: str) -> None:
    """SA-14.10: the real napari's data_to_world equals index_to_physical for oblique, improper and flipped directions."""
    rng = np.random.default_rng(seed)
    if kind == "flipped":
        direction = _signed_permutation(rng, n, n)
    else:
        direction, _ = np.linalg.qr(rng.normal(size=(n, n)))
        if (np.linalg.det(direction) > 0) == (kind == "improper"):
            direction[:, 0] = -direction[:, 0]
    image = _unique_image((3, 4, 5)[:n], rng.normal(size=n) * 10, rng.uniform(0.2, 3.0, size=n), direction)
    layer = napari_image(np.asarray(image), **sn.napari_layer_kwargs(image))
    for _ in range(5):
        index = rng.uniform(-0.5, 3.0, size=n)
        np.testing.assert_allclose(layer.data_to_world(index), position(image.origin, image.spacing, direction, index), atol=1e-9)


def test_napari_slices_of_volumes_are_shown_in_their_plane(napari_image: Any) -> None:
    """SA-14.10: an axis-aligned slice lands on the physical axes it runs along; an oblique one in its own axes."""
    aligned = _unique_image((3, 4, 5), [1.0, 2.0, 3.0], [0.5, 1.5, 2.0], np.diag([1.0, -1.0, 1.0]), frame="LPS")
    sliced = aligned[:, 2]
    kwargs = sn.napari_layer_kwargs(sliced)
    layer = napari_image(np.asarray(sliced), **kwargs)
    assert kwargs["axis_labels"] == ("z", "x") and kwargs["units"] == "mm"
    assert kwargs["metadata"]["embedding"]["origin"] == np.asarray(sliced.origin).tolist()
    for index in [(0, 0), (2, 4), (1.5, 0.25)]:
        np.testing.assert_allclose(layer.data_to_world(index), array_position(sliced, index)[[0, 2]], atol=1e-12)
    oblique = _unique_image((3, 4, 5), [1.0, 2.0, 3.0], [0.5, 1.5, 2.0], np.linalg.qr(np.random.default_rng(5).normal(size=(3, 3)))[0])[1]
    layer = napari_image(np.asarray(oblique), **sn.napari_layer_kwargs(oblique))
    for index in [(0, 0), (3, 4), (1.5, 0.25)]:
        along = np.asarray(oblique.direction).T @ array_position(oblique, index)
        np.testing.assert_allclose(layer.data_to_world(index), along, atol=1e-12)


def test_napari_rgb_and_refusals(napari_image: Any) -> None:
    rgb = sn.SpatialArray(np.zeros((4, 5, 3), dtype=np.uint8), origin=[2.0, 3.0], spacing=[1.0, 2.0])
    kwargs = sn.napari_layer_kwargs(rgb, name="photo")
    layer = napari_image(np.asarray(rgb), **kwargs)
    assert kwargs["rgb"] and kwargs["name"] == "photo" and layer.rgb
    np.testing.assert_allclose(layer.data_to_world((1, 1)), [3.0, 5.0])
    with pytest.raises(ValueError, match="add one component at a time"):
        sn.napari_layer_kwargs(sn.SpatialArray(np.zeros((4, 5, 7)), spacing=[1.0, 1.0]))
    with pytest.raises(TypeError, match="needs a SpatialArray"):
        sn.napari_layer_kwargs(np.zeros((2, 2)))


def test_napari_reader_opens_files_with_their_geometry(tmp_path: Any, napari_image: Any) -> None:
    """SA-14.10: the npe2 reader gives layer data whose world positions are the file's physical positions."""
    pytest.importorskip("SimpleITK")
    npe2 = pytest.importorskip("npe2")
    from spatial_ndarray.napari import get_reader

    manifest = npe2.PluginManifest.from_file(os.path.join(os.path.dirname(sn.__file__), "napari.yaml"))
    assert manifest.contributions.readers[0].command == "spatial-ndarray.get_reader"
    assert manifest.contributions.commands[0].python_name == "spatial_ndarray.napari:get_reader"
    image = sn.SpatialArray(np.random.default_rng(0).normal(size=(3, 4, 5)).astype(np.float32), origin=[1.0, 2.0, 3.0],
                            spacing=[0.5, 1.0, 2.0], direction=np.diag([1.0, -1.0, 1.0]))
    path = tmp_path / "scan.mha"
    sn.write(image, path)
    reader = get_reader(str(path))
    assert reader is not None and get_reader(str(tmp_path / "notes.txt")) is None
    [(data, kwargs, kind)] = reader(str(path))
    assert kind == "image" and np.array_equal(data, image)
    layer = napari_image(data, **kwargs)
    np.testing.assert_allclose(layer.data_to_world((2, 3, 4)), array_position(image, (2, 3, 4)), atol=1e-9)
