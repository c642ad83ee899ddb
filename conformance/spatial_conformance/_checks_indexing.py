"""Checks of chapters 4 to 6: spatial and component axes, basic and advanced indexing, assignment.

Every indexing result is compared with the geometry the spec gives (`_oracle.indexed`),
so an empty slice, which has no element to trace, is checked as strictly as any other.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from ._checks_attributes import DTYPES
from ._context import Context, Image
from ._oracle import Geom, indexed
from ._registry import register

__all__ = ["key_text"]


def key_text(key: Any) -> str:
    """``a[...]`` as a person would type it."""
    parts = []
    for k in key if isinstance(key, tuple) else (key,):
        if k is None:
            parts.append("None")
        elif k is Ellipsis:
            parts.append("...")
        elif isinstance(k, slice):
            text = ":".join("" if v is None else str(v) for v in (k.start, k.stop, k.step))
            parts.append(text[:-1] if text.endswith(":") and k.step is None else text)
        elif isinstance(k, np.ndarray):
            parts.append(f"np.array({k.tolist()!r})")
        else:
            parts.append(repr(k))
    return f"a[{', '.join(parts)}]" if parts else "a[()]"


def check_index(ctx: Context, clause: str, image: Image, key: Any, trace: bool = True) -> None:
    """``a[key]``: numpy's values, the oracle's geometry (or plain), and traced positions for unique data."""
    expression = key_text(key)
    result = image.array[key]
    ctx.expect_values(clause, image, expression, result, image.data[key])
    want = ctx.expect_geometry(clause, image, expression, result, indexed(image.geom, image.shape, key))
    if want is not None and trace and image.data.dtype.kind in "fiu" and image.data.size < 2**24:
        ctx.expect_traced(clause, image, expression, result)


#: Slices with the edges implementers get wrong: empty, reversed, out-of-range starts with negative steps.
EDGE_SLICES: list[Any] = [
    (slice(1, None),), (slice(None, None, 2),), (slice(None, None, -1),), (slice(3, 1),), (slice(5, 5),),
    (slice(-100, 100),), (slice(100, None, -1),), (slice(100, 2, -2),), (slice(-100, None, -1),),
    (slice(None, -100, -1),), (slice(10, None, -3),), (slice(1, 5, 2), slice(None, None, -1)),
    (slice(None), slice(4, 0, -3)), (slice(None), slice(100, -100, -4)), (slice(-2, None), slice(None, 1)),
    (slice(None, None, -1), slice(6, 0, -1)), (slice(2, 2, -1), slice(None)),
]


@register("SA-5.2", "slices")
def _slices(ctx: Context) -> None:
    """Slices (empty, negative steps from out-of-range starts, length-1 axes, P > N, every dtype) give the spec's geometry."""
    images = ctx.some([((6, 7), 2, {}), ((6, 7), 2, {"p": 3, "seed": 2}), ((1, 7), 2, {"seed": 3}),
                       ((6, 7, 2), 2, {"seed": 4})])
    images += [ctx.make((6, 7), 2, dtype=dtype, seed=10 + i) for i, dtype in enumerate(DTYPES[1:])]
    for image in images:
        for key in EDGE_SLICES:
            check_index(ctx, "SA-5.2", image, key)


_INTEGER_KEYS: list[Any] = [(2,), (-1,), (0,), (slice(None), 1), (slice(None), slice(None), -2), (1, slice(None, None, -1)),
                            (-4, slice(2, None), 0), (Ellipsis, 3), (slice(1, 3), -5)]


@register("SA-5.3", "integer-index")
def _integer_index(ctx: Context) -> None:
    """An integer index (negative too) moves the origin to that element and removes the axis' spacing and column."""
    for image in ctx.some([((4, 5, 6), 3, {}), ((4, 5, 6), 3, {"dtype": "int32", "seed": 3}),
                           ((4, 5, 6, 2), 3, {"seed": 5})]):
        for key in _INTEGER_KEYS:
            if key != (Ellipsis, 3) or image.data.ndim == 3:
                check_index(ctx, "SA-5.3", image, key)


