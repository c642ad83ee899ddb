"""Checks of chapters 8, 9 and 13: reductions, functions that change axes, and numpy's functions by family."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np

from ._context import Context, Image
from ._oracle import Geom, binned, diffed, geometry_of, indexed, is_spatial, padded, permuted
from ._registry import NotApplicable, register

__all__: list[str] = []

Case = tuple[str, Callable[[Any], Any], "Geom | None"]


def _run(ctx: Context, clause: str, image: Image, cases: list[Any], trace: bool = False) -> None:
    for what, call, want in cases:
        result = call(image.array)
        ctx.expect_values(clause, image, what, result, call(image.data))
        want = ctx.expect_geometry(clause, image, what, result, want)
        if trace and want is not None:
            ctx.expect_traced(clause, image, what, result)


def _reductions(image: Image, axis: Any, keepdims: bool) -> list[Any]:
    want = binned(image.geom, image.shape, axis, keepdims)
    text = f"axis={axis!r}" + (", keepdims=True" if keepdims else "")
    names = ["sum", "mean", "max", "min", "prod", "std", "any", "all"]
    return [(f"np.{name}(a, {text})", (lambda x, f=getattr(np, name): f(x, axis=axis, keepdims=keepdims)), want)
            for name in names]


@register("SA-8.1", "reduction-bins")
def _reduction(ctx: Context) -> None:
    """Reductions over spatial axes put each result at the centre of what it reduced (length-1 axes, P > N, components)."""
    with np.errstate(all="ignore"):
        for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"p": 3, "seed": 1}), ((1, 5, 2), 3, {"seed": 2}),
                               ((4, 5), 2, {"dtype": "int32", "seed": 3})]):
            for axis in (0, 1, -1 if image.data.ndim == 2 else 1):
                _run(ctx, "SA-8.1", image, _reductions(image, axis, False))


@register("SA-8.2", "reduction-keepdims")
def _keepdims(ctx: Context) -> None:
    """With keepdims the reduced axis keeps length 1 and spacing n * spacing, centred on what it reduced."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 6), 3, {"seed": 1}), ((4, 5, 3), 2, {"p": 3, "seed": 2})]):
        for axis in (0, 1, (0, 1) if len(image.geom.spacing) == 3 else 1):
            _run(ctx, "SA-8.2", image, _reductions(image, axis, True))


@register("SA-8.3", "component-reduction", "components")
def _component_reduction(ctx: Context) -> None:
    """A reduction over component axes only leaves the geometry unchanged."""
    image = ctx.make((4, 5, 3), 2, p=3)
    _run(ctx, "SA-8.3", image, _reductions(image, -1, False) + _reductions(image, 2, True))


@register("SA-8.4", "full-reduction-plain")
def _full_reduction(ctx: Context) -> None:
    """Reducing every spatial axis (axis=None, a tuple, components left over) gives a plain value."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"seed": 1})]):
        _run(ctx, "SA-8.4", image, _reductions(image, None, False) + _reductions(image, (0, 1), False)
             + _reductions(image, (0, 1), True) + _reductions(image, None, True))


@register("SA-8.5", "empty-axis-reduction-plain")
def _empty_reduction(ctx: Context) -> None:
    """A reduction over a spatial axis of length 0 has no centre: the result is plain."""
    image = ctx.make((4, 5), 2)
    cases = [("np.sum(a[:0], axis=0)", lambda x: np.sum(x[:0], axis=0), None),
             ("np.max(a[:, 3:3], axis=1, initial=0)", lambda x: np.max(x[:, 3:3], axis=1, initial=0), None)]
    _run(ctx, "SA-8.5", image, cases)


@register("SA-8.6", "index-reductions")
def _arg_reductions(ctx: Context) -> None:
    """argmax and argmin follow the binning rule; their values are numpy's."""
    image = ctx.make((4, 5), 2)
    cases = [(f"np.{name}(a, axis={axis})", (lambda x, f=getattr(np, name), axis=axis: f(x, axis=axis)),
              binned(image.geom, image.shape, axis, False)) for name in ("argmax", "argmin") for axis in (0, 1)]
    _run(ctx, "SA-8.6", image, cases)


