"""Demo-only Study Root Query/Retrieve C-MOVE and C-GET SCP: the archive's studies and the demo
patients' earlier ones, so priors can be retrieved and shown beside a new image.

The earlier studies (:func:`hardware_sim.department.orders.demo_priors`) get their images the
first time they are retrieved: the simulator's phantom for the study's body part, rendered as
a plain attenuation image and written once into the department's ``priors`` folder (kept there,
so later retrieves send the same images). C-MOVE sends to the consoles the department knows
(AE title → host, port); any other destination is answered 0xA801 by pynetdicom.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    DigitalMammographyXRayImageStorageForPresentation, DigitalXRayImageStorageForPresentation,
    ExplicitVRLittleEndian, generate_uid,
)
from pynetdicom import build_context, evt
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelGet, StudyRootQueryRetrieveInformationModelMove,
)

from hardware_sim import phantoms

log = logging.getLogger(__name__)

# description word → (phantom, BodyPartExamined, ViewPosition)
BODY_PARTS = {"CHEST": ("chest", "CHEST", "PA"), "KNEE": ("knee", "KNEE", "AP"),
              "HAND": ("hand", "HAND", "PA"), "PELVIS": ("pelvis", "PELVIS", "AP"),
              "SKULL": ("skull", "SKULL", "AP"), "MAMMO": ("breast", "BREAST", "CC")}
SIZE = 256  # pixels each way: enough to compare, quick to render
# linear attenuation (1/mm) at a typical DR beam, for the demo's look only
MU = {"soft": 0.02, "bone": 0.05, "lung": 0.004, "air": 0.0}


def _body(description: str) -> tuple[str, str, str]:
    for word, found in BODY_PARTS.items():
        if word in description.upper():
            return found
    return BODY_PARTS["CHEST"]


def render(description: str) -> np.ndarray:
    """The phantom of ``description``'s body part as a 12-bit image (bright is dense)."""
    phantom, _part, _view = _body(description)
    span = 430.0 if phantom in ("chest", "pelvis") else 240.0
    grid = np.linspace(-span / 2, span / 2, SIZE)
    maps = phantoms.draw(phantom, grid, grid)
    path = sum((MU.get(material, 0.02) * thickness for material, thickness in maps.items()),
               np.zeros((SIZE, SIZE), np.float32))
    return np.round(4095 * (1 - np.exp(-path))).astype(np.uint16)


def prior_instances(record: Dataset, folder: Path) -> list[Path]:
    """The images of one earlier study, written the first time they are asked for."""
    study = folder / str(record.StudyInstanceUID)
    if study.is_dir():
        found = sorted(study.glob("*.dcm"))
        if found:
            return found
    study.mkdir(parents=True, exist_ok=True)
    _phantom, part, view = _body(str(record.StudyDescription))
    mammo = "MG" in list(record.get("ModalitiesInStudy", []))
    pixels = render(str(record.StudyDescription))
    series = generate_uid(entropy_srcs=[str(record.StudyInstanceUID), "series"])
    out = []
    for number in range(1, int(record.get("NumberOfStudyRelatedInstances", 1) or 1) + 1):
        ds = Dataset()
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.SOPClassUID = (DigitalMammographyXRayImageStorageForPresentation if mammo
                          else DigitalXRayImageStorageForPresentation)
        ds.SOPInstanceUID = generate_uid(entropy_srcs=[str(record.StudyInstanceUID), str(number)])
        for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex",
                        "StudyDate", "StudyTime", "AccessionNumber", "StudyID",
                        "StudyDescription", "ReferringPhysicianName", "StudyInstanceUID"):
            setattr(ds, keyword, record.get(keyword, ""))
        ds.SeriesInstanceUID, ds.SeriesNumber, ds.InstanceNumber = series, 1, number
        ds.Modality = "MG" if mammo else "DX"
        ds.BodyPartExamined, ds.ViewPosition = part, view
        ds.SeriesDescription = f"{part} {view} (demo prior)"
        ds.PresentationIntentType = "FOR PRESENTATION"
        ds.Rows = ds.Columns = SIZE
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.WindowCenter, ds.WindowWidth = 2048, 4096
        ds.PixelData = pixels.tobytes()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        path = study / f"{ds.SOPInstanceUID}.dcm"
        ds.save_as(path.with_suffix(".partial"), enforce_file_format=True)
        path.with_suffix(".partial").replace(path)
        out.append(path)
    return out


class StudyRetriever:
    def __init__(self, archive: Path, priors: Path, earlier: list[Dataset],
                 consoles: dict[str, tuple[str, int]]) -> None:
        self.archive, self.priors = Path(archive), Path(priors)
        self.earlier = {str(r.StudyInstanceUID): r for r in earlier}
        self.consoles = consoles
        self.contexts = [StudyRootQueryRetrieveInformationModelMove,
                         StudyRootQueryRetrieveInformationModelGet]
        # C-GET sends on the caller's association: it must be able to take the SCP role
        self.scu_roles = [DigitalXRayImageStorageForPresentation,
                          DigitalMammographyXRayImageStorageForPresentation]

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_C_MOVE, self._on_move), (evt.EVT_C_GET, self._on_get)]

    def files(self, StudyInstanceUID: str) -> list[Path]:
        if StudyInstanceUID in self.earlier:
            return prior_instances(self.earlier[StudyInstanceUID], self.priors)
        out = []
        for path in sorted(self.archive.glob("*.dcm")):
            try:
                ds = pydicom.dcmread(path, stop_before_pixels=True,
                                     specific_tags=["StudyInstanceUID"])
            except Exception as exc:  # a file being written or damaged is left out
                log.warning("retrieve: %s unreadable (%s)", path.name, exc)
                continue
            if str(ds.get("StudyInstanceUID", "")) == StudyInstanceUID:
                out.append(path)
        return out

    def _asked(self, event: evt.Event) -> list[Path] | None:
        asked = event.identifier
        if str(asked.get("QueryRetrieveLevel", "")) != "STUDY":
            return None
        return self.files(str(asked.get("StudyInstanceUID", "")))

    def _on_move(self, event: evt.Event) -> Iterator[object]:
        destination = self.consoles.get(event.move_destination.strip())
        if destination is None:
            yield None, None  # pynetdicom answers 0xA801: move destination unknown
            return
        # the storage association proposes the classes of the files it will send
        yield (*destination, {"contexts": [build_context(sop) for sop in sorted(
            {self.sop_class(p) for p in self._asked(event) or []})] or
            [build_context(DigitalXRayImageStorageForPresentation)]})
        yield from self._send(event)

    @staticmethod
    def sop_class(path: Path) -> str:
        return str(pydicom.dcmread(path, stop_before_pixels=True,
                                   specific_tags=["SOPClassUID"]).SOPClassUID)

    def _on_get(self, event: evt.Event) -> Iterator[object]:
        yield from self._send(event)

    def _send(self, event: evt.Event) -> Iterator[object]:
        files = self._asked(event)
        if files is None:
            yield 0
            yield 0xA900, None  # only study level is offered
            return
        yield len(files)
        for path in files:
            if event.is_cancelled:
                yield 0xFE00, None
                return
            yield 0xFF00, pydicom.dcmread(path)
