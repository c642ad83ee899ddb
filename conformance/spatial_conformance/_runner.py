"""Running the registered checks against a factory."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from . import _checks_attributes, _checks_indexing, _checks_ufuncs, _checks_functions, _checks_results, _checks_conformance, _not_checkable  # noqa: F401, I001 (registration order: attributes, indexing, ufuncs, functions)
from ._context import Context, Factory
from ._registry import CHECKS, FEATURES, LEVELS, Check, ConformanceFailure, NotApplicable
from ._report import CheckResult, Report

__all__ = ["DEFAULT_MAX_EXAMPLES", "check", "declared_versions", "plan", "run_one", "selected"]

#: Examples per hypothesis property at default settings (the whole run stays well within 20 s on 2 cores).
DEFAULT_MAX_EXAMPLES = 1000


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


def selected(item: Check, only: Iterable[str] | None) -> bool:
    """True when ``only`` (check ids, clauses, or chapters such as ``"SA-5"``) selects ``item``; None selects all."""
    if only is None:
        return True
    return any(item.id == s or item.clause == s or item.clause.startswith(s + ".") for s in only)


def plan(level: str = "functions", features: Iterable[str] = (), expected_failures: Mapping[str, str] | None = None,
         only: Iterable[str] | None = None) -> Iterator[tuple[Check, str | None, str | None]]:
    """Every selected check with why it is not claimed (or None) and why it is expected to fail (or None)."""
    level, claimed = _validated(level, features, expected_failures or {})
    if only is not None:
        only = list(only)
        unknown = [s for s in only if not any(selected(c, [s]) for c in CHECKS.values())]
        if unknown:
            raise ValueError(f"--only names no check, clause or chapter: {unknown}")
    depth = LEVELS.index(level)
    for item in CHECKS.values():
        if not selected(item, only):
            continue
        reason = None
        if item.level != "feature" and LEVELS.index(item.level) > depth:
            reason = f"level {item.level} not claimed (claimed: {level})"
        elif item.feature is not None and item.fallback and item.feature in claimed:
            reason = f"checks the fallback of feature {item.feature!r}, which is claimed"
        elif item.feature is not None and not item.fallback and item.feature not in claimed:
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
        with np.errstate(all="ignore"):
            item.run(context)
    except NotApplicable as reason:
        return result("not claimed", f"does not apply: {reason}", time.perf_counter() - start)
    except ConformanceFailure as failure:
        message = str(failure)
        status = "xfail" if xfail else "advisory" if item.advisory else "failed"
        if xfail:
            message = f"expected: {xfail}\n{message}"
    except Exception as error:  # the array under test crashed: report it, never hide it
        status = "xfail" if xfail else "error"
        frames = [f for f in traceback.extract_tb(error.__traceback__) if "spatial_conformance" not in f.filename]
        where = "".join(traceback.format_list(frames[-2:])) if frames else ""
        message = f"{item.clause}: the check could not run: {type(error).__name__}: {error}\n{where}".rstrip()
    else:
        status = "xpass" if xfail else "passed"
        message = f"expected to fail ({xfail}) but passed" if xfail else ""
    return result(status, message, time.perf_counter() - start)


def declared_versions(factory: Factory) -> tuple[str | None, str | None]:
    """The SPEC version an implementation declares (``__spatial_protocol__``) on its arrays and on its module."""
    try:
        array = factory(np.zeros((2, 3)), np.zeros(2), np.ones(2), np.eye(2))
    except Exception:  # noqa: BLE001 - reported by the checks themselves
        return None, None
    on_array = getattr(array, "__spatial_protocol__", None)
    name = type(array).__module__
    modules = [sys.modules.get(name), sys.modules.get(name.split(".")[0])]
    on_module = next((getattr(m, "__spatial_protocol__") for m in modules if hasattr(m, "__spatial_protocol__")), None)
    return (None if on_array is None else str(on_array)), (None if on_module is None else str(on_module))


def check(
    factory: Factory,
    *,
    level: str = "functions",
    features: Iterable[str] = (),
    expected_failures: Mapping[str, str] | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int | None = None,
    to_numpy: Callable[[Any], Any] | None = None,
    only: Iterable[str] | None = None,
    factory_name: str = "",
    lazy: bool = False,
) -> Report:
    """Check an array type against SPEC.md.

    Parameters
    ----------
    factory : callable
        ``factory(data, origin, spacing, direction) -> array``: the only thing the
        third party supplies. It receives embedded geometries (``P > N``) and data
        with trailing component axes too. Geometry is read back through the protocol
        attributes, values through ``np.asarray`` (or ``to_numpy``).
    level : {"attributes", "indexing", "ufuncs", "functions"}
        The level claimed; levels are cumulative.
    features : iterable of str
        Optional features claimed (see `FEATURES`).
    expected_failures : mapping, optional
        ``{check_id_or_clause: reason}``: known failures, reported as xfail; a
        pass among them is an unexpected pass (xpass), which fails the run.
    max_examples : int
        Examples per hypothesis property (fixed edge cases always run first).
    seed : int, optional
        None (default): a fixed example sequence, so CI results are stable. An
        integer draws other geometries and examples, reproducibly.
    to_numpy : callable, optional
        ``to_numpy(array) -> numpy values`` for arrays ``np.asarray`` cannot read
        (GPU, lazy). Geometry attributes are still read with ``np.asarray``.
    only : iterable of str, optional
        Run only these check ids, clauses (``"SA-5.2"``) or chapters (``"SA-5"``).
    factory_name : str
        ``"module:function"``, used in the one-line reproductions of failures.
    lazy : bool
        The implementation is lazy or device-backed (SA-11.3): its plain results are
        its underlying array type, and numpy's memory-sharing rules are read as SA-11.3 says.

    Returns
    -------
    Report

    Examples
    --------
    >>> report = check(lambda data, o, s, d: data, level="attributes")
    >>> report.ok
    False
    """
    if not factory_name:
        module, qualname = getattr(factory, "__module__", ""), getattr(factory, "__qualname__", "")
        factory_name = f"{module}:{qualname}" if module and qualname and "<" not in qualname else ""
    context = Context(factory, frozenset(features), max_examples, seed, to_numpy, factory_name, lazy, level)
    items = list(plan(level, features, expected_failures, only))
    results = [run_one(item, context, reason, xfail) for item, reason, xfail in items]
    on_array, on_module = declared_versions(factory)
    return Report(results, level, tuple(sorted(context.features)), declared=on_array, declared_module=on_module,
                  seed=seed, max_examples=max_examples, lazy=lazy)
