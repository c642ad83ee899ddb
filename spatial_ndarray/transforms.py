"""Affine transforms of physical space, in numpy axis order.

Convention, as in ITK: a *resampling* transform maps **output** physical points to
**input** physical points. ``x_in = matrix @ (x_out - center) + center + translation``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["AffineTransform"]


def _real(name: str, value: Any) -> np.ndarray:
    """``value`` as float64, or a TypeError naming the argument."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be real numbers, got {value!r}") from None


def _vector(name: str, value: Any, length: int) -> np.ndarray:
    array = _real(name, value)
    if array.shape != (length,) or not np.isfinite(array).all():
        raise ValueError(f"{name} must be {length} finite numbers, got {value!r}")
    return array


class AffineTransform:
    """``x -> matrix @ (x - center) + center + translation`` on physical points (numpy axis order).

    Parameters
    ----------
    matrix : array_like, shape (P, P)
        Invertible.
    translation : array_like, shape (P,), optional
    center : array_like, shape (P,), optional
        The fixed point of ``matrix`` (ITK's rotation centre).

    Examples
    --------
    >>> t = AffineTransform.from_translation([1.0, 2.0])
    >>> t.apply([[0.0, 0.0]])
    array([[1., 2.]])
    >>> t.inverse().apply(t.apply([[3.0, 4.0]]))
    array([[3., 4.]])
    """

    __slots__ = ("matrix", "translation", "center")

    def __init__(self, matrix: npt.ArrayLike, translation: npt.ArrayLike | None = None, center: npt.ArrayLike | None = None) -> None:
        m = _real("matrix", matrix)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or not np.isfinite(m).all():
            raise ValueError(f"matrix must be a finite square matrix, got {matrix!r}")
        if np.linalg.cond(m) > 1e12:
            raise ValueError(f"matrix must be invertible, got {m.tolist()!r} (singular)")
        p = m.shape[0]
        self.matrix = m
        self.translation = np.zeros(p) if translation is None else _vector("translation", translation, p)
        self.center = np.zeros(p) if center is None else _vector("center", center, p)
        for array in (self.matrix, self.translation, self.center):
            array.flags.writeable = False

    @property
    def ndim(self) -> int:
        """``P``, the dimension of the space."""
        return int(self.matrix.shape[0])

    @property
    def offset(self) -> np.ndarray:
        """``b`` in ``x -> matrix @ x + b``."""
        return self.translation + self.center - self.matrix @ self.center

    def apply(self, points: npt.ArrayLike) -> np.ndarray:
        """Map physical points ``(..., P)``."""
        x = _real("points", points)
        if x.ndim == 0 or x.shape[-1] != self.ndim:
            raise ValueError(f"points must have shape (..., {self.ndim}), got {x.shape}")
        return x @ self.matrix.T + self.offset

    def inverse(self) -> AffineTransform:
        """The transform undoing this one."""
        inverse = np.linalg.inv(self.matrix)
        return AffineTransform(inverse, -inverse @ self.offset)

    def then(self, other: AffineTransform) -> AffineTransform:
        """The transform applying this one, then ``other``.

        Examples
        --------
        >>> AffineTransform.from_translation([1.0]).then(AffineTransform.from_scaling([2.0])).apply([[0.0]])
        array([[2.]])
        """
        if other.ndim != self.ndim:
            raise ValueError(f"cannot compose a {self.ndim}-D and a {other.ndim}-D transform")
        return AffineTransform(other.matrix @ self.matrix, other.matrix @ self.offset + other.offset)

    def homogeneous(self) -> np.ndarray:
        """The ``(P+1, P+1)`` homogeneous matrix."""
        h = np.eye(self.ndim + 1)
        h[:-1, :-1] = self.matrix
        h[:-1, -1] = self.offset
        return h

    @classmethod
    def from_homogeneous(cls, matrix: npt.ArrayLike) -> AffineTransform:
        """From a ``(P+1, P+1)`` homogeneous matrix whose last row is ``[0, ..., 0, 1]``."""
        h = _real("matrix", matrix)
        if h.ndim != 2 or h.shape[0] != h.shape[1] or not np.allclose(h[-1], np.eye(h.shape[0])[-1]):
            raise ValueError(f"matrix must be homogeneous with last row [0, ..., 0, 1], got {matrix!r}")
        return cls(h[:-1, :-1], h[:-1, -1])

    @classmethod
    def from_translation(cls, shift: npt.ArrayLike) -> AffineTransform:
        """``x -> x + shift``."""
        shift = _real("shift", shift)
        if shift.ndim != 1:
            raise ValueError(f"shift must be a vector, got {shift.tolist()!r}")
        return cls(np.eye(shift.shape[0]), shift)

    @classmethod
    def from_scaling(cls, factors: npt.ArrayLike, center: npt.ArrayLike | None = None) -> AffineTransform:
        """``x -> diag(factors) @ (x - center) + center``."""
        scale = _real("factors", factors)
        if scale.ndim != 1:
            raise ValueError(f"factors must be a vector, got {scale.tolist()!r}")
        return cls(np.diag(scale), None, center)

    @classmethod
    def from_rotation(cls, angle: float, axes: tuple[int, int] = (0, 1), *, ndim: int = 2, center: npt.ArrayLike | None = None) -> AffineTransform:
        """A rotation by ``angle`` radians in the plane of physical ``axes``, from ``axes[0]`` towards ``axes[1]``.

        Examples
        --------
        >>> np.round(AffineTransform.from_rotation(np.pi / 2).apply([[1.0, 0.0]]), 12)
        array([[0., 1.]])
        """
        i, j = axes
        if i == j or not (0 <= i < ndim and 0 <= j < ndim):
            raise ValueError(f"axes must be two different axes of a {ndim}-D space, got {axes!r}")
        m = np.eye(ndim)
        m[i, i] = m[j, j] = np.cos(angle)
        m[j, i], m[i, j] = np.sin(angle), -np.sin(angle)
        return cls(m, None, center)

    @classmethod
    def from_euler(cls, angles: npt.ArrayLike, *, center: npt.ArrayLike | None = None, translation: npt.ArrayLike | None = None) -> AffineTransform:
        """A rigid 3-D transform in numpy axis order: rotations by ``angles`` (radians) about physical axes 0, 1
        and 2 (numpy order), applied in that order about ``center``, then ``translation``.

        A rotation about axis ``i`` turns the plane of the other two axes from the lower axis towards the higher
        (`from_rotation`). This is NOT SimpleITK's ``Euler3DTransform`` convention (angles about x, y, z, i.e.
        numpy axes 2, 1, 0, composed as ``Rz @ Rx @ Ry`` with the opposite sense in numpy order): use
        `from_sitk_euler` for that.

        Examples
        --------
        >>> t = AffineTransform.from_euler([0.0, 0.0, np.pi / 2], translation=[1.0, 0.0, 0.0])
        >>> np.round(t.apply([[1.0, 0.0, 0.0]]), 12)
        array([[1., 1., 0.]])
        """
        a = _real("angles", angles)
        if a.shape != (3,) or not np.isfinite(a).all():
            raise ValueError(f"angles must be 3 finite numbers (radians), got {angles!r}")
        matrix = np.eye(3)
        for axis, angle in enumerate(a):
            plane = tuple(i for i in range(3) if i != axis)
            matrix = cls.from_rotation(float(angle), plane, ndim=3).matrix @ matrix  # type: ignore[arg-type]
        return cls(matrix, translation, center)

    @classmethod
    def from_sitk_euler(cls, angle_x: float, angle_y: float, angle_z: float, *, center: npt.ArrayLike | None = None,
                        translation: npt.ArrayLike | None = None, compute_zyx: bool = False) -> AffineTransform:
        """SimpleITK's ``Euler3DTransform(center, angle_x, angle_y, angle_z, translation)``, with ``center`` and
        ``translation`` given in numpy axis order (z, y, x) like every point here.

        The matrix is ITK's ``Rz @ Rx @ Ry`` in (x, y, z) order (``Rz @ Ry @ Rx`` with ``compute_zyx``, like
        ``SetComputeZYX(True)``), each a right-handed rotation about its axis; it is returned in numpy order.

        Examples
        --------
        >>> t = AffineTransform.from_sitk_euler(0.0, 0.0, np.pi / 2)  # about z: x goes to y
        >>> np.round(t.apply([[0.0, 0.0, 1.0]]), 12)  # numpy order (z, y, x)
        array([[0., 1., 0.]])
        """
        for name, value in (("angle_x", angle_x), ("angle_y", angle_y), ("angle_z", angle_z)):
            if not np.isfinite(_real(name, value)).all() or np.ndim(value) != 0:
                raise ValueError(f"{name} must be a finite number (radians), got {value!r}")
        cx, sx, cy, sy, cz, sz = (f(float(v)) for v in (angle_x, angle_y, angle_z) for f in (np.cos, np.sin))
        rx = np.array([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
        ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
        rz = np.array([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
        xyz = rz @ ry @ rx if compute_zyx else rz @ rx @ ry
        return cls(xyz[::-1, ::-1], translation, center)

    @classmethod
    def from_itk(cls, matrix: npt.ArrayLike, translation: npt.ArrayLike, center: npt.ArrayLike | None = None) -> AffineTransform:
        """From ITK/SimpleITK's (x, y, z)-order matrix (flat or square), translation and center."""
        t = _real("translation", translation)
        p = t.shape[0] if t.ndim == 1 else 0
        m = _real("matrix", matrix)
        if p == 0 or m.size != p * p:
            raise ValueError(f"matrix must have {p} x {p} entries for a {p}-D translation, got {m.tolist()!r}")
        m = m.reshape(p, p)
        c = np.zeros(p) if center is None else _real("center", center)
        return cls(m[::-1, ::-1], t[::-1], c[::-1])

    @classmethod
    def from_sitk(cls, transform: Any) -> AffineTransform:
        """From any affine SimpleITK transform: Euler, Similarity, Versor, Affine, Translation, Scale, a
        `CompositeTransform` of affine parts, and the generic ``sitk.Transform`` that ``sitk.ReadTransform`` and
        registration return (resolved with ``Downcast``).

        Deformable transforms (BSpline, displacement fields) are refused with a TypeError naming the kind.

        Examples
        --------
        >>> import SimpleITK as sitk  # doctest: +SKIP
        >>> AffineTransform.from_sitk(sitk.TranslationTransform(2, [1.0, 2.0])).translation  # doctest: +SKIP
        array([2., 1.])
        """
        kind = type(transform).__name__
        if hasattr(transform, "Downcast") and kind == "Transform":
            transform = transform.Downcast()
            kind = type(transform).__name__
        if kind == "CompositeTransform" or hasattr(transform, "GetNthTransform"):
            parts = [cls.from_sitk(transform.GetNthTransform(i)) for i in range(transform.GetNumberOfTransforms())]
            if not parts:
                return cls(np.eye(transform.GetDimension()))
            result = parts[-1]  # ITK applies a composite's transforms last added first
            for part in reversed(parts[:-1]):
                result = result.then(part)
            return result
        if hasattr(transform, "IsLinear") and not transform.IsLinear():
            raise TypeError(f"{kind} is not affine (a deformable transform): resample with SimpleITK itself, "
                            f"or convert only affine transforms")
        if hasattr(transform, "GetMatrix") and hasattr(transform, "GetTranslation"):
            return cls.from_itk(transform.GetMatrix(), transform.GetTranslation(), transform.GetCenter())
        if kind == "TranslationTransform" or (hasattr(transform, "GetOffset") and not hasattr(transform, "GetMatrix")):
            offset = _real("offset", transform.GetOffset())
            return cls(np.eye(offset.shape[0]), offset[::-1])
        if hasattr(transform, "GetScale") and hasattr(transform, "GetCenter"):
            scale = _real("scale", transform.GetScale())
            return cls(np.diag(scale[::-1]), None, _real("center", transform.GetCenter())[::-1])
        if hasattr(transform, "IsLinear") and hasattr(transform, "TransformPoint"):
            return cls._probed(transform)  # any other linear kind: its matrix and offset read from mapped points
        raise TypeError(f"{kind} has no matrix and translation to convert (expected a SimpleITK transform)")

    @classmethod
    def _probed(cls, transform: Any) -> AffineTransform:
        p = int(transform.GetDimension())
        origin = np.array(transform.TransformPoint([0.0] * p), dtype=np.float64)
        columns = [np.array(transform.TransformPoint(list(np.eye(p)[i])), dtype=np.float64) - origin for i in range(p)]
        return cls(np.stack(columns, axis=1)[::-1, ::-1], origin[::-1])

    def to_itk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ITK (x, y, z)-order matrix, translation and center."""
        return self.matrix[::-1, ::-1].copy(), self.translation[::-1].copy(), self.center[::-1].copy()

    def __repr__(self) -> str:
        return f"AffineTransform(matrix={self.matrix.tolist()!r}, translation={self.translation.tolist()!r}, center={self.center.tolist()!r})"
