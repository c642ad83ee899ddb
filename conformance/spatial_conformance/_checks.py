"""The checks, one or more per SPEC.md clause, each registered with its clause id, level and feature.

Data is ``arange`` (unique values), so every element of a result names the
element it came from; positions are computed by `_oracle`, never by the array
under test. Fixed edge cases run first, then derandomized hypothesis properties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._oracle import geometry_of, is_spatial, orthonormal, position, positions_kept, source_index
from ._registry import ConformanceFailure, register

__all__ = ["Context"]

Factory = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], Any]


@dataclass
class Context:
    """What a check needs: the factory, the claimed features, and the property-test settings."""

    factory: Factory
    features: frozenset[str] = field(default_factory=frozenset)
    max_examples: int = 50
    derandomize: bool = True

    def make(self, shape: tuple[int, ...], n: int, *, p: int | None = None, seed: int = 0) -> tuple[Any, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """A spatial array of unique values with an oblique geometry; returns (array, data, (origin, spacing, direction))."""
        rng = np.random.default_rng(seed)
        p = n if p is None else p
        data = np.arange(float(math.prod(shape))).reshape(shape)
        origin = rng.uniform(-50, 50, size=p)
        spacing = rng.uniform(0.3, 3.0, size=n)
        direction = orthonormal(rng, p, n)
        return self.factory(data.copy(), origin, spacing, direction), data, (origin, spacing, direction)


def fail(clause: str, expected: str, seen: str) -> ConformanceFailure:
    return ConformanceFailure(f"{clause}: expected {expected}; saw {seen}")


def _scale(geometry: tuple[np.ndarray, np.ndarray, np.ndarray], shape: tuple[int, ...]) -> float:
    origin, spacing, _ = geometry
    return 1.0 + float(np.abs(origin).max()) + float(spacing.max()) * max(shape)


def _values_equal(clause: str, what: str, result: Any, expected: Any) -> None:
    got, want = np.asarray(result), np.asarray(expected)
    if got.shape != want.shape or got.dtype != want.dtype or not np.array_equal(got, want, equal_nan=True):
        raise fail(clause, f"{what} to give numpy's values {want.dtype}{want.shape}", f"{got.dtype}{got.shape}")


def _traced(clause: str, what: str, original: Any, data: np.ndarray, geometry: Any, result: Any) -> None:
    if not is_spatial(result):
        raise fail(clause, f"{what} to be a spatial array", f"{type(result).__name__} without geometry")
    problem = positions_kept(original, data.shape, result, _scale(geometry, data.shape))
    if problem:
        raise fail(clause, f"{what} to keep every element's physical position", problem)


def _refused(call: Callable[[], Any]) -> bool:
    """True when ``call()`` raises ValueError (how the spec refuses operands from different spaces)."""
    try:
        call()
    except ValueError:
        return True
    return False


def _plain(clause: str, what: str, result: Any) -> None:
    if is_spatial(result):
        raise fail(clause, f"{what} to be a plain array (geometry undefined)", f"{type(result).__name__} with geometry")


def _property(ctx: Context, strategy: st.SearchStrategy[Any], body: Callable[[Any], None]) -> None:
    """Run ``body`` over ``strategy``; a failure carries hypothesis' shrunk example as the reproducer."""

    @settings(
        max_examples=ctx.max_examples, derandomize=ctx.derandomize, database=None, deadline=None,
        suppress_health_check=list(HealthCheck), print_blob=False,
    )
    @given(strategy)
    def run(example: Any) -> None:
        body(example)

    try:
        run()
    except ConformanceFailure as error:
        notes = "\n".join(getattr(error, "__notes__", []))
        raise ConformanceFailure(f"{error.args[0]}\nminimal reproducer: {notes}".rstrip()) from None


# -- attributes --------------------------------------------------------------------------------------------


@register("SA-1.1", "float64-attributes", "attributes")
def _attributes(ctx: Context) -> None:
    """origin, spacing and direction exist, are float64, and hold what the factory was given."""
    array, _, (origin, spacing, direction) = ctx.make((4, 5), 2)
    for name, given_value in (("origin", origin), ("spacing", spacing), ("direction", direction)):
        if not hasattr(array, name):
            raise fail("SA-1.1", f"an attribute {name!r}", "none")
        value = np.asarray(getattr(array, name))
        if value.dtype != np.float64:
            raise fail("SA-1.1", f"{name} as float64", str(value.dtype))
        if value.shape == given_value.shape and not np.allclose(value, given_value, rtol=1e-12, atol=1e-12):
            raise fail("SA-1.1", f"{name} == {given_value.tolist()}", str(value.tolist()))


