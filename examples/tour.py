"""A guided tour of spatial_ndarray: run it and read what it prints.

    python examples/tour.py
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np

import spatial_ndarray as sn


def step(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def main() -> None:
    step("1. An array that knows its place")
    # A CT-like volume: 40 slices of 64 x 64, 2.5 mm slices, 0.8 mm pixels, tilted 30 degrees about axis 0.
    angle = np.deg2rad(30.0)
    direction = np.array(
        [[1.0, 0.0, 0.0], [0.0, np.cos(angle), -np.sin(angle)], [0.0, np.sin(angle), np.cos(angle)]]
    )
    values = np.random.default_rng(0).normal(size=(40, 64, 64)).astype(np.float32)
    volume = sn.SpatialArray(values, origin=[-50.0, -25.6, -25.6], spacing=[2.5, 0.8, 0.8], direction=direction)
    print("shape", volume.shape, "origin", volume.origin, "spacing", volume.spacing)
    print("shares memory with the numpy data it wraps:", np.shares_memory(volume, values))
    print("physical position of voxel (10, 20, 30):", volume.index_to_physical([10, 20, 30]))
    print("and back to a continuous index:", volume.physical_to_index(volume.index_to_physical([10, 20, 30])))

    step("2. Views keep every element where it was")
    view = volume[10:30:2, ::-1, 5:]
    k = np.array([3, 7, 11])  # an element of the view ...
    original = np.array([10 + 2 * 3, 63 - 7, 5 + 11])  # ... is this element of the volume
    print("view origin", view.origin, "spacing", view.spacing)
    print("same value:", view[tuple(k)] == volume[tuple(original)])
    print("same position:", np.allclose(view.index_to_physical(k), volume.index_to_physical(original)))

    step("3. A 2-D slice of an oblique volume stays embedded in 3-D")
    axial = volume[12]
    print("slice shape", axial.shape, "origin (3-vector)", axial.origin)
    print("direction (3 x 2):\n", axial.direction)

    step("4. Arithmetic is numpy's, geometry is checked")
    smooth = (volume + volume[:, ::-1, :][:, ::-1, :]) / 2
    print("values equal numpy's:", np.array_equal(np.asarray(smooth), (values + values) / 2))
    mask = volume > 1.0
    print("a comparison gives a boolean image:", type(mask).__name__, mask.dtype, mask.spacing)
    try:
        volume[:-1] + volume[1:]
    except sn.GeometryMismatchError as error:
        print("adding two different grids is refused:\n ", str(error).splitlines()[0])

    step("5. Reductions bin whole axes")
    mip = volume.max(axis=0)
    print("maximum intensity projection: origin moves to the centre of the stack:", mip.origin)
    thick = volume.mean(axis=0, keepdims=True)
    print("keepdims: one 100 mm thick slab, spacing", thick.spacing)
    print("a full reduction is a plain number:", type(volume.sum()).__name__)

    step("6. Where geometry is undefined, you get a plain ndarray")
    print("volume.reshape(-1):", type(volume.reshape(-1)).__name__)
    print("volume[[1, 5, 9]]:", type(volume[[1, 5, 9]]).__name__)
    print("np.asarray(volume):", type(np.asarray(volume)).__name__)

    step("6b. Plain results go back on the grid with with_values")
    from scipy import ndimage

    filtered = ndimage.median_filter(np.asarray(volume), size=3)  # scipy returns plain values
    back = volume.with_values(filtered)
    print("with_values: same grid", back.geometry == volume.geometry, "- no copy", np.shares_memory(back, filtered))
    try:
        volume.with_values(filtered[:, :-1])
    except ValueError as error:
        print("another spatial shape is refused:", str(error).split(";")[0])

    step("7. Tolerance, pickling, ITK order")
    nudged = sn.SpatialArray(values, origin=volume.origin + 1e-4, spacing=volume.spacing, direction=direction)
    with sn.tolerance(coordinate=1e-3):
        print("within a 1e-3 tolerance the nudged copy adds fine:", type(volume + nudged).__name__)
    again = pickle.loads(pickle.dumps(view))
    print("pickle keeps geometry:", again.geometry == view.geometry)
    origin_xyz, spacing_xyz, _ = volume.geometry.to_itk()
    print("in ITK (x, y, z) order: origin", origin_xyz, "spacing", spacing_xyz)

    step("8. xarray, matplotlib and napari: every voxel at its physical position")
    # a flipped image (as every RAS NIfTI is in the LPS frame): x runs 90, 89, 88, ... mm
    image = sn.SpatialArray(values[20, :4, :5], origin=[-25.6, 90.0], spacing=[0.8, 1.0],
                            direction=[[1.0, 0.0], [0.0, -1.0]], meta={"frame": "LPS"})
    data_array = image.to_xarray(name="ct")
    print(data_array.coords["x"].values, data_array.coords["x"].attrs["units"], "- coordinates are physical positions")
    print("a flipped view aligns with the original voxel by voxel:",
          np.array_equal((data_array + image[:, ::-1].to_xarray()).values, 2 * np.asarray(image)))
    print("oblique volume: dims", volume.to_xarray().dims, "with lazy 3-D coordinates", list(volume.to_xarray().coords)[3:6])
    slab = sn.from_xarray(volume.to_xarray().isel(k=slice(10, 30, 2)).mean("k"))
    print("isel and mean over k come back by the binning rule:", slab.geometry.same_space(volume[10:30:2].mean(0).geometry))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    data_array.plot(ax=left, x="x", y="y")  # xarray draws each voxel box at its coordinates
    shown = sn.imshow(image, ax=right)  # the same picture from the SpatialArray
    print("xarray's x axis", np.round(left.get_xlim(), 2), "and sn.imshow's", np.round(right.get_xlim(), 2),
          "- extent (voxel boxes)", shown.get_extent())
    plt.close(figure)
    try:
        import napari  # noqa: F401
    except ImportError:
        print("napari is not installed: pip install 'spatial-ndarray[napari]' for viewer.add_image(np.asarray(img), **sn.napari_layer_kwargs(img))")
    else:
        print("napari: viewer.add_image(np.asarray(volume), **sn.napari_layer_kwargs(volume)) with affine\n",
              np.round(sn.napari_layer_kwargs(volume)["affine"], 3))
    print("itk and spatial-image: image.to_xarray(layout='itk'); sn.from_xarray reads ours, theirs and files")

    step("9. Resampling, pyramids and filters in millimetres")
    turn = sn.AffineTransform.from_rotation(np.deg2rad(10), (1, 2), ndim=3, center=volume.index_to_physical([20, 32, 32]))
    fitted = sn.resample_to_fit(volume, turn)  # the transform maps output points to input points
    print("a 10 degree rotation onto a grid that holds all of it:", volume.shape, "->", fitted.shape)
    levels = sn.pyramid(volume, 3)
    print("pyramid:", [level.shape for level in levels], "- level 2 spacing", levels[2].spacing)
    print("its corners are the original's:", np.allclose(levels[2].geometry.corners(levels[2].shape),
                                                         volume.geometry.corners(volume.shape)))
    print("a 2 mm Gaussian is", np.round(2.0 / volume.spacing, 2), "voxels along the axes:", sn.gaussian_filter(volume, 2.0).shape)

    step("10. scipy.ndimage and scikit-image keep the geometry")
    from spatial_ndarray import ndimage as ndi  # scipy.ndimage's names, signatures and values

    smooth = ndi.median_filter(volume, size=3)  # sizes in voxels, as scipy's
    labels, count = ndi.label(smooth > 0.3)
    print("ndi.label gives a labelled image on the volume's grid:", type(labels).__name__, count, "labels,",
          "same space:", labels.geometry.same_space(volume.geometry))
    zoomed = ndi.zoom(volume[:8, :16, :16], 2, order=1)  # output k samples input k * (n_in - 1) / (n_out - 1)
    print("ndi.zoom knows the grid it sampled: spacing", np.round(zoomed.spacing, 4), "origin", zoomed.origin)
    peak = ndi.maximum_position(volume)  # measurements return scipy's indices (a drop-in)...
    print("maximum at index", tuple(int(k) for k in peak), "- at", np.round(volume.index_to_physical(peak), 3), "mm")  # ...placed in space
    ball = sn.binary_dilation(volume > 3.5, 2.0)  # physical units: a 2 mm ball, 1 voxel along axis 0, 2 along the others
    stats = sn.label_statistics(ndi.label(ball)[0])
    first = stats[1]
    print(f"{len(stats)} blobs of 2 mm; the first: {first.count} voxels, {first.volume:.1f} mm^3,",
          "centroid", np.round(first.centroid, 2), "mm")
    try:
        from skimage import filters, transform
    except ImportError:
        print("scikit-image is not installed: pip install scikit-image to see sn.keep_geometry on it")
    else:
        sobel = sn.keep_geometry(filters.sobel)(volume)  # skimage's values, the volume's grid
        print("sn.keep_geometry(filters.sobel) keeps the grid:", sobel.geometry.same_space(volume.geometry))
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            small = sn.keep_geometry(transform.resize)(volume, (20, 32, 32))
        print("resize leaves the grid:", type(small).__name__, "and warns:", str(caught[0].message)[:60], "...")

    step("11. SimpleITK, itk, nibabel and files")
    try:
        import SimpleITK as sitk
    except ImportError:
        print("SimpleITK is not installed: pip install 'spatial-ndarray[interop]' to run this step")
        return
    itk_image = sn.to_sitk(volume)
    point = itk_image.TransformIndexToPhysicalPoint((30, 20, 10))  # SimpleITK's own mapping, (x, y, z) index
    print("SimpleITK puts voxel (10, 20, 30) at", np.round(point[::-1], 6), "- ours:", np.round(volume.index_to_physical([10, 20, 30]), 6))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "volume.nii.gz"
        sn.write(volume, path)  # NIfTI through nibabel (RAS on disk), LPS in memory like ITK
        again = sn.read(path)
        through_sitk = sn.from_sitk(sitk.ReadImage(str(path)))
        print("written and read back: values equal", np.array_equal(again, volume), "- frame", again.meta["frame"])
        print("nibabel and SimpleITK read the same file alike:", np.array_equal(again, through_sitk),
              again.geometry.same_space(through_sitk.geometry))
        # NIfTI stores its affine in float32: the default tolerance allows for that storage, nothing more
        print("the float32-stored geometry is the same space as the original:", again.geometry.same_space(volume.geometry),
              "- so image arithmetic works:", (again - volume).shape)
        canonical = sn.reorient(again, "SAR")  # nibabel's as_closest_canonical, as a view (codes in numpy order)
        print("orientation", sn.orientation(again), "-> reoriented", sn.orientation(canonical),
              "- a view:", np.shares_memory(canonical, again))


def large_images() -> None:
    step("12. Larger than memory: lazy images, chunked resampling, OME-Zarr pyramids")
    import dask.array as da

    rng = np.random.default_rng(2)
    values = rng.normal(size=(48, 64, 64)).astype(np.float32)
    image = sn.SpatialArray(values, origin=[-60.0, -32.0, -32.0], spacing=[2.5, 1.0, 1.0], direction=np.diag([1.0, -1.0, 1.0]))
    lazy = sn.lazy.lazy_image(da.from_array(values, chunks=(16, 32, 32)), image.geometry)  # dask-backed, nothing read
    turn = sn.AffineTransform.from_euler([np.deg2rad(10.0), 0.0, 0.0], center=image.index_to_physical([24, 32, 32]))
    turned = sn.resample(sn.gaussian_filter(lazy, 1.0), image, transform=turn)  # still lazy: a graph of chunks
    print("a lazy image:", type(turned.data).__name__, "chunks", turned.data.chunksize, "- geometry without computing:",
          turned.spatial.spacing)
    in_memory = sn.resample(sn.gaussian_filter(image, 1.0), image, transform=turn)
    print("chunk by chunk equals the in-memory result bit for bit:", np.array_equal(turned.values, np.asarray(in_memory)))
    with tempfile.TemporaryDirectory() as folder:
        sn.write_ome_zarr(turned, Path(folder) / "turned.ome.zarr", levels=3)  # each level from the one written before
        level = sn.read_ome_zarr(Path(folder) / "turned.ome.zarr", level=2, lazy=False)
        print("level 2 of the OME-Zarr pyramid:", level.shape, "origin", level.origin, "- the binning rule's:",
              level.geometry.same_space(sn.pyramid(in_memory, 3)[2].geometry))


def deep_learning() -> None:
    step("13. Deep learning: MONAI and TorchIO keep every voxel in place")
    try:
        import monai.transforms
        import torchio
    except ImportError:
        print("torch, MONAI and TorchIO are not installed: pip install 'spatial-ndarray[dl]' to run this step "
              "(for the CPU-only build, install torch from PyTorch's CPU-only wheels first)")
        return
    rng = np.random.default_rng(1)
    image = sn.SpatialArray(rng.normal(size=(20, 24, 28)).astype(np.float32), origin=[-10.0, 5.0, 2.5], spacing=[2.0, 1.0, 0.5])
    tensor = sn.to_monai(image)  # channel-first (1, i, j, k) = (1, x, y, z), a RAS affine; shares memory
    print("MetaTensor", tuple(tensor.shape), "space", tensor.meta["space"], "- shares memory:",
          np.shares_memory(tensor.as_tensor().numpy(), image))
    ras = tensor.affine.numpy() @ [27, 23, 19, 1]  # MONAI's own mapping of voxel (i, j, k) = (27, 23, 19)
    print("MONAI puts it at RAS", ras[:3], "- ours, voxel (19, 23, 27) in LPS (z, y, x):", image.index_to_physical([19, 23, 27]))
    spaced = sn.from_monai(monai.transforms.Spacing(pixdim=(1.0, 2.0, 4.0), scale_extent=True)(tensor))
    ours = sn.resample_to_spacing(image, [4.0, 2.0, 1.0], antialias=False)
    print("MONAI's Spacing comes back on the grid of sn.resample_to_spacing:", spaced.geometry.same_space(ours.geometry))
    cropped = sn.from_torchio(torchio.Crop((1, 2, 3, 4, 5, 6))(sn.to_torchio(image)))  # (i, j, k) before/after
    print("TorchIO's Crop is our slice image[5:-6, 3:-4, 1:-2]:", cropped.geometry.same_space(image[5:-6, 3:-4, 1:-2].geometry))


if __name__ == "__main__":
    main()
    large_images()
    deep_learning()