@register("SA-8.7", "reduction-out", "out")
def _reduction_out(ctx: Context) -> None:
    """A reduction's spatial out= must have the result's geometry, else the mismatch error before writing; it is returned."""
    image = ctx.make((4, 5), 2)
    want = binned(image.geom, image.shape, 0, False)
    assert want is not None
    good = ctx.make_with((5,), want, name="t")
    result = np.sum(image.array, axis=0, out=good.array)
    if result is not good.array:
        raise ctx.fail("SA-8.7", "np.sum(a, axis=0, out=t) must return t", [image.setup, good.setup], "np.sum(a, axis=0, out=t)")
    ctx.expect_values("SA-8.7", [image, good], "np.sum(a, axis=0, out=t); t", good.array, image.data.sum(axis=0))
    plain = np.arange(20.0).reshape(4, 5)
    result = np.sum(plain, axis=0, out=good.array)
    if result is not good.array:
        raise ctx.fail("SA-8.7", "np.sum(plain, axis=0, out=t) must return t", [good.setup], "np.sum(np.arange(20.0).reshape(4, 5), axis=0, out=t)")
    ctx.expect_geometry("SA-8.7", good, "np.sum(plain, axis=0, out=t)", result, good.geom)
    for what, geom in [("t on a[0]'s grid, not the binned one", indexed(image.geom, image.shape, 0)),
                       ("t with the binned origin moved a spacing", Geom(want.origin + want.direction[:, 0] * want.spacing[0],
                                                                         want.spacing, want.direction))]:
        assert geom is not None
        bad = ctx.make_with((5,), geom, name="t")
        before = np.array(ctx.values(bad.array))
        ctx.expect_refused("SA-8.7", [image, bad], "np.sum(a, axis=0, out=t)",
                           lambda: np.sum(image.array, axis=0, out=bad.array), what)
        if not np.array_equal(ctx.values(bad.array), before):
            raise ctx.fail("SA-8.7", "a refused reduction must write nothing into out", [image.setup, bad.setup],
                           "np.sum(a, axis=0, out=t)")


@register("SA-9.1", "transpose")
def _transpose(ctx: Context) -> None:
    """transpose, swapaxes, moveaxis and .T permute spacing and direction with the axes; a component axis first gives plain."""
    image = ctx.make((4, 5, 6), 3)
    g = image.geom
    cases: list[Any] = [
        ("np.transpose(a)", np.transpose, permuted(g, (2, 1, 0))),
        ("np.transpose(a, (1, 0, 2))", lambda x: np.transpose(x, (1, 0, 2)), permuted(g, (1, 0, 2))),
        ("np.transpose(a, (0, 2, 1))", lambda x: np.transpose(x, (0, 2, 1)), permuted(g, (0, 2, 1))),
        ("np.swapaxes(a, 0, 2)", lambda x: np.swapaxes(x, 0, 2), permuted(g, (2, 1, 0))),
        ("np.swapaxes(a, -1, 1)", lambda x: np.swapaxes(x, -1, 1), permuted(g, (0, 2, 1))),
        ("np.moveaxis(a, 0, -1)", lambda x: np.moveaxis(x, 0, -1), permuted(g, (1, 2, 0))),
        ("a.T", lambda x: x.T, permuted(g, (2, 1, 0))),
    ]
    _run(ctx, "SA-9.1", image, cases, trace=True)
    if not ctx.claims("components"):
        return
    components = ctx.make((4, 5, 3), 2, seed=1)
    _run(ctx, "SA-9.1", components, [
        ("np.transpose(a, (1, 0, 2))", lambda x: np.transpose(x, (1, 0, 2)), permuted(components.geom, (1, 0, 2))),
        ("np.moveaxis(a, -1, 0)", lambda x: np.moveaxis(x, -1, 0), None),
        ("np.swapaxes(a, 1, 2)", lambda x: np.swapaxes(x, 1, 2), None)], trace=True)