@register("SA-1.2", "spacing-shape", "attributes")
def _spacing_shape(ctx: Context) -> None:
    """spacing has shape (N,)."""
    array, _, _ = ctx.make((4, 5, 6), 3)
    if np.shape(array.spacing) != (3,):
        raise fail("SA-1.2", "spacing of shape (3,)", str(np.shape(array.spacing)))


@register("SA-1.3", "origin-shape", "attributes")
def _origin_shape(ctx: Context) -> None:
    """origin has shape (P,)."""
    array, _, _ = ctx.make((4, 5, 6), 3)
    if np.shape(array.origin) != (3,):
        raise fail("SA-1.3", "origin of shape (3,)", str(np.shape(array.origin)))


@register("SA-1.4", "direction-shape", "attributes")
def _direction_shape(ctx: Context) -> None:
    """direction has shape (P, N)."""
    array, _, _ = ctx.make((4, 5, 6), 3)
    if np.shape(array.direction) != (3, 3):
        raise fail("SA-1.4", "direction of shape (3, 3)", str(np.shape(array.direction)))


_BAD = [
    ("origin", lambda o, s, d: (np.array([np.nan, 0.0]), s, d)),
    ("origin", lambda o, s, d: (np.array([np.inf, 0.0]), s, d)),
    ("spacing", lambda o, s, d: (o, np.array([0.0, 1.0]), d)),
    ("spacing", lambda o, s, d: (o, np.array([1.0, -1.0]), d)),
    ("spacing", lambda o, s, d: (o, np.array([1.0, 1.0, 1.0]), d)),
    ("direction", lambda o, s, d: (o, s, np.array([[1.0, 0.5], [0.0, 1.0]]))),
    ("direction", lambda o, s, d: (o, s, np.array([[2.0, 0.0], [0.0, 1.0]]))),
    ("direction", lambda o, s, d: (o, s, np.array([[np.nan, 0.0], [0.0, 1.0]]))),
]


@register("SA-1.8", "rejects-bad-geometry", "attributes")
def _rejects_bad(ctx: Context) -> None:
    """NaN, inf, zero/negative spacing, wrong lengths and non-orthonormal directions are refused naming the field."""
    data = np.zeros((3, 4))
    good = (np.zeros(2), np.ones(2), np.eye(2))
    for field_name, corrupt in _BAD:
        origin, spacing, direction = corrupt(*good)
        try:
            ctx.factory(data, origin, spacing, direction)
        except (ValueError, TypeError) as error:
            if field_name not in str(error):
                raise fail("SA-1.8", f"the error to name {field_name!r}", repr(str(error))) from None
        else:
            bad = {"origin": origin, "spacing": spacing, "direction": direction}[field_name]
            raise fail("SA-1.8", f"an error for {field_name}={bad.tolist()}", "the array was made")


@register("SA-1.9", "read-only-attributes", "attributes")
def _read_only(ctx: Context) -> None:
    """Writing into the arrays the attributes return fails or leaves the geometry unchanged."""
    array, _, _ = ctx.make((4, 5), 2)
    for name in ("origin", "spacing", "direction"):
        before = np.array(getattr(array, name), dtype=np.float64)
        value = getattr(array, name)
        try:
            value[(0,) * np.ndim(value)] = 12345.0
        except (ValueError, TypeError, AttributeError):
            continue
        if not np.array_equal(np.asarray(getattr(array, name), dtype=np.float64), before):
            raise fail("SA-1.9", f"{name} unchanged after writing into the returned array", "it changed")


@register("SA-11.2", "asarray-values", "attributes")
def _asarray(ctx: Context) -> None:
    """np.asarray gives the values the factory was given, without copying them on each call."""
    array, data, _ = ctx.make((4, 5), 2)
    _values_equal("SA-11.2", "np.asarray(array)", np.asarray(array), data)
    if not np.shares_memory(np.asarray(array), np.asarray(array)):
        raise fail("SA-11.2", "np.asarray(array) twice to share memory (no copy per call)", "two copies")