@register("SA-4.2", "embedding-kept")
def _embedding(ctx: Context) -> None:
    """Removing spatial axes keeps P: a slice of a volume has a P-vector origin and a (P, N-1) direction, also for P > N inputs."""
    for image in (ctx.make((4, 5, 6), 3, seed=6), ctx.make((4, 5), 2, p=3, seed=7), ctx.make((4, 5), 2, p=4, seed=8)):
        p = len(image.geom.origin)
        for key in [(1,), (slice(None), -1), (Ellipsis, 0)]:
            result = image.array[key]
            sizes = (np.size(result.origin), np.size(result.direction)) if hasattr(result, "origin") else None
            n_left = len(image.geom.spacing) - 1
            if sizes != (p, p * n_left):
                raise ctx.fail("SA-4.2", f"{key_text(key)} must keep P={p}: origin of {p} entries, direction {p} x "
                               f"{n_left}; got {sizes}", image.setup, key_text(key))
            check_index(ctx, "SA-4.2", image, key)


@register("SA-4.3", "no-spatial-axis-left")
def _no_spatial_axis(ctx: Context) -> None:
    """Indexing every spatial axis with an integer gives a plain value (or a plain array of the components)."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"seed": 1}), ((4, 5), 2, {"dtype": "bool", "seed": 2})]):
        for key in [(1, 2), (-1, -1), (0, 4, Ellipsis)]:
            check_index(ctx, "SA-4.3", image, key)


@register("SA-4.1", "component-axes", "components")
def _components(ctx: Context) -> None:
    """Trailing component axes carry no geometry: N is the spacing's length, and any index on them keeps the geometry."""
    for image in (ctx.make((4, 5, 3), 2), ctx.make((4, 5, 3, 2), 2, p=3, seed=2), ctx.make((4, 5, 1), 2, seed=3)):
        n = len(image.geom.spacing)
        if np.size(image.array.spacing) != n:
            raise ctx.fail("SA-4.1", f"{n} spatial axes for data {image.shape} with {n} spacings; got "
                           f"{np.size(image.array.spacing)}", image.setup, "a.spacing")
        extra = image.data.ndim - n
        for key in [(Ellipsis, 0), (Ellipsis, -1), (Ellipsis, slice(None, None, -1)), (slice(1, None), slice(None), 0),
                    (slice(None), slice(None), slice(1, None))]:
            if extra == 1 or key[0] is Ellipsis or len(key) <= image.data.ndim:
                check_index(ctx, "SA-4.1", image, key)


@register("SA-5.4", "ellipsis-and-full-slices")
def _ellipsis(ctx: Context) -> None:
    """`...`, `:` and indices on component axes leave the geometry unchanged."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"p": 3, "seed": 1})]):
        for key in [(Ellipsis,), (slice(None),), (slice(None), Ellipsis), (Ellipsis, slice(None)), (),
                    (slice(None), slice(None))]:
            check_index(ctx, "SA-5.4", image, key)
    for image in ctx.some([((4, 5, 3), 2, {"seed": 2})]):
        for key in [(Ellipsis, 2), (slice(None), slice(None), slice(0, 2))]:
            check_index(ctx, "SA-5.4", image, key)


@register("SA-5.5", "newaxis")
def _newaxis(ctx: Context) -> None:
    """A newaxis before or between spatial axes gives a plain result; after them a component axis (or plain without `components`)."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"seed": 1}), ((4, 5), 2, {"p": 3, "seed": 2})]):
        for key in [(Ellipsis, None), (slice(None), slice(None), None), (slice(None), None, 0), (None,),
                    (slice(None), None), (None, Ellipsis), (0, None, slice(None)), (slice(None, None, -1), None, slice(1, 3))]:
            check_index(ctx, "SA-5.5", image, key)


