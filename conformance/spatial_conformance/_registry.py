"""The registry of checks: every check is a record citing one SPEC.md clause, at a level, maybe needing a feature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CHECKS", "FEATURES", "LEVELS", "FEATURE_CLAUSES", "LEVEL_OF", "NOT_CHECKABLE", "level_of", "Check", "ConformanceFailure", "NotApplicable", "not_checkable", "register"]

#: Levels are cumulative (SA-15.5): claiming "ufuncs" claims "attributes" and "indexing" too.
LEVELS = ("attributes", "indexing", "ufuncs", "functions")

#: The chapters (or single clauses) each level adds, as SA-15.5 defines them.
LEVEL_OF: dict[str, str] = {
    **{f"SA-{c}": "attributes" for c in (1, 2, 3)}, "SA-11.2": "attributes", "SA-11.3": "attributes",
    "SA-15": "attributes",
    **{f"SA-{c}": "indexing" for c in (4, 5, 6, 12)}, "SA-11.1": "indexing", "SA-11.4": "indexing",
    **{f"SA-{c}": "ufuncs" for c in (7, 10)},
    **{f"SA-{c}": "functions" for c in (8, 9, 13)},
}

#: The optional features of SA-15.6. A claimed feature's clauses apply as MUST; without it, its fallback is a MUST.
FEATURES = {
    "components": "trailing component axes (SA-4.1, SA-5.5); without it, ndim > N is refused and results that "
                  "would have a component axis are plain",
    "out": "writing into spatial arrays: out= (SA-7.5, SA-8.7), in-place operators, item assignment (SA-5.7); "
           "without it each raises TypeError before writing",
    "mapping": "index_to_physical and physical_to_index (SA-2.4); without it they are absent",
}

#: Clauses no check can verify through the protocol, each with the reason. A clause of SPEC.md that is neither
#: checked nor listed here fails the checker's own tests. A whole chapter is listed as "SA-<chapter>.*".
NOT_CHECKABLE: dict[str, str] = {}


#: The clauses each feature claims (SA-15.6). "A clause that belongs to a feature is outside every level": their
#: checks run whenever the feature is claimed, whatever the level.
FEATURE_CLAUSES: dict[str, frozenset[str]] = {
    "components": frozenset({"SA-4.1"}),
    "out": frozenset({"SA-5.7", "SA-7.5", "SA-8.7"}),
    "mapping": frozenset({"SA-2.4"}),
}


class ConformanceFailure(AssertionError):
    """A check saw behaviour the spec forbids. The message starts with the clause id."""


class NotApplicable(Exception):  # noqa: N818 (a verdict, not an error)
    """The clause does not apply to this implementation (e.g. it offers no setter); reported as not claimed."""


@dataclass(frozen=True)
class Check:
    """One registered check.

    Attributes
    ----------
    id : str
        Stable identifier, ``"<clause>/<name>"``.
    clause : str
        The SPEC.md clause the check enforces, e.g. ``"SA-5.2"``.
    name : str
        Short name.
    level : str
        One of `LEVELS`, or ``"feature"`` for a clause that belongs to a feature (outside every level, SA-15.6).
    feature : str or None
        The optional feature the check needs, one of `FEATURES`, or None (a MUST of its level).
    fallback : bool
        The check verifies the feature's fallback: it runs only when the feature is NOT claimed.
    advisory : bool
        The check verifies a SHOULD clause: a failure is reported as advisory, never as a failure (SA-15.7).
    description : str
        What the check verifies.
    run : callable
        ``run(context)``; raises `ConformanceFailure` on a violation.
    """

    id: str
    clause: str
    name: str
    level: str
    feature: str | None
    description: str
    run: Callable[[Any], None]
    fallback: bool = False
    advisory: bool = False


CHECKS: dict[str, Check] = {}


def level_of(clause: str) -> str:
    """The level SA-15.5 puts ``clause`` in."""
    chapter = clause.split(".")[0]
    if clause in LEVEL_OF:
        return LEVEL_OF[clause]
    if chapter in LEVEL_OF:
        return LEVEL_OF[chapter]
    raise ValueError(f"{clause} belongs to no level of SA-15.5")


def register(clause: str, name: str, feature: str | None = None, *, fallback: bool = False,
             advisory: bool = False) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register the decorated function as the check ``clause/name``, at the level SA-15.5 gives the clause."""
    level = "feature" if feature is not None and clause in FEATURE_CLAUSES[feature] else level_of(clause)
    if feature is not None and feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; features are {sorted(FEATURES)}")

    def decorate(func: Callable[[Any], None]) -> Callable[[Any], None]:
        check_id = f"{clause}/{name}"
        if check_id in CHECKS:
            raise ValueError(f"check {check_id} is registered twice")
        description = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else name
        CHECKS[check_id] = Check(check_id, clause, name, level, feature, description, func, fallback, advisory)
        return func

    return decorate


def not_checkable(clause: str, reason: str) -> None:
    """Record that ``clause`` cannot be verified mechanically through the protocol, and why."""
    if clause in NOT_CHECKABLE:
        raise ValueError(f"{clause} is listed twice as not checkable")
    NOT_CHECKABLE[clause] = reason
