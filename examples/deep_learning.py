"""Deep-learning preprocessing without losing the geometry: spatial_ndarray, MONAI and TorchIO.

    pip install 'spatial-ndarray[dl,interop]'     # torch, MONAI, TorchIO; nibabel for the NIfTI files
    python examples/deep_learning.py [output folder]

Reads a volume, reorients and resamples it with our functions, hands it to MONAI and
to TorchIO, runs their transforms, comes back and writes the result with its geometry.
Every step prints where a voxel is in physical space (LPS, mm), so you can see nothing
moved.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import spatial_ndarray as sn


def phantom() -> sn.SpatialArray:
    """A CT-like volume stored the way scanners often do: axes pointing P, I, R (numpy order), 1 x 0.8 x 0.8 mm."""
    z, y, x = np.mgrid[:48, :40, :44]
    body = ((z - 24) / 20.0) ** 2 + ((y - 20) / 16.0) ** 2 + ((x - 22) / 18.0) ** 2 < 1.0
    rng = np.random.default_rng(0)
    values = np.where(body, 40.0, -1000.0) + rng.normal(scale=5.0, size=body.shape)
    direction = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])  # columns: P (y), I (-z), R (-x)
    return sn.SpatialArray(values.astype(np.float32), origin=[40.0, -120.5, 80.25], spacing=[1.0, 0.8, 0.8], direction=direction)


def where(image: sn.SpatialArray, label: str) -> None:
    centre = (np.array(image.shape) - 1) / 2.0  # the centre of the extent, a continuous index
    print(f"{label:<36} shape {image.shape}, spacing {np.round(image.spacing, 3)}, centre at "
          f"{np.round(image.index_to_physical(centre), 3)} mm")


def main(folder: Path) -> None:
    try:
        import monai.transforms as mt
        import torchio as tio
    except ImportError:
        print("This example needs torch, MONAI and TorchIO: pip install 'spatial-ndarray[dl]' "
              "(for the CPU-only build, install torch from PyTorch's CPU-only wheels first)")
        return
    source = folder / "ct.nii.gz"
    sn.write(phantom(), source)  # stands in for your scan
    image = sn.read(source)
    where(image, "read from NIfTI")

    # a view (no copy) whose axes point S, A, R in numpy order: MONAI's and TorchIO's (i, j, k) = (R, A, S),
    # nibabel's "closest canonical"
    canonical = sn.reorient(image, "SAR")
    where(canonical, "reoriented (view, S A R)")
    resampled = sn.resample_to_spacing(canonical, [2.0, 1.6, 1.6], antialias=False)
    where(resampled, "resampled by sn.resample_to_spacing")

    # MONAI: the same resampling by MONAI's Spacing (scale_extent=True keeps the extent, as ours does), then intensity
    tensor = sn.to_monai(canonical)  # channel-first (1, i, j, k), RAS affine, meta["space"] = "RAS"; shares memory
    print("MONAI sees shape", tuple(tensor.shape), "affine row 0", np.round(tensor.affine[0].numpy(), 3).tolist())
    steps = mt.Compose([mt.Spacing(pixdim=(1.6, 1.6, 2.0), scale_extent=True),
                        mt.ScaleIntensityRange(a_min=-1000, a_max=400, b_min=0.0, b_max=1.0, clip=True)])
    from_monai = sn.from_monai(steps(tensor))
    where(from_monai, "back from MONAI")
    same = from_monai.geometry.same_space(resampled.geometry)
    scaled = np.clip((np.asarray(resampled) + 1000) / 1400, 0, 1)
    print("MONAI result agrees with sn.resample_to_spacing:", same and bool(np.allclose(from_monai, scaled, atol=1e-5)))

    # TorchIO: crop 4 voxels off every side of (i, j, k), then z-normalise
    subject = tio.Subject(ct=sn.to_torchio(resampled))
    transformed = tio.Compose([tio.Crop(4), tio.ZNormalization()])(subject)
    from_torchio = sn.from_torchio(transformed["ct"])
    where(from_torchio, "back from TorchIO")
    sliced = resampled[4:-4, 4:-4, 4:-4]  # our own slice of the same voxels
    print("TorchIO result agrees with our slice:", from_torchio.geometry.same_space(sliced.geometry)
          and from_torchio.shape == sliced.shape)

    output = folder / "resampled.nii.gz"
    sn.write(from_monai, output)
    again = sn.read(output)
    with sn.tolerance(coordinate=1e-5, direction=1e-5):  # NIfTI stores its affine in float32
        print(f"written to {output.name}; read back in the same place:", again.geometry.same_space(from_monai.geometry))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as temporary:
            main(Path(temporary))
