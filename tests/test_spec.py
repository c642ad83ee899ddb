"""SPEC.md is versioned, every clause has a stable id, and every clause is cited by a test."""

from __future__ import annotations

import re
from pathlib import Path

import spatial_ndarray as sn

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT / "SPEC.md").read_text(encoding="utf-8")
CLAUSE = re.compile(r"^\| (SA-\d+\.\d+) \|", re.MULTILINE)


def test_spec_version_matches_the_package() -> None:
    assert f"SPEC v{sn.SPEC_VERSION}" in SPEC.splitlines()[0]


def test_clause_ids_are_unique_and_numbered_in_order() -> None:
    ids = CLAUSE.findall(SPEC)
    assert len(ids) == len(set(ids)), "a clause id is used twice"
    for chapter in {i.split(".")[0] for i in ids}:
        numbers = [int(i.split(".")[1]) for i in ids if i.split(".")[0] == chapter]
        assert numbers == list(range(1, len(numbers) + 1)), f"{chapter} clauses are not numbered 1..n"


def test_every_clause_is_cited_by_a_test() -> None:
    cited = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        if path.name != "test_spec.py":
            cited |= set(re.findall(r"SA-\d+\.\d+", path.read_text(encoding="utf-8")))
    missing = [i for i in CLAUSE.findall(SPEC) if i not in cited]
    assert not missing, f"SPEC clauses no test cites: {missing}"
