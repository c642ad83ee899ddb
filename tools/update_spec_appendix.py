"""Regenerate SPEC.md's appendix of numpy functions from spatial_ndarray's table.

    python tools/update_spec_appendix.py

tests/test_functions.py fails while the appendix and the table disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from spatial_ndarray._functions import spec_appendix

SPEC = Path(__file__).resolve().parent.parent / "SPEC.md"


def main() -> None:
    text = SPEC.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- appendix:functions -->\n).*?(<!-- /appendix:functions -->)", re.S)
    if not pattern.search(text):
        raise SystemExit("SPEC.md has no <!-- appendix:functions --> markers")
    SPEC.write_text(pattern.sub(lambda m: m.group(1) + spec_appendix() + m.group(2), text), encoding="utf-8")
    print(f"updated {SPEC}")


if __name__ == "__main__":
    main()
