"""Build the compiled resampling kernel; everything else is in pyproject.toml.

Without a working compiler the extension is skipped (``optional=True``) and the package falls back to its numpy
twin of the kernel (same results, slower) with a one-time warning.
"""

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# fused multiply-adds change the last bit of many voxels; errno-free maths lets the compiler inline rounding
GCC_LIKE = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-std=c99"]
MSVC = ["/O2", "/fp:precise"]


class BuildExt(build_ext):
    def build_extensions(self) -> None:
        flags = MSVC if self.compiler.compiler_type == "msvc" else GCC_LIKE
        for extension in self.extensions:
            extension.extra_compile_args = flags
        super().build_extensions()


setup(
    ext_modules=[
        Extension(
            "spatial_ndarray._kernels._resample",
            ["spatial_ndarray/_kernels/_resample.c"],
            include_dirs=[numpy.get_include()],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            optional=True,
        )
    ],
    cmdclass={"build_ext": BuildExt},
)