@register("SA-2.4", "index-physical-mapping", "attributes", feature="mapping")
def _mapping(ctx: Context) -> None:
    """index_to_physical follows SA-2.1 for continuous indices; physical_to_index inverts it."""
    array, _, geometry = ctx.make((4, 5, 6), 3)
    indices = np.array([[0.0, 0.0, 0.0], [1.5, -0.5, 2.25], [3.0, 4.0, 5.0]])
    points = np.asarray(array.index_to_physical(indices))
    for k, point in zip(indices, points):
        want = position(*geometry, k)
        if not np.allclose(point, want, atol=1e-9):
            raise fail("SA-2.4", f"index {k.tolist()} at {want.tolist()}", str(point.tolist()))
    back = np.asarray(array.physical_to_index(points))
    if not np.allclose(back, indices, atol=1e-9):
        raise fail("SA-2.4", f"physical_to_index to give back {indices.tolist()}", str(back.tolist()))


# -- indexing ----------------------------------------------------------------------------------------------

_EDGE_SLICES = [
    (slice(1, None),), (slice(None, None, 2),), (slice(None, None, -1),), (slice(3, 1),),
    (slice(-100, 100),), (slice(1, 5, 2), slice(None, None, -1)), (slice(None), slice(4, 0, -3)),
]


@register("SA-5.2", "slices", "indexing")
def _slices(ctx: Context) -> None:
    """Slices (from 1, step 2, step -1, empty, out of range) keep values and positions, on an oblique geometry."""
    array, data, geometry = ctx.make((6, 7), 2)
    for key in _EDGE_SLICES:
        result = array[key]
        _values_equal("SA-5.2", f"a[{key}]", result, data[key])
        _traced("SA-5.2", f"a[{key}]", array, data, geometry, result)


@register("SA-5.1", "basic-index-property", "indexing")
def _index_property(ctx: Context) -> None:
    """Random chains of slices with any step keep every retained element's value and position."""
    array, data, geometry = ctx.make((6, 5, 4), 3, seed=1)
    bound = st.one_of(st.none(), st.integers(-8, 8))
    step = st.one_of(st.none(), st.integers(-3, 3).filter(bool))
    key = st.tuples(*[st.builds(slice, bound, bound, step)] * 3)

    def body(keys: tuple[tuple[slice, ...], tuple[slice, ...]]) -> None:
        first, second = keys
        result = array[first][second]
        _values_equal("SA-5.1", f"a[{first}][{second}]", result, data[first][second])
        _traced("SA-5.1", f"a[{first}][{second}]", array, data, geometry, result)

    _property(ctx, st.tuples(key, key), body)


@register("SA-5.3", "integer-index", "indexing", feature="embedding")
def _integer_index(ctx: Context) -> None:
    """An integer index removes the axis, keeps P (origin (P,), direction (P, N-1)) and every position."""
    array, data, geometry = ctx.make((4, 5, 6), 3)
    for key in [(2,), (-1,), (slice(None), 1), (slice(None), slice(None), -2), (1, slice(None, None, -1))]:
        result = array[key]
        _values_equal("SA-5.3", f"a[{key}]", result, data[key])
        _traced("SA-5.3", f"a[{key}]", array, data, geometry, result)
        sizes = (np.size(result.origin), np.size(result.spacing), np.size(result.direction))
        if sizes != (3, 2, 6):
            raise fail("SA-5.3", f"a[{key}] with 3 origin, 2 spacing and 3 x 2 direction entries (P kept)",
                       f"{sizes[0]}, {sizes[1]}, {sizes[2]}")


@register("SA-5.4", "ellipsis-and-full-slices", "indexing")
def _ellipsis(ctx: Context) -> None:
    """`...` and `:` leave the geometry unchanged."""
    array, data, geometry = ctx.make((4, 5), 2)
    keys: list[Any] = [(Ellipsis,), (slice(None),), (slice(None), Ellipsis), (Ellipsis, slice(None))]
    for key in keys:
        result = array[key]
        _values_equal("SA-5.4", f"a[{key}]", result, data[key])
        _traced("SA-5.4", f"a[{key}]", array, data, geometry, result)


