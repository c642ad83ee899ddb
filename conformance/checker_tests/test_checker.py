"""The checker catches every seeded violation and raises no false alarm (SPEC clauses cited by id)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spatial_conformance as sc
from spatial_conformance.__main__ import main as cli

from .duck import DuckImage

ALL = dict(level="functions", features=sorted(sc.FEATURES), max_examples=30)


def duck(data: Any, origin: Any, spacing: Any, direction: Any) -> DuckImage:
    return DuckImage(data, origin, spacing, direction)


def failed_clauses(report: sc.Report) -> set[str]:
    return {r.clause for r in report.results if r.status in ("failed", "error")}


# -- one broken variant per clause, each breaking exactly one rule --------------------------------------------

class OriginNotFloat64(DuckImage):  # SA-1.1
    origin = property(lambda self: self._origin.astype(np.longdouble))

class SpacingWrongShape(DuckImage):  # SA-1.2
    spacing = property(lambda self: self._spacing[:, None])

class OriginWrongShape(DuckImage):  # SA-1.3
    origin = property(lambda self: self._origin[None, :])

class DirectionWrongShape(DuckImage):  # SA-1.4
    direction = property(lambda self: self._direction[..., None])

class AcceptsNaNOrigin(DuckImage):  # SA-1.8
    def validate(self, origin: Any, spacing: Any, direction: Any) -> Any:
        return super().validate(np.nan_to_num(np.asarray(origin, float)), spacing, direction)

class WritableAttributes(DuckImage):  # SA-1.9
    def validate(self, origin: Any, spacing: Any, direction: Any) -> Any:
        o, s, d = super().validate(origin, spacing, direction)
        return o.copy(), s.copy(), d.copy()

class CopiesOnAsarray(DuckImage):  # SA-11.2
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array(self._data, dtype=dtype, copy=True)

class MappingIgnoresSpacing(DuckImage):  # SA-2.4
    def index_to_physical(self, index: Any) -> np.ndarray:
        return self._origin + np.asarray(index, dtype=float) @ self._direction.T

class ChainedSliceLosesStep(DuckImage):  # SA-5.1: a slice of a strided slice forgets the first stride
    def sliced_spacing(self, spacing: float, step: int) -> float:
        return spacing * abs(step) if not getattr(self, "_strided", False) else spacing

    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(key)
        keys = key if isinstance(key, tuple) else (key,)
        if isinstance(result, DuckImage) and any(isinstance(k, slice) and k.step not in (None, 1) for k in keys):
            result._strided = True
        return result

class NegativeStepKeepsDirection2D(DuckImage):  # SA-5.2: only on 2-D arrays
    def sliced_column(self, column: np.ndarray, step: int) -> np.ndarray:
        return column if self.ndim == 2 else super().sliced_column(column, step)

class IntegerIndexSquaresDirection(DuckImage):  # SA-5.3: SimpleITK-style, P shrinks with N
    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(key)
        if isinstance(result, DuckImage) and result._spacing.size < result._origin.size:
            rows = [i for i in range(result._origin.size) if np.abs(result._direction[i]).max() > 0][: result._spacing.size]
            result._origin, result._direction = result._origin[rows], result._direction[rows]
        return result

class EllipsisMovesOrigin(DuckImage):  # SA-5.4: a key of only `...` and `:` moves the origin
    def __getitem__(self, key: Any) -> Any:
        result = super().__getitem__(key)
        keys = key if isinstance(key, tuple) else (key,)
        if any(k is Ellipsis for k in keys) and all(k is Ellipsis or k == slice(None) for k in keys):
            result._origin = result._origin + 1.0
        return result

class LeadingNewaxisKeepsGeometry(DuckImage):  # SA-5.5
    def leading_newaxis_result(self, values: np.ndarray, origin: Any, spacing: Any, columns: Any) -> Any:
        return self.new(values, origin, np.array(spacing), np.stack(columns, axis=1))

class AdvancedIndexKeepsGeometry(DuckImage):  # SA-6.1
    def advanced_result(self, values: np.ndarray) -> Any:
        return self.new(np.asarray(values), self._origin, self._spacing, self._direction)

class ScalarIndexKeepsGeometry(DuckImage):  # SA-4.3
    def no_spatial_axis_result(self, values: Any) -> Any:
        return self.new(np.asarray(values), self._origin, self._spacing, self._direction)

class ComponentIndexMovesOrigin(DuckImage):  # SA-4.1
    def component_shift(self, key: Any) -> Any:
        return 1.0 if isinstance(key, (int, np.integer)) else 0.0

class SineInFloat32(DuckImage):  # SA-7.1
    def ufunc_result(self, ufunc: np.ufunc, first: DuckImage, result: Any) -> Any:
        if ufunc is np.sin:
            result = result.astype(np.float32)
        return super().ufunc_result(ufunc, first, result)

class ComparisonsArePlain(DuckImage):  # SA-7.3
    def ufunc_result(self, ufunc: np.ufunc, first: DuckImage, result: Any) -> Any:
        return result if result.dtype == bool else super().ufunc_result(ufunc, first, result)

class IgnoresDirection(DuckImage):  # SA-7.2
    def directions_match(self, other: DuckImage) -> bool:
        return True

class LooseTolerance(DuckImage):  # SA-10.1
    tolerance = 5e-3

class BroadcastKeepsGeometry(DuckImage):  # SA-7.4
    def broadcast_result(self, first: DuckImage, result: Any) -> Any:
        return first.new(result, first._origin, first._spacing, first._direction)

class OutReturnsCopy(DuckImage):  # SA-7.5
    def out_result(self, out: Any, result: Any) -> Any:
        return out.new(np.array(out._data), out._origin, out._spacing, out._direction)

class ReductionAtFirstElement(DuckImage):  # SA-8.1 (without keepdims)
    def reduce(self, func: Any, axis: Any, keepdims: bool) -> Any:
        self._keepdims = keepdims
        return super().reduce(func, axis, keepdims)

    def reduction_origin(self, origin: np.ndarray, spatial: list[int]) -> np.ndarray:
        return origin if self._keepdims else self._origin

class KeepdimsKeepsSpacing(DuckImage):  # SA-8.2
    def keepdims_spacing(self, spacing: float, length: int) -> float:
        return spacing

class FullReductionKeepsGeometry(DuckImage):  # SA-8.4
    def full_reduction_result(self, values: Any) -> Any:
        return self.new(np.asarray(values), self._origin, self._spacing[:0], self._direction[:, :0])

class TransposeKeepsSpacing(DuckImage):  # SA-9.1
    def permuted_spacing(self, order: tuple[int, ...]) -> np.ndarray:
        return self._spacing

class ReshapeKeepsGeometry(DuckImage):  # SA-9.3
    def reshape_result(self, values: np.ndarray) -> Any:
        return self.new(values, self._origin, self._spacing[: min(values.ndim, self._spacing.size)],
                        self._direction[:, : min(values.ndim, self._spacing.size)])

class ConcatenateUnchecked(DuckImage):  # SA-13.6
    def checks_continuity(self) -> bool:
        return False


BROKEN = {
    "SA-1.1": OriginNotFloat64, "SA-1.2": SpacingWrongShape, "SA-1.3": OriginWrongShape,
    "SA-1.4": DirectionWrongShape, "SA-1.8": AcceptsNaNOrigin, "SA-1.9": WritableAttributes,
    "SA-11.2": CopiesOnAsarray, "SA-2.4": MappingIgnoresSpacing, "SA-5.1": ChainedSliceLosesStep,
    "SA-5.2": NegativeStepKeepsDirection2D, "SA-5.3": IntegerIndexSquaresDirection, "SA-5.4": EllipsisMovesOrigin,
    "SA-5.5": LeadingNewaxisKeepsGeometry, "SA-6.1": AdvancedIndexKeepsGeometry, "SA-4.3": ScalarIndexKeepsGeometry,
    "SA-4.1": ComponentIndexMovesOrigin, "SA-7.1": SineInFloat32, "SA-7.3": ComparisonsArePlain,
    "SA-7.2": IgnoresDirection, "SA-10.1": LooseTolerance, "SA-7.4": BroadcastKeepsGeometry,
    "SA-7.5": OutReturnsCopy, "SA-8.1": ReductionAtFirstElement, "SA-8.2": KeepdimsKeepsSpacing,
    "SA-8.4": FullReductionKeepsGeometry, "SA-9.1": TransposeKeepsSpacing, "SA-9.3": ReshapeKeepsGeometry,
    "SA-13.6": ConcatenateUnchecked,
}


def test_the_correct_duck_array_passes_everything() -> None:
    """Zero false alarms on a conforming implementation that is not an ndarray subclass."""
    report = sc.check(duck, **ALL)
    assert report.ok, report.summary()
    assert report.counts()["passed"] == len(sc.CHECKS)


def test_every_clause_has_a_broken_variant() -> None:
    assert set(BROKEN) == {c.clause for c in sc.CHECKS.values()}


@pytest.mark.parametrize("clause", sorted(BROKEN), ids=sorted(BROKEN))
def test_each_seeded_violation_fails_exactly_its_clause(clause: str) -> None:
    variant = BROKEN[clause]
    report = sc.check(lambda d, o, s, r: variant(d, o, s, r), **ALL)
    assert failed_clauses(report) == {clause}, report.summary()
    assert not report.ok
    for result in report.results:
        if result.clause == clause and result.status == "failed":
            assert result.message.startswith(clause + ":")


def test_property_failures_carry_a_minimal_reproducer() -> None:
    report = sc.check(lambda d, o, s, r: ChainedSliceLosesStep(d, o, s, r), **ALL)
    (failure,) = [r for r in report.results if r.clause == "SA-5.1"]
    assert failure.message.startswith("SA-5.1: expected") and "minimal reproducer" in failure.message
    assert "example=" in failure.message.split("minimal reproducer:")[1]  # hypothesis' shrunk example


def test_levels_features_and_expected_failures() -> None:
    attributes_only = sc.check(duck, level="attributes")
    claimed = [r for r in attributes_only.results if r.status != "not claimed"]
    assert {r.level for r in claimed} == {"attributes"} and all(r.status == "passed" for r in claimed)
    assert {r.id for r in attributes_only.results} == set(sc.CHECKS)  # nothing silently skipped
    mapping = next(r for r in attributes_only.results if r.feature == "mapping")
    assert mapping.status == "not claimed" and "feature 'mapping' not claimed" in mapping.message

    known = sc.check(lambda d, o, s, r: LooseTolerance(d, o, s, r), **ALL, expected_failures={"SA-10.1": "tolerance is 5e-3"})
    assert known.ok and known.counts()["xfail"] == 1
    unexpected = sc.check(duck, **ALL, expected_failures={"SA-10.1/tolerance": "thought it was broken"})
    assert not unexpected.ok and unexpected.counts()["xpass"] == 1

    with pytest.raises(ValueError, match="unknown feature"):
        sc.check(duck, features=["teleportation"])
    with pytest.raises(ValueError, match="unknown level"):
        sc.check(duck, level="everything")
    with pytest.raises(ValueError, match="expected_failures names no check"):
        sc.check(duck, expected_failures={"SA-99.9": "no such clause"})


def test_a_crashing_array_is_an_error_not_a_pass() -> None:
    class Crashes(DuckImage):
        def __getitem__(self, key: Any) -> Any:
            raise RuntimeError("boom")

    report = sc.check(lambda d, o, s, r: Crashes(d, o, s, r), **ALL)
    errors = {r.clause for r in report.results if r.status == "error"}
    assert "SA-5.2" in errors and not report.ok
    assert "RuntimeError: boom" in next(r.message for r in report.results if r.clause == "SA-5.2")


def test_json_and_junit_reports() -> None:
    report = sc.check(lambda d, o, s, r: TransposeKeepsSpacing(d, o, s, r), **ALL)
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["counts"]["failed"] == 1
    assert {r["id"] for r in data["results"]} == set(sc.CHECKS)
    suite = ET.fromstring(report.to_junit_xml())
    assert suite.get("tests") == str(len(sc.CHECKS)) and suite.get("failures") == "1"
    failure = suite.find("testcase[@name='SA-9.1/transpose']/failure")
    assert failure is not None and failure.get("message", "").startswith("SA-9.1:")


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    features = sorted(sc.FEATURES)
    assert cli(["checker_tests.duck:DuckImage", "--features", *features, "--max-examples", "20"]) == 0
    assert cli(["checker_tests.test_checker:TransposeKeepsSpacing", "--features", *features,
                "--json", str(tmp_path / "r.json"), "--junit-xml", str(tmp_path / "r.xml")]) == 1
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["failed"] == 1
    assert ET.parse(tmp_path / "r.xml").getroot().get("failures") == "1"
    (tmp_path / "known.json").write_text(json.dumps({"SA-9.1": "we know"}))
    assert cli(["checker_tests.test_checker:TransposeKeepsSpacing", "--features", *features, "--xfail-file", str(tmp_path / "known.json")]) == 0
    assert cli(["checker_tests.duck:NoSuchFactory"]) == 2
    assert cli(["not-a-factory-spec"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--level", "bogus"]) == 2
    assert cli(["checker_tests.duck:DuckImage", "--features", "teleportation"]) == 2


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
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "independent" in done.stdout
