"""The registry of checks: every check is a record citing one SPEC.md clause, at a level, maybe needing a feature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CHECKS", "FEATURES", "LEVELS", "NOT_CHECKABLE", "Check", "ConformanceFailure", "not_checkable", "register"]

#: Levels are cumulative: claiming "ufuncs" claims "attributes" and "indexing" too.
LEVELS = ("attributes", "indexing", "ufuncs", "functions")

#: Optional features a third party claims explicitly: only SHOULD/MAY clauses and alternative rules, never a MUST.
FEATURES = {
    "mapping": "index_to_physical and physical_to_index methods (SA-2.4, a SHOULD)",
    "extras": "spatial_ndim, spatial_shape and affine attributes (SA-1.11, a SHOULD)",
    "lazy": "a lazy or device backend: the lazy/device rules replace memory sharing and numpy result types",
}

#: Clauses no check can verify through the protocol, each with the reason. A clause of SPEC.md that is neither
#: checked nor listed here fails the checker's own tests. A whole chapter is listed as "SA-<chapter>.*".
NOT_CHECKABLE: dict[str, str] = {}


class ConformanceFailure(AssertionError):
    """A check saw behaviour the spec forbids. The message starts with the clause id."""


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
        One of `LEVELS`.
    feature : str or None
        The optional feature the check needs, one of `FEATURES`, or None (a MUST of its level).
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


CHECKS: dict[str, Check] = {}


def register(clause: str, name: str, level: str, feature: str | None = None) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register the decorated function as the check ``clause/name``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; levels are {LEVELS}")
    if feature is not None and feature not in FEATURES:
        raise ValueError(f"unknown feature {feature!r}; features are {sorted(FEATURES)}")

    def decorate(func: Callable[[Any], None]) -> Callable[[Any], None]:
        check_id = f"{clause}/{name}"
        if check_id in CHECKS:
            raise ValueError(f"check {check_id} is registered twice")
        description = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else name
        CHECKS[check_id] = Check(check_id, clause, name, level, feature, description, func)
        return func

    return decorate


def not_checkable(clause: str, reason: str) -> None:
    """Record that ``clause`` cannot be verified mechanically through the protocol, and why."""
    if clause in NOT_CHECKABLE:
        raise ValueError(f"{clause} is listed twice as not checkable")
    NOT_CHECKABLE[clause] = reason
