"""What every check works with: the factory, how to read values, test images, and failures a person can act on.

A failure names its clause, shows the expected and observed geometry side by
side, and ends with one line of Python that rebuilds the input with the
implementation's own factory and repeats the operation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ._oracle import Geom, compare, describe, geometry_of, is_spatial, orthonormal, positions_kept
from ._registry import ConformanceFailure

__all__ = ["Context", "Factory", "Image"]

Factory = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], Any]


@dataclass
class Image:
    """A test image: the array under test, the numpy values it was made from, its geometry, and how to rebuild it."""

    array: Any
    data: np.ndarray
    geom: Geom
    setup: str

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def scale(self) -> float:
        """Size of the numbers involved, for rounding allowances in position comparisons."""
        return 1.0 + float(np.abs(self.geom.origin).max()) + float(self.geom.spacing.max()) * max(self.shape + (1,))


def _data(shape: tuple[int, ...], dtype: str) -> tuple[np.ndarray, str]:
    size = math.prod(shape)
    if dtype == "bool":
        return (np.arange(size) % 3 == 0).reshape(shape), f"(np.arange({size}) % 3 == 0).reshape({shape})"
    if dtype.startswith("complex"):
        code = f"(np.arange({size}) * (1 - 1j)).astype('{dtype}').reshape({shape})"
        return (np.arange(size) * (1 - 1j)).astype(dtype).reshape(shape), code
    return np.arange(size).astype(dtype).reshape(shape), f"np.arange({size}).astype('{dtype}').reshape({shape})"


def _list(value: np.ndarray) -> str:
    return f"np.array({value.tolist()!r})"


@dataclass
class Context:
    """The factory and run settings every check receives."""

    factory: Factory
    features: frozenset[str] = field(default_factory=frozenset)
    max_examples: int = 100
    seed: int | None = None
    to_numpy: Callable[[Any], Any] | None = None
    factory_name: str = ""
    lazy: bool = False
    level: str = "functions"

    def claims(self, feature: str) -> bool:
        return feature in self.features

    def allows(self, shape: tuple[int, ...], n: int) -> bool:
        """Arrays with component axes (ndim > N) exist only with the `components` feature (SA-15.6)."""
        return len(shape) == n or self.claims("components")

    def some(self, specs: list[tuple[tuple[int, ...], int, dict[str, Any]]]) -> list[Image]:
        """The images of ``specs`` (shape, N, keywords of `make`) this claim allows."""
        return [self.make(shape, n, **kw) for shape, n, kw in specs if self.allows(shape, n)]

    def values(self, array: Any) -> np.ndarray:
        """The values of ``array`` as numpy: through the ``to_numpy`` hook when given, else ``np.asarray``."""
        if self.to_numpy is not None and not isinstance(array, (np.ndarray, np.generic, int, float, complex, bool)):
            return np.asarray(self.to_numpy(array))
        return np.asarray(array)

    # -- test images -----------------------------------------------------------------------------------
    def make(self, shape: tuple[int, ...], n: int, *, p: int | None = None, seed: int = 0,
             dtype: str = "float64") -> Image:
        """A spatial array of unique values (for float/int/complex) on a random oblique geometry."""
        rng = np.random.default_rng(seed if self.seed is None else (self.seed, seed))
        p = n if p is None else p
        origin = rng.uniform(-50, 50, size=p)
        spacing = rng.uniform(0.3, 3.0, size=n)
        direction = orthonormal(rng, p, n)
        return self.make_with(shape, Geom(origin, spacing, direction), dtype=dtype)

    def make_with(self, shape: tuple[int, ...], geom: Geom, *, dtype: str = "float64", name: str = "a") -> Image:
        data, code = _data(shape, dtype)
        array = self.factory(data.copy(), geom.origin.copy(), geom.spacing.copy(), geom.direction.copy())
        setup = f"{name} = {self.factory_call()}({code}, {_list(geom.origin)}, {_list(geom.spacing)}, {_list(geom.direction)})"
        return Image(array, data, geom, setup)

    def factory_call(self) -> str:
        return self.factory_name.rpartition(":")[2] if self.factory_name else "factory"

    def reproduce(self, setup: str | list[str], expression: str) -> str:
        """One line of Python that rebuilds the input with the implementation's factory and repeats the operation."""
        module = self.factory_name.partition(":")[0] if ":" in self.factory_name else ""
        head = f"from {module} import {self.factory_call().split('.')[0]}; " if module else ""
        setups = [setup] if isinstance(setup, str) else setup
        return f"import numpy as np; {head}{'; '.join(setups)}; r = {expression}"

    # -- failures and expectations ------------------------------------------------------------------------
    def fail(self, clause: str, message: str, setup: str | list[str], expression: str) -> ConformanceFailure:
        return ConformanceFailure(f"{clause}: {message}\n  reproduce: {self.reproduce(setup, expression)}")

    def expect_values(self, clause: str, image: Image | list[Image], expression: str, result: Any, want: Any) -> np.ndarray:
        """SA-7.1: numpy's values, dtype and shape. Returns the values."""
        got, want = self.values(result), np.asarray(want)
        nan_aware = want.dtype.kind in "fc"
        if got.shape != want.shape or got.dtype != want.dtype or not np.array_equal(got, want, equal_nan=nan_aware):
            detail = f"{want.dtype}{want.shape}" if got.shape != want.shape or got.dtype != want.dtype else "numpy's values"
            raise self.fail(clause, f"{expression} must give numpy's values {detail}; got {got.dtype}{got.shape}"
                            + ("" if got.shape != want.shape or got.dtype != want.dtype else " with other values"),
                            _setups(image), expression)
        return got

    def expect_geometry(self, clause: str, image: Image | list[Image], expression: str, result: Any,
                        want: Geom | None, scale: float | None = None) -> Geom | None:
        """The result carries ``want`` (to rounding), or is plain when ``want`` is None. Returns what was expected.

        Without the `components` feature, a result that would have a component axis is plain (SA-15.6).
        """
        if want is not None and not self.claims("components") and np.ndim(self.values(result)) > len(want.spacing):
            want = None
        if want is None:
            self.expect_plain(clause, image, expression, result)
            return None
        if not is_spatial(result):
            raise self.fail(clause, f"{expression} must be a spatial array with {describe(want)}; "
                            f"got {type(result).__name__} without geometry", _setups(image), expression)
        first = image[0] if isinstance(image, list) else image
        problem = compare(want, geometry_of(result), first.scale() if scale is None else scale)
        if problem:
            raise self.fail(clause, f"{expression}: {problem}", _setups(image), expression)
        return want

    def expect_plain(self, clause: str, image: Image | list[Image], expression: str, result: Any) -> None:
        """SA-11.1: geometry undefined, so a plain value: no protocol attributes (and, unless lazy, numpy's own type)."""
        if is_spatial(result):
            raise self.fail(clause, f"{expression} must be a plain array (geometry undefined); got "
                            f"{type(result).__name__} with {describe(geometry_of(result))}", _setups(image), expression)
        if self.lazy:
            if getattr(type(result), "__spatial_protocol__", None) is not None:
                raise self.fail(clause, f"{expression} must be the backend's plain array (SA-11.3); its type declares "
                                "__spatial_protocol__", _setups(image), expression)
        elif not (type(result) is np.ndarray or isinstance(result, (np.generic, int, float, complex, bool))):
            raise self.fail(clause, f"{expression} must be a plain numpy array or scalar (SA-11.1); got "
                            f"{type(result).__name__}", _setups(image), expression)

    def expect_traced(self, clause: str, image: Image, expression: str, result: Any) -> None:
        """SA-5.1: every element (traced by its unique value) sits where its source element sat."""
        if not is_spatial(result):
            raise self.fail(clause, f"{expression} must be a spatial array; got {type(result).__name__} without geometry",
                            image.setup, expression)
        problem = positions_kept(image.geom, image.shape, result, self.values(result), image.scale())
        if problem:
            raise self.fail(clause, f"{expression} must keep every element's physical position: {problem}\n"
                            f"      input    {describe(image.geom)}\n      observed {describe(geometry_of(result))}",
                            image.setup, expression)

    def expect_refused(self, clause: str, image: Image | list[Image], expression: str, call: Callable[[], Any],
                       why: str, errors: tuple[type[BaseException], ...] = (ValueError,)) -> BaseException:
        """The call raises one of ``errors`` (the mismatch error is a ValueError, SA-10.3)."""
        try:
            call()
        except errors as error:
            return error
        names = " or ".join(e.__name__ for e in errors)
        raise self.fail(clause, f"{expression} must raise {names} ({why}); it returned a result", _setups(image), expression)

    # -- properties -------------------------------------------------------------------------------------
    def property(self, strategy: st.SearchStrategy[Any], body: Callable[[Any], None]) -> None:
        """Run ``body`` over ``strategy``; the failure reported is that of hypothesis' shrunk example."""

        @settings(max_examples=self.max_examples, derandomize=self.seed is None, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False,
                  phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink))  # no "explain": slow, unused
        @given(strategy)
        def run(example: Any) -> None:
            body(example)

        if self.seed is not None:
            run = hypothesis_seed(self.seed)(run)
        try:
            run()
        except ConformanceFailure as error:
            raise ConformanceFailure(error.args[0]) from None


def _setups(image: Image | list[Image]) -> list[str]:
    return [i.setup for i in image] if isinstance(image, list) else [image.setup]
