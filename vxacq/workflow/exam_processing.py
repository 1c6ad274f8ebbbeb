"""Processing an exam's exposures: the raw frame through the image chain to a DX/MG file, again
with another protocol's preset or display options. :class:`Processing` is mixed into
:class:`vxacq.workflow.exam.Exam`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlmodel import select

from vxacq.db import Image, ImageState, Series
from vxacq.dicom.inputs import SeriesInfo
from vxacq.dicom.uids import new_uid
from vxacq.hal import rawstore
from vxacq.protocols import Protocol
from vxacq.workflow import acquisition
from vxacq.workflow.exam_closing import DOSE_REPORT_SERIES_NUMBER
from vxacq.workflow.exam_types import ExamError, ImageView
from vxacq.workflow.long_length import Sequence

log = logging.getLogger(__name__)
# A hand correction of a seam is small: registration is off by millimetres, not centimetres.
MAX_SEAM_MOVE_MM = 20.0


class Processing:
    """reprocess, display options and the processing of a stored frame."""

    def reprocess(self, image_id: int, protocol_id: str | None = None, **options: Any) -> ImageView:
        """Process the stored raw frame again with ``protocol_id``'s processing preset and
        target EI (default: the image's own) and display ``options`` (rotation, flip, marker,
        as :func:`vxacq.imaging.chain.process_exposure` takes them). The image gets a new SOP
        Instance UID and file; it must not have been sent yet, so accepted images go back to
        ``acquired`` for review."""
        with self._lock:
            self._open()
            view = self.image(image_id)
            protocol = self._protocol(protocol_id or view.protocol_id)
            old = view.file_path
            # The new UID is written with the new file, or not at all: a failed re-processing
            # leaves the image as it was (its file, UID and state still agree).
            view = self._process(image_id, protocol, protocol_id, options,
                                 SOPInstanceUID=new_uid())
            if not view.error:
                self._remember_display(view, protocol_id, options)
                if old and old != view.file_path:
                    Path(old).unlink(missing_ok=True)
            self._audit("image re-processed", f"{view.SOPInstanceUID} with {protocol.id}")
            self._emit("reprocessed", view, view.error)
        return view

    def seams(self, image_id: int) -> list[tuple[float, float]]:
        """Each seam of a long-length image as last placed: where the next field's first pixel
        lies in the previous field, (rows, columns); [] for an ordinary image."""
        view = self.image(image_id)
        if view.fields < 2:
            return []
        return [(float(r), float(c)) for r, c in Sequence.load(view.raw_path).shifts or []]

    def move_seam(self, image_id: int, seam: int, mm: float) -> ImageView:
        """Move the fields below seam ``seam`` (0 is the first) by ``mm`` along the body (the
        radiographer's correction where registration found the wrong match) and make the image
        again; like any re-processing, it is reviewed again before it is sent."""
        view = self.image(image_id)
        shifts = [list(s) for s in self.seams(image_id)]
        if not 0 <= seam < len(shifts):
            raise ExamError(f"image {view.InstanceNumber} has {len(shifts)} seam(s); there is no "
                            f"seam {seam + 1}")
        if abs(mm) > MAX_SEAM_MOVE_MM:
            raise ExamError(f"a seam moves at most {MAX_SEAM_MOVE_MM:g} mm at a time, "
                            f"not {mm:g} mm")
        spacing = self._pixel_spacing(view)
        shifts[seam][0] += mm / spacing
        self._audit("seam moved", f"{view.SOPInstanceUID}: seam {seam + 1} by {mm:+g} mm")
        return self.reprocess(image_id, shifts=shifts)

    def _pixel_spacing(self, view: ImageView) -> float:
        first = Sequence.load(view.raw_path).fields[0]
        sidecar = rawstore.read_sidecar(Path(first).parent, Path(first).stem)
        return float(sidecar["detector"]["pixel_pitch_mm"])

    def display_options(self, image_id: int) -> dict[str, Any]:
        """The choices of the image's last re-processing (``protocol_id``, rotation, flip,
        marker, crop), kept with its raw frame so they outlive the console; {} when none."""
        view = self.image(image_id)
        try:
            return dict(rawstore.read_sidecar(Path(view.raw_path).parent,
                                              Path(view.raw_path).stem).get("display") or {})
        except (OSError, ValueError):
            return {}

    def _remember_display(self, view: ImageView, protocol_id: str | None,
                          options: dict[str, Any]) -> None:
        keep = {k: options[k] for k in ("rotation", "flip", "marker", "marker_at", "crop")
                if k in options}
        try:
            rawstore.update_sidecar(Path(view.raw_path).parent, Path(view.raw_path).stem,
                                    display={**keep, "protocol_id": protocol_id})
        except (OSError, ValueError) as exc:  # the image is made; only the memory of it fails
            log.warning("image %s: display choices not kept: %s", view.id, exc)

    def _process(self, image_id: int, protocol: Protocol, preset_protocol: str | None,
                 options: dict[str, Any], SOPInstanceUID: str | None = None,
                 preview: bool = False) -> ImageView:
        """Process the raw frame and write the image (with ``SOPInstanceUID``, default the
        row's); on failure keep the raw, leave the row as it was and say why. ``preview``: a
        single frame's quick look is made on the way ("previewed")."""
        from vxacq.imaging.calibration import CalibrationError
        from vxacq.imaging.chain import process_exposure
        from vxacq.imaging.params import load_presets
        from vxacq.imaging.stitching import StitchError

        view = self.image(image_id)
        warnings: list[str] = []
        try:
            params = load_presets().for_protocol(preset_protocol) if preset_protocol else None
            own = self._protocol(view.protocol_id)
            ctx = self._context(image_id, view.InstanceNumber)
            uid = SOPInstanceUID or view.SOPInstanceUID
            if view.fields > 1:
                processed, calibration, ds = self._stitch(view, own, protocol, params, ctx, uid,
                                                          options)
                self._rendered(view, processed)
            else:
                pixels, sidecar = rawstore.load(Path(view.raw_path).parent,
                                                Path(view.raw_path).stem)
                if preview:
                    options = {**options, "preview_to": self._previewed(view)}
                processed, calibration = process_exposure(pixels, sidecar, self.config,
                                                          ei_target=protocol.target_ei,
                                                          params=params, **options)
                self._rendered(view, processed)
                ds = acquisition.build_image(own, sidecar, processed, ctx, SOPInstanceUID=uid)
            if calibration.state != "ok":
                warnings.append(calibration.message)
            path = acquisition.write(ds, self._image_folder())
        except (CalibrationError, StitchError, ValueError, OSError, KeyError) as exc:
            self._processed.pop(image_id, None)  # the review must not show what was not kept
            message = f"no image was made: {exc}; the raw frame is kept, re-process it later"
            log.error("exam %s, image %s: %s", self.study_id, image_id, message)
            return replace(view, error=message)
        # a new file is a new image: reviewed again before it is sent
        self._set_image(image_id, SOPInstanceUID=str(ds.SOPInstanceUID), file_path=str(path),
                        SOPClassUID=str(ds.SOPClassUID), state=ImageState.ACQUIRED,
                        ExposureIndex=processed.ei, TargetExposureIndex=processed.ei_t,
                        DeviationIndex=processed.di)
        return replace(self.image(image_id), warnings=tuple(warnings))

    def _stitch(self, view: ImageView, own: Protocol, protocol: Protocol, params: Any,
                ctx: acquisition.ImageContext, uid: str, options: dict[str, Any]) -> tuple:
        """A long-length image: its sequence's fields stitched (at the seams as last placed,
        else registered) and processed, the seams kept with the sequence for the review."""
        from vxacq.imaging.long_length import process_long_exposure

        sequence = Sequence.load(view.raw_path)
        fields = sequence.stored_fields()
        options = dict(options)
        # the seams as the radiographer moved them, else as last placed, else registered
        shifts = options.pop("shifts") if "shifts" in options else sequence.shifts
        made = process_long_exposure(fields, self.config, ei_target=protocol.target_ei,
                                     params=params, shifts=shifts, **options)
        sequence.shifts = [list(seam.shift) for seam in made.geometry.seams]
        sequence.save(Path(view.raw_path).parent)
        ds = acquisition.build_long_length_image(own, [f.sidecar for f in fields],
                                                 made.processed, ctx, SOPInstanceUID=uid)
        return made.processed, made.calibration, ds

    def _previewed(self, view: ImageView) -> Any:
        """What the chain hands its quick look of ``view``'s frame to (on its own thread)."""
        def keep(preview: Any) -> None:
            self._preview = (view.id, preview)
            self._emit("previewed", view)
        return keep

    def _rendered(self, view: ImageView, processed: Any) -> None:
        """The review can show the pixels while the object is built and written."""
        self._keep_processed(view.id, processed)
        self._emit("rendered", view)

    def _keep_processed(self, image_id: int, processed: Any) -> None:
        kept = {k: v for k, v in self._processed.items() if k != image_id}
        self._processed = {**dict(list(kept.items())[-3:]), image_id: processed}

    def _context(self, image_id: int | None, instance: int) -> acquisition.ImageContext:
        step = self._step
        if image_id is None:
            now = dt.datetime.now().astimezone()
            series = SeriesInfo(SeriesInstanceUID=new_uid(), SeriesNumber=DOSE_REPORT_SERIES_NUMBER,
                                SeriesDate=now.date(), SeriesTime=now.time())
        else:
            with self.db.session() as session:
                row = session.exec(select(Series).join(Image, Image.series_id == Series.id)
                                   .where(Image.id == image_id)).one()
                # created_at is UTC; Series Date/Time are the station's local time
                created = row.created_at
                created = created.replace(tzinfo=created.tzinfo or dt.timezone.utc).astimezone()
                series = SeriesInfo(SeriesInstanceUID=row.SeriesInstanceUID,
                                    SeriesNumber=row.SeriesNumber,
                                    SeriesDate=created.date(), SeriesTime=created.time(),
                                    SeriesDescription=row.ProtocolName,
                                    ProtocolName=row.ProtocolName,
                                    OperatorsName=(self.operator,) if self.operator else ())
        return acquisition.ImageContext(
            patient=step.patient, study=step.study, series=series,
            equipment=acquisition.equipment(self.config), order=step.order,
            performed_step=step.performed, InstanceNumber=max(instance, 1))
