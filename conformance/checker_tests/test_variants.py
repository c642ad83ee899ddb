"""Every broken variant is caught at default settings, with every feature claimed and, for a MUST, with none."""

from __future__ import annotations

from typing import Any

import pytest

import spatial_conformance as sc

from .variants import VARIANTS

#: Every feature an in-memory implementation can claim ("lazy" is a backend's alternative rules, not an extra).
EVERY_FEATURE = sorted(set(sc.FEATURES) - {"lazy"})


def _caught(variant: Any, clause: str, features: list[str]) -> sc.Report:
    report = sc.check(variant, level="functions", features=features, only=[clause])
    failed = {r.clause for r in report.results if r.status in ("failed", "error")}
    assert clause in failed, f"{variant.__name__} not caught by {clause}:\n{report.summary()}"
    return report


@pytest.mark.parametrize("variant", list(VARIANTS), ids=[v.__name__ for v in VARIANTS])
def test_variant_is_caught_with_every_feature(variant: Any) -> None:
    report = _caught(variant, VARIANTS[variant], EVERY_FEATURE)
    failure = next(r for r in report.results if r.status in ("failed", "error") and r.clause == VARIANTS[variant])
    assert failure.message.startswith(VARIANTS[variant] + ":")
    if failure.status == "failed":
        assert "reproduce: import numpy as np; from checker_tests." in failure.message
        assert "spatial_conformance" not in failure.message  # nothing points into the checker's internals


@pytest.mark.parametrize("variant", [v for v in VARIANTS if all(c.feature is None for c in sc.CHECKS.values()
                                                                if c.clause == VARIANTS[v])],
                         ids=lambda v: v.__name__)
def test_variant_of_a_must_is_caught_with_no_feature(variant: Any) -> None:
    _caught(variant, VARIANTS[variant], [])


def test_the_corpus_is_large_and_covers_every_check() -> None:
    assert len(VARIANTS) >= 40
    assert {c.clause for c in sc.CHECKS.values()} <= set(VARIANTS.values())
