"""Checks of chapters 1, 2, 11 and 12: the attributes, their validation, values, copies and metadata."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._context import Context, Image
from ._oracle import describe, geometry_of, position
from ._registry import NotApplicable, register

__all__: list[str] = []

#: Data types every value clause is exercised with, not only float64.
DTYPES = ("float64", "float32", "int64", "int16", "bool", "complex128")
_FIELDS = ("origin", "spacing", "direction")


def _inputs(ctx: Context) -> list[Image]:
    """Plain, embedded (P > N), component-axis and length-1 inputs, in several dtypes."""
    images = [ctx.make((4, 5), 2, dtype=dtype, seed=i) for i, dtype in enumerate(DTYPES)]
    return images + ctx.some([((4, 5), 2, {"p": 3, "seed": 7}), ((4, 5, 3), 2, {"seed": 8}), ((1, 5), 2, {"seed": 9}),
                              ((6,), 1, {"p": 3, "seed": 10})])


@register("SA-1.1", "float64-attributes")
def _attributes(ctx: Context) -> None:
    """origin, spacing and direction exist, are float64, and hold what the factory was given (any dtype, P > N)."""
    for image in _inputs(ctx):
        for name, given_value in zip(_FIELDS, image.geom):
            if not hasattr(image.array, name):
                raise ctx.fail("SA-1.1", f"an attribute {name!r}; there is none", image.setup, f"a.{name}")
            value = np.asarray(getattr(image.array, name))
            if value.dtype != np.float64:
                raise ctx.fail("SA-1.1", f"np.asarray(a.{name}) must be float64; got {value.dtype}", image.setup,
                               f"a.{name}")
            if value.size == given_value.size and not np.allclose(value.reshape(given_value.shape), given_value,
                                                                  rtol=1e-12, atol=1e-12):
                raise ctx.fail("SA-1.1", f"a.{name} must be what the factory was given, {given_value.tolist()}; "
                               f"got {value.tolist()}", image.setup, f"a.{name}")


def _shape_check(clause: str, name: str, want: Any, text: str) -> Any:
    def run(ctx: Context) -> None:
        for image in _inputs(ctx):
            p, n = image.geom.direction.shape
            expected = want(p, n)
            got = np.shape(getattr(image.array, name))
            if got != expected:
                raise ctx.fail(clause, f"a.{name} must have shape {expected} (N={n}, P={p}); got {got}",
                               image.setup, f"a.{name}.shape")
    run.__doc__ = f"{name} has shape {text}, for embedded (P > N) and component-axis inputs too."
    return run


register("SA-1.2", "spacing-shape")(_shape_check("SA-1.2", "spacing", lambda p, n: (n,), "(N,)"))
register("SA-1.3", "origin-shape")(_shape_check("SA-1.3", "origin", lambda p, n: (p,), "(P,)"))
register("SA-1.4", "direction-shape")(_shape_check("SA-1.4", "direction", lambda p, n: (p, n), "(P, N)"))


_GOOD = (np.zeros(2), np.ones(2), np.eye(2))
_NONFINITE = [
    ("origin", (np.array([np.nan, 0.0]), _GOOD[1], _GOOD[2])),
    ("origin", (np.array([np.inf, 0.0]), _GOOD[1], _GOOD[2])),
    ("spacing", (_GOOD[0], np.array([0.0, 1.0]), _GOOD[2])),
    ("spacing", (_GOOD[0], np.array([1.0, -1.0]), _GOOD[2])),
    ("spacing", (_GOOD[0], np.array([np.nan, 1.0]), _GOOD[2])),
    ("direction", (_GOOD[0], _GOOD[1], np.array([[np.nan, 0.0], [0.0, 1.0]]))),
]
_NOT_ORTHONORMAL = [
    ("direction", (_GOOD[0], _GOOD[1], np.array([[1.0, 0.6], [0.0, 0.8]]))),  # unit columns, not orthogonal
    ("direction", (_GOOD[0], _GOOD[1], np.array([[1.0, 0.5], [0.0, 1.0]]))),
    ("direction", (_GOOD[0], _GOOD[1], np.array([[2.0, 0.0], [0.0, 1.0]]))),
    ("direction", (_GOOD[0], _GOOD[1], np.array([[1.0, 0.0], [0.0, 1.0 + 1e-3]]))),
]
#: Inconsistent lengths: either field involved may be named (which one is "offending" is not defined).
_LENGTHS = [
    (("spacing", "direction"), (_GOOD[0], np.ones(3), _GOOD[2])),
    (("origin", "direction"), (np.zeros(3), _GOOD[1], _GOOD[2])),
    (("origin", "direction"), (np.zeros(1), _GOOD[1], _GOOD[2])),
    (("direction", "spacing", "origin"), (_GOOD[0], _GOOD[1], np.eye(3))),
]


def _refuse_all(ctx: Context, clause: str, cases: Sequence[tuple[Any, tuple[np.ndarray, ...]]], shape: tuple[int, ...],
                name_fields: bool) -> None:
    for fields, (origin, spacing, direction) in cases:
        fields = (fields,) if isinstance(fields, str) else fields
        code = (f"{ctx.factory_call()}(np.zeros({shape}), np.array({origin.tolist()}), np.array({spacing.tolist()}), "
                f"np.array({direction.tolist()}))")
        try:
            ctx.factory(np.zeros(shape), origin, spacing, direction)
        except (ValueError, TypeError) as error:
            if name_fields and not any(f in str(error) for f in fields):
                raise ctx.fail(clause, f"the error must name the field ({' or '.join(fields)}); it says "
                               f"{str(error)!r}", "a = None", code) from None
        else:
            raise ctx.fail(clause, f"a ValueError or TypeError for {fields[0]}; the array was made", "a = None", code)


@register("SA-1.5", "rejects-non-finite")
def _rejects_non_finite(ctx: Context) -> None:
    """NaN or inf in origin, spacing or direction, and spacing <= 0, are refused."""
    _refuse_all(ctx, "SA-1.5", _NONFINITE, (3, 4), False)


@register("SA-1.6", "rejects-non-orthonormal")
def _rejects_non_orthonormal(ctx: Context) -> None:
    """A direction whose columns are not orthonormal (sheared, scaled, 1e-3 off) is refused."""
    _refuse_all(ctx, "SA-1.6", _NOT_ORTHONORMAL, (3, 4), False)


@register("SA-1.7", "rejects-too-few-axes")
def _rejects_too_few_axes(ctx: Context) -> None:
    """A geometry with more spatial axes than the data has axes is refused."""
    _refuse_all(ctx, "SA-1.7", [(("spacing", "direction", "origin"), (np.zeros(2), np.ones(2), np.eye(2)))], (5,), False)


@register("SA-1.8", "rejection-names-field")
def _rejects_bad(ctx: Context) -> None:
    """Each refusal is a ValueError or TypeError naming the field (any field involved, for inconsistent lengths)."""
    _refuse_all(ctx, "SA-1.8", _NONFINITE + _NOT_ORTHONORMAL + _LENGTHS, (3, 4), True)


@register("SA-1.9", "read-only-attributes")
def _read_only(ctx: Context) -> None:
    """Writing into the arrays the attributes return (also after setflags(write=True)) fails or changes nothing."""
    image = ctx.make((4, 5), 2)
    array = image.array
    for name in _FIELDS:
        for unlock in (False, True):
            before = np.array(getattr(array, name), dtype=np.float64)
            value = getattr(array, name)
            expression = f"a.{name}" + (".setflags(write=True)" if unlock else "") + f"; a.{name}[0] = 12345.0"
            try:
                if unlock:
                    value.setflags(write=True)
                value[(0,) * np.ndim(value)] = 12345.0
            except (ValueError, TypeError, AttributeError):
                continue
            after = np.asarray(getattr(array, name), dtype=np.float64)
            if not np.array_equal(after, before):
                raise ctx.fail("SA-1.9", f"a.{name} must not change when the returned array is written; it became "
                               f"{after.tolist()}", image.setup, expression)


def _settable(array: Any, name: str, value: Any) -> bool:
    """True when the implementation allows assigning the attribute (SA-1.10 applies only then)."""
    try:
        setattr(array, name, value)
    except (AttributeError, TypeError, NotImplementedError):
        return False
    return True


@register("SA-1.10", "setters-validate")
def _setters(ctx: Context) -> None:
    """Where an attribute can be assigned, the new value is validated and no other array (base, view) changes."""
    image = ctx.make((4, 5), 2)
    a = image.array
    g = image.geom
    new = {"origin": g.origin + 1.5, "spacing": g.spacing * 2.0, "direction": g.direction[:, ::-1].copy()}
    bad = {"origin": np.array([np.nan, 0.0]), "spacing": np.array([1.0, -2.0]),
           "direction": np.array([[1.0, 0.5], [0.0, 1.0]])}
    assignable = 0
    for name in _FIELDS:
        view = a[1:]
        view_before = geometry_of(view)
        if not _settable(a, name, new[name]):
            continue
        assignable += 1
        got = np.asarray(getattr(a, name), dtype=np.float64)
        if got.shape != new[name].shape or not np.allclose(got, new[name]):
            raise ctx.fail("SA-1.10", f"after a.{name} = {new[name].tolist()}, a.{name} must be that; got {got.tolist()}",
                           image.setup, f"a.{name} = {new[name].tolist()}")
        if describe(geometry_of(view)) != describe(view_before):
            raise ctx.fail("SA-1.10", f"assigning a.{name} must not change the view v = a[1:]; it became "
                           f"{describe(geometry_of(view))}", [image.setup, "v = a[1:]"], f"a.{name} = {new[name].tolist()}")
        before = describe(geometry_of(a))
        try:
            setattr(a, name, bad[name])
        except (ValueError, TypeError) as error:
            if name not in str(error):
                raise ctx.fail("SA-1.10", f"the error must name {name!r}; it says {str(error)!r}", image.setup,
                               f"a.{name} = {bad[name].tolist()}") from None
        else:
            raise ctx.fail("SA-1.10", f"a.{name} = {bad[name].tolist()} must be refused as SA-1.8; it was accepted",
                           image.setup, f"a.{name} = {bad[name].tolist()}")
        if describe(geometry_of(a)) != before:
            raise ctx.fail("SA-1.10", "a refused assignment must leave the geometry unchanged", image.setup,
                           f"a.{name} = {bad[name].tolist()}")
        setattr(a, name, getattr(g, name))
    if not assignable:
        raise NotApplicable("origin, spacing and direction cannot be assigned")


@register("SA-12.1", "own-geometry")
def _own_geometry(ctx: Context) -> None:
    """Changing the geometry of a view or copy never changes its source's, and the reverse (where assignable)."""
    image = ctx.make((4, 5), 2)
    a = image.array
    for expression, make in (("a[1:]", lambda: a[1:]), ("a[...]", lambda: a[...]), ("copy.copy(a)", lambda: copy.copy(a))):
        derived = make()
        source_before, derived_before = describe(geometry_of(a)), describe(geometry_of(derived))
        if _settable(derived, "origin", np.asarray(derived.origin, dtype=np.float64) + 3.0):
            if describe(geometry_of(a)) != source_before:
                raise ctx.fail("SA-12.1", f"setting the origin of d = {expression} must not change a's; a became "
                               f"{describe(geometry_of(a))}", [image.setup, f"d = {expression}"], "d.origin = d.origin + 3")
        derived_before = describe(geometry_of(derived))
        if _settable(a, "origin", np.asarray(a.origin, dtype=np.float64) - 3.0):
            if describe(geometry_of(derived)) != derived_before:
                raise ctx.fail("SA-12.1", f"setting a's origin must not change d = {expression}; d became "
                               f"{describe(geometry_of(derived))}", [image.setup, f"d = {expression}"], "a.origin = a.origin - 3")
            _settable(a, "origin", image.geom.origin)


