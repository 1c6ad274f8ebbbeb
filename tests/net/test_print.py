"""Basic Grayscale Print SCU against DCMTK dcmprscp (what it stores shows our film boxes and
images) and, for faults no real printer shows on demand, a pynetdicom printer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import (
    BasicAnnotationBox, BasicFilmBox, BasicFilmSession, BasicGrayscaleImageBox,
    BasicGrayscalePrintManagementMeta,
)

import peers
from small_images import ramp, write_dx
from vxacq import cli
from vxacq import config as configuration
from vxacq.config import FILM_SIZES, PrintOptions
from vxacq.db import JobKind, JobState, open_database
from vxacq.dicom.printing import presentation_pixels
from vxacq.net import printing
from vxacq.net.association import DicomNetworkError
from vxacq.net.outbox import Outbox, enqueue

WINDOW = (6000.0, 9000.0)  # center, width over a 14-bit ramp


# --- dcmprscp (tests/peers.py) -----------------------------------------------------------------

STATEMENT_FORMATS = ("1,1", "1,2", "2,1", "2,2")


def start_printer(tmp_path: Path, **options: Any):
    """dcmprscp as a printer of the VXvue statement: every film size and layout of it."""
    return peers.start_dcmprscp(tmp_path / "peers", film_sizes=FILM_SIZES,
                                display_formats=STATEMENT_FORMATS, **options)


def make_config(tmp_path: Path, port: int, ae_title: str = "PRINTSCP",
                **print_options: Any) -> configuration.Config:
    return configuration.from_dict({
        "station": {"data_dir": str(tmp_path / "data")},
        "node": [{"name": "printer", "ae_title": ae_title, "host": "127.0.0.1", "port": port,
                  "services": ["print"], "retries": 1, "retry_delay": 0.1,
                  "print": print_options}],
    })


def images(tmp_path: Path, count: int, **kwargs: Any) -> list[Path]:
    paths = []
    for n in range(count):
        path = tmp_path / f"image{n}.dcm"
        write_dx(path, **kwargs)
        paths.append(path)
    return paths


def expected_window(pixels: np.ndarray, center: float, width: float, top: int) -> np.ndarray:
    """PS3.3 C.11.2.1.2.1 LINEAR, written out here on its own."""
    out = np.empty(pixels.shape)
    x = pixels.astype(float)
    low, high = center - 0.5 - (width - 1) / 2, center - 0.5 + (width - 1) / 2
    out[x <= low] = 0
    out[x > high] = top
    middle = (x > low) & (x <= high)
    out[middle] = ((x[middle] - (center - 0.5)) / (width - 1) + 0.5) * top
    return np.rint(out)


def film_boxes(printer: peers.Peer) -> list[tuple[Dataset, list[Dataset]]]:
    """Each stored print's film box and its image boxes, in position order."""
    out = []
    for path in peers.printed_objects(printer)["stored_print"]:
        sp = dcmread(path)
        boxes = sorted(sp[0x2130, 0x0040].value, key=lambda b: b.ImageBoxPosition)
        out.append((sp[0x2130, 0x0030].value[0], boxes))
    return out


def hardcopy(printer: peers.Peer, box: Dataset) -> Dataset:
    uid = box.ReferencedImageSequence[0].ReferencedSOPInstanceUID
    [found] = [ds for ds in map(dcmread, peers.printed_objects(printer)["hardcopy"])
               if ds.SOPInstanceUID == uid]
    return found


# --- against dcmprscp -------------------------------------------------------------------------


def test_films_show_our_film_box_and_our_images(tmp_path: Path, dcmprscp: peers.Peer) -> None:
    config = make_config(tmp_path, dcmprscp.port, layout="STANDARD\\1,2", trim=True,
                         true_size=True, orientation="LANDSCAPE", film_size="11INX14IN",
                         magnification_type="BILINEAR", min_density=30, max_density=300,
                         border_density="WHITE", empty_image_density="BLACK")
    paths = images(tmp_path, 3, window=WINDOW, spacing=0.15)
    result = printing.print_images(config, config.node("printer"), printing.read_images(paths))
    assert [len(f["images"]) for f in result.films] == [2, 1]
    assert result.printer["PrinterStatus"] == "NORMAL"
    films = film_boxes(dcmprscp)
    assert len(films) == 2
    for film, boxes in films:
        assert film.ImageDisplayFormat == "STANDARD\\1,2"
        assert film.FilmOrientation == "LANDSCAPE"
        assert film.FilmSizeID == "11INX14IN"
        assert film.MagnificationType == "BILINEAR"
        assert (film.MinDensity, film.MaxDensity) == (30, 300)
        assert film.BorderDensity == "WHITE" and film.EmptyImageDensity == "BLACK"
        assert film.Trim == "YES"
        for position, box in enumerate(boxes, start=1):
            assert box.ImageBoxPosition == position
            assert float(box.RequestedImageSize) == pytest.approx(48 * 0.15, abs=0.01)
            image = hardcopy(dcmprscp, box)
            assert (image.BitsStored, image.PhotometricInterpretation) == (12, "MONOCHROME2")
            assert np.array_equal(image.pixel_array, expected_window(ramp(), *WINDOW, 4095))
    assert sorted(len(boxes) for _f, boxes in films) == [1, 2]


