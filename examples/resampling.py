"""Rotate an image, fit the output grid around it, and compare with SimpleITK, after SimpleITK's
"images and resampling" notebook. Writes a PNG with physical axes.

    python examples/resampling.py [output.png]

Needs matplotlib (and SimpleITK for the comparison): pip install 'spatial-ndarray[interop,examples]'.
"""

from __future__ import annotations

import sys

import numpy as np

import spatial_ndarray as sn


def phantom() -> sn.SpatialArray:
    """A 2-D test image with asymmetric features, 0.8 x 0.6 mm pixels, origin at (-30, -40) mm."""
    y, x = np.mgrid[0:96, 0:128]
    image = np.zeros((96, 128), dtype=np.float32)
    image[(y - 48) ** 2 / 30**2 + (x - 64) ** 2 / 45**2 < 1] = 1.0  # an ellipse
    image[2:22, 3:23] = 2.0  # a block in a corner: a rotation on the input grid cuts it off
    image[60:70, 90:120] = 3.0  # a bar
    return sn.SpatialArray(image, origin=[-30.0, -40.0], spacing=[0.8, 0.6], meta={"spatial_units": "mm"})


def main(path: str = "resampling.png") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    image = phantom()
    centre = image.index_to_physical((np.array(image.shape) - 1) / 2)
    # the resampling transform maps output points to input points: rotate the image by +30 degrees
    # by sampling it at points rotated by -30 degrees about its centre
    rotation = sn.AffineTransform.from_rotation(np.deg2rad(-30), center=centre)
    cut = sn.resample(image, transform=rotation, default_value=-1.0)  # the input grid: corners are cut off
    fitted = sn.resample_to_fit(image, rotation, default_value=-1.0)  # a grid holding the whole rotated image
    print(f"input {image.shape}, same grid {cut.shape}, fitted grid {fitted.shape} with origin {np.round(fitted.origin, 2)}")
    def mass(shown: sn.SpatialArray) -> float:  # intensity times area, which a rotation preserves
        values = np.asarray(shown)
        return float(values[values >= 0].sum() * shown.spacing.prod())

    print(f"intensity x area kept: {mass(cut) / mass(image):.1%} on the input grid, {mass(fitted) / mass(image):.1%} on the fitted grid")

    try:
        import SimpleITK as sitk

        euler = sitk.Euler2DTransform(list(centre[::-1]), float(np.deg2rad(30)), [0.0, 0.0])  # (x, y) order: the same rotation
        reference = sitk.Image(fitted.shape[::-1], sitk.sitkFloat32)
        reference.SetOrigin(list(fitted.origin[::-1]))
        reference.SetSpacing(list(fitted.spacing[::-1]))
        theirs = sn.from_sitk(sitk.Resample(sn.to_sitk(image), reference, euler, sitk.sitkLinear, -1.0, sitk.sitkFloat32))
        print(f"largest difference from sitk.Resample on the fitted grid: {np.abs(np.asarray(theirs) - np.asarray(fitted)).max():.2e}")
    except ImportError:
        print("SimpleITK is not installed: skipping the comparison")

    figure, axes = plt.subplots(1, 3, figsize=(13, 4.2), constrained_layout=True)
    for ax, shown, title in zip(axes, (image, cut, fitted), ("input", "rotated, input grid", "rotated, fitted grid")):
        sn.imshow(shown, ax=ax, vmin=-1, vmax=3)  # voxel boxes at their physical positions, axes in mm
        ax.set_title(f"{title}\n{shown.shape[0]} x {shown.shape[1]} pixels")
        ax.set_xlim(-60, 60)
        ax.set_ylim(-60, 60)
        ax.plot(*centre[::-1], "r+", markersize=12)
    figure.suptitle("Same physical frame in every panel: the rotation centre (red +) stays put")
    figure.savefig(path, dpi=80)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
