"""Checks of chapter 15: the declared version, other implementations' arrays, error classes, feature fallbacks."""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np

from ._context import Context, Image
from ._foreign import ForeignImage
from ._oracle import Geom
from ._registry import LEVELS, NotApplicable, register

__all__: list[str] = []


@register("SA-15.1", "declared-version")
def _version(ctx: Context) -> None:
    """The array type and its top-level module declare __spatial_protocol__ as a "MAJOR.MINOR" string."""
    image = ctx.make((4, 5), 2)
    declared = getattr(type(image.array), "__spatial_protocol__", None)
    if not isinstance(declared, str) or not re.fullmatch(r"\d+\.\d+", declared):
        raise ctx.fail("SA-15.1", f"type(a).__spatial_protocol__ must be a 'MAJOR.MINOR' string; got {declared!r}",
                       image.setup, "type(a).__spatial_protocol__")
    name = type(image.array).__module__.split(".")[0]
    on_module = getattr(sys.modules.get(name), "__spatial_protocol__", None)
    if on_module != declared:
        raise ctx.fail("SA-15.1", f"the module {name} must declare __spatial_protocol__ = {declared!r}; got {on_module!r}",
                       image.setup, f"__import__({name!r}).__spatial_protocol__")


class _Setup(Image):
    """A reproduction line for an object the factory did not make (the foreign array)."""

    def __init__(self, setup: str) -> None:
        super().__init__(None, np.zeros(1), Geom(np.zeros(1), np.ones(1), np.eye(1)), setup)


def _foreign(ctx: Context, geom: Geom, shape: tuple[int, ...]) -> tuple[ForeignImage, str]:
    data = np.arange(float(np.prod(shape))).reshape(shape)
    code = (f"from spatial_conformance import ForeignImage; f = ForeignImage(np.arange({data.size}.0).reshape({shape}), "
            f"np.array({geom.origin.tolist()}), np.array({geom.spacing.tolist()}), np.array({geom.direction.tolist()}))")
    return ForeignImage(data, *geom), code


@register("SA-15.3", "other-implementations")
def _other_implementations(ctx: Context) -> None:
    """Another implementation's spatial array is checked as an operand (or the operation refused), never taken as plain values."""
    if LEVELS.index(ctx.level) < LEVELS.index("ufuncs"):
        raise NotApplicable("below level ufuncs nothing combines operands")
    image = ctx.make((4, 5), 2)
    g = image.geom
    a = image.array
    moved = Geom(g.origin + g.direction[:, 0] * g.spacing[0], g.spacing, g.direction)
    other, code = _foreign(ctx, moved, image.shape)
    for expression, call in (("a + f", lambda: a + other), ("f * a", lambda: other * a),
                             ("np.maximum(a, f)", lambda: np.maximum(a, other))):
        ctx.expect_refused("SA-15.3", [image, _Setup(code)], expression, call,
                           "f is another implementation's array on another grid", errors=(ValueError, TypeError))
    same, code_same = _foreign(ctx, g, image.shape)
    for expression, call in (("a + f", lambda: a + same), ("f - a", lambda: same - a)):
        try:
            result = call()
        except TypeError:
            continue  # refusing every foreign operand is allowed
        want = image.data + np.asarray(same) if "+" in expression else np.asarray(same) - image.data
        ctx.expect_values("SA-15.3", [image, _Setup(code_same)], expression, result, want)
        ctx.expect_geometry("SA-15.3", [image, _Setup(code_same)], expression, result, g)
    if ctx.claims("out"):
        before = np.array(ctx.values(a))

        def assign() -> None:
            a[...] = other

        ctx.expect_refused("SA-15.3", [image, _Setup(code)], "a[...] = f", assign, "f is on another grid",
                           errors=(ValueError, TypeError))
        if not np.array_equal(ctx.values(a), before):
            raise ctx.fail("SA-15.3", "a refused a[...] = f must write nothing", [image.setup, code], "a[...] = f")


