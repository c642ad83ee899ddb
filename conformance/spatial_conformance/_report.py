"""Results of a conformance run, as Python objects, JSON and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field

from ._version import CHECKER_VERSION, SPEC_VERSION

__all__ = ["CheckResult", "Report", "STATUSES"]

#: passed, failed, xfail (failed as expected), xpass (passed though expected to fail),
#: not claimed (outside the claimed level or features), error (the check could not run),
#: advisory (a SHOULD clause found unmet: reported, never a failure, SA-15.7).
STATUSES = ("passed", "failed", "xfail", "xpass", "not claimed", "error", "advisory")
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
    #: ``__spatial_protocol__`` found on an array and on its top-level module (None: not declared).
    declared: str | None = None
    declared_module: str | None = None
    seed: int | None = None
    max_examples: int = 0
    lazy: bool = False
    spec_version: str = SPEC_VERSION
    checker_version: str = CHECKER_VERSION

    def header(self) -> str:
        """What was checked against what: versions, the claim, the settings."""
        declared = self.declared or "not declared"
        module = self.declared_module or "not declared"
        seed = "fixed (derandomized)" if self.seed is None else str(self.seed)
        return (f"spatial-conformance {self.checker_version}, SPEC {self.spec_version}; implementation declares "
                f"__spatial_protocol__ {declared} (module: {module}); level {self.level}, features "
                f"{', '.join(self.features) or 'none'}{'; lazy/device (SA-11.3)' if self.lazy else ''}; {self.max_examples} examples per property, seed {seed}")

    @property
    def ok(self) -> bool:
        return not any(r.status in _BAD for r in self.results)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}

    def summary(self) -> str:
        """One line per check, then the counts."""
        lines = [self.header()]
        lines += [f"{r.status.upper():12s} {r.id}" + (f"\n    {r.message}" if r.status in _BAD + ('xfail',) else "")
                 for r in self.results]
        lines.append(", ".join(f"{count} {status}" for status, count in self.counts().items() if count))
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(
            {"ok": self.ok, "spec_version": self.spec_version, "checker_version": self.checker_version,
             "declared_spec_version": self.declared, "declared_module_spec_version": self.declared_module,
             "level": self.level, "features": list(self.features), "lazy": self.lazy, "seed": self.seed,
             "max_examples": self.max_examples, "counts": self.counts(),
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
        properties = ET.SubElement(suite, "properties")
        for name, value in (("spec_version", self.spec_version), ("checker_version", self.checker_version),
                            ("declared_spec_version", self.declared or ""),
                            ("declared_module_spec_version", self.declared_module or ""), ("level", self.level),
                            ("features", " ".join(self.features)), ("seed", "" if self.seed is None else str(self.seed)),
                            ("max_examples", str(self.max_examples))):
            ET.SubElement(properties, "property", name=name, value=value)
        for r in self.results:
            case = ET.SubElement(suite, "testcase", classname=f"spatial_conformance.{r.level}", name=r.id, time=f"{r.seconds:.3f}")
            if r.status == "failed":
                ET.SubElement(case, "failure", message=r.message.splitlines()[0] if r.message else "").text = r.message
            elif r.status == "xpass":
                ET.SubElement(case, "failure", message="passed unexpectedly").text = r.message
            elif r.status == "error":
                ET.SubElement(case, "error", message=r.message.splitlines()[0] if r.message else "").text = r.message
            elif r.status in ("not claimed", "xfail", "advisory"):
                ET.SubElement(case, "skipped", message=f"{r.status}: {r.message}")
        return ET.tostring(suite, encoding="unicode")
