"""Results of a conformance run, as Python objects, JSON and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field

__all__ = ["CheckResult", "Report", "STATUSES"]

#: passed, failed, xfail (failed as expected), xpass (passed though expected to fail),
#: not claimed (outside the claimed level or features), error (the check could not run).
STATUSES = ("passed", "failed", "xfail", "xpass", "not claimed", "error")
_BAD = ("failed", "xpass", "error")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    id: str
    clause: str
    name: str
    level: str
    feature: str | None
    status: str
    message: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    """All results of one run. ``ok`` is true when no claimed check failed, errored or passed unexpectedly."""

    results: list[CheckResult] = field(default_factory=list)
    level: str = ""
    features: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(r.status in _BAD for r in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}

    def summary(self) -> str:
        """One line per check, then the counts."""
        lines = [f"{r.status.upper():12s} {r.id}" + (f"\n    {r.message}" if r.status in _BAD + ('xfail',) else "")
                 for r in self.results]
        lines.append(", ".join(f"{count} {status}" for status, count in self.counts().items() if count))
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {"ok": self.ok, "level": self.level, "features": list(self.features), "counts": self.counts(),
             "results": [asdict(r) for r in self.results]},
            indent=2,
        )

    def to_junit_xml(self) -> str:
        counts = self.counts()
        suite = ET.Element(
            "testsuite", name="spatial-conformance", tests=str(len(self.results)),
            failures=str(counts["failed"] + counts["xpass"]), errors=str(counts["error"]),
            skipped=str(counts["not claimed"] + counts["xfail"]),
            time=f"{sum(r.seconds for r in self.results):.3f}",
        )
        for r in self.results:
            case = ET.SubElement(suite, "testcase", classname=f"spatial_conformance.{r.level}", name=r.id, time=f"{r.seconds:.3f}")
            if r.status == "failed":
                ET.SubElement(case, "failure", message=r.message.splitlines()[0] if r.message else "").text = r.message
            elif r.status == "xpass":
                ET.SubElement(case, "failure", message="passed unexpectedly").text = r.message
            elif r.status == "error":
                ET.SubElement(case, "error", message=r.message.splitlines()[0] if r.message else "").text = r.message
            elif r.status in ("not claimed", "xfail"):
                ET.SubElement(case, "skipped", message=f"{r.status}: {r.message}")
        return ET.tostring(suite, encoding="unicode")