@register("SA-9.2", "squeeze")
def _squeeze(ctx: Context) -> None:
    """squeeze removes length-1 spatial axes as an integer index 0 would, and length-1 components without change."""
    image = ctx.make((4, 1, 5, 1) if ctx.claims("components") else (4, 1, 5), 3, p=3)
    g = image.geom
    cases = [("np.squeeze(a)", np.squeeze, indexed(g, image.shape, (slice(None), 0))),
             ("np.squeeze(a, axis=1)", lambda x: np.squeeze(x, axis=1), indexed(g, image.shape, (slice(None), 0)))]
    if ctx.claims("components"):
        cases.append(("np.squeeze(a, axis=3)", lambda x: np.squeeze(x, axis=3), g))
    cases += [
             ("np.squeeze(a[:1], axis=0)", lambda x: np.squeeze(x[:1], axis=0), indexed(g, image.shape, (0,)))]
    _run(ctx, "SA-9.2", image, cases, trace=True)
    if hasattr(image.array, "squeeze"):
        _run(ctx, "SA-9.2", image, [("a.squeeze()", lambda x: x.squeeze(), indexed(g, image.shape, (slice(None), 0)))])


@register("SA-9.3", "reshape-plain")
def _reshape(ctx: Context) -> None:
    """reshape, ravel and flatten give plain arrays, even when the shape does not change."""
    image = ctx.make((4, 5), 2)
    cases: list[Any] = [("np.reshape(a, -1)", lambda x: np.reshape(x, -1), None), ("np.ravel(a)", np.ravel, None),
                        ("np.reshape(a, (5, 4))", lambda x: np.reshape(x, (5, 4)), None),
                        ("np.reshape(a, (4, 5))", lambda x: np.reshape(x, (4, 5)), None)]
    if hasattr(image.array, "flatten"):
        cases.append(("a.flatten()", lambda x: x.flatten(), None))
    _run(ctx, "SA-9.3", image, cases)


@register("SA-9.4", "take-and-repeat")
def _take_repeat(ctx: Context) -> None:
    """take and repeat along a spatial axis or without an axis are plain; repeat along a component axis keeps the grid."""
    image = ctx.make((4, 5, 2), 2) if ctx.claims("components") else ctx.make((4, 5, 6), 3)
    cases: list[Any] = [("np.take(a, [0, 1], axis=0)", lambda x: np.take(x, [0, 1], axis=0), None),
                        ("np.take(a, [3, 5])", lambda x: np.take(x, [3, 5]), None),
                        ("np.repeat(a, 2, axis=1)", lambda x: np.repeat(x, 2, axis=1), None),
                        ("np.repeat(a, 2)", lambda x: np.repeat(x, 2), None),
                        ("np.repeat(a, 3, axis=2)", lambda x: np.repeat(x, 3, axis=2),
                         image.geom if ctx.claims("components") else None),
                        ("np.take(a, [1, 0], axis=2)", lambda x: np.take(x, [1, 0], axis=2),
                         image.geom if ctx.claims("components") else None)]
    _run(ctx, "SA-9.4", image, cases)


@register("SA-9.5", "copy-astype-view")
def _copies(ctx: Context) -> None:
    """copy, astype, view, and the real and imag of a complex array keep the geometry."""
    image = ctx.make((4, 5), 2, dtype="complex128")
    cases: list[Any] = [("np.copy(a)", np.copy, image.geom), ("np.real(a)", np.real, image.geom),
                        ("np.imag(a)", np.imag, image.geom)]
    for method, call in (("copy", lambda x: x.copy()), ("astype", lambda x: x.astype(np.complex64)),
                         ("view", lambda x: x.view()), ("real", lambda x: x.real), ("imag", lambda x: x.imag)):
        if hasattr(image.array, method):
            cases.append((f"a.{method}" + ("" if method in ("real", "imag") else "()" if method != "astype" else "(np.complex64)"),
                          call, image.geom))
    _run(ctx, "SA-9.5", image, cases)


