"""Closing an exam: the step COMPLETED or DISCONTINUED, its dose report, the MPPS N-SET and the
store and print jobs queued. :class:`Closing` is mixed into :class:`vxacq.workflow.exam.Exam`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydicom.errors import InvalidDicomError
from sqlmodel import select

from vxacq.db import (
    Image, ImageState, JobKind, Order, OrderState, PerformedStep, Series, Study, StudyState,
)
from vxacq.dicom.inputs import Acquisition, ImageRef
from vxacq.hal import rawstore
from vxacq.workflow.long_length import SEQUENCE_KIND, Sequence
from vxacq.workflow import acquisition, annotations
from vxacq.workflow.exam_types import CloseResult, ExamError, ExamState, ImageView

if TYPE_CHECKING:
    from pydicom.sr.coding import Code

log = logging.getLogger(__name__)

COMPLETED, DISCONTINUED = "COMPLETED", "DISCONTINUED"
DOSE_REPORT_SERIES_NUMBER = 999  # the SR series sorts after the image series


class Closing:
    """close / discontinue and what they write (uses the Exam's db, images and step)."""

    def close(self, *, print_node: str | None = None, layout: str | None = None) -> CloseResult:
        """Complete the step: dose report, MPPS COMPLETED, accepted images and the dose report
        queued to the store nodes, the dose report to the dose registers, and (``print_node``)
        a print job of the accepted images.
        Every image must be accepted or rejected first, and at least one accepted."""
        with self._lock:
            self._open()
            images = self.images()
            pending = [i for i in images if i.state == ImageState.ACQUIRED]
            if pending:
                raise ExamError(f"{len(pending)} image(s) not reviewed yet (instance "
                                f"{', '.join(str(i.InstanceNumber) for i in pending)} of series "
                                f"{', '.join(sorted({str(i.SeriesNumber) for i in pending}))}); "
                                "accept or reject them first")
            accepted = [i for i in images if i.state == ImageState.ACCEPTED]
            if not accepted:
                raise ExamError("no image is accepted; accept one, or discontinue the exam "
                                "with a reason")
            printers = [n.name for n in self.config.nodes_with("print")]
            if print_node is not None and print_node not in printers:
                raise ExamError(f"no print node '{print_node}' in the configuration (print "
                                f"nodes: {', '.join(printers) or 'none'})")
            return self._finish(COMPLETED, None, images, print_node, layout)

    def discontinue(self, reason: str | Code = "DiscontinuedForUnspecifiedReason") -> CloseResult:
        """End the step DISCONTINUED with a CID 9300 reason (a key of
        ``vxacq.dicom.codes.DISCONTINUATION_REASONS`` or a Code). Images already accepted are
        still sent; unreviewed ones are left on the console."""
        from vxacq.dicom.mpps import discontinuation_code

        with self._lock:
            self._open()
            try:
                code = discontinuation_code(reason)
            except ValueError as exc:
                raise ExamError(str(exc)) from None
            return self._finish(DISCONTINUED, code, self.images(), None, None)

    def _finish(self, status: str, reason: Code | None, images: list[ImageView],
                print_node: str | None, layout: str | None) -> CloseResult:
        from vxacq.net.routing import route_dose_reports, store_destinations
        from vxacq.net.store import enqueue_store

        self._emit("closing", message=status)
        now = dt.datetime.now().astimezone()
        report_path, report_ref = self._write_dose_report(images)
        jobs: dict[str, list[int]] = {"mpps": [], "store": [], "dose": [], "print": []}
        if self._step.mpps_create_jobs:
            jobs["mpps"] = self._queue_n_set(status, reason, now, images, report_ref)
        files = [i.file_path for i in images if i.state == ImageState.ACCEPTED and i.file_path]
        if report_path:
            files.append(report_path)
        stores = store_destinations(self.config) if files else []
        for node in stores:
            jobs["store"].append(enqueue_store(self.db, node.name, files, study_id=self.study_id))
        if report_path:  # IHE REM: the dose register gets the report on a job of its own
            jobs["dose"] = route_dose_reports(self.config, self.db, self.study_id,
                                              skip={node.name for node in stores},
                                              files=[report_path])
        if print_node and files:
            from vxacq.net.outbox import enqueue

            # Film Session Label is written without a character set: keep it to the accession.
            payload: dict[str, Any] = {"files": files[:-1] if report_path else files,
                                       "label": self.study.AccessionNumber or self.study.StudyID}
            if layout:
                payload["layout"] = layout
            jobs["print"].append(enqueue(self.db, JobKind.PRINT, print_node, payload,
                                         study_id=self.study_id))
        with self.db.session() as session:
            step = session.get(PerformedStep, self.performed_step_id)
            step.PerformedProcedureStepStatus = status
            step.PerformedProcedureStepEndDate = now.strftime("%Y%m%d")
            step.PerformedProcedureStepEndTime = now.strftime("%H%M%S")
            step.discontinuation_code = reason.value if reason else ""
            session.get(Study, self.study_id).state = StudyState.CLOSED
            study = session.get(Study, self.study_id)
            if study.order_id is not None:
                session.get(Order, study.order_id).state = (
                    OrderState.COMPLETED if status == COMPLETED else OrderState.DISCONTINUED)
        self._state = ExamState.CLOSED
        from vxacq.net.department import enqueue_publish

        # the exam, its exposures and rejections, and its dose, for the department database
        if (job := enqueue_publish(self.config, self.db, self.study_id,
                                   f"exam {status.lower()}")) is not None:
            jobs["publish"] = [job]
        self._audit(f"exam {status.lower()}", reason.meaning if reason else
                    f"{len(files)} file(s) queued to {len(jobs['store'])} node(s)")
        result = CloseResult(status=status, study_id=self.study_id, dose_report=report_path,
                             jobs=jobs)
        self._emit("closed", message=status)
        return result

    def _queue_n_set(self, status: str, reason: Code | None, now: dt.datetime,
                     images: list[ImageView], report_ref: ImageRef | None) -> list[int]:
        """The final N-SET to every node that got the N-CREATE (sent after it, by the outbox)."""
        from vxacq.dicom import mpps as mpps_dicom
        from vxacq.net import mpps as mpps_net

        # Completed as ordered: the scheduled protocol codes were performed (IHE SWF).
        performed = self.order.ScheduledProtocolCodes if self.order and status == COMPLETED else ()
        end = mpps_dicom.StepEnd(status=status, ended=now,
                                 series=self._performed_series(images, report_ref),
                                 discontinuation_reason=reason,
                                 PerformedProcedureStepDescription=self.study.StudyDescription,
                                 ProcedureCodes=self.study.ProcedureCodes,
                                 PerformedProtocolCodes=performed)
        received = tuple(s for s in [self.order.SpecificCharacterSet if self.order else ""] if s)
        attributes = mpps_dicom.n_set(end, self.config.station, received)
        return [mpps_net.enqueue_set(self.db, node, attributes,
                                     instance_uid=self._step.performed.SOPInstanceUID,
                                     after_job=create_job, performed_step_id=self.performed_step_id,
                                     study_id=self.study_id)
                for node, create_job in self._step.mpps_create_jobs.items()]

    def _write_dose_report(self, images: list[ImageView]) -> tuple[str, ImageRef | None]:
        """The X-Ray Radiation Dose SR of every exposure of this step, written and recorded as
        an image row of an SR series (so routing and re-sending find it)."""
        records: list[Acquisition] = []
        mammography = False
        for view in images:
            try:
                sidecars = _exposure_sidecars(view.raw_path)
            except (OSError, ValueError, TypeError) as exc:
                log.error("dose report: exposure %s has no readable sidecar (%s); left out",
                          view.SOPInstanceUID, exc)
                continue
            protocol = self._protocol(view.protocol_id)
            mammography |= protocol.modality == "MG"
            reason = None
            if view.state == ImageState.REJECTED:
                reason = self._reject_code(view.id)
            ref = (ImageRef(self._series_uid(view.id), view.SOPClassUID, view.SOPInstanceUID)
                   if view.state == ImageState.ACCEPTED and view.file_path else None)
            for sidecar in sidecars:  # a long-length image: one irradiation event per field
                record = acquisition.acquisition_record(protocol, sidecar, None, None, reason)
                records.append(replace(record, image=ref, ExposureIndex=view.ExposureIndex,
                                       TargetExposureIndex=view.TargetExposureIndex,
                                       DeviationIndex=view.DeviationIndex,
                                       ImageLaterality=view.laterality or record.ImageLaterality))
        if not records:
            return "", None
        ctx = self._context(None, 0)
        report = acquisition.dose_report(ctx, records, mammography=mammography)
        path = acquisition.write(report, self._image_folder())
        with self.db.session() as session:
            series = Series(SeriesInstanceUID=str(report.SeriesInstanceUID), study_id=self.study_id,
                            performed_step_id=self.performed_step_id, Modality="SR",
                            SeriesNumber=int(report.get("SeriesNumber")
                                             or DOSE_REPORT_SERIES_NUMBER),
                            ProtocolName="Dose report")
            session.add(series)
            session.flush()
            session.add(Image(series_id=int(series.id), SOPInstanceUID=str(report.SOPInstanceUID),
                              SOPClassUID=str(report.SOPClassUID), file_path=str(path),
                              state=ImageState.ACCEPTED))
        ref = ImageRef(str(report.SeriesInstanceUID), str(report.SOPClassUID),
                       str(report.SOPInstanceUID))
        return str(path), ref

    def _performed_series(self, images: list[ImageView], report: ImageRef | None) -> tuple:
        from vxacq.dicom.mpps import PerformedSeries

        with self.db.session() as session:
            rows = session.exec(select(Series).where(
                Series.performed_step_id == self.performed_step_id,
                Series.Modality != "SR").order_by(Series.SeriesNumber)).all()
            series_rows = [(s.id, s.SeriesInstanceUID, s.ProtocolName) for s in rows]
        operators = (self.operator,) if self.operator else ()
        out = []
        for sid, uid, name in series_rows:
            refs = tuple((i.SOPClassUID, i.SOPInstanceUID) for i in images
                         if i.state == ImageState.ACCEPTED and i.file_path
                         and self._series_uid(i.id) == uid)
            out.append(PerformedSeries(SeriesInstanceUID=uid, ProtocolName=name,
                                       OperatorsName=operators, images=refs))
        # the annotations (GSPS) of the accepted images are sent with them, so listed too
        states: dict[str, list[tuple[str, str]]] = {}
        for path in annotations.annotated_images(
                [i.file_path for i in images if i.state == ImageState.ACCEPTED and i.file_path]):
            try:
                header = annotations.read_header(path)
            except (OSError, InvalidDicomError) as exc:  # it cannot be sent either
                log.error("annotations %s unreadable (%s); not listed in the MPPS", path, exc)
                continue
            states.setdefault(str(header.SeriesInstanceUID), []).append(
                (str(header.SOPClassUID), str(header.SOPInstanceUID)))
        out += [PerformedSeries(SeriesInstanceUID=uid, ProtocolName="Annotations",
                                OperatorsName=operators, non_images=tuple(refs))
                for uid, refs in states.items()]
        if report is not None:
            out.append(PerformedSeries(SeriesInstanceUID=report.SeriesInstanceUID,
                                       ProtocolName="Dose report", OperatorsName=operators,
                                       non_images=((report.SOPClassUID, report.SOPInstanceUID),)))
        return tuple(out)


def _exposure_sidecars(raw_path: str) -> list[dict]:
    """The sidecars of the exposures an image is made of: its raw frame's, or each field's of
    a long-length sequence."""
    folder, uid = Path(raw_path).parent, Path(raw_path).stem
    doc = rawstore.read_sidecar(folder, uid)
    if doc.get("kind") != SEQUENCE_KIND:
        return [doc]
    return [rawstore.read_sidecar(Path(raw).parent, Path(raw).stem)
            for raw in Sequence.load(raw_path).fields]
