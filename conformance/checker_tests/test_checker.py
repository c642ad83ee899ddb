"""The checker's mechanics: two independent correct implementations pass, reports, CLI, messages, independence."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import spatial_conformance as sc
from spatial_conformance.__main__ import main as cli

from .duck import BareDuckImage, DuckImage
from .lazy import make_lazy, to_numpy
from .variants import ReductionAtFirstElement, StepNotInSpacing, TransposeKeepsSpacing

EVERY = sorted(sc.FEATURES)


def test_the_duck_array_passes_every_level_and_feature() -> None:
    """Zero false alarms on a conforming implementation that is not an ndarray subclass."""
    report = sc.check(DuckImage, features=EVERY, max_examples=200)
    assert report.ok, report.summary()
    counts = report.counts()
    assert counts["failed"] == counts["error"] == counts["advisory"] == 0
    fallbacks = {c.id for c in sc.CHECKS.values() if c.fallback}
    assert {r.id for r in report.results if r.status == "not claimed"} == fallbacks | {"SA-11.3/lazy-and-device"}


def test_the_duck_array_offering_no_feature_passes_claiming_none() -> None:
    report = sc.check(BareDuckImage, features=[], max_examples=200)
    assert report.ok, report.summary()
    assert {r.id for r in report.results if r.status == "passed"} >= {c.id for c in sc.CHECKS.values() if c.fallback}


def test_the_lazy_dask_array_passes_its_claim() -> None:
    """A second, independent implementation (dask-backed, immutable, lazy) passes level ufuncs."""
    report = sc.check(make_lazy, level="ufuncs", features=["components", "mapping"], lazy=True, to_numpy=to_numpy,
                      max_examples=20)
    assert report.ok, report.summary()
    assert report.counts()["passed"] >= 35
    advisory = {r.id for r in report.results if r.status == "advisory"}
    assert advisory == {"SA-1.11/convenience-attributes", "SA-12.4/with-values-offered",
                        "SA-15.4/class-names"}  # SHOULDs it leaves out, reported


def test_every_check_cites_its_clause_at_the_level_chapter_15_gives() -> None:
    for item in sc.CHECKS.values():
        assert item.id.startswith(item.clause + "/")
        assert item.level == sc.level_of(item.clause) or (item.level == "feature" and item.feature is not None)
        assert item.description
    assert not set(sc.NOT_CHECKABLE) & {c.clause for c in sc.CHECKS.values()}


def test_failure_messages_show_geometries_side_by_side_and_a_reproduction() -> None:
    report = sc.check(StepNotInSpacing, features=EVERY, only=["SA-5.2"])
    (result,) = report.results
    message = result.message
    assert message.startswith("SA-5.2: a[")
    assert "expected origin=" in message and "observed origin=" in message and "spacing" in message
    line = next(x for x in message.splitlines() if x.strip().startswith("reproduce:"))
    assert "from checker_tests.variants import StepNotInSpacing" in line and "r = a[" in line
    namespace: dict[str, Any] = {}
    exec(line.split("reproduce:", 1)[1].strip(), namespace)  # the reproduction runs as printed
    assert "spatial_conformance" not in message and "hypothesis" not in message


def test_property_failures_report_the_shrunk_example_as_python() -> None:
    from .variants import NewaxisConsumesAnAxis

    report = sc.check(NewaxisConsumesAnAxis, features=EVERY, only=["SA-5.1"])
    (result,) = report.results
    assert result.status == "failed" and result.message.startswith("SA-5.1: a[")
    assert "reproduce: import numpy as np;" in result.message and "Falsifying" not in result.message


def test_levels_features_only_and_expected_failures() -> None:
    attributes_only = sc.check(DuckImage, level="attributes", features=EVERY, max_examples=50)
    claimed = [r for r in attributes_only.results if r.status != "not claimed"]
    assert {r.level for r in claimed} == {"attributes", "feature"} and all(r.status == "passed" for r in claimed)
    assert {r.id for r in attributes_only.results} == set(sc.CHECKS)  # nothing silently skipped

    chapter = sc.check(DuckImage, features=EVERY, only=["SA-5"], max_examples=50)
    assert {r.clause.split(".")[0] for r in chapter.results} == {"SA-5"}
    one = sc.check(DuckImage, features=EVERY, only=["SA-9.1/transpose"])
    assert [r.id for r in one.results] == ["SA-9.1/transpose"]
    with pytest.raises(ValueError, match="names no check"):
        sc.check(DuckImage, only=["SA-99"])

    known = sc.check(ReductionAtFirstElement, features=EVERY, only=["SA-8.1"],
                     expected_failures={"SA-8.1": "origin at the first element"})
    assert known.ok and known.counts()["xfail"] >= 1
    unexpected = sc.check(DuckImage, features=EVERY, only=["SA-9.1"], expected_failures={"SA-9.1/transpose": "?"})
    assert not unexpected.ok and unexpected.counts()["xpass"] == 1

    with pytest.raises(ValueError, match="unknown feature"):
        sc.check(DuckImage, features=["embedding"])  # a 1.1 feature: SA-4.2 is a MUST in 1.2
    with pytest.raises(ValueError, match="unknown level"):
        sc.check(DuckImage, level="everything")
    with pytest.raises(ValueError, match="expected_failures names no check"):
        sc.check(DuckImage, expected_failures={"SA-99.9": "no such clause"})


def test_seeds_draw_other_examples_reproducibly() -> None:
    first = sc.check(DuckImage, features=EVERY, only=["SA-5.1", "SA-10.1"], seed=7, max_examples=50)
    again = sc.check(DuckImage, features=EVERY, only=["SA-5.1", "SA-10.1"], seed=7, max_examples=50)
    assert first.ok and again.ok and first.seed == 7
    caught = sc.check(StepNotInSpacing, features=EVERY, only=["SA-5"], seed=12345, max_examples=50)
    assert not caught.ok  # the fixed edge cases catch it whatever the seed
    messages = [sc.check(StepNotInSpacing, features=EVERY, only=["SA-5.2"], seed=s).results[0].message for s in (1, 2)]
    assert messages[0] != messages[1]  # other seeds draw other geometries


def test_a_crashing_array_is_an_error_not_a_pass() -> None:
    class Crashes(DuckImage):
        def __getitem__(self, key: Any) -> Any:
            raise RuntimeError("boom")

    report = sc.check(Crashes, features=EVERY, only=["SA-5.2"])
    (result,) = report.results
    assert result.status == "error" and "RuntimeError: boom" in result.message and not report.ok


def test_json_and_junit_reports_carry_versions_and_the_claim() -> None:
    report = sc.check(TransposeKeepsSpacing, features=EVERY, only=["SA-9"])
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["counts"]["failed"] == 1
    assert data["spec_version"] == sc.SPEC_VERSION == "1.2" and data["checker_version"] == sc.CHECKER_VERSION
    assert data["declared_spec_version"] == "1.2" and data["declared_module_spec_version"] == "1.2"
    assert data["features"] == EVERY and data["level"] == "functions"
    suite = ET.fromstring(report.to_junit_xml())
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["spec_version"] == "1.2" and properties["declared_spec_version"] == "1.2"
    failure = suite.find("testcase[@name='SA-9.1/transpose']/failure")
    assert failure is not None and failure.get("message", "").startswith("SA-9.1:")
    assert report.header().startswith(f"spatial-conformance {sc.CHECKER_VERSION}, SPEC 1.2")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fast = ["--max-examples", "20"]
    assert cli(["checker_tests.duck:DuckImage", "--features", *EVERY, "--only", "SA-5", "SA-7.2", *fast]) == 0
    assert cli(["checker_tests.duck:BareDuckImage", "--only", "SA-15"]) == 0
    assert cli(["checker_tests.lazy:make_lazy", "--level", "ufuncs", "--features", "components", "mapping", "--lazy",
                "--to-numpy", "checker_tests.lazy:to_numpy", "--only", "SA-5.2", "SA-11", "--max-examples", "20"]) == 0
    assert cli(["checker_tests.duck:DuckImage", "--features", *EVERY, "--only", "SA-5.1", "--seed", "random", *fast]) == 0
    assert "seed " in capsys.readouterr().out
    assert cli(["checker_tests.variants:TransposeKeepsSpacing", "--features", *EVERY, "--only", "SA-9",
                "--json", str(tmp_path / "r.json"), "--junit-xml", str(tmp_path / "r.xml")]) == 1
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["failed"] == 1
    assert ET.parse(tmp_path / "r.xml").getroot().get("failures") == "1"
    (tmp_path / "known.json").write_text(json.dumps({"SA-9.1": "we know"}))
    assert cli(["checker_tests.variants:TransposeKeepsSpacing", "--features", *EVERY, "--only", "SA-9",
                "--xfail-file", str(tmp_path / "known.json")]) == 0
    assert cli(["checker_tests.duck:NoSuchFactory"]) == 2
    assert cli(["not-a-factory-spec"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--level", "bogus"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--features", "teleportation"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--only", "SA-99"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--to-numpy", "checker_tests.duck:nothing"]) == 2


def test_the_checker_never_imports_spatial_ndarray() -> None:
    """The checker is an independent implementation: it runs with spatial_ndarray made unimportable."""
    code = (
        "import sys; sys.modules['spatial_ndarray'] = None\n"
        "import spatial_conformance as sc\n"
        "from checker_tests.duck import DuckImage\n"
        "report = sc.check(DuckImage, features=sorted(sc.FEATURES), max_examples=10)\n"
        "assert report.ok, report.summary()\n"
        "assert not any(m == 'spatial_ndarray' or m.startswith('spatial_ndarray.') for m in sys.modules if sys.modules[m] is not None)\n"
        "print('independent')\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "independent" in done.stdout