@register("SA-5.5", "newaxis", "indexing", feature="newaxis")
def _newaxis(ctx: Context) -> None:
    """A newaxis after the spatial axes adds a component axis; in front of one the result is plain."""
    array, data, geometry = ctx.make((4, 5), 2)
    result = array[..., None]
    _values_equal("SA-5.5", "a[..., None]", result, data[..., None])
    _traced("SA-5.5", "a[..., None]", array, data, geometry, result)
    leading: list[Any] = [(None,), (slice(None), None)]
    for key in leading:
        _values_equal("SA-5.5", f"a[{key}]", array[key], data[key])
        _plain("SA-5.5", f"a[{key}]", array[key])


@register("SA-6.1", "advanced-index-plain", "indexing")
def _advanced(ctx: Context) -> None:
    """Integer-array and boolean indexing give plain arrays with numpy's values."""
    array, data, _ = ctx.make((4, 5), 2)
    keys: list[Any] = [([0, 2],), (data > 7,), (slice(None), [1, 1, 3])]
    for key in keys:
        result = array[key]
        _values_equal("SA-6.1", "advanced indexing", result, data[key])
        _plain("SA-6.1", "advanced indexing", result)


@register("SA-4.3", "no-spatial-axis-left", "indexing")
def _no_spatial_axis(ctx: Context) -> None:
    """Indexing every spatial axis with an integer gives a plain value."""
    array, data, _ = ctx.make((4, 5), 2)
    result = array[1, 2]
    _values_equal("SA-4.3", "a[1, 2]", result, data[1, 2])
    _plain("SA-4.3", "a[1, 2]", result)


@register("SA-4.1", "component-axes", "indexing", feature="components")
def _components(ctx: Context) -> None:
    """Trailing component axes carry no geometry: indexing them leaves it unchanged."""
    array, data, geometry = ctx.make((4, 5, 3), 2)
    if np.size(array.spacing) != 2:
        raise fail("SA-4.1", "two spatial axes for data (4, 5, 3) with two spacings", str(np.size(array.spacing)))
    keys: list[Any] = [(Ellipsis, 1), (Ellipsis, slice(None, None, -1)), (slice(1, None), slice(None), 0)]
    for key in keys:
        result = array[key]
        _values_equal("SA-4.1", f"a[{key}]", result, data[key])
        _traced("SA-4.1", f"a[{key}]", array, data, geometry, result)


# -- ufuncs --------------------------------------------------------------------------------------------------


def _same_grid(clause: str, what: str, original: Any, geometry: tuple[np.ndarray, np.ndarray, np.ndarray], result: Any) -> None:
    if not is_spatial(result):
        raise fail(clause, f"{what} to be a spatial array", f"{type(result).__name__} without geometry")
    ro, rs, rd = geometry_of(result)
    for k in [(0, 0), (3, 4), (1, 2)]:
        got, want = position(ro, rs, rd, k), position(*geometry, k)
        if got.shape != want.shape or not np.allclose(got, want, atol=1e-9):
            raise fail(clause, f"{what}: element {k} at {want.tolist()}", str(got.tolist()))


def _ufunc_calls(a: Any, b: Any) -> list[tuple[str, Callable[[Any, Any], Any]]]:
    return [("a + b", lambda x, y: x + y), ("np.sin(a)", lambda x, y: np.sin(x)), ("a * 2", lambda x, y: x * 2),
            ("a > 7", lambda x, y: x > 7), ("np.maximum(a, b)", lambda x, y: np.maximum(x, y))]


@register("SA-7.1", "ufunc-values", "ufuncs")
def _ufunc_values(ctx: Context) -> None:
    """Ufunc results have numpy's values, dtype and shape."""
    a, data, (o, s, d) = ctx.make((4, 5), 2)
    b = ctx.factory(data[::-1].copy(), o, s, d)
    for what, call in _ufunc_calls(a, b):
        _values_equal("SA-7.1", what, call(a, b), call(data, data[::-1]))


@register("SA-7.3", "ufunc-keeps-geometry", "ufuncs")
def _ufunc_geometry(ctx: Context) -> None:
    """Ufunc results (comparisons too) carry the operands' common geometry."""
    a, data, geometry = ctx.make((4, 5), 2)
    b = ctx.factory(data[::-1].copy(), *geometry)
    for what, call in _ufunc_calls(a, b):
        _same_grid("SA-7.3", what, a, geometry, call(a, b))