@register("SA-5.1", "basic-index-property")
def _index_property(ctx: Context) -> None:
    """Random chains of basic indices (slices, integers, `...`, newaxis) keep every element's value and position."""
    image = ctx.make((6, 5, 4, 2) if ctx.claims("components") else (6, 5, 4), 3, p=4, seed=1)
    bound = st.one_of(st.none(), st.integers(-9, 9))
    step = st.one_of(st.none(), st.integers(-3, 3).filter(bool))
    item = st.one_of(st.builds(slice, bound, bound, step), st.builds(slice, bound, bound, step), st.integers(-1, 1),
                     st.just(Ellipsis), st.none())
    key = st.lists(item, max_size=4).filter(lambda k: k.count(Ellipsis) <= 1).map(tuple)

    def body(keys: tuple[Any, Any]) -> None:
        first, second = keys
        expression = f"{key_text(first)}{key_text(second)[1:]}"
        try:
            values = image.data[first][second]
        except IndexError:
            return
        middle = indexed(image.geom, image.shape, first)
        if middle is None or (not ctx.claims("components") and image.data[first].ndim > len(middle.spacing)):
            return  # the first step is plain already: the second indexes the backend's plain array
        result = image.array[first][second]
        ctx.expect_values("SA-5.1", image, expression, result, values)
        want = ctx.expect_geometry("SA-5.1", image, expression, result, indexed(middle, image.data[first].shape, second))
        if want is not None:
            ctx.expect_traced("SA-5.1", image, expression, result)

    ctx.property(st.tuples(key, key), body)


@register("SA-5.6", "views-share-memory")
def _views(ctx: Context) -> None:
    """Basic indexing returns views (memory shared, as numpy's); advanced indexing copies."""
    if ctx.lazy:
        return  # SA-11.3: for a lazy or device array the sharing rules apply to the underlying array
    image = ctx.make((6, 7), 2)
    base = np.asarray(image.array)
    keys: list[Any] = [(slice(1, None),), (slice(None, None, -2),), (2,), (Ellipsis, None), ([0, 2],), (image.data > 9,)]
    for key in keys:
        want = np.shares_memory(base[key], base)
        got = np.shares_memory(np.asarray(image.array[key]), base)
        if got != want:
            raise ctx.fail("SA-5.6", f"{key_text(key)} must {'share' if want else 'not share'} memory with a, as numpy's "
                           f"result does", image.setup, f"np.shares_memory(np.asarray({key_text(key)}), np.asarray(a))")


@register("SA-5.7", "assignment-checked", "out")
def _assignment(ctx: Context) -> None:
    """`a[key] = b` checks a spatial b against a[key]'s geometry before writing; plain values assign as in numpy."""
    image = ctx.make((6, 7), 2)
    g = image.geom
    a = image.array
    region = indexed(g, image.shape, (slice(1, 4),))
    assert region is not None
    good = ctx.make_with((3, 7), region, name="b")
    a[1:4] = good.array
    ctx.expect_values("SA-5.7", [image, good], "a[1:4] = b; a", a, np.concatenate([image.data[:1], good.data, image.data[4:]]))
    shifted = Geom(region.origin + region.direction[:, 0] * region.spacing[0], region.spacing, region.direction)
    cases = [("a[1:4]", (slice(1, 4),), ctx.make_with((3, 7), shifted, name="b")),
             ("a[0]", (0,), ctx.make_with((7,), Geom(g.origin + g.direction[:, 0] * g.spacing[0], g.spacing[1:],
                                                     g.direction[:, 1:]), name="b")),
             ("a[:, ::-1]", (slice(None), slice(None, None, -1)), ctx.make_with((6, 7), g, name="b"))]
    for text, key, other in cases:
        before = np.array(ctx.values(a))

        def assign(key: Any = key, other: Image = other) -> None:
            a[key] = other.array

        ctx.expect_refused("SA-5.7", [image, other], f"{text} = b", assign, f"b is not on {text}'s grid")
        if not np.array_equal(ctx.values(a), before):
            raise ctx.fail("SA-5.7", f"a refused {text} = b must write nothing", [image.setup, other.setup], f"{text} = b")
    a[2] = np.arange(7.0)
    a[:, 0] = 5.0
    want = np.array(before)
    want[2], want[:, 0] = np.arange(7.0), 5.0
    ctx.expect_values("SA-5.7", image, "a[2] = np.arange(7.0); a[:, 0] = 5.0; a", a, want)


