"""Versions: the checker's own, and the SPEC.md version its checks implement."""

__all__ = ["CHECKER_VERSION", "SPEC_VERSION"]

CHECKER_VERSION = "2.0.0"
SPEC_VERSION = "1.2"