@register("SA-13.1", "elementwise-family")
def _elementwise(ctx: Context) -> None:
    """where, clip, isclose, round, nan_to_num, *_like, copy, roll keep the common grid; operands on another grid are refused."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    other = ctx.make_with(image.shape, g, name="b")
    b = other.array
    cases: list[Any] = [
        ("np.where(a > 7, a, 0.0)", lambda x: np.where(x > 7, x, 0.0), g),
        ("np.clip(a, 2, 9)", lambda x: np.clip(x, 2, 9), g), ("np.round(a / 3, 1)", lambda x: np.round(x / 3, 1), g),
        ("np.isclose(a, 3.0)", lambda x: np.isclose(x, 3.0), g), ("np.nan_to_num(a)", np.nan_to_num, g),
        ("np.zeros_like(a)", np.zeros_like, g), ("np.full_like(a, 7)", lambda x: np.full_like(x, 7), g),
        ("np.roll(a, 2, axis=1)", lambda x: np.roll(x, 2, axis=1), g), ("np.copy(a, subok=False)",
                                                                        lambda x: np.copy(x, subok=False), None),
    ]
    _run(ctx, "SA-13.1", image, cases)
    ctx.expect_geometry("SA-13.1", [image, other], "np.where(a > b, a, b)", np.where(image.array > b, image.array, b), g)
    shifted = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction), name="b")
    ctx.expect_refused("SA-13.1", [image, shifted], "np.where(a > 7, a, b)",
                       lambda: np.where(image.array > 7, image.array, shifted.array), "b is on another grid")
    ctx.expect_refused("SA-13.1", [image, shifted], "np.clip(a, b, 9)", lambda: np.clip(image.array, shifted.array, 9),
                       "the bound b is on another grid")


@register("SA-13.2", "implementation-family")
def _implementation(ctx: Context) -> None:
    """flip, fliplr, rot90, atleast_3d give the geometry their indexing and transposition steps give."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    rot = permuted(indexed(g, image.shape, (slice(None), slice(None, None, -1))) or g, (1, 0))
    cases: list[Any] = [
        ("np.flip(a, 0)", lambda x: np.flip(x, 0), indexed(g, image.shape, (slice(None, None, -1),))),
        ("np.flip(a)", np.flip, indexed(g, image.shape, (slice(None, None, -1), slice(None, None, -1)))),
        ("np.fliplr(a)", np.fliplr, indexed(g, image.shape, (slice(None), slice(None, None, -1)))),
        ("np.rot90(a)", np.rot90, rot),
        ("np.atleast_3d(a)", np.atleast_3d, g),
    ]
    _run(ctx, "SA-13.2", image, cases, trace=True)


@register("SA-13.3", "cumulative-family")
def _cumulative(ctx: Context) -> None:
    """cumsum and cumprod keep the grid along an axis; flattening several axes gives a plain result."""
    image = ctx.make((4, 5, 2), 2) if ctx.claims("components") else ctx.make((4, 5, 2), 3)
    cases: list[Any] = [("np.cumsum(a, axis=0)", lambda x: np.cumsum(x, axis=0), image.geom),
                        ("np.cumprod(a, axis=2)", lambda x: np.cumprod(x, axis=2), image.geom),
                        ("np.cumsum(a)", np.cumsum, None)]
    if hasattr(np, "cumulative_sum"):
        cases += [("np.cumulative_sum(a, axis=1)", lambda x: np.cumulative_sum(x, axis=1), image.geom),
                  ("np.cumulative_sum(a, axis=1, include_initial=True)",
                   lambda x: np.cumulative_sum(x, axis=1, include_initial=True), None)]
    _run(ctx, "SA-13.3", image, cases)


@register("SA-13.4", "along-axis-family")
def _along_axis(ctx: Context) -> None:
    """sort, partition, delete, insert along a spatial axis are plain; along a component axis the geometry is kept."""
    image = ctx.make((4, 5, 3), 2) if ctx.claims("components") else ctx.make((4, 5, 3), 3)
    cases: list[Any] = [("np.sort(-a, axis=0)", lambda x: np.sort(-x, axis=0), None),
                        ("np.sort(-a, axis=-1)", lambda x: np.sort(-x, axis=-1), image.geom if ctx.claims("components") else None),
                        ("np.delete(a, 1, axis=1)", lambda x: np.delete(x, 1, axis=1), None),
                        ("np.delete(a, 1, axis=2)", lambda x: np.delete(x, 1, axis=2), image.geom if ctx.claims("components") else None),
                        ("np.partition(a, 1, axis=0)", lambda x: np.partition(x, 1, axis=0), None)]
    _run(ctx, "SA-13.4", image, cases)