@pytest.mark.parametrize("layout", ["STANDARD\\1,1", "STANDARD\\2,1", "STANDARD\\2,2"])
def test_every_layout(tmp_path: Path, dcmprscp: peers.Peer, layout: str) -> None:
    config = make_config(tmp_path, dcmprscp.port, layout=layout)
    printing.print_images(config, config.node("printer"),
                          printing.read_images(images(tmp_path, 4)))
    columns, rows = map(int, layout.split("\\")[1].split(","))
    films = film_boxes(dcmprscp)
    assert len(films) == 4 // (columns * rows)
    # Trim not sent (the node does not enable it): the printer keeps its default, no trim.
    assert all(f.ImageDisplayFormat == layout and f.get("Trim", "NO") == "NO" for f, _b in films)


def test_every_film_size_of_the_statement(tmp_path: Path) -> None:
    with start_printer(tmp_path) as printer:
        config = make_config(tmp_path, printer.port)
        node = config.node("printer")
        [path] = images(tmp_path, 1)
        image = printing.read_images([path])
        for size in FILM_SIZES:
            printing.print_images(config, node, image,
                                  options=printing.print_options(node, film_size=size))
        assert sorted(f.FilmSizeID for f, _b in film_boxes(printer)) == sorted(FILM_SIZES)


def test_eight_bit_printer(tmp_path: Path) -> None:
    with start_printer(tmp_path, extra_config={"Supports12Bit": "false"}) as scp:
        config = make_config(tmp_path, scp.port, bits=8)
        paths = images(tmp_path, 1, window=WINDOW)
        printing.print_images(config, config.node("printer"), printing.read_images(paths))
        [(_film, [box])] = film_boxes(scp)
        image = hardcopy(scp, box)
        assert (image.BitsAllocated, image.BitsStored) == (8, 8)
        assert np.array_equal(image.pixel_array, expected_window(ramp(), *WINDOW, 255))


def test_twelve_bit_image_to_an_eight_bit_printer_is_a_worded_error(tmp_path: Path) -> None:
    with start_printer(tmp_path, extra_config={"Supports12Bit": "false"}) as scp:
        config = make_config(tmp_path, scp.port)
        with pytest.raises(DicomNetworkError, match=r"refused setting image box 1 \(N-SET\)"):
            printing.print_images(config, config.node("printer"),
                                  printing.read_images(images(tmp_path, 1)))


