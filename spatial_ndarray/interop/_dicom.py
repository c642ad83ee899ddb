"""DICOM series through SimpleITK (GDCM): choosing a series, common tags into ``meta``, slice checks.

A directory may hold several series: without ``series=`` reading it is an error that
lists them (UID, description, number of files). Slices must be evenly spaced along
the normal of their planes and stacked straight along it (no gantry tilt): otherwise
one origin, spacing and direction cannot place them, and reading is refused
(SA-17.4). SimpleITK applies the rescale slope and intercept to the values; they are
kept in ``meta`` for reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._array import SpatialArray
from ._common import accepted_direction, optional

__all__ = ["DICOM_TAGS", "SLICE_TOLERANCE", "read_dicom_series"]

#: The DICOM attributes a series read carries into ``meta`` (keyword -> tag), from its first file, as text.
DICOM_TAGS: dict[str, str] = {
    "Modality": "0008|0060",
    "Manufacturer": "0008|0070",
    "ManufacturerModelName": "0008|1090",
    "PatientID": "0010|0020",
    "PatientName": "0010|0010",
    "StudyInstanceUID": "0020|000d",
    "StudyDescription": "0008|1030",
    "StudyDate": "0008|0020",
    "SeriesInstanceUID": "0020|000e",
    "SeriesDescription": "0008|103e",
    "SeriesNumber": "0020|0011",
    "AcquisitionDate": "0008|0022",
    "BodyPartExamined": "0018|0015",
    "RescaleSlope": "0028|1053",
    "RescaleIntercept": "0028|1052",
}

#: Slices are uneven, or tilted, when a step differs from the median step (or moves in-plane) by more than this
#: fraction of the median step: 1e-3 of a slice, the size of a real geometry difference (SA-17.4).
SLICE_TOLERANCE = 1e-3


@dataclass
class _Series:
    uid: str
    description: str
    files: list[str]
    header: Any


def _header(sitk: Any, path: str) -> Any:
    reader = sitk.ImageFileReader()
    reader.SetFileName(path)
    reader.ReadImageInformation()
    return reader


def _tag(header: Any, tag: str) -> str | None:
    return header.GetMetaData(tag).strip() if header.HasMetaDataKey(tag) else None


def _listing(found: list[_Series]) -> str:
    return "; ".join(f"UID {s.uid!r}, description {s.description!r}, {len(s.files)} files" for s in found)


def _choose(found: list[_Series], series: str | None, directory: Path) -> _Series:
    if series is None:
        if len(found) == 1:
            return found[0]
        raise ValueError(
            f"{directory} holds {len(found)} DICOM series: {_listing(found)}. "
            "Pick one with read(directory, series=<UID or description>)"
        )
    matches = [s for s in found if series in (s.uid, s.description)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValueError(f"no DICOM series in {directory} has UID or description {series!r}; it holds: {_listing(found)}")
    raise ValueError(f"{len(matches)} series in {directory} have description {series!r}: pick one by UID: {_listing(matches)}")


def _vector(text: str | None) -> np.ndarray | None:
    if not text:
        return None
    try:
        return np.array([float(v) for v in text.split("\\")])
    except ValueError:
        return None


def check_slices(positions: np.ndarray, orientation: np.ndarray, name: str) -> None:
    """Refuse slice positions that one regular grid cannot place: uneven steps or a gantry tilt (SA-17.4).

    ``positions`` are ImagePositionPatient rows (x, y, z), ``orientation`` the six
    ImageOrientationPatient cosines (row, then column direction).
    """
    if len(positions) < 2:
        return
    normal = np.cross(orientation[:3], orientation[3:])
    normal = normal / np.linalg.norm(normal)
    order = np.argsort(positions @ normal)
    steps = np.diff(positions[order], axis=0)
    along = steps @ normal
    median = float(np.median(along))
    scale = max(abs(median), 1e-9)
    uneven = np.abs(along - median) > SLICE_TOLERANCE * scale
    if uneven.any():
        raise ValueError(
            f"{name}: slices are unevenly spaced (steps along the slice normal {np.round(along, 6).tolist()} mm; "
            f"one spacing cannot place them). Read the slices one at a time with sn.read(<file>), each at its "
            "own position, and resample them onto one grid with sn.resample"
        )
    sideways = np.linalg.norm(steps - np.outer(along, normal), axis=1)
    if (sideways > SLICE_TOLERANCE * scale).any():
        angle = float(np.degrees(np.arctan2(float(sideways.max()), scale)))
        raise ValueError(
            f"{name}: slices are stacked at {angle:.3g} degrees to their normal (gantry tilt): the volume would be "
            "sheared, which an orthonormal direction cannot hold. Read the slices one at a time with "
            "sn.read(<file>) and resample them onto one grid with sn.resample"
        )


def read_dicom_series(directory: Path, series: str | None) -> SpatialArray:
    """The DICOM series in ``directory`` (the only one, or the one ``series`` names by UID or description)."""
    sitk = optional("SimpleITK", "SimpleITK")
    from ._sitk import read_sitk

    reader = sitk.ImageSeriesReader()
    found = []
    for uid in reader.GetGDCMSeriesIDs(str(directory)):
        files = list(reader.GetGDCMSeriesFileNames(str(directory), uid))
        header = _header(sitk, files[0])
        found.append(_Series(uid, _tag(header, DICOM_TAGS["SeriesDescription"]) or "", files, header))
    if not found:
        raise ValueError(f"no DICOM series in directory {directory}")
    chosen = _choose(found, series, directory)
    name = f"DICOM series {chosen.uid!r} in {directory}"
    reader.SetFileNames(chosen.files)
    reader.MetaDataDictionaryArrayUpdateOn()  # every slice's tags, read once with the pixels
    image = reader.Execute()

    def slice_tag(index: int, tag: str) -> str | None:
        return reader.GetMetaData(index, tag).strip() if reader.HasMetaDataKey(index, tag) else None

    positions = [_vector(slice_tag(i, "0020|0032")) for i in range(len(chosen.files))]
    orientation = _vector(_tag(chosen.header, "0020|0037"))
    record: dict[str, Any] = {}
    if orientation is not None and orientation.size == 6:
        # GDCM orthonormalises the cosines itself; the readers' rule (SA-17.1) judges the header's own
        _, record = accepted_direction(orientation.reshape(2, 3).T, name)
        if all(p is not None and p.size == 3 for p in positions):
            check_slices(np.array(positions), orientation, name)
    array = read_sitk(image, view=False, source=name)
    meta = array.meta
    meta.update(record)
    for keyword, tag in DICOM_TAGS.items():
        value = _tag(chosen.header, tag)
        if value is not None:
            meta[keyword] = value
    return array