@register("SA-1.11", "convenience-attributes", advisory=True)
def _extras(ctx: Context) -> None:
    """spatial_ndim, spatial_shape and the homogeneous (P+1, N+1) affine (a SHOULD: advisory)."""
    for image in ctx.some([((4, 5, 3), 2, {"p": 3, "seed": 2}), ((4, 5, 6), 3, {"seed": 3}), ((4, 5), 2, {"p": 3})]):
        g = image.geom
        p, n = g.direction.shape
        a = image.array
        if getattr(a, "spatial_ndim", None) != n:
            raise ctx.fail("SA-1.11", f"a.spatial_ndim == {n}; got {getattr(a, 'spatial_ndim', None)!r}", image.setup, "a.spatial_ndim")
        if tuple(getattr(a, "spatial_shape", ())) != image.shape[:n]:
            raise ctx.fail("SA-1.11", f"a.spatial_shape == {image.shape[:n]}; got {getattr(a, 'spatial_shape', None)!r}",
                           image.setup, "a.spatial_shape")
        want = np.zeros((p + 1, n + 1))
        want[:p, :n] = g.direction * g.spacing
        want[:p, n] = g.origin
        want[p, n] = 1.0
        got = np.asarray(getattr(a, "affine", np.zeros(0)), dtype=np.float64)
        if got.shape != want.shape or not np.allclose(got, want, atol=1e-12):
            raise ctx.fail("SA-1.11", f"a.affine == {want.tolist()}; got {got.tolist()}", image.setup, "a.affine")