@register("SA-13.5", "pad-diff-tile")
def _pad_diff(ctx: Context) -> None:
    """pad moves the origin back by the leading width; diff moves it n/2 - m spacings; tile and expand_dims as specified."""
    image = ctx.make((4, 5), 2, p=3)
    g = image.geom
    cases: list[Any] = [
        ("np.pad(a, 2)", lambda x: np.pad(x, 2), padded(g, [2, 2])),
        ("np.pad(a, ((1, 0), (3, 2)), mode='edge')", lambda x: np.pad(x, ((1, 0), (3, 2)), mode="edge"), padded(g, [1, 3])),
        ("np.pad(a, (0, 2), mode='reflect')", lambda x: np.pad(x, (0, 2), mode="reflect"), padded(g, [0, 0])),
        ("np.diff(a, axis=0)", lambda x: np.diff(x, axis=0), diffed(g, 0, 1)),
        ("np.diff(a, n=2, axis=1)", lambda x: np.diff(x, n=2, axis=1), diffed(g, 1, 2)),
        ("np.diff(a, axis=0, prepend=0.0)", lambda x: np.diff(x, axis=0, prepend=0.0), diffed(g, 0, 1, 1)),
        ("np.tile(a, (2, 1))", lambda x: np.tile(x, (2, 1)), g),
        ("np.tile(a, (2, 1, 1))", lambda x: np.tile(x, (2, 1, 1)), None),
        ("np.expand_dims(a, -1)", lambda x: np.expand_dims(x, -1), g),
        ("np.expand_dims(a, 0)", lambda x: np.expand_dims(x, 0), None),
    ]
    _run(ctx, "SA-13.5", image, cases)
    if not ctx.claims("components"):
        return
    components = ctx.make((4, 5, 3), 2, seed=1)
    _run(ctx, "SA-13.5", components, [("np.diff(a, axis=-1)", lambda x: np.diff(x, axis=-1), components.geom),
                                      ("np.pad(a, ((1, 1), (0, 0), (0, 0)))", lambda x: np.pad(x, ((1, 1), (0, 0), (0, 0))),
                                       padded(components.geom, [1, 0]))])


@register("SA-13.6", "concatenate-stack-split")
def _concatenate(ctx: Context) -> None:
    """Pieces continuing one grid concatenate (others are refused); stack after the spatial axes keeps the grid; split pieces are slices."""
    image = ctx.make((4, 5), 2)
    a, g = image.array, image.geom
    for what, pieces, axis in [("np.concatenate([a[:1], a[1:]])", [a[:1], a[1:]], 0),
                               ("np.concatenate([a[:, :2], a[:, 2:]], axis=1)", [a[:, :2], a[:, 2:]], 1),
                               ("np.concatenate([a[::-1][:2], a[::-1][2:]])", [a[::-1][:2], a[::-1][2:]], 0)]:
        result = np.concatenate(pieces, axis=axis)
        ctx.expect_values("SA-13.6", image, what, result, np.concatenate([np.asarray(p) for p in pieces], axis=axis))
        ctx.expect_geometry("SA-13.6", image, what, result, indexed(g, image.shape, (slice(None, None, -1),))
                            if "::-1" in what else g)
    for what, call in [("np.concatenate([a[1:], a[:1]])", lambda: np.concatenate([a[1:], a[:1]])),
                       ("np.concatenate([a[:2], a[3:]])", lambda: np.concatenate([a[:2], a[3:]])),
                       ("np.concatenate([a, a], axis=1)", lambda: np.concatenate([a, a], axis=1))]:
        ctx.expect_refused("SA-13.6", image, what, call, "the pieces do not continue one grid")
    moved = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction), name="b")
    result = np.stack([a, moved.array])
    ctx.expect_geometry("SA-13.6", [image, moved], "np.stack([a, b])", result, None)
    if ctx.claims("components"):
        ctx.expect_refused("SA-13.6", [image, moved], "np.stack([a, b], axis=-1)", lambda: np.stack([a, moved.array], axis=-1),
                           "stacked after the spatial axes, the pieces are operands and b is on another grid")
    cases: list[Any] = [
        ("np.stack([a, a], axis=-1)", lambda x: np.stack([x, x], axis=-1), g),
        ("np.stack([a, a])", lambda x: np.stack([x, x]), None),
        ("np.split(a, 2, axis=0)[1]", lambda x: np.split(x, 2, axis=0)[1], indexed(g, image.shape, (slice(2, 4),))),
        ("np.array_split(a, 3, axis=1)[2]", lambda x: np.array_split(x, 3, axis=1)[2],
         indexed(g, image.shape, (slice(None), slice(4, 5)))),
    ]
    _run(ctx, "SA-13.6", image, cases)


