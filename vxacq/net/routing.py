"""Automatic routing: where a closed study's images and dose report are sent.

The rule: the study's accepted images and its dose report go to every node with the ``store``
service, each as one STORE job (one association per study and node), unless the station turns
routing off (``station.auto_route = false``) or a node opts out (``auto_store = false``).
The dose report also goes to every node with the ``dose`` service (a dose register, IHE REM)
that is not one of those, as a STORE job of its own (:func:`route_dose_reports`, the one
rule the close, the re-send and the reconciliation all use). Rejected and unreviewed images
stay on the console.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from pynetdicom.sop_class import (
    EnhancedXRayRadiationDoseSRStorage, XRayRadiationDoseSRStorage,
)
from sqlmodel import select

from vxacq.config import Config, NodeConfig
from vxacq.db import Database, Image, ImageState, JobKind, Series
from vxacq.net.outbox import enqueue

log = logging.getLogger(__name__)

DOSE_REPORT_CLASSES = (str(XRayRadiationDoseSRStorage), str(EnhancedXRayRadiationDoseSRStorage))


def store_destinations(config: Config) -> list[NodeConfig]:
    """The nodes a closed study goes to automatically."""
    if not config.station.auto_route:
        return []
    return [node for node in config.nodes_with("store") if node.auto_store]


def study_files(db: Database, study_id: int) -> list[str]:
    """The files to send for a study: accepted images and dose reports (but not one withdrawn
    because its exposures belonged to another patient), in acquisition order."""
    with db.session() as session:
        rows = session.exec(
            select(Image).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id)
            .where((Image.state == ImageState.ACCEPTED)
                   | (Image.SOPClassUID.in_(DOSE_REPORT_CLASSES)
                      & (Image.state != ImageState.REJECTED)))
            .order_by(Series.SeriesNumber, Image.InstanceNumber, Image.id)
        ).all()
    files = []
    for image in rows:
        if image.file_path:
            files.append(image.file_path)
        else:  # written before its row says accepted, so this is a bug or a lost disk
            log.error("image %s of study %s has no file; it cannot be sent",
                      image.SOPInstanceUID, study_id)
    return files


def dose_report_files(db: Database, study_id: int) -> list[str]:
    """The study's dose reports that stand (not withdrawn), oldest first."""
    with db.session() as session:
        rows = session.exec(
            select(Image.file_path).join(Series, Image.series_id == Series.id)
            .where(Series.study_id == study_id, Image.SOPClassUID.in_(DOSE_REPORT_CLASSES),
                   Image.state != ImageState.REJECTED, Image.file_path != "")
            .order_by(Image.id)
        ).all()
    return list(rows)


def route_dose_reports(config: Config, db: Database, study_id: int, *,
                       skip: set[str] = frozenset(),
                       files: Sequence[str | os.PathLike[str]] | None = None) -> list[int]:
    """Queue the study's dose reports to the dose registers (IHE REM), each a STORE job of its
    own; return the job ids. The one rule for closing, re-sending and reconciling: every node
    with the ``dose`` service gets them, whatever ``station.auto_route`` and ``auto_store``
    say (a register that misses an exam is wrong for the whole department), except the nodes
    in ``skip``, which get them with the images already (a node that is both gets a report
    once). ``files``: the reports to send (the one just written at the close), else every
    report of the study that stands. Each file is checked as :func:`enqueue_store` does."""
    from vxacq.net.store import enqueue_store  # the store's wire code, only when queueing

    files = dose_report_files(db, study_id) if files is None else list(files)
    if not files:
        return []
    return [enqueue_store(db, node.name, files, study_id=study_id)
            for node in config.nodes_with("dose") if node.name not in skip]


def route_study(config: Config, db: Database, study_id: int, *,
                extra_files: Sequence[str | os.PathLike[str]] = ()) -> list[int]:
    """Queue a STORE job per destination for the study's files (plus ``extra_files``, e.g. the
    presentation states of its annotations, which the database does not list), and its dose
    reports to the dose registers; return the job ids, none if nothing to send."""
    files = study_files(db, study_id)
    files += [str(Path(f).resolve()) for f in extra_files if str(Path(f).resolve()) not in files]
    if not files:
        return []
    stores = store_destinations(config)
    job_ids = [enqueue(db, JobKind.STORE, node.name, {"files": files}, study_id=study_id)
               for node in stores]
    job_ids += route_dose_reports(config, db, study_id, skip={n.name for n in stores})
    if job_ids:
        log.info("study %s: %d file(s) queued for %d node(s)", study_id, len(files), len(job_ids))
    return job_ids
