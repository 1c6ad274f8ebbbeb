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
from vxacq.workflow.exam_types import ImageView

log = logging.getLogger(__name__)


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
        keep = {k: options[k] for k in ("rotation", "flip", "marker", "crop") if k in options}
        try:
            rawstore.update_sidecar(Path(view.raw_path).parent, Path(view.raw_path).stem,
                                    display={**keep, "protocol_id": protocol_id})
        except (OSError, ValueError) as exc:  # the image is made; only the memory of it fails
            log.warning("image %s: display choices not kept: %s", view.id, exc)

    def _process(self, image_id: int, protocol: Protocol, preset_protocol: str | None,
                 options: dict[str, Any], SOPInstanceUID: str | None = None) -> ImageView:
        """Process the raw frame and write the image (with ``SOPInstanceUID``, default the
        row's); on failure keep the raw, leave the row as it was and say why."""
        from vxacq.imaging.calibration import CalibrationError
        from vxacq.imaging.chain import process_exposure
        from vxacq.imaging.params import load_presets

        view = self.image(image_id)
        warnings: list[str] = []
        try:
            pixels, sidecar = rawstore.load(Path(view.raw_path).parent, Path(view.raw_path).stem)
            params = load_presets().for_protocol(preset_protocol) if preset_protocol else None
            processed, calibration = process_exposure(pixels, sidecar, self.config,
                                                      ei_target=protocol.target_ei,
                                                      params=params, **options)
            if calibration.state != "ok":
                warnings.append(calibration.message)
            # The review can show the pixels while the file is written.
            self._keep_processed(image_id, processed)
            self._emit("rendered", view)
            own = self._protocol(view.protocol_id)
            ds = acquisition.build_image(own, sidecar, processed,
                                         self._context(image_id, view.InstanceNumber),
                                         SOPInstanceUID=SOPInstanceUID or view.SOPInstanceUID)
            path = acquisition.write(ds, self._image_folder())
        except (CalibrationError, ValueError, OSError, KeyError) as exc:
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