@register("SA-13.7", "stacked-linalg")
def _linalg(ctx: Context) -> None:
    """Stacked linear algebra on component axes keeps the spatial grid; vectors on a spatial axis give plain results."""
    if not ctx.claims("components"):  # matrices on spatial axes: plain
        square = ctx.make((3, 3), 2)
        _run(ctx, "SA-13.7", square, [("np.linalg.det(a + np.eye(3))", lambda x: np.linalg.det(x + np.eye(3)), None)])
        return
    image = ctx.make((4, 5, 2, 2), 2, p=3)  # arange matrices [[k, k+1], [k+2, k+3]]: determinant -2, invertible
    vectors = ctx.make((3, 4, 3), 2, seed=1)
    cases: list[Any] = [("np.linalg.det(a)", np.linalg.det, image.geom), ("np.linalg.inv(a)", np.linalg.inv, image.geom),
                        ("np.linalg.norm(a, axis=-1)", lambda x: np.linalg.norm(x, axis=-1), image.geom)]
    _run(ctx, "SA-13.7", image, cases)
    _run(ctx, "SA-13.7", vectors, [("np.cross(a, a[::-1], axisa=0, axisb=0)",
                                    lambda x: np.cross(x, np.asarray(x)[::-1], axisa=0, axisb=0), None)])


@register("SA-13.8", "plain-family")
def _plain_family(ctx: Context) -> None:
    """FFTs, unique, nonzero, dot, histogram, sliding_window_view give plain results."""
    image = ctx.make((4, 5), 2)
    cases: list[Any] = [("np.fft.fft2(a)", np.fft.fft2, None), ("np.fft.fft(a, axis=0)", lambda x: np.fft.fft(x, axis=0), None),
                        ("np.unique(a)", np.unique, None), ("np.dot(a, np.ones(5))", lambda x: np.dot(x, np.ones(5)), None),
                        ("np.nonzero(a)[0]", lambda x: np.nonzero(x)[0], None),
                        ("np.histogram(a)[0]", lambda x: np.histogram(x)[0], None),
                        ("sliding_window_view(a, 2, axis=0)",
                         lambda x: np.lib.stride_tricks.sliding_window_view(x, 2, axis=0), None)]
    _run(ctx, "SA-13.8", image, cases)


@register("SA-13.9", "save-refused")
def _save(ctx: Context) -> None:
    """np.save, savez, savez_compressed and savetxt refuse a spatial array with a TypeError (they would drop the geometry)."""
    image = ctx.make((4, 5), 2)
    for what, call in [("np.save(io.BytesIO(), a)", lambda: np.save(io.BytesIO(), image.array)),
                       ("np.savez(io.BytesIO(), a=a)", lambda: np.savez(io.BytesIO(), a=image.array)),
                       ("np.savez_compressed(io.BytesIO(), a)", lambda: np.savez_compressed(io.BytesIO(), image.array)),
                       ("np.savetxt(io.StringIO(), a)", lambda: np.savetxt(io.StringIO(), image.array))]:
        ctx.expect_refused("SA-13.9", image, what, call, "saving would drop the geometry", errors=(TypeError,))


