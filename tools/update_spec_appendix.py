"""Regenerate SPEC.md's generated tables: numpy functions, scipy.ndimage functions (spatial_ndarray's tables) and conformance checks.

    python tools/update_spec_appendix.py

tests/test_functions.py and tests/test_ndimage.py fail while an appendix and its table disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from spatial_conformance import not_checkable_table, spec_table

from spatial_ndarray._functions import spec_appendix
from spatial_ndarray.ndimage import spec_appendix as ndimage_appendix

SPEC = Path(__file__).resolve().parent.parent / "SPEC.md"


def main() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for name, content in (("functions", spec_appendix()), ("conformance", spec_table()),
                          ("not-checkable", not_checkable_table()), ("ndimage", ndimage_appendix())):
        pattern = re.compile(rf"(<!-- appendix:{name} -->\n).*?(<!-- /appendix:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"SPEC.md has no <!-- appendix:{name} --> markers")
        text = pattern.sub(lambda m: m.group(1) + content + m.group(2), text)
    SPEC.write_text(text, encoding="utf-8")
    print(f"updated {SPEC}")


if __name__ == "__main__":
    main()
