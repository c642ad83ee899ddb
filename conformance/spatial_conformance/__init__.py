"""spatial_conformance: check that an array type implements the spatial array protocol (SPEC.md).

A third party supplies only a factory, ``factory(data, origin, spacing,
direction) -> array``; every check cites the SPEC.md clause it enforces.

Examples
--------
>>> import spatial_conformance
>>> spatial_conformance.LEVELS
('attributes', 'indexing', 'ufuncs', 'functions')
>>> sorted(spatial_conformance.FEATURES)
['components', 'mapping', 'out']
"""

from ._foreign import ForeignImage
from ._registry import CHECKS, FEATURES, LEVELS, NOT_CHECKABLE, Check, ConformanceFailure, level_of
from ._report import STATUSES, CheckResult, Report
from ._runner import DEFAULT_MAX_EXAMPLES, check
from ._version import CHECKER_VERSION, SPEC_VERSION

__all__ = ["CHECKER_VERSION", "CHECKS", "DEFAULT_MAX_EXAMPLES", "FEATURES", "ForeignImage", "LEVELS", "NOT_CHECKABLE", "SPEC_VERSION",
           "STATUSES", "Check", "CheckResult", "ConformanceFailure", "Report", "check", "level_of",
           "not_checkable_table", "spec_table"]

__version__ = CHECKER_VERSION


def spec_table() -> str:
    """The SPEC.md conformance table: every check id, its clause, level and feature, as Markdown."""
    lines = ["| check | clause | level | feature | verifies |", "|---|---|---|---|---|"]
    for item in CHECKS.values():
        feature = f"without `{item.feature}`" if item.fallback else f"`{item.feature}`" if item.feature else ""
        kind = " (SHOULD: advisory)" if item.advisory and "advisory" not in item.description else ""
        lines.append(f"| `{item.id}` | {item.clause} | {item.level} | {feature} | {item.description}{kind} |")
    return "\n".join(lines) + "\n"


def not_checkable_table() -> str:
    """The SPEC.md table of clauses not mechanically checkable, with the reason, as Markdown."""
    lines = ["| clause | why no check can verify it |", "|---|---|"]
    for clause, reason in NOT_CHECKABLE.items():
        lines.append(f"| `{clause}` | {reason} |")  # backticks: not a clause row of SPEC.md
    return "\n".join(lines) + "\n"
