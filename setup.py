"""Build the compiled resampling kernel; everything else is in pyproject.toml.

Without a compiler the extension is skipped (``optional=True``) and the numpy fallback is used, with a warning.
"""

import numpy
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "spatial_ndarray._kernels._resample",
            ["spatial_ndarray/_kernels/_resample.c"],
            include_dirs=[numpy.get_include()],
            # fused multiply-adds change the last bit of many voxels; errno-free rint/floor inline
            extra_compile_args=["-O3", "-ffp-contract=off", "-fno-math-errno", "-std=c99"],
            optional=True,
        )
    ]
)