@register("SA-7.2", "mismatch-refused", "ufuncs")
def _mismatch(ctx: Context) -> None:
    """Operands on different grids (origin, spacing, direction or spatial shape) are refused with a ValueError."""
    a, data, (o, s, d) = ctx.make((4, 5), 2)
    others = {
        "origin moved by one spacing": ctx.factory(data.copy(), o + d[:, 0] * s[0], s, d),
        "spacing 1% larger": ctx.factory(data.copy(), o, s * 1.01, d),
        "direction column negated": ctx.factory(data.copy(), o, s, d * np.array([1.0, -1.0])),
        "one element shorter": ctx.factory(data[:3].copy(), o, s, d),
    }
    for what, b in others.items():
        if not _refused(lambda: a + b):
            raise fail("SA-7.2", f"a ValueError for operands whose {what}", "a result")


@register("SA-10.1", "tolerance", "ufuncs")
def _tolerance(ctx: Context) -> None:
    """Origins 1e-9 spacings apart are the same space; 1e-3 spacings apart are not (default tolerance 1e-6)."""
    a, data, (o, s, d) = ctx.make((4, 5), 2)
    for axis in range(2):
        near = ctx.factory(data.copy(), o + d[:, axis] * s[axis] * 1e-9, s, d)
        if _refused(lambda: a + near):
            raise fail("SA-10.1", f"no error for origins 1e-9 spacings apart along axis {axis}", "a ValueError")
        far = ctx.factory(data.copy(), o + d[:, axis] * s[axis] * 1e-3, s, d)
        if not _refused(lambda: a + far):
            raise fail("SA-10.1", f"a ValueError for origins 1e-3 spacings apart along axis {axis}", "a result")


@register("SA-7.4", "broadcast-to-plain", "ufuncs")
def _broadcast(ctx: Context) -> None:
    """Broadcasting that prepends axes gives a plain result with numpy's values."""
    a, data, _ = ctx.make((4, 5), 2)
    stack = np.ones((2, 4, 5))
    _values_equal("SA-7.4", "a + ones((2, 4, 5))", a + stack, data + stack)
    _plain("SA-7.4", "a + ones((2, 4, 5))", a + stack)


@register("SA-7.5", "out-and-in-place", "ufuncs", feature="out")
def _out(ctx: Context) -> None:
    """out= returns the out object with the values written; a += 1 keeps the object and its geometry."""
    a, data, geometry = ctx.make((4, 5), 2)
    target = ctx.factory(np.zeros((4, 5)), *geometry)
    result = np.add(a, 1.0, out=target)
    if result is not target:
        raise fail("SA-7.5", "np.add(a, 1, out=t) to return t", type(result).__name__)
    _values_equal("SA-7.5", "out", target, data + 1.0)
    before = a
    a += 1.0
    if a is not before:
        raise fail("SA-7.5", "a += 1 to keep the same object", "a new object")
    _same_grid("SA-7.5", "a += 1", a, geometry, a)


# -- numpy functions --------------------------------------------------------------------------------------


def _binned(
    clause: str, what: str, original: Any, data: np.ndarray, geometry: tuple[np.ndarray, np.ndarray, np.ndarray],
    result: Any, axis: int, keepdims: bool,
) -> None:
    if not is_spatial(result):
        raise fail(clause, f"{what} to be a spatial array", f"{type(result).__name__} without geometry")
    ro, rs, rd = geometry_of(result)
    n = len(rs)
    for out_index in np.ndindex(*np.shape(result)[:n]):
        fed = [position(*geometry, k) for k in np.ndindex(*data.shape[:2])
               if [k[i] for i in range(2) if i != axis] == [out_index[i] for i in range(n) if not (keepdims and i == axis)]]
        centre = np.mean(fed, axis=0)
        got = position(ro, rs, rd, out_index)
        if got.shape != centre.shape or not np.allclose(got, centre, atol=1e-8):
            raise fail(clause, f"{what}: element {out_index} at the centre of the elements it reduced, {centre.tolist()}",
                       str(got.tolist()))
    if keepdims and not np.isclose(rs[axis], geometry[1][axis] * data.shape[axis]):
        raise fail(clause, f"{what}: spacing {geometry[1][axis] * data.shape[axis]} on the reduced axis", str(rs[axis]))