@register("SA-2.4", "index-physical-mapping", feature="mapping")
def _mapping(ctx: Context) -> None:
    """index_to_physical follows SA-2.1 for continuous indices (P > N too); physical_to_index is its least-squares inverse."""
    for image in (ctx.make((4, 5, 6), 3), ctx.make((4, 5), 2, p=3, seed=4)):
        n = len(image.geom.spacing)
        indices = np.array([[0.0] * n, [1.5, -0.5, 2.25][:n], [3.0, 4.0, 5.0][:n]])
        points = np.asarray(image.array.index_to_physical(indices))
        for k, point in zip(indices, points):
            want = position(*image.geom, k)
            if point.shape != want.shape or not np.allclose(point, want, atol=1e-9):
                raise ctx.fail("SA-2.4", f"index {k.tolist()} must map to {want.tolist()}; got {point.tolist()}",
                               image.setup, f"a.index_to_physical(np.array({indices.tolist()}))")
        off_plane = points + (np.linalg.svd(image.geom.direction)[0][:, n:].sum(axis=1) if image.geom.direction.shape[0] > n else 0.0)
        back = np.asarray(image.array.physical_to_index(off_plane))
        if back.shape != indices.shape or not np.allclose(back, indices, atol=1e-9):
            raise ctx.fail("SA-2.4", f"physical_to_index must give back {indices.tolist()} (points moved off the "
                           f"plane project onto it); got {back.tolist()}", image.setup,
                           f"a.physical_to_index(np.array({off_plane.tolist()}))")