def test_vxacq_print_command_through_the_outbox(tmp_path: Path, dcmprscp: peers.Peer,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(tmp_path, dcmprscp.port)
    path = tmp_path / "vxacq.toml"
    configuration.save(config, path)
    files = [str(p) for p in images(tmp_path, 2, window=WINDOW)]
    code = cli.main(["print", "--config", str(path), "printer", *files, "--film-size", "8INX10IN",
                     "--layout", "STANDARD\\2,1", "--json"])
    job = json.loads(capsys.readouterr().out)
    assert code == 0, job
    assert job["kind"] == "print" and job["state"] == "done"
    assert len(job["payload"]["result"]["films"]) == 1
    [(film, boxes)] = film_boxes(dcmprscp)
    assert (film.FilmSizeID, film.ImageDisplayFormat, len(boxes)) == \
        ("8INX10IN", "STANDARD\\2,1", 2)


def test_print_command_refuses_bad_input_before_queueing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = make_config(tmp_path, 104)
    path = tmp_path / "vxacq.toml"
    configuration.save(config, path)
    [image] = images(tmp_path, 1)
    assert cli.main(["print", "--config", str(path), "printer", str(image),
                     "--layout", "STANDARD\\3,3"]) == 2
    assert "layout" in capsys.readouterr().err
    assert cli.main(["print", "--config", str(path), "printer", str(tmp_path / "none.dcm")]) == 2
    assert "no such file" in capsys.readouterr().err


# --- a printer that misbehaves on demand (pynetdicom) -----------------------------------------


@dataclass
class FakePrinter:
    """Answers like a printer, with a printer status and refusals set by the test."""

    port: int
    status: str = "NORMAL"
    status_info: str = "READY"
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)  # SOP class -> status
    annotation_boxes: int = 0  # > 0: offers the Basic Annotation Box SOP Class
    created: list[tuple[str, str, Dataset]] = field(default_factory=list)
    annotations: list[Dataset] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _server: Any = None

    def start(self) -> FakePrinter:
        ae = AE(ae_title="FAKEPRINT")
        ae.add_supported_context(BasicGrayscalePrintManagementMeta, ExplicitVRLittleEndian)
        if self.annotation_boxes:
            ae.add_supported_context(BasicAnnotationBox, ExplicitVRLittleEndian)
        handlers = [(evt.EVT_N_GET, self._get), (evt.EVT_N_CREATE, self._create),
                    (evt.EVT_N_SET, self._set), (evt.EVT_N_ACTION, self._action),
                    (evt.EVT_N_DELETE, self._delete)]
        self._server = ae.start_server(("127.0.0.1", self.port), block=False,
                                       evt_handlers=handlers)
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _get(self, event: Any) -> tuple[int, Dataset]:
        self.calls.append(("N-GET", str(event.request.RequestedSOPClassUID)))
        ds = Dataset()
        ds.PrinterStatus = self.status
        ds.PrinterStatusInfo = self.status_info
        ds.PrinterName = "Fake"
        return 0x0000, ds

    def _create(self, event: Any) -> tuple[Any, Dataset | None]:
        sop_class = str(event.request.AffectedSOPClassUID)
        self.calls.append(("N-CREATE", sop_class))
        if sop_class in self.refuse:
            code, comment = self.refuse[sop_class]
            status = Dataset()
            status.Status = code
            status.ErrorComment = comment
            return status, None
        attrs = event.attribute_list
        uid = generate_uid()
        self.created.append((sop_class, uid, attrs))
        reply = Dataset()
        reply.AffectedSOPInstanceUID = uid
        if sop_class == BasicFilmBox:
            columns, rows = map(int, attrs.ImageDisplayFormat.split("\\")[1].split(","))
            reply.ReferencedImageBoxSequence = []
            for _n in range(columns * rows):
                ref = Dataset()
                ref.ReferencedSOPClassUID = BasicGrayscaleImageBox
                ref.ReferencedSOPInstanceUID = generate_uid()
                self.created.append((BasicGrayscaleImageBox, ref.ReferencedSOPInstanceUID, None))
                reply.ReferencedImageBoxSequence.append(ref)
            if "AnnotationDisplayFormatID" in attrs:
                reply.ReferencedBasicAnnotationBoxSequence = []
                for _n in range(self.annotation_boxes):
                    ref = Dataset()
                    ref.ReferencedSOPClassUID = BasicAnnotationBox
                    ref.ReferencedSOPInstanceUID = generate_uid()
                    reply.ReferencedBasicAnnotationBoxSequence.append(ref)
        return 0x0000, reply

    def _set(self, event: Any) -> tuple[int, Dataset]:
        self.calls.append(("N-SET", str(event.request.RequestedSOPInstanceUID)))
        if str(event.request.RequestedSOPClassUID) == BasicAnnotationBox:
            self.annotations.append(event.modification_list)
        return 0x0000, Dataset()

    def _action(self, event: Any) -> tuple[int, None]:
        self.calls.append(("N-ACTION", str(event.request.RequestedSOPInstanceUID)))
        return 0x0000, None

    def _delete(self, event: Any) -> int:
        self.calls.append(("N-DELETE", str(event.request.RequestedSOPInstanceUID)))
        return 0x0000


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakePrinter]:
    printer = FakePrinter(peers.free_port()).start()
    yield printer
    printer.stop()


