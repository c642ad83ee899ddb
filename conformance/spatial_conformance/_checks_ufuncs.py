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
    image = ctx.make((4, 5), 2, seed=30)
    mask = ctx.make_with(image.shape, image.geom, dtype="bool", name="m")
    plain = np.arange(20.0).reshape(4, 5)
    ctx.expect_geometry("SA-7.3", mask, "np.add(x, x, where=m, out=None)", np.add(plain, plain, where=mask.array, out=None), None)
    ctx.expect_geometry("SA-7.3", [image, mask], "np.add(a, 1, where=m, out=None)",
                        np.add(image.array, 1.0, where=mask.array, out=None), image.geom)


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
    """When no spatial operand is full (plain operands stretch or prepend axes), same-shape operands give a plain result."""
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
        ("a[:1] + a[:1] + np.ones((4, 5))", lambda x: x[:1] + x[:1] + np.ones((4, 5)), None),
    ]
    for what, call, want in cases:
        ctx.expect_values("SA-7.4", image, what, call(a), call(data))
        ctx.expect_geometry("SA-7.4", image, what, call(a), want)
    g = image.geom
    other = _twin(ctx, image, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction))
    ctx.expect_refused("SA-7.4", [image, other], "a[:1] + b[:1] + np.ones((4, 5))",
                       lambda: a[:1] + other.array[:1] + np.ones((4, 5)), "same-shape operands are still compared")


def _slab(ctx: Context, image: Image, axis: int, offset: float = 0.0, name: str = "s") -> Image:
    """A binned slab of ``image`` along ``axis`` (length 1, spacing n * spacing), moved ``offset`` voxels across."""
    g = image.geom
    binned_geom = binned(g, image.shape, axis, True)
    assert binned_geom is not None
    other = [i for i in range(len(g.spacing)) if i != axis][0]
    moved = binned_geom.origin + g.direction[:, other] * g.spacing[other] * offset
    shape = tuple(1 if i == axis else n for i, n in enumerate(image.shape))
    return ctx.make_with(shape, Geom(moved, binned_geom.spacing, binned_geom.direction), name=name)


@register("SA-7.7", "broadcast-operands")
def _broadcast_operands(ctx: Context) -> None:
    """Slabs and slices lying in the full operand's grid broadcast onto it (either order); others are refused."""
    image = ctx.make((5, 5), 2, p=3)
    a, data, g = image.array, image.data, image.geom
    slab0, slab1 = _slab(ctx, image, 0), _slab(ctx, image, 1)
    accepted: list[tuple[str, list[Image], Callable[[], Any], Any]] = [
        ("a - s", [image, slab0], lambda: a - slab0.array, data - slab0.data),
        ("s - a", [image, slab0], lambda: slab0.array - a, slab0.data - data),
        ("a / (s + 1)", [image, slab1], lambda: a / (slab1.array + 1), data / (slab1.data + 1)),
        ("a - a[0]", [image], lambda: a - a[0], data - data[0]),
        ("a[3] * a", [image], lambda: a[3] * a, data[3] * data),
        ("a * (a[0] > 2)", [image], lambda: a * (a[0] > 2), data * (data[0] > 2)),
        ("a[2:3] + a", [image], lambda: a[2:3] + a, data[2:3] + data),
        ("a[:, 4:5] - a", [image], lambda: a[:, 4:5] - a, data[:, 4:5] - data),
    ]
    for what, images, call, want in accepted:
        result = call()
        ctx.expect_values("SA-7.7", images, what, result, want)
        ctx.expect_geometry("SA-7.7", images, what, result, g)
    off = _slab(ctx, image, 0, offset=1.0)
    across = _twin(ctx, image, Geom(g.origin + g.direction[:, 1] * g.spacing[1] * 0.5, g.spacing, g.direction))
    down = _twin(ctx, image, Geom(g.origin + g.direction[:, 0] * g.spacing[0] * 0.5, g.spacing, g.direction))
    refused: list[tuple[str, list[Image], Callable[[], Any], str]] = [
        ("a - s", [image, off], lambda: a - off.array, "the slab is moved one voxel along a non-broadcast axis"),
        ("s * a", [image, off], lambda: off.array * a, "the slab is moved one voxel along a non-broadcast axis"),
        ("a - b[0]", [image, across], lambda: a - across.array[0], "b[0] is half a voxel off a's grid along axis 1"),
        ("a[:, 3] * a", [image], lambda: a[:, 3] * a, "a[:, 3] runs along a's axis 0 but lines up with axis 1"),
        ("a + b[:, 1:2]", [image, down], lambda: a + down.array[:, 1:2], "b[:, 1:2] is half a voxel off a's grid along axis 0"),
    ]
    for what, images, call, why in refused:
        ctx.expect_refused("SA-7.7", images, what, call, why)


