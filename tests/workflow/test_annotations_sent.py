"""Annotations (GSPS) travel with their accepted images against the real peers: listed in the
MPPS's performed series, stored at the archive at close and again when the study is re-sent;
a rejected image's annotations are never sent nor listed."""

from __future__ import annotations

from tests import peers
from tests.workflow.conftest import Department
from tests.workflow.test_exam import orthanc_instances, start_exam
from vxacq.net.outbox import get_job
from vxacq.workflow.annotations import (
    TextNote, presentation_state_path, queue_annotations, read_header, save_annotations,
)
from vxacq.workflow.history import resend
from vxacq.workflow.runtime import Services, wait_for_jobs


def test_annotations_are_listed_in_the_mpps_and_sent_with_their_accepted_image(
        department: Department) -> None:
    dept = department
    with Services(dept.config, dept.db) as services:
        exam = start_exam(dept, "ACC2101")
        rejected, accepted = exam.expose("CHEST_PA"), exam.expose("CHEST_LAT")
        for view in (rejected, accepted):
            save_annotations(view.file_path, [TextNote("WEIGHT BEARING", (20.0, 30.0))])
        kept_back = read_header(presentation_state_path(rejected.file_path))
        gsps = read_header(presentation_state_path(accepted.file_path))
        exam.reject(rejected.id, "Positioning")
        exam.accept(accepted.id)
        closed = exam.close()
        assert queue_annotations(dept.config, dept.db, exam.study_id)  # as the window does
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        report = read_header(closed.dose_report)
        sent = {accepted.SOPInstanceUID, report.SOPInstanceUID, gsps.SOPInstanceUID}
        assert orthanc_instances(dept.archive) == sent  # not the rejected image's GSPS

        # (a) the MPPS lists the GSPS in its own series, as a non-image instance
        (done,) = dept.mpps.wait_for("COMPLETED")
        listed = {s.SeriesInstanceUID: {(r.ReferencedSOPClassUID, r.ReferencedSOPInstanceUID)
                                        for r in s.ReferencedNonImageCompositeSOPInstanceSequence}
                  for s in done.attributes.PerformedSeriesSequence}
        assert listed[gsps.SeriesInstanceUID] == {(gsps.SOPClassUID, gsps.SOPInstanceUID)}
        everything = {uid for refs in listed.values() for _, uid in refs}
        assert kept_back.SOPInstanceUID not in everything

        # (b) re-sent from the history: the archive gets the GSPS back with its image
        for instance in peers.orthanc_rest(dept.archive, "/instances"):
            peers.orthanc_rest(dept.archive, f"/instances/{instance}", method="DELETE")
        assert orthanc_instances(dept.archive) == set()
        jobs = resend(dept.config, dept.db, exam.study_id)
        assert not wait_for_jobs(dept.db, services.outbox, exam.study_id, timeout=90)
        files = get_job(dept.db, jobs[0]).payload["files"]
        assert str(presentation_state_path(accepted.file_path)) in files
        assert str(presentation_state_path(rejected.file_path)) not in files
        assert orthanc_instances(dept.archive) == sent
