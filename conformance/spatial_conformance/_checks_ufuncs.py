"""Checks of chapters 7 and 10: elementwise operations, their operands, broadcasting, out=, where=, tolerance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._checks_attributes import DTYPES
from ._context import Context, Image
from ._oracle import Geom, binned, indexed
from ._registry import register

__all__: list[str] = []


def _twin(ctx: Context, image: Image, geom: Geom | None = None, shape: tuple[int, ...] | None = None,
          name: str = "b") -> Image:
    """A second image (reversed values) on the given grid, by default the first one's."""
    return ctx.make_with(shape or image.shape, geom or image.geom, dtype=str(image.data.dtype), name=name)


def _calls(dtype: str) -> list[tuple[str, Callable[[Any, Any], Any]]]:
    calls: list[tuple[str, Callable[[Any, Any], Any]]] = [
        ("a + b", lambda x, y: x + y), ("a > b", lambda x, y: x > y), ("np.maximum(a, b)", np.maximum),
        ("a == 3", lambda x, y: x == 3), ("np.isfinite(a)", lambda x, y: np.isfinite(x))]
    if dtype != "bool":
        calls += [("a * 2", lambda x, y: x * 2), ("-a", lambda x, y: -x), ("np.abs(a)", lambda x, y: np.abs(x)),
                  ("np.sqrt(a)", lambda x, y: np.sqrt(x)), ("a - b", lambda x, y: x - y)]
    else:
        calls += [("a & b", lambda x, y: x & y), ("~a", lambda x, y: ~x)]
    if dtype.startswith("float"):
        calls += [("np.sin(a)", lambda x, y: np.sin(x)), ("np.floor(a)", lambda x, y: np.floor(x)),
                  ("np.divmod(a, 3.0)[1]", lambda x, y: np.divmod(x, 3.0)[1])]
    return calls


def _images(ctx: Context) -> list[Image]:
    images = [ctx.make((4, 5), 2, dtype=dtype, seed=i) for i, dtype in enumerate(DTYPES)]
    return images + ctx.some([((4, 5, 3), 2, {"p": 3, "seed": 20}), ((1, 5), 2, {"seed": 21}), ((6,), 1, {"p": 2, "seed": 22})])


@register("SA-7.1", "ufunc-values")
def _ufunc_values(ctx: Context) -> None:
    """Ufunc results have numpy's values, dtype and shape (float64, float32, integers, bool, complex)."""
    with np.errstate(all="ignore"):
        for image in _images(ctx):
            other = _twin(ctx, image)
            for what, call in _calls(str(image.data.dtype)):
                ctx.expect_values("SA-7.1", [image, other], what, call(image.array, other.array),
                                  call(image.data, other.data))


@register("SA-7.3", "ufunc-keeps-geometry")
def _ufunc_geometry(ctx: Context) -> None:
    """Ufunc results (comparisons too, every dtype, P > N, components) carry the operands' common geometry."""
    with np.errstate(all="ignore"):
        for image in _images(ctx):
            other = _twin(ctx, image)
            for what, call in _calls(str(image.data.dtype)):
                ctx.expect_geometry("SA-7.3", [image, other], what, call(image.array, other.array), image.geom)
            ctx.expect_geometry("SA-7.3", image, "1 + a", 1 + image.array, image.geom)
            ctx.expect_geometry("SA-7.3", image, "np.ones(a.shape, a.dtype) * a",
                                np.ones(image.shape, image.data.dtype) * image.array, image.geom)


def _others(ctx: Context, image: Image) -> dict[str, Image]:
    g = image.geom
    n = len(g.spacing)
    flipped = g.direction.copy()
    flipped[:, -1] *= -1
    return {
        "origin moved by one spacing": _twin(ctx, image, Geom(g.origin + g.direction[:, 0] * g.spacing[0], g.spacing, g.direction)),
        "origin moved 1e-3 spacings along the last axis": _twin(ctx, image, Geom(g.origin + g.direction[:, -1] * g.spacing[-1] * 1e-3, g.spacing, g.direction)),
        "spacing 1% larger on the last axis": _twin(ctx, image, Geom(g.origin, g.spacing * np.r_[np.ones(n - 1), 1.01], g.direction)),
        "last direction column negated": _twin(ctx, image, Geom(g.origin, g.spacing, flipped)),
    }