@register("SA-11.2", "asarray-values")
def _asarray(ctx: Context) -> None:
    """np.asarray gives the factory's values in every dtype, without geometry and without a copy per call."""
    for image in _inputs(ctx):
        values = ctx.expect_values("SA-11.2", image, "np.asarray(a)", image.array, image.data)
        if ctx.lazy:
            continue  # SA-11.3: a lazy or device array computes or transfers its values once per call
        if type(np.asarray(image.array)) is not np.ndarray:
            raise ctx.fail("SA-11.2", f"np.asarray(a) must be a plain ndarray; got {type(np.asarray(image.array)).__name__}",
                           image.setup, "np.asarray(a)")
        if not np.shares_memory(values, np.asarray(image.array)):
            raise ctx.fail("SA-11.2", "np.asarray(a) twice must share memory (numpy would not copy)", image.setup,
                           "np.shares_memory(np.asarray(a), np.asarray(a))")


@register("SA-12.2", "pickle-and-copies")
def _pickle(ctx: Context) -> None:
    """pickle, copy.copy and copy.deepcopy keep values, dtype, shape and geometry (embedded and component inputs too)."""
    for image in _inputs(ctx):
        for expression, call in (("pickle.loads(pickle.dumps(a))", lambda x: pickle.loads(pickle.dumps(x))),
                                 ("copy.copy(a)", copy.copy), ("copy.deepcopy(a)", copy.deepcopy)):
            result = call(image.array)
            ctx.expect_values("SA-12.2", image, expression, result, image.data)
            ctx.expect_geometry("SA-12.2", image, expression, result, image.geom, scale=1e-3)


