"""pytest helper: one test per conformance check, with readable ids.

In a project's test suite::

    from spatial_conformance.pytest_plugin import conformance_tests
    from mypackage import make_image  # factory(data, origin, spacing, direction)
    test_spatial_protocol = conformance_tests(make_image, level="functions", features={"embedding"})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._context import Context, Factory
from ._runner import DEFAULT_MAX_EXAMPLES, plan, run_one

__all__ = ["conformance_tests"]


def conformance_tests(
    factory: Factory,
    *,
    level: str = "functions",
    features: Iterable[str] = (),
    expected_failures: Mapping[str, str] | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int | None = None,
    to_numpy: Callable[[Any], Any] | None = None,
    only: Iterable[str] | None = None,
    lazy: bool = False,
) -> Callable[..., None]:
    """A pytest test function parametrized over every check; assign it to a ``test_`` name.

    The keywords are those of `spatial_conformance.check`.
    """
    import pytest

    features = frozenset(features)
    items = list(plan(level, features, expected_failures, only))
    name = f"{getattr(factory, '__module__', '')}:{getattr(factory, '__qualname__', '')}"
    context = Context(factory, features, max_examples, seed, to_numpy, name if "<" not in name else "", lazy, level)

    @pytest.mark.parametrize("item", [pytest.param(entry, id=entry[0].id) for entry in items])
    def test_conformance(item: Any) -> None:
        check_, not_claimed, xfail = item
        if not_claimed is not None:
            pytest.skip(f"not claimed: {not_claimed}")
        result = run_one(check_, context, None, xfail)
        if result.status == "xfail":
            pytest.xfail(result.message)
        if result.status == "not claimed":
            pytest.skip(result.message)
        if result.status == "advisory":
            import warnings

            warnings.warn(f"advisory (a SHOULD clause): {result.message}", UserWarning, stacklevel=1)
            return
        if result.status != "passed":
            pytest.fail(result.message, pytrace=False)

    return test_conformance