@register("SA-7.2", "mismatch-refused")
def _mismatch(ctx: Context) -> None:
    """Operands on different grids, with a different N, or with a where= mask on another grid, are refused."""
    image = ctx.make((4, 5), 2)
    a = image.array
    for what, other in _others(ctx, image).items():
        b = other.array
        ctx.expect_refused("SA-7.2", [image, other], "a + b", lambda: a + b, f"b's {what}")
        ctx.expect_refused("SA-7.2", [image, other], "np.multiply(b, a)", lambda: np.multiply(b, a), f"b's {what}")
        mask = ctx.make_with(image.shape, other.geom, dtype="bool", name="m")
        ctx.expect_refused("SA-7.2", [image, mask], "np.add(a, 1, where=m)", lambda: np.add(a, 1, where=mask.array),
                           f"the where= mask is an operand; its {what}")
    if ctx.claims("components"):
        fewer_axes = ctx.make_with((4, 5), Geom(image.geom.origin, image.geom.spacing[:1], image.geom.direction[:, :1]), name="b")
        ctx.expect_refused("SA-7.2", [image, fewer_axes], "a + b", lambda: a + fewer_axes.array,
                           "b has one spatial axis and a component axis, a two spatial axes")
    plain_out = np.zeros(image.shape)
    mask_other = ctx.make_with(image.shape, _others(ctx, image)["origin moved by one spacing"].geom, dtype="bool", name="m")
    ctx.expect_refused("SA-7.2", [image, mask_other], "np.add(a, a, out=np.zeros(a.shape), where=m)",
                       lambda: np.add(a, a, out=plain_out, where=mask_other.array), "the where= mask is on another grid")


@register("SA-7.4", "plain-broadcast")
def _broadcast(ctx: Context) -> None:
    """Plain operands that prepend axes or stretch a spatial axis give a plain result with numpy's values."""
    image = ctx.make((4, 5), 2)
    a, data = image.array, image.data
    cases: list[tuple[str, Callable[[Any], Any], Any]] = [
        ("a + np.ones((2, 4, 5))", lambda x: x + np.ones((2, 4, 5)), None),
        ("a[:, :1] + np.ones((4, 5))", lambda x: x[:, :1] + np.ones((4, 5)), None),
        ("np.ones((4, 5)) * a[:1]", lambda x: np.ones((4, 5)) * x[:1], None),
        ("a[:1] + np.ones((3, 1, 5))", lambda x: x[:1] + np.ones((3, 1, 5)), None),
        ("a + np.ones(5)", lambda x: x + np.ones(5), image.geom),
        ("a[:, :1] + np.ones((4, 1))", lambda x: x[:, :1] + np.ones((4, 1)),
         indexed(image.geom, image.shape, (slice(None), slice(None, 1)))),
    ]
    for what, call, want in cases:
        ctx.expect_values("SA-7.4", image, what, call(a), call(data))
        ctx.expect_geometry("SA-7.4", image, what, call(a), want)


@register("SA-7.5", "out-and-in-place", "out")
def _out(ctx: Context) -> None:
    """out= is an operand (another grid is refused before writing), is returned with its own geometry; in-place operators keep the object."""
    image = ctx.make((4, 5), 2)
    a, data = image.array, image.data
    for what, other in _others(ctx, image).items():
        out = _twin(ctx, image, other.geom, name="t")
        before = np.array(ctx.values(out.array))
        ctx.expect_refused("SA-7.5", [image, out], "np.add(a, 1, out=t)", lambda: np.add(a, 1, out=out.array),
                           f"the out= array is an operand (SA-7.2); its {what}")
        if not np.array_equal(ctx.values(out.array), before):
            raise ctx.fail("SA-7.5", "a refused np.add(a, 1, out=t) must write nothing into t", [image.setup, out.setup],
                           "np.add(a, 1, out=t)")
    target = _twin(ctx, image, name="t")
    result = np.add(a, 1.0, out=target.array)
    if result is not target.array:
        raise ctx.fail("SA-7.5", f"np.add(a, 1, out=t) must return t itself; got a new {type(result).__name__}",
                       [image.setup, target.setup], "np.add(a, 1, out=t)")
    ctx.expect_values("SA-7.5", [image, target], "np.add(a, 1, out=t); t", target.array, data + 1.0)
    result = np.add(data, 2.0, out=(target.array,))
    if result is not target.array:
        raise ctx.fail("SA-7.5", "np.add(plain, 2, out=(t,)) must return t itself", [target.setup], "np.add(np.arange(20.0).reshape(4, 5), 2, out=(t,))")
    ctx.expect_geometry("SA-7.5", target, "np.add(plain, 2, out=t)", result, target.geom)
    before = a
    a += 1.0
    if a is not before:
        raise ctx.fail("SA-7.5", "a += 1 must keep the same object", image.setup, "a += 1")
    ctx.expect_values("SA-7.5", image, "a += 1; a", a, data + 1.0)
    ctx.expect_geometry("SA-7.5", image, "a += 1; a", a, image.geom)
    a *= target.array
    ctx.expect_geometry("SA-7.5", [image, target], "a *= t; a", a, image.geom)


