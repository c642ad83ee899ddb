"""SpatialArray passes every level and every feature of the independent conformance checker (SA-1.1 ... SA-13.6)."""

from __future__ import annotations

from typing import Any

import numpy as np
import spatial_conformance
from spatial_conformance.pytest_plugin import conformance_tests

import spatial_ndarray as sn


def make_image(data: np.ndarray, origin: Any, spacing: Any, direction: Any) -> sn.SpatialArray:
    return sn.SpatialArray(data, origin=origin, spacing=spacing, direction=direction)


test_spatial_array_conforms = conformance_tests(make_image, level="functions", features=spatial_conformance.FEATURES)


def test_spec_conformance_table_lists_every_check() -> None:
    """SPEC.md's conformance table is generated from the checker's registry."""
    import re
    from pathlib import Path

    spec = (Path(__file__).resolve().parent.parent / "SPEC.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- appendix:conformance -->\n(.*?)<!-- /appendix:conformance -->", spec, re.S)
    assert match, "SPEC.md has no generated conformance table"
    assert match.group(1) == spatial_conformance.spec_table(), "run: python tools/update_spec_appendix.py"
    assert spatial_conformance.SPEC_VERSION == sn.SPEC_VERSION
