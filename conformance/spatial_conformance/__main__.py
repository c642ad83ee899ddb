"""Command line: ``python -m spatial_conformance MODULE:FACTORY [options]``.

Exit status: 0 when every claimed check passes, 1 on any failure, error or
unexpected pass, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import json
import secrets
import sys
from pathlib import Path
from typing import Any

from ._registry import FEATURES, LEVELS
from ._runner import DEFAULT_MAX_EXAMPLES, check


def _seed(text: str) -> int | None:
    if text == "random":
        return secrets.randbelow(2**32)
    return int(text)


def _factory(spec: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected MODULE:NAME, got {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"{spec} is not callable")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spatial_conformance", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("factory", help="MODULE:FACTORY, a callable factory(data, origin, spacing, direction)")
    parser.add_argument("--level", default="functions", choices=LEVELS, help="level claimed (cumulative)")
    parser.add_argument("--features", nargs="*", default=[], metavar="FEATURE",
                        help="optional features claimed: " + ", ".join(sorted(FEATURES)))
    parser.add_argument("--xfail-file", type=Path, help="JSON file {check_id_or_clause: reason} of known failures")
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES,
                        help=f"examples per property (default {DEFAULT_MAX_EXAMPLES})")
    parser.add_argument("--seed", type=_seed, default=None, metavar="INT|random",
                        help="draw other geometries and examples (default: a fixed sequence); 'random' picks one "
                             "and prints it")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these check ids, clauses or chapters (SA-5)")
    parser.add_argument("--lazy", action="store_true",
                        help="the implementation is lazy or device-backed (SA-11.3): plain results are its underlying array type")
    parser.add_argument("--to-numpy", metavar="MODULE:FUNC",
                        help="a function giving numpy values for arrays np.asarray cannot read (GPU, lazy)")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--junit-xml", type=Path, help="write the report as JUnit XML here")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    try:
        factory = _factory(args.factory)
        to_numpy = _factory(args.to_numpy) if args.to_numpy else None
        expected = json.loads(args.xfail_file.read_text()) if args.xfail_file else {}
        report = check(factory, level=args.level, features=args.features, expected_failures=expected,
                       max_examples=args.max_examples, seed=args.seed, to_numpy=to_numpy, only=args.only,
                       factory_name=args.factory, lazy=args.lazy)
    except (ValueError, ImportError, AttributeError, OSError, json.JSONDecodeError) as error:
        print(f"spatial_conformance: {error}", file=sys.stderr)
        return 2
    print(report.summary())
    if args.json:
        args.json.write_text(report.to_json())
    if args.junit_xml:
        args.junit_xml.write_text(report.to_junit_xml())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
