"""Every broken variant is caught at default settings, with every feature claimed and, for a MUST, with none."""

from __future__ import annotations

from typing import Any

import pytest

import spatial_conformance as sc

from .lazy import to_numpy
from .variants import COMPONENTS_ONLY, FALLBACKS, LAZY_VARIANTS, VARIANTS

EVERY_FEATURE = sorted(sc.FEATURES)


def _caught(variant: Any, clause: str, features: list[str]) -> sc.Report:
    report = sc.check(variant, level="functions", features=features, only=[clause])
    failed = {r.clause for r in report.results if r.status in ("failed", "error", "advisory")}
    assert clause in failed, f"{variant.__name__} not caught by {clause}:\n{report.summary()}"
    return report


@pytest.mark.parametrize("variant", list(VARIANTS), ids=[v.__name__ for v in VARIANTS])
def test_variant_is_caught_with_every_feature(variant: Any) -> None:
    report = _caught(variant, VARIANTS[variant], EVERY_FEATURE)
    failure = next(r for r in report.results if r.status in ("failed", "error", "advisory") and r.clause == VARIANTS[variant])
    assert failure.message.startswith(VARIANTS[variant] + ":")
    if failure.status == "failed":
        assert "reproduce: import numpy as np; from checker_tests." in failure.message
        assert "spatial_conformance._" not in failure.message  # nothing points into the checker's internals


def _must(variant: Any) -> bool:
    checks = [c for c in sc.CHECKS.values() if c.clause == VARIANTS[variant]]
    return any(c.feature is None and not c.advisory for c in checks) and variant not in COMPONENTS_ONLY


@pytest.mark.parametrize("variant", [v for v in VARIANTS if _must(v)], ids=lambda v: v.__name__)
def test_variant_of_a_must_is_caught_with_no_feature(variant: Any) -> None:
    """The variant built on the duck that offers no feature (it implements the fallbacks), claiming none."""
    bare = type(variant.__name__, (variant,), {"offers": frozenset(), "__module__": variant.__module__})
    _caught(bare, VARIANTS[variant], [])


def test_the_corpus_is_large_and_covers_every_check() -> None:
    assert len(VARIANTS) >= 40
    missing = ({c.clause for c in sc.CHECKS.values() if not c.advisory} - set(VARIANTS.values())
               - set(FALLBACKS.values()) - set(LAZY_VARIANTS.values()))
    assert not missing, f"clauses without a broken variant: {sorted(missing)}"


@pytest.mark.parametrize("variant", list(FALLBACKS), ids=[v.__name__ for v in FALLBACKS])
def test_fallback_variant_is_caught_with_no_feature(variant: Any) -> None:
    _caught(variant, FALLBACKS[variant], [])


def test_correct_duck_offering_nothing_passes_with_no_feature() -> None:
    """So that each no-feature catch above is the variant's bug, not a missing feature."""
    from .duck import BareDuckImage

    report = sc.check(BareDuckImage, level="functions", features=[], max_examples=200)
    assert report.ok, report.summary()


@pytest.mark.parametrize("variant", list(LAZY_VARIANTS), ids=[v.__name__ for v in LAZY_VARIANTS])
def test_lazy_variant_is_caught(variant: Any) -> None:
    report = sc.check(variant, level="ufuncs", features=["components", "mapping"], lazy=True, to_numpy=to_numpy,
                      only=[LAZY_VARIANTS[variant]])
    assert LAZY_VARIANTS[variant] in {r.clause for r in report.results if r.status in ("failed", "error")}, report.summary()