@register("SA-13.6", "concatenate-out", "out")
def _concatenate_out(ctx: Context) -> None:
    """concatenate with a spatial out= checks it against the result's geometry and returns it."""
    image = ctx.make((4, 5), 2)
    a, g = image.array, image.geom
    good = ctx.make_with(image.shape, g, name="t")
    result = np.concatenate([a[:2], a[2:]], out=good.array)
    if result is not good.array:
        raise ctx.fail("SA-13.6", "np.concatenate([a[:2], a[2:]], out=t) must return t", [image.setup, good.setup],
                       "np.concatenate([a[:2], a[2:]], out=t)")
    ctx.expect_values("SA-13.6", [image, good], "np.concatenate([a[:2], a[2:]], out=t); t", good.array, image.data)
    bad = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 0] * g.spacing[0], g.spacing, g.direction), name="t")
    before = np.array(ctx.values(bad.array))
    ctx.expect_refused("SA-13.6", [image, bad], "np.concatenate([a[:2], a[2:]], out=t)",
                       lambda: np.concatenate([a[:2], a[2:]], out=bad.array), "t is not on the result's grid")
    if not np.array_equal(ctx.values(bad.array), before):
        raise ctx.fail("SA-13.6", "a refused concatenate must write nothing into out", [image.setup, bad.setup],
                       "np.concatenate([a[:2], a[2:]], out=t)")


_METHODS: list[tuple[str, Any, Any]] = [
    ("round(1)", lambda x: x.round(1), lambda x: np.round(x, 1)), ("cumsum(axis=0)", lambda x: x.cumsum(axis=0),
                                                                     lambda x: np.cumsum(x, axis=0)),
    ("cumsum()", lambda x: x.cumsum(), np.cumsum), ("sum(axis=1)", lambda x: x.sum(axis=1), lambda x: np.sum(x, axis=1)),
    ("mean(axis=0, keepdims=True)", lambda x: x.mean(axis=0, keepdims=True), lambda x: np.mean(x, axis=0, keepdims=True)),
    ("max()", lambda x: x.max(), np.max), ("argmax(axis=0)", lambda x: x.argmax(axis=0), lambda x: np.argmax(x, axis=0)),
    ("transpose()", lambda x: x.transpose(), np.transpose), ("swapaxes(0, 1)", lambda x: x.swapaxes(0, 1),
                                                               lambda x: np.swapaxes(x, 0, 1)),
    ("squeeze()", lambda x: x.squeeze(), np.squeeze), ("repeat(2, axis=0)", lambda x: x.repeat(2, axis=0),
                                                        lambda x: np.repeat(x, 2, axis=0)),
    ("take([0, 1], axis=1)", lambda x: x.take([0, 1], axis=1), lambda x: np.take(x, [0, 1], axis=1)),
    ("argsort(axis=0)", lambda x: x.argsort(axis=0), lambda x: np.argsort(x, axis=0)),
    ("compress([True, False, True], axis=0)", lambda x: x.compress([True, False, True], axis=0),
     lambda x: np.compress([True, False, True], x, axis=0)),
]


@register("SA-13.12", "methods-match-functions")
def _methods_match(ctx: Context) -> None:
    """Every method the array offers follows the rule of the numpy function of the same name (same values, same geometry)."""
    image = ctx.make((4, 5), 2)
    offered = 0
    for text, method, function in _METHODS:
        name = text.split("(")[0]
        if not callable(getattr(image.array, name, None)):
            continue
        offered += 1
        by_method, by_function = method(image.array), function(image.array)
        ctx.expect_values("SA-13.12", image, f"a.{text}", by_method, function(image.data))
        if is_spatial(by_function):
            ctx.expect_geometry("SA-13.12", image, f"a.{text}", by_method, geometry_of(by_function))
        else:
            ctx.expect_plain("SA-13.12", image, f"a.{text}", by_method)
    if not offered:
        raise NotApplicable("the array offers none of numpy's methods")
