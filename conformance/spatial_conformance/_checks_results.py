"""Checks of chapter 11 and SA-9.6: plain results, lazy and device arrays, no half-made arrays, in-place shape changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._context import Context
from ._oracle import indexed, is_spatial
from ._registry import NotApplicable, register

__all__: list[str] = []


def _undefined(a: Any) -> list[tuple[str, Callable[[Any], Any]]]:
    """Operations whose geometry the spec leaves undefined (chapters 5, 6, 9)."""
    return [("a[[0, 2]]", lambda x: x[[0, 2]]), ("a[a > 3]", lambda x: x[np.asarray(x) > 3]),
            ("a[None]", lambda x: x[None]), ("np.reshape(a, -1)", lambda x: np.reshape(x, -1)),
            ("a[1, 2]", lambda x: x[1, 2])]


@register("SA-11.1", "plain-is-plain")
def _plain(ctx: Context) -> None:
    """Where geometry is undefined the result is plain: numpy's own type (the backend's for lazy arrays), no geometry, no version."""
    image = ctx.make((4, 5), 2)
    for expression, call in _undefined(image.array):
        if expression.startswith("np.") and ctx.level != "functions":
            continue
        result = call(image.array)
        ctx.expect_values("SA-11.1", image, expression, result, call(image.data))
        ctx.expect_plain("SA-11.1", image, expression, result)
        if not ctx.lazy and isinstance(result, np.ndarray) and type(np.asarray(result)) is not type(result):
            raise ctx.fail("SA-11.1", f"type(np.asarray(r)) must be type(r) for {expression}", image.setup, expression)


@register("SA-11.3", "lazy-and-device")
def _lazy(ctx: Context) -> None:
    """Lazy/device arrays: np.asarray gives the values each call; plain results are the backend's arrays without geometry or version."""
    if not ctx.lazy:
        raise NotApplicable("the implementation is not declared lazy or device-backed (--lazy)")
    image = ctx.make((4, 5), 2)
    first = ctx.values(image.array)
    ctx.expect_values("SA-11.3", image, "np.asarray(a)", image.array, image.data)
    if not np.array_equal(ctx.values(image.array), first):
        raise ctx.fail("SA-11.3", "np.asarray(a) must give the same values on every call", image.setup, "np.asarray(a)")
    view = image.array[1:]
    if type(view) is not type(image.array):
        raise ctx.fail("SA-11.3", f"basic indexing must stay the implementation's type (lazy), got {type(view).__name__}",
                       image.setup, "a[1:]")
    for expression, call in _undefined(image.array)[:3]:
        result = call(image.array)
        if is_spatial(result) or getattr(type(result), "__spatial_protocol__", None) is not None:
            raise ctx.fail("SA-11.3", f"{expression} must be the backend's plain array, without geometry or "
                           f"__spatial_protocol__; got {type(result).__name__}", image.setup, expression)
        ctx.expect_values("SA-11.3", image, expression, result, call(image.data))


def _same_or_plain(ctx: Context, clause: str, image: Any, expression: str, result: Any, same_shape: bool) -> None:
    """A same-shape copy keeps the geometry or is exactly plain; a reshaped one is plain; no geometry attribute raises."""
    if type(result) is np.ndarray or isinstance(result, np.generic) or (ctx.lazy and not is_spatial(result)
                                                                         and not hasattr(type(result), "origin")):
        return  # plain
    try:
        geometry = (result.origin, result.spacing, result.direction)
    except Exception as error:  # noqa: BLE001 - a half-made array is exactly what this check looks for
        raise ctx.fail(clause, f"{expression} is a {type(result).__name__} whose geometry raises "
                       f"{type(error).__name__}: {error} (a half-made array)", image.setup, expression) from None
    del geometry
    ctx.expect_geometry(clause, image, expression, result, image.geom if same_shape else None)


@register("SA-11.4", "no-half-made-arrays")
def _half_made(ctx: Context) -> None:
    """Same-shape copies, casts and views keep the geometry however made; nothing returns an array whose geometry raises."""
    image = ctx.make((4, 5), 2)
    a = image.array
    calls: list[tuple[str, Callable[[], Any], bool]] = [
        ("np.array(a, subok=True)", lambda: np.array(a, subok=True), True),
        ("np.asanyarray(a, dtype=np.float32)", lambda: np.asanyarray(a, dtype=np.float32), True),
        ("np.require(a, requirements='F')", lambda: np.require(a, requirements="F"), True),
    ]
    for method, call, same in (("byteswap", lambda: a.byteswap(), True), ("flat", lambda: a.flat[1:3], False)):
        if hasattr(a, method):
            calls.append((f"a.{method}()" if method != "flat" else "a.flat[1:3]", call, same))
    for expression, call, same in calls:
        result = call()
        _same_or_plain(ctx, "SA-11.4", image, expression, result, same)


@register("SA-9.6", "shape-and-dtype-setters")
def _setters(ctx: Context) -> None:
    """Setting shape or dtype in place so that the spatial shape changes is refused; the geometry stays valid."""
    image = ctx.make((4, 6), 2)
    a = image.array
    for expression, name, value in (("a.shape = (6, 4)", "shape", (6, 4)), ("a.shape = (24,)", "shape", (24,)),
                                    ("a.dtype = np.float32", "dtype", np.float32)):
        try:
            setattr(a, name, value)
        except (ValueError, AttributeError, TypeError):
            pass
        else:
            raise ctx.fail("SA-9.6", f"{expression} changes the spatial shape and must be refused; it was accepted",
                           image.setup, expression)
        if tuple(np.shape(a)[:2]) != (4, 6):
            raise ctx.fail("SA-9.6", f"a refused {expression} must leave the shape (4, 6); got {np.shape(a)}",
                           image.setup, expression)
    ctx.expect_geometry("SA-9.6", image, "a", a, indexed(image.geom, image.shape, ()))