@register("SA-6.1", "advanced-index-plain")
def _advanced(ctx: Context) -> None:
    """Integer-array, list and boolean indices (boolean scalars too) give plain arrays with numpy's values."""
    for image in ctx.some([((4, 5), 2, {}), ((4, 5, 3), 2, {"seed": 1}), ((4, 5), 2, {"dtype": "complex128", "seed": 2})]):
        keys: list[Any] = [([0, 2],), (np.array([3, 1]),), (image.data.real > 7,), (slice(None), [1, 1, 3]), (True,),
                           (np.array([[0], [1]]), np.array([1, 2])), (Ellipsis, np.array([0, -1]), slice(None))
                           if image.data.ndim == 3 else (slice(None), np.array([0, -1]))]
        for key in keys:
            check_index(ctx, "SA-6.1", image, key)


@register("SA-6.2", "component-selection", "components")
def _component_selection(ctx: Context) -> None:
    """Integer-array or boolean entries on component axes only (spatial axes sliced) select components: the slices' geometry."""
    image = ctx.make((4, 5, 3), 2, p=3)
    selections: list[Any] = [(Ellipsis, [0, 2]), (slice(None), slice(1, None), np.array([2, 0])),
                             (Ellipsis, np.array([True, False, True])), (slice(None, None, -1), slice(None), [1])]
    for key in selections:
        expression = key_text(key)
        result = image.array[key]
        ctx.expect_values("SA-6.2", image, expression, result, image.data[key])
        spatial_part = tuple(k for k in key if isinstance(k, slice) or k is Ellipsis)
        ctx.expect_geometry("SA-6.2", image, expression, result, indexed(image.geom, image.shape, spatial_part))
    others: list[Any] = [(0, slice(None), [0, 2]), ([0, 1], slice(None), [0, 2]), (Ellipsis, None, [0, 2])]
    for key in others:
        check_index(ctx, "SA-6.2", image, key)


@register("SA-7.10", "spatial-mask-index")
def _spatial_mask(ctx: Context) -> None:
    """A spatial boolean index is an operand: on another grid it is refused before anything is selected or written."""
    image = ctx.make((4, 5), 2)
    g = image.geom
    same = ctx.make_with(image.shape, g, dtype="bool", name="m")
    result = image.array[same.array]
    ctx.expect_values("SA-7.10", [image, same], "a[m]", result, image.data[same.data])
    ctx.expect_plain("SA-7.10", [image, same], "a[m]", result)
    moved = ctx.make_with(image.shape, Geom(g.origin + g.direction[:, 1] * g.spacing[1], g.spacing, g.direction),
                          dtype="bool", name="m")
    ctx.expect_refused("SA-7.10", [image, moved], "a[m]", lambda: image.array[moved.array], "the mask is on another grid")
    if ctx.claims("out"):
        before = np.array(ctx.values(image.array))

        def assign() -> None:
            image.array[moved.array] = -1.0

        ctx.expect_refused("SA-7.10", [image, moved], "a[m] = -1.0", assign, "the mask is on another grid")
        if not np.array_equal(ctx.values(image.array), before):
            raise ctx.fail("SA-7.10", "a refused a[m] = -1.0 must write nothing", [image.setup, moved.setup], "a[m] = -1.0")