@register("SA-7.6", "ufunc-methods")
def _methods(ctx: Context) -> None:
    """accumulate keeps the grid; reduce bins; reduceat along a spatial axis is plain; outer keeps a's grid; at works in place."""
    image = ctx.make((4, 5, 2), 2) if ctx.claims("components") else ctx.make((4, 5, 6), 3)
    a, data = image.array, image.data
    cases: list[tuple[str, Callable[[Any], Any], Geom | None]] = [
        ("np.add.accumulate(a, axis=0)", lambda x: np.add.accumulate(x, axis=0), image.geom),
        ("np.multiply.accumulate(a, axis=1)", lambda x: np.multiply.accumulate(x, axis=1), image.geom),
        ("np.maximum.accumulate(a, axis=-1)", lambda x: np.maximum.accumulate(x, axis=-1), image.geom),
        ("np.add.reduce(a, axis=0)", lambda x: np.add.reduce(x, axis=0), binned(image.geom, image.shape, 0, False)),
        ("np.add.reduce(a, axis=1, keepdims=True)", lambda x: np.add.reduce(x, axis=1, keepdims=True),
         binned(image.geom, image.shape, 1, True)),
        ("np.add.reduceat(a, [0, 2], axis=0)", lambda x: np.add.reduceat(x, [0, 2], axis=0), None),
        ("np.add.reduceat(a, [0, 1], axis=2)", lambda x: np.add.reduceat(x, [0, 1], axis=2),
         image.geom if ctx.claims("components") else None),
        ("np.multiply.outer(a, np.arange(3.0))", lambda x: np.multiply.outer(x, np.arange(3.0)), image.geom),
    ]
    for what, call, want in cases:
        ctx.expect_values("SA-7.6", image, what, call(a), call(data))
        ctx.expect_geometry("SA-7.6", image, what, call(a), want)
    other = _twin(ctx, image)
    ctx.expect_geometry("SA-7.6", [image, other], "np.multiply.outer(a, b)", np.multiply.outer(a, other.array), None)
    if not ctx.claims("out"):
        return
    returned = np.add.at(a, (0, 1), 100.0)
    want_values = data.copy()
    np.add.at(want_values, (0, 1), 100.0)
    if returned is not None:
        raise ctx.fail("SA-7.6", f"np.add.at must return None; got {type(returned).__name__}", image.setup, "np.add.at(a, (0, 1), 100.0)")
    ctx.expect_values("SA-7.6", image, "np.add.at(a, (0, 1), 100.0); a", a, want_values)
    ctx.expect_geometry("SA-7.6", image, "np.add.at(a, (0, 1), 100.0); a", a, image.geom)


@register("SA-10.3", "mismatch-message")
def _message(ctx: Context) -> None:
    """The mismatch error is a ValueError naming the part that differs (origin, spacing, direction, spatial shape)."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    parts = {"origin": _others(ctx, image)["origin moved by one spacing"],
             "spacing": _others(ctx, image)["spacing 1% larger on the last axis"],
             "direction": _others(ctx, image)["last direction column negated"],
             "shape": ctx.make_with((3, 5), Geom(g.origin, g.spacing, g.direction), name="b")}
    for part, other in parts.items():
        error = ctx.expect_refused("SA-10.3", [image, other], "a + b", lambda: image.array + other.array, f"b's {part} differs")
        if part not in str(error).lower():
            raise ctx.fail("SA-10.3", f"the mismatch error must name the part that differs ({part!r}); it says "
                           f"{str(error)!r}", [image.setup, other.setup], "a + b")


def _probe(g: Geom, axis: int, part: str, amount: float) -> Geom:
    origin, spacing = g.origin.copy(), g.spacing.copy()
    if part == "origin":
        origin = origin + g.direction[:, axis] * g.spacing[axis] * amount
    else:
        spacing[axis] *= 1.0 + amount
    return Geom(origin, spacing, g.direction.copy())


@register("SA-10.1", "tolerance")
def _tolerance(ctx: Context) -> None:
    """Per axis, with anisotropic spacing: 1e-9 voxel differences are the same space; 1e-3 voxel differences are not."""
    for spacing in (np.array([0.2, 5.0, 1.0]), np.array([5.0, 0.2, 1.0])):
        base = ctx.make((4, 5, 6), 3, seed=3)
        image = ctx.make_with((4, 5, 6), Geom(base.geom.origin, spacing, base.geom.direction))
        for axis in range(3):
            for part in ("origin", "spacing"):
                near = _twin(ctx, image, _probe(image.geom, axis, part, 1e-9))
                try:
                    image.array + near.array
                except ValueError as error:
                    raise ctx.fail("SA-10.1", f"{part} 1e-9 voxel apart along axis {axis} is the same space; a + b "
                                   f"raised {error}", [image.setup, near.setup], "a + b") from None
                far = _twin(ctx, image, _probe(image.geom, axis, part, 1e-3))
                ctx.expect_refused("SA-10.1", [image, far], "a + b", lambda: image.array + far.array,
                                   f"{part} differs by 1e-3 voxel along axis {axis}")
