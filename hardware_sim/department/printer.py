"""Demo-only Basic Grayscale Print SCP (PS3.4 H): a printer that keeps a record of each film.

Film Session and Film Box N-CREATE (the film box makes one Image Box per position of its
Image Display Format), Image Box N-SET, N-ACTION print, N-DELETE and the Printer's N-GET are
answered; each printed film is written to ``folder`` as ``film-<n>.json`` (format, film size,
the size of each image) so the demo shows what was printed.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import evt
from pynetdicom.sop_class import (
    BasicFilmBox, BasicFilmSession, BasicGrayscaleImageBox, BasicGrayscalePrintManagementMeta,
    Printer,
)

log = logging.getLogger(__name__)


def _boxes(display_format: str) -> int:
    """Image boxes of a STANDARD\\c,r format (ROW/COL formats: the sum of their counts)."""
    kind, _, spec = display_format.partition("\\")
    numbers = [int(n) for n in re.findall(r"\d+", spec)]
    if kind.upper() == "STANDARD" and len(numbers) == 2:
        return numbers[0] * numbers[1]
    return sum(numbers) or 1


class PrintSCP:
    contexts = (BasicGrayscalePrintManagementMeta,)

    def __init__(self, folder: Path, printer_name: str = "VXacq demo printer") -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.printer_name = printer_name
        self.films: dict[str, Dataset] = {}
        self.images: dict[str, Dataset] = {}
        self.printed = 0
        self._lock = threading.Lock()

    @property
    def handlers(self) -> list[tuple[object, object]]:
        return [(evt.EVT_N_GET, self._on_get), (evt.EVT_N_CREATE, self._on_create),
                (evt.EVT_N_SET, self._on_set), (evt.EVT_N_ACTION, self._on_action),
                (evt.EVT_N_DELETE, self._on_delete)]

    def _on_get(self, event: evt.Event) -> tuple[int, Dataset | None]:
        if event.request.RequestedSOPClassUID != Printer:
            return 0x0112, None
        ds = Dataset()
        ds.PrinterStatus, ds.PrinterStatusInfo, ds.PrinterName = "NORMAL", "NORMAL", self.printer_name
        ds.Manufacturer, ds.ManufacturerModelName = "VXacq", "Demo printer"
        return 0x0000, ds

    def _on_create(self, event: evt.Event) -> tuple[int, Dataset | None]:
        sop_class = event.request.AffectedSOPClassUID
        ds = event.attribute_list
        uid = event.request.AffectedSOPInstanceUID or generate_uid()
        if sop_class == BasicFilmSession:
            pass
        elif sop_class == BasicFilmBox:
            fmt = str(ds.get("ImageDisplayFormat") or "STANDARD\\1,1")
            ds.ImageDisplayFormat = fmt
            boxes = []
            for _ in range(_boxes(fmt)):
                ref = Dataset()
                ref.ReferencedSOPClassUID = BasicGrayscaleImageBox
                ref.ReferencedSOPInstanceUID = generate_uid()
                boxes.append(ref)
            ds.ReferencedImageBoxSequence = boxes
            with self._lock:
                self.films[str(uid)] = ds
        else:
            return 0x0112, None
        if not event.request.AffectedSOPInstanceUID:
            ds.AffectedSOPInstanceUID = uid
        return 0x0000, ds

    def _on_set(self, event: evt.Event) -> tuple[int, Dataset | None]:
        with self._lock:
            self.images[str(event.request.RequestedSOPInstanceUID)] = event.modification_list
        return 0x0000, None

    def _on_action(self, event: evt.Event) -> tuple[int, Dataset | None]:
        if event.action_type != 1:
            return 0x0123, None
        uid = str(event.request.RequestedSOPInstanceUID)
        with self._lock:
            films = [self.films[uid]] if uid in self.films else list(self.films.values())
            for film in films:
                self.printed += 1
                sizes = []
                for ref in film.ReferencedImageBoxSequence:
                    box = self.images.get(str(ref.ReferencedSOPInstanceUID))
                    seq = box.get("BasicGrayscaleImageSequence") if box else None
                    if seq:
                        sizes.append([int(seq[0].Rows), int(seq[0].Columns)])
                record = {"film": self.printed, "ImageDisplayFormat": str(film.ImageDisplayFormat),
                          "FilmSizeID": str(film.get("FilmSizeID", "")), "images": sizes}
                (self.folder / f"film-{self.printed}.json").write_text(json.dumps(record))
                log.info("printer: film %d printed (%d image(s))", self.printed, len(sizes))
        return 0x0000, None

    def _on_delete(self, event: evt.Event) -> int:
        with self._lock:
            self.films.pop(str(event.request.RequestedSOPInstanceUID), None)
        return 0x0000

