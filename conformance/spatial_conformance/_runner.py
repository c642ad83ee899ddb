"""Running the registered checks against a factory."""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from . import _checks  # noqa: F401  (registers the checks)
from ._checks import Context, Factory
from ._registry import CHECKS, FEATURES, LEVELS, Check, ConformanceFailure
from ._report import CheckResult, Report

__all__ = ["check", "plan", "run_one"]


def _validated(level: str, features: Iterable[str], expected_failures: Mapping[str, str]) -> tuple[str, frozenset[str]]:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; levels are {', '.join(LEVELS)}")
    claimed = frozenset(features)
    unknown = sorted(claimed - set(FEATURES))
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; features are {', '.join(sorted(FEATURES))}")
    known = set(CHECKS) | {c.clause for c in CHECKS.values()}
    stray = sorted(set(expected_failures) - known)
    if stray:
        raise ValueError(f"expected_failures names no check or clause: {stray}")
    return level, claimed


def plan(level: str = "functions", features: Iterable[str] = (), expected_failures: Mapping[str, str] | None = None) -> Iterator[tuple[Check, str | None, str | None]]:
    """Every registered check with why it is not claimed (or None) and why it is expected to fail (or None)."""
    level, claimed = _validated(level, features, expected_failures or {})
    depth = LEVELS.index(level)
    for item in CHECKS.values():
        reason = None
        if LEVELS.index(item.level) > depth:
            reason = f"level {item.level} not claimed (claimed: {level})"
        elif item.feature is not None and item.feature not in claimed:
            reason = f"feature {item.feature!r} not claimed ({FEATURES[item.feature]})"
        xfail = (expected_failures or {}).get(item.id) or (expected_failures or {}).get(item.clause)
        yield item, reason, xfail


def run_one(item: Check, context: Context, not_claimed: str | None = None, xfail: str | None = None) -> CheckResult:
    """Run one check and classify its outcome."""
    def result(status: str, message: str, seconds: float = 0.0) -> CheckResult:
        return CheckResult(item.id, item.clause, item.name, item.level, item.feature, status, message, seconds)

    if not_claimed is not None:
        return result("not claimed", not_claimed)
    start = time.perf_counter()
    try:
        item.run(context)
    except ConformanceFailure as failure:
        message = str(failure)
        status = "xfail" if xfail else "failed"
        if xfail:
            message = f"expected: {xfail}\n{message}"
    except Exception as error:  # the array under test crashed: report, do not hide
        status = "xfail" if xfail else "error"
        message = f"{item.clause}: the check could not run: {type(error).__name__}: {error}\n" + "".join(
            traceback.format_exception(error)[-3:]
        )
    else:
        status = "xpass" if xfail else "passed"
        message = f"expected to fail ({xfail}) but passed" if xfail else ""
    return result(status, message, time.perf_counter() - start)


def check(
    factory: Factory,
    *,
    level: str = "functions",
    features: Iterable[str] = (),
    expected_failures: Mapping[str, str] | None = None,
    max_examples: int = 50,
    derandomize: bool = True,
) -> Report:
    """Check an array type against SPEC.md.

    Parameters
    ----------
    factory : callable
        ``factory(data, origin, spacing, direction) -> array``: the only thing the
        third party supplies. Geometry is read back through the protocol
        attributes, values through ``np.asarray``.
    level : {"attributes", "indexing", "ufuncs", "functions"}
        The level claimed; levels are cumulative.
    features : iterable of str
        Optional features claimed (see `FEATURES`).
    expected_failures : mapping, optional
        ``{check_id_or_clause: reason}``: known failures, reported as xfail; a
        pass among them is an unexpected pass (xpass), which fails the run.
    max_examples : int
        Examples per hypothesis property.
    derandomize : bool
        Fixed example sequence, so CI results are stable.

    Returns
    -------
    Report

    Examples
    --------
    >>> import numpy as np
    >>> report = check(lambda data, o, s, d: data, level="attributes")
    >>> report.ok
    False
    """
    context = Context(factory, frozenset(features), max_examples, derandomize)
    results = [run_one(item, context, reason, xfail) for item, reason, xfail in plan(level, features, expected_failures)]
    return Report(results, level, tuple(sorted(context.features)))