def test_requests_use_the_uids_the_printer_gave(tmp_path: Path, fake: FakePrinter) -> None:
    config = make_config(tmp_path, fake.port, "FAKEPRINT", copies=3, priority="HIGH",
                         medium_type="CLEAR FILM", film_destination="PROCESSOR")
    printing.print_images(config, config.node("printer"),
                          printing.read_images(images(tmp_path, 1)), label="Room 1")
    (_c, session_uid, session), (_c2, box_uid, box), (_c3, image_box_uid, _n) = fake.created
    assert (session.NumberOfCopies, session.PrintPriority, session.MediumType,
            session.FilmDestination, session.FilmSessionLabel) == (3, "HIGH", "CLEAR FILM",
                                                                    "PROCESSOR", "Room 1")
    ref = box.ReferencedFilmSessionSequence[0]
    assert (ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID) == (BasicFilmSession,
                                                                        session_uid)
    assert "Trim" not in box
    assert [c for c in fake.calls if c[0] != "N-CREATE"] == [
        ("N-GET", "1.2.840.10008.5.1.1.16"), ("N-SET", image_box_uid),
        ("N-ACTION", box_uid), ("N-DELETE", box_uid)]


def test_printer_failure_stops_before_anything_is_created(tmp_path: Path,
                                                          fake: FakePrinter) -> None:
    fake.status, fake.status_info = "FAILURE", "NO FILM"
    config = make_config(tmp_path, fake.port, "FAKEPRINT")
    words = r"reports FAILURE \(NO FILM\); nothing was printed"
    with pytest.raises(DicomNetworkError, match=words) as caught:
        printing.print_images(config, config.node("printer"),
                              printing.read_images(images(tmp_path, 1)))
    assert not caught.value.retryable
    assert [c[0] for c in fake.calls] == ["N-GET"]


def test_printer_warning_prints_and_says_so(tmp_path: Path, fake: FakePrinter) -> None:
    fake.status, fake.status_info = "WARNING", "FILM LOW"
    config = make_config(tmp_path, fake.port, "FAKEPRINT")
    result = printing.print_images(config, config.node("printer"),
                                   printing.read_images(images(tmp_path, 1)))
    assert result.warnings == ["printer status WARNING: FILM LOW"]
    assert ("N-ACTION", result.films[0]["film_box"]) in fake.calls


def test_refused_film_box_fails_the_job_with_words(tmp_path: Path, fake: FakePrinter) -> None:
    fake.refuse[BasicFilmBox] = (0x0106, "Film Size ID not supported")
    config = make_config(tmp_path, fake.port, "FAKEPRINT")
    db = open_database(tmp_path / "vxacq.sqlite")
    try:
        job_id = enqueue(db, JobKind.PRINT, "printer",
                         {"files": [str(p) for p in images(tmp_path, 1)]})
        [job] = Outbox(config, db).drain([job_id], timeout=30)
    finally:
        db.close()
    assert job.state == JobState.FAILED and job.attempts == 1
    assert ("refused creating the film box (N-CREATE): 0x0106 invalid attribute value "
            "(Film Size ID not supported)") in job.last_error


# --- the image for film --------------------------------------------------------------------------


def test_presentation_values_without_window_monochrome1_and_rescale() -> None:
    ds = Dataset()
    pixels = ramp(8, 8, bits=12)
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.BitsAllocated, ds.BitsStored, ds.HighBit = 1, 16, 12, 11
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.RescaleSlope, ds.RescaleIntercept = 2, -100
    ds.PixelData = pixels.astype("<u2").tobytes()
    ds.file_meta = Dataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    out = presentation_pixels(ds, 12)
    # Full range of the rescaled values, then inverted: the brightest value prints black.
    assert out.dtype == np.uint16 and out.max() == 4095 and out.min() == 0
    assert out[0, 0] == 4095 and out[-1, -1] == 0
    assert np.all(np.diff(out.ravel().astype(int)) <= 0)


def test_options_validation() -> None:
    node = configuration.NodeConfig("p", "P", "h", 104, ["print"], print=PrintOptions())
    assert printing.print_options(node, layout="STANDARD\\2,2").layout == "STANDARD\\2,2"
    with pytest.raises(printing.PrintError, match="film size"):
        printing.print_options(node, film_size="30INX40IN")
    with pytest.raises(ValueError, match="STANDARD"):
        printing.print_options(node, layout="ROW\\1,2")