@register("SA-7.8", "no-full-operand")
def _no_full_operand(ctx: Context) -> None:
    """Spatial operands of different shapes of which none is full (broadcast along different axes) are refused."""
    image = ctx.make((4, 5), 2)
    a = image.array
    slab0, slab1 = _slab(ctx, image, 0, name="s"), _slab(ctx, image, 1, name="t")
    for what, call in (("s * t", lambda: slab0.array * slab1.array), ("a[:1] + a[:, :1]", lambda: a[:1] + a[:, :1]),
                       ("t - s", lambda: slab1.array - slab0.array)):
        ctx.expect_refused("SA-7.8", [image, slab0, slab1], what, call, "no operand spans the result's grid")


@register("SA-7.9", "every-ufunc")
def _every_ufunc(ctx: Context) -> None:
    """Ufuncs made outside numpy's namespace (np.frompyfunc) follow chapter 7: the grid is kept, operands are compared."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    plus = np.frompyfunc(lambda x, y: x + y, 2, 1)
    other = _twin(ctx, image)
    result = plus(image.array, other.array)
    ctx.expect_values("SA-7.9", [image, other], "np.frompyfunc(lambda x, y: x + y, 2, 1)(a, b)", result,
                      plus(image.data, other.data))
    ctx.expect_geometry("SA-7.9", [image, other], "np.frompyfunc(lambda x, y: x + y, 2, 1)(a, b)", result, g)
    moved = _twin(ctx, image, Geom(g.origin + g.direction[:, 0] * g.spacing[0], g.spacing, g.direction))
    ctx.expect_refused("SA-7.9", [image, moved], "np.frompyfunc(lambda x, y: x + y, 2, 1)(a, b)",
                       lambda: plus(image.array, moved.array), "b is on another grid")


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
    returned = np.add.at(a, (0, 1), 100.0)  # type: ignore[func-returns-value]  # the clause says it returns None
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


def _rotated(direction: np.ndarray, i: int, j: int, angle: float) -> np.ndarray:
    """``direction`` with columns i and j turned by ``angle`` in their plane (still orthonormal)."""
    d = direction.copy()
    c, s = np.cos(angle), np.sin(angle)
    d[:, i], d[:, j] = c * direction[:, i] + s * direction[:, j], c * direction[:, j] - s * direction[:, i]
    return d


def _stored_float32(g: Geom) -> Geom:
    return Geom(*(np.asarray(v, dtype=np.float32).astype(np.float64) for v in g))


@register("SA-10.1", "tolerance")
def _tolerance(ctx: Context) -> None:
    """float32-stored geometries and 0.5 tol voxel per axis are one space; 1e-3 voxel in origin, spacing or far-end direction is not."""
    shape = (9, 10, 11)
    rng = np.random.default_rng(ctx.seed if ctx.seed is not None else 11)
    for spacing in (np.array([0.2, 5.0, 1.0]), np.array([5.0, 0.2, 1.0]), rng.uniform(0.45, 3.0, 3)):
        base = ctx.make(shape, 3, seed=3)
        at_zero = ctx.make_with(shape, Geom(np.zeros(3), spacing, base.geom.direction))
        far_out = ctx.make_with(shape, Geom(rng.uniform(-1000, 1000, 3), spacing, base.geom.direction))
        for image in (at_zero, far_out):
            g = image.geom
            near = [("stored as float32", _stored_float32(g))]
            if image is at_zero:
                near += [(f"origin 0.5e-6 voxel along axis {i}",
                          Geom(g.origin + g.direction[:, i] * g.spacing[i] * 0.5e-6, g.spacing, g.direction)) for i in range(3)]
            for what, geom in near:
                other = _twin(ctx, image, geom)
                try:
                    image.array + other.array
                except ValueError as error:
                    raise ctx.fail("SA-10.1", f"b's {what} is the same space; a + b raised {error}",
                                   [image.setup, other.setup], "a + b") from None
        g = base.geom
        image = ctx.make_with(shape, Geom(g.origin, spacing, g.direction))
        g = image.geom
        far = []
        for i in range(3):
            length = shape[i] - 1
            far.append((f"origin moved 1e-3 voxel along axis {i}", Geom(g.origin + g.direction[:, i] * g.spacing[i] * 1e-3, g.spacing, g.direction)))
            step = g.spacing.copy()
            step[i] *= 1 + 1e-3 / length
            far.append((f"spacing {i} off by 1e-3 voxel at the far end", Geom(g.origin, step, g.direction)))
            far.append((f"direction columns {i}, {(i + 1) % 3} turned 1e-3 voxel at the far end",
                        Geom(g.origin, g.spacing, _rotated(g.direction, i, (i + 1) % 3, 1e-3 / length))))
        for what, geom in far:
            other = _twin(ctx, image, geom)
            ctx.expect_refused("SA-10.1", [image, other], "a + b", lambda: image.array + other.array, f"b's {what}")