@register("SA-15.4", "mismatch-is-valueerror")
def _error_classes(ctx: Context) -> None:
    """The mismatch error is a ValueError (caught across implementations with `except ValueError`)."""
    if LEVELS.index(ctx.level) < LEVELS.index("ufuncs"):
        raise NotApplicable("the mismatch error belongs to level ufuncs")
    image = ctx.make((4, 5), 2)
    g = image.geom
    b = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction), name="b")
    ctx.expect_refused("SA-15.4", [image, b], "a + b", lambda: image.array + b.array, "b is on another grid")


@register("SA-15.4", "class-names", advisory=True)
def _class_names(ctx: Context) -> None:
    """The mismatch error's class is named GeometryMismatchError (a SHOULD: advisory)."""
    if LEVELS.index(ctx.level) < LEVELS.index("ufuncs"):
        raise NotApplicable("the mismatch error belongs to level ufuncs")
    image = ctx.make((4, 5), 2)
    g = image.geom
    b = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction), name="b")
    error = ctx.expect_refused("SA-15.4", [image, b], "a + b", lambda: image.array + b.array, "b is on another grid")
    if "GeometryMismatchError" not in [cls.__name__ for cls in type(error).__mro__]:
        raise ctx.fail("SA-15.4", f"the mismatch error's class should be named GeometryMismatchError; it is "
                       f"{type(error).__name__}", [image.setup, b.setup], "a + b")


@register("SA-15.6", "components-fallback", "components", fallback=True)
def _no_components(ctx: Context) -> None:
    """Without `components`: data with more axes than spacings is refused with ValueError."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    code = f"{ctx.factory_call()}(np.zeros((4, 5, 3)), np.array({g.origin.tolist()}), np.array({g.spacing.tolist()}), np.array({g.direction.tolist()}))"
    ctx.expect_refused("SA-15.6", image, code, lambda: ctx.factory(np.zeros((4, 5, 3)), g.origin, g.spacing, g.direction),
                       "without the components feature, ndim > N is refused")


@register("SA-15.6", "out-fallback", "out", fallback=True)
def _no_out(ctx: Context) -> None:
    """Without `out`: out=, in-place operators and item assignment raise TypeError before writing anything."""
    image = ctx.make((4, 5), 2)
    a = image.array
    target = ctx.make_with(image.shape, image.geom, name="t")

    def inplace() -> None:
        nonlocal a
        a += 1

    def assign() -> None:
        a[0] = 5.0

    calls: list[tuple[str, Any]] = [("np.add(a, 1, out=t)", lambda: np.add(a, 1, out=target.array)),
                                    ("a += 1", inplace), ("a[0] = 5.0", assign)]
    if LEVELS.index(ctx.level) >= LEVELS.index("functions"):
        calls.append(("np.sum(a, axis=0, out=t[0])", lambda: np.sum(a, axis=0, out=target.array[0])))
    for expression, call in calls:
        before, before_t = np.array(ctx.values(image.array)), np.array(ctx.values(target.array))
        ctx.expect_refused("SA-15.6", [image, target], expression, call, "without the out feature nothing is written",
                           errors=(TypeError,))
        if not (np.array_equal(ctx.values(image.array), before) and np.array_equal(ctx.values(target.array), before_t)):
            raise ctx.fail("SA-15.6", f"a refused {expression} must write nothing", [image.setup, target.setup], expression)


@register("SA-15.6", "mapping-fallback", "mapping", fallback=True)
def _no_mapping(ctx: Context) -> None:
    """Without `mapping`: index_to_physical and physical_to_index are absent."""
    image = ctx.make((4, 5), 2)
    for name in ("index_to_physical", "physical_to_index"):
        if hasattr(image.array, name):
            raise ctx.fail("SA-15.6", f"without the mapping feature a.{name} must be absent (claim the feature)",
                           image.setup, f"a.{name}")