def test_presentation_lut_and_viewing_conditions_where_the_printer_takes_them(
        tmp_path: Path, dcmprscp: peers.Peer) -> None:
    """dcmprscp supports the Presentation LUT SOP Class: the film box references our
    IDENTITY LUT and carries the illumination, reflected light and smoothing we set."""
    config = make_config(tmp_path, dcmprscp.port, illumination=1500,
                         reflected_ambient_light=12, smoothing_type="NONE")
    result = printing.print_images(config, config.node("printer"),
                                   printing.read_images(images(tmp_path, 1)))
    assert result.printer["presentation_lut"] == "used"
    [(film, [box])] = film_boxes(dcmprscp)
    assert (film.Illumination, film.ReflectedAmbientLight) == (1500, 12)
    assert film.SmoothingType == "NONE" and box.SmoothingType == "NONE"
    [sp_path] = peers.printed_objects(dcmprscp)["stored_print"]
    luts = dcmread(sp_path).get((0x2130, 0x0080))  # Presentation LUT Content Sequence
    assert luts is not None and luts.value[0].PresentationLUTShape == "IDENTITY"


def test_a_printer_without_presentation_lut_or_annotation_prints_the_same_film(
        tmp_path: Path, fake: FakePrinter) -> None:
    """The fake printer accepts only the meta SOP class: nothing else is tried."""
    config = make_config(tmp_path, fake.port, "FAKEPRINT", annotation_format="ANNOTATION")
    result = printing.print_images(config, config.node("printer"),
                                   printing.read_images(images(tmp_path, 1)))
    assert (result.printer["presentation_lut"], result.printer["annotation"]) == ("not used",
                                                                                "not used")
    [box] = [attrs for sop_class, _uid, attrs in fake.created if sop_class == BasicFilmBox]
    assert "ReferencedPresentationLUTSequence" not in box
    assert "AnnotationDisplayFormatID" not in box and "Illumination" not in box


def test_demographics_in_the_annotation_boxes(tmp_path: Path) -> None:
    """No real print SCP here supports the Basic Annotation Box SOP Class (dcmprscp says so
    in its configuration), so the fake printer offers it."""
    printer = FakePrinter(peers.free_port(), annotation_boxes=3).start()
    try:
        config = make_config(tmp_path, printer.port, "FAKEPRINT",
                             annotation_format="ANNOTATION")
        paths = images(tmp_path, 1)
        ds = dcmread(paths[0])
        ds.SpecificCharacterSet = "ISO_IR 192"
        ds.PatientName, ds.PatientID, ds.AccessionNumber = "Ωμέγα^Ελένη", "P-77", "ACC-9"
        ds.PatientBirthDate, ds.StudyDate = "19800102", "20261205"
        ds.save_as(paths[0])
        result = printing.print_images(config, config.node("printer"),
                                       printing.read_images(paths))
    finally:
        printer.stop()
    assert result.printer["annotation"] == "used"
    [box] = [attrs for sop_class, _uid, attrs in printer.created if sop_class == BasicFilmBox]
    assert box.AnnotationDisplayFormatID == "ANNOTATION"
    texts = {int(a.AnnotationPosition): a for a in printer.annotations}
    assert texts[1].TextString == "Ωμέγα Ελένη  P-77"
    assert texts[1].SpecificCharacterSet in ("ISO_IR 126", "ISO_IR 192")
    assert texts[2].TextString.startswith("1980-01-02")
    assert texts[3].TextString == "2026-12-05  ACC-9"


@pytest.mark.parametrize("option, value, words", [
    ("smoothing_type", "normal", "smoothing_type 'normal' must be a DICOM code string"),
    ("annotation_format", "A" * 17, "annotation_format"),
    ("illumination", 0, "illumination 0 cd/m² must be 1..100000"),
    ("reflected_ambient_light", -1, "reflected_ambient_light -1"),
    ("bits", 10, "bits must be 8, 12 or 14"),
])
def test_new_print_options_are_checked(tmp_path: Path, option: str, value: Any,
                                       words: str) -> None:
    with pytest.raises(configuration.ConfigError, match=words):
        make_config(tmp_path, 104, **{option: value})


def test_fourteen_bit_image_boxes_for_printers_that_take_them(tmp_path: Path) -> None:
    from vxacq.dicom.printing import image_box

    [path] = images(tmp_path, 1, window=WINDOW)
    box = image_box(dcmread(path), 1, PrintOptions(bits=14)).BasicGrayscaleImageSequence[0]
    assert (box.BitsAllocated, box.BitsStored, box.HighBit) == (16, 14, 13)
    pixels = np.frombuffer(box.PixelData, "<u2")
    assert pixels.max() == 16383 and pixels.min() == 0
