"""The demo department (hardware_sim/department) driven by the real console code: worklist with
international names, MPPS, store + commitment reported on a new association, and print."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pydicom

from hardware_sim.department import DemoDepartment
from hardware_sim.department.orders import PATIENTS
from tests import peers
from tests.workflow.conftest import write_station
from vxacq import config as configuration
from vxacq.db import database_for
from vxacq.workflow.exam import Exam
from vxacq.workflow.history import image_status
from vxacq.workflow.orders import list_orders
from vxacq.workflow.runtime import Services, refresh_worklist, run_exam, wait_for_jobs


def test_whole_exam_against_the_demo_department(tmp_path: Path, calibrated_data: Path) -> None:
    port = peers.free_port()
    base = write_station(tmp_path / "station", calibrated_data, "", port)
    with DemoDepartment(tmp_path / "dept", base.station.ae_title, port,
                        detector_model="DRTEST", time_scale=0.05) as dept:
        config = dept.console_config(base)
        db = database_for(config.data_dir)
        with Services(config, db) as services:
            outcome = refresh_worklist(config, db)
            assert outcome == {"ris": f"{len(PATIENTS) - 2} new, 0 changed, 0 unchanged, "
                                      "0 no longer scheduled"}  # the DX orders
            refresh_worklist(config, db, modality="MG")
            orders = list_orders(db)
            assert len(orders) == len(PATIENTS) >= 20
            names = {o.PatientName for o in orders}
            for expected in ("Yamada^Tarou=山田^太郎=やまだ^たろう", "Иванов^Иван^Иванович",
                             "Hong^Gildong=洪^吉洞=홍^길동", "Wang^XiaoDong=王^小东",
                             "Παπαδόπουλος^Νίκος", "Müller^Jürgen"):
                assert expected in names
            assert orders[0].RequestedProcedurePriority == "STAT"
            japanese = next(o for o in orders if o.PatientName.startswith("Yamada"))
            run = run_exam(config, db, services, japanese.AccessionNumber, ["SKULL_AP"], timeout=60)
            assert run.ok, run.unfinished
            image = pydicom.dcmread(run.images[0].file_path)
            assert str(image.PatientName) == japanese.PatientName
            stored = dept.archive.held()
            assert {s.SOPInstanceUID for s in run.per_image} <= stored
            assert all(s.committed == {"pacs": "committed"} for s in run.per_image)
            assert dept.mpps.wait_for("COMPLETED")[0].attributes.PatientName == japanese.PatientName
            # a second exam, printed
            greek = next(o for o in orders if o.PatientName.startswith("Παπαδόπουλος"))
            exam = Exam.start(config, db, greek.id)
            shot = exam.expose("PELVIS_AP")
            exam.accept(shot.id)
            closed = exam.close(print_node="printer")
            assert not wait_for_jobs(db, services.outbox, exam.study_id, timeout=60)
        films = [json.loads(p.read_text()) for p in (tmp_path / "dept" / "printer").glob("film-*.json")]
        assert len(films) == 1 and films[0]["images"] and closed.jobs["print"]
        assert all(s.sent == {"pacs": "sent"} for s in image_status(db, exam.study_id))


def test_demo_worklist_answers_dcmtk_findscu_and_stops_cleanly(tmp_path: Path) -> None:
    import datetime as dt
    import socket

    dept = DemoDepartment(tmp_path / "dept", "VXACQ_DEMO", peers.free_port(),
                          detector_model="DRTEST")
    with dept:
        ris = peers.Peer(name="demo-ris", ae_title="DEMO_RIS", host="127.0.0.1",
                         port=dept.ports["ris"], workdir=tmp_path, log_path=tmp_path / "ris.log",
                         process=None)  # type: ignore[arg-type]  # not ours to stop
        today = dt.date.today().strftime("%Y%m%d")
        keys = {"PatientName": "", "PatientID": "", "AccessionNumber": "",
                "SpecificCharacterSet": "",
                "ScheduledProcedureStepSequence[0].ScheduledStationAETitle": "VXACQ_DEMO",
                "ScheduledProcedureStepSequence[0].Modality": "MG",
                "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate": today}
        answers = peers.findscu(ris, keys, workdir=tmp_path)
        assert {str(a.PatientName) for a in answers} == {
            "Suzuki^Hanako=鈴木^花子=すずき^はなこ", "Yılmaz^Ayşe"}
        assert all("RequestedProcedureDescription" not in a for a in answers)  # not asked for
        wildcard = peers.findscu(ris, {"PatientName": "dub*", "PatientID": ""},
                                 workdir=tmp_path / "w")
        assert [str(a.PatientName) for a in wildcard] == ["Dubois^Amélie"]
        ports = dict(dept.ports, simulator=int(dept.simulator.detector_url.rsplit(":", 1)[1]))
    for port in ports.values():  # nothing the department opened still listens
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_demo_nodes_answer_echo_and_the_pacs_offers_priors(tmp_path: Path) -> None:
    from vxacq.workflow.priors import find_priors
    from vxacq.workflow.station import echo_node

    port = peers.free_port()
    dept = DemoDepartment(tmp_path / "dept", "VXACQ_DEMO", port, detector_model="DRTEST")
    with dept:
        config = dept.console_config(configuration.Config(
            station=configuration.StationConfig(ae_title="VXACQ_DEMO", listen_port=port)))
        for node in config.nodes:
            result = echo_node(config, node)
            assert result.ok, result.message
            # and DCMTK's echoscu agrees
            assert peers.echo(peers.Peer(name=node.name, ae_title=node.ae_title,
                                         host=node.host, port=node.port, workdir=tmp_path,
                                         log_path=tmp_path / "x.log", process=None))  # type: ignore[arg-type]
        assert [n.name for n in config.nodes_with("query")] == ["pacs"]
        answer = find_priors(config, "DEMO0006")  # Yamada: Japanese names, two earlier studies
        assert not answer.errors and answer.asked == ["pacs"]
        assert len(answer.priors) == 1 + 6 % 3
        dates = [p.study.StudyDate for p in answer.priors]
        assert dates == sorted(dates, reverse=True)
        assert answer.priors[0].study.PatientName == "Yamada^Tarou=山田^太郎=やまだ^たろう"
        assert answer.priors[0].study.StudyDescription == "XR SKULL AP"
        pacs = next(n for n in config.nodes if n.name == "pacs")
        found = peers.findscu(peers.Peer(name="pacs", ae_title=pacs.ae_title, host=pacs.host,
                                         port=pacs.port, workdir=tmp_path,
                                         log_path=tmp_path / "p.log", process=None),  # type: ignore[arg-type]
                              ["QueryRetrieveLevel=STUDY", "PatientID=DEMO0002",
                               "StudyInstanceUID", "StudyDate"], model="study",
                              workdir=tmp_path / "f")
        assert len(found) == 1 + 2 % 3


def test_the_demo_pacs_retrieves_a_demo_patients_prior_by_move_and_get(tmp_path: Path) -> None:
    """The earlier studies have images (made once from the simulator's phantom, then kept);
    C-MOVE to the console's listener and C-GET both bring them."""
    from vxacq.workflow import priors

    port = peers.free_port()
    dept = DemoDepartment(tmp_path / "dept", "VXACQ_DEMO", port, detector_model="DRTEST")
    with dept:
        config = dept.console_config(configuration.Config(
            station=configuration.StationConfig(ae_title="VXACQ_DEMO", listen_port=port,
                                                listen_address="127.0.0.1",
                                                data_dir=str(tmp_path / "data"))))
        answer = priors.find_priors(config, "DEMO0002", modality="DX")  # Dubois: a left knee
        assert answer.priors, answer.errors
        study = answer.priors[0].study
        assert study.StudyDescription == "XR KNEE LEFT"
        moved = priors.retrieve_prior(config, "pacs", study.StudyInstanceUID, PatientID="DEMO0002")
        assert len(moved.files) == study.NumberOfStudyRelatedInstances and not moved.partial
        kept = sorted(p.name for p in (tmp_path / "dept" / "priors" / study.StudyInstanceUID).iterdir())
        pacs = next(n for n in config.nodes if n.name == "pacs")
        got_config = replace(config, nodes=[replace(pacs, retrieve="get")])
        got = priors.retrieve_prior(got_config, "pacs", study.StudyInstanceUID, PatientID="DEMO0002")
        assert sorted(p.name for p in got.files) == sorted(p.name for p in moved.files)
        assert sorted(p.name for p in (tmp_path / "dept" / "priors" / study.StudyInstanceUID).iterdir()) == kept
        shown = priors.priors_for_patient(config, "DEMO0002", "KNEE", "AP")
        assert shown and shown[0].BodyPartExamined == "KNEE"
        pixels = priors.prior_pixels(shown[0])
        assert pixels.pixels.shape == (256, 256) and pixels.pixels.max() > pixels.pixels.min()