@register("SA-8.1", "reduction-bins", "functions")
def _reduction(ctx: Context) -> None:
    """np.mean / np.sum / np.max over one spatial axis put each result at the centre of what it reduced."""
    a, data, geometry = ctx.make((4, 5), 2)
    for name in ("mean", "sum", "max"):
        for axis in (0, 1, -1):
            result = getattr(np, name)(a, axis=axis)
            _values_equal("SA-8.1", f"np.{name}(a, axis={axis})", result, getattr(np, name)(data, axis=axis))
            _binned("SA-8.1", f"np.{name}(a, axis={axis})", a, data, geometry, result, axis % 2, False)


@register("SA-8.2", "reduction-keepdims", "functions")
def _keepdims(ctx: Context) -> None:
    """With keepdims the reduced axis keeps length 1 and spacing n * spacing, centred on what it reduced."""
    a, data, geometry = ctx.make((4, 5), 2)
    for axis in (0, 1):
        result = np.sum(a, axis=axis, keepdims=True)
        _values_equal("SA-8.2", f"np.sum(a, axis={axis}, keepdims=True)", result, np.sum(data, axis=axis, keepdims=True))
        _binned("SA-8.2", f"np.sum(a, axis={axis}, keepdims=True)", a, data, geometry, result, axis, True)


@register("SA-8.4", "full-reduction-plain", "functions")
def _full_reduction(ctx: Context) -> None:
    """Reducing every spatial axis gives a plain value."""
    a, data, _ = ctx.make((4, 5), 2)
    calls: list[tuple[str, Callable[[Any], Any]]] = [
        ("np.sum(a)", lambda x: np.sum(x)), ("np.mean(a, axis=(0, 1))", lambda x: np.mean(x, axis=(0, 1)))
    ]
    for what, call in calls:
        _values_equal("SA-8.4", what, call(a), call(data))
        _plain("SA-8.4", what, call(a))


@register("SA-9.1", "transpose", "functions")
def _transpose(ctx: Context) -> None:
    """np.transpose and np.swapaxes permute spacing and direction with the axes: positions are kept."""
    a, data, geometry = ctx.make((4, 5, 6), 3)
    calls: list[tuple[str, Callable[[Any], Any]]] = [
        ("np.transpose(a)", np.transpose), ("np.transpose(a, (1, 0, 2))", lambda x: np.transpose(x, (1, 0, 2))),
        ("np.swapaxes(a, 0, 2)", lambda x: np.swapaxes(x, 0, 2)),
    ]
    for what, call in calls:
        _values_equal("SA-9.1", what, call(a), call(data))
        _traced("SA-9.1", what, a, data, geometry, call(a))


@register("SA-9.3", "reshape-plain", "functions")
def _reshape(ctx: Context) -> None:
    """np.reshape and np.ravel give plain arrays."""
    a, data, _ = ctx.make((4, 5), 2)
    calls: list[tuple[str, Callable[[Any], Any]]] = [
        ("np.reshape(a, -1)", lambda x: np.reshape(x, -1)), ("np.ravel(a)", np.ravel),
        ("np.reshape(a, (5, 4))", lambda x: np.reshape(x, (5, 4))),
    ]
    for what, call in calls:
        _values_equal("SA-9.3", what, call(a), call(data))
        _plain("SA-9.3", what, call(a))


@register("SA-13.6", "concatenate", "functions")
def _concatenate(ctx: Context) -> None:
    """Pieces that continue one grid concatenate with the first piece's geometry; others are refused."""
    a, data, geometry = ctx.make((4, 5), 2)
    top, bottom = a[:1], a[1:]
    for what, pieces, axis in [("np.concatenate([a[:1], a[1:]])", [top, bottom], 0),
                               ("np.concatenate([a[:, :2], a[:, 2:]], axis=1)", [a[:, :2], a[:, 2:]], 1)]:
        result = np.concatenate(pieces, axis=axis)
        _values_equal("SA-13.6", what, result, data)
        _traced("SA-13.6", what, a, data, geometry, result)
    if not _refused(lambda: np.concatenate([bottom, top])):
        raise fail("SA-13.6", "a ValueError for pieces that do not continue one grid (a[1:], a[:1])", "a result")