@register("SA-12.3", "metadata")
def _meta(ctx: Context) -> None:
    """Where `meta` is offered: derived arrays carry a shallow copy, and it never takes part in comparisons."""
    image = ctx.make((4, 5), 2)
    a = image.array
    meta = getattr(a, "meta", None)
    if not isinstance(meta, dict):
        raise NotApplicable("the implementation offers no `meta` dict")
    a.meta["modality"] = "CT"
    view = a[1:]
    if getattr(view, "meta", {}).get("modality") != "CT":
        raise ctx.fail("SA-12.3", f"a[1:].meta must carry a's metadata; got {getattr(view, 'meta', None)!r}",
                       [image.setup, "a.meta['modality'] = 'CT'"], "a[1:].meta")
    view.meta["modality"] = "MR"
    if a.meta.get("modality") != "CT":
        raise ctx.fail("SA-12.3", "changing a derived array's meta must not change the source's (a shallow copy)",
                       [image.setup, "a.meta['modality'] = 'CT'", "v = a[1:]", "v.meta['modality'] = 'MR'"], "a.meta")
    other = ctx.make_with((4, 5), image.geom, name="b")
    other.array.meta["modality"] = "PET"
    try:
        a + other.array
    except ValueError as error:
        raise ctx.fail("SA-12.3", f"meta must not take part in geometry comparisons; a + b raised {error}",
                       [image.setup, other.setup, "b.meta['modality'] = 'PET'"], "a + b") from None


@register("SA-12.4", "with-values-offered", advisory=True)
def _with_values_offered(ctx: Context) -> None:
    """with_values is offered to put plain results back on the grid (a SHOULD: advisory)."""
    image = ctx.make((4, 5), 2)
    if not callable(getattr(image.array, "with_values", None)):
        raise ctx.fail("SA-12.4", "a.with_values(values) should exist to put plain results back on the grid",
                       image.setup, "a.with_values")


@register("SA-12.4", "with-values")
def _with_values(ctx: Context) -> None:
    """Where offered, with_values keeps the grid and meta, does not copy, and refuses another spatial shape."""
    image = ctx.make((4, 5), 2)
    if not callable(getattr(image.array, "with_values", None)):
        raise NotApplicable("the implementation offers no with_values")
    values = np.arange(20.0).reshape(4, 5) * 2
    result = image.array.with_values(values)
    ctx.expect_values("SA-12.4", image, "a.with_values(v)", result, values)
    ctx.expect_geometry("SA-12.4", image, "a.with_values(v)", result, image.geom)
    if not ctx.lazy and not np.shares_memory(np.asarray(result), values):
        raise ctx.fail("SA-12.4", "a.with_values(v) must not copy v", image.setup, "np.shares_memory(a.with_values(v), v)")
    ctx.expect_refused("SA-12.4", image, "a.with_values(np.zeros((5, 4)))", lambda: image.array.with_values(np.zeros((5, 4))),
                       "the spatial shape differs", errors=(ValueError, TypeError))
