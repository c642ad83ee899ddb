"""spatial_conformance: check that an array type implements the spatial array protocol (SPEC.md).

A third party supplies only a factory, ``factory(data, origin, spacing,
direction) -> array``; every check cites the SPEC.md clause it enforces.

Examples
--------
>>> import spatial_conformance
>>> sorted(spatial_conformance.LEVELS)
['attributes', 'functions', 'indexing', 'ufuncs']
"""

from ._registry import CHECKS, FEATURES, LEVELS, Check, ConformanceFailure
from ._report import STATUSES, CheckResult, Report
from ._runner import check

__all__ = ["CHECKS", "FEATURES", "LEVELS", "STATUSES", "Check", "CheckResult", "ConformanceFailure", "Report",
           "check", "spec_table"]

__version__ = "0.1.0"
SPEC_VERSION = "1.2"


def spec_table() -> str:
    """The SPEC.md conformance table: every check id, its clause, level and feature, as Markdown."""
    lines = ["| check | clause | level | feature | verifies |", "|---|---|---|---|---|"]
    for item in CHECKS.values():
        lines.append(f"| `{item.id}` | {item.clause} | {item.level} | {item.feature or ''} | {item.description} |")
    return "\n".join(lines) + "\n"
