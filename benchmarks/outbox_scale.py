"""The outbox's per-job overhead as the queue grows: 1,000 small store jobs to DCMTK storescp.

Queues N STORE jobs of one small DX file each (64×64, 16-bit; the network time per job is
small, so what is measured is the outbox's own work per job: claiming, leasing, progress,
finishing and its queries over a job table that fills with done jobs), all queued before
the outbox starts, then starts it against ``storescp`` on a free loopback port and stamps
each job's end. Prints the median time per job for the first and the last 100 jobs and
their ratio (the goal: the last 100 take no longer than the first 100, within noise, i.e.
a ratio under 1.5).

    PYTHONPATH=.:tests python benchmarks/outbox_scale.py [--jobs 1000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation

import peers
from vxacq import config as configuration
from vxacq.db import JobState, open_database
from vxacq.net.outbox import Outbox, list_jobs
from vxacq.net.store import enqueue_store

GOAL_RATIO = 1.5


def small_dx(path: Path) -> Path:
    ds = Dataset()
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.PatientName, ds.PatientID, ds.Modality = "Bench^Mark", "BENCH", "DX"
    ds.Rows = ds.Columns = 64
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 14, 13, 0
    ds.PixelData = np.random.default_rng(0).integers(0, 1 << 14, (64, 64), np.uint16).tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.save_as(path, enforce_file_format=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, peers.start_storescp(tmp, "ARCHIVE") as scp:
        folder = Path(tmp)
        config = configuration.from_dict({
            "station": {"data_dir": str(folder / "data")},
            "node": [{"name": "archive", "ae_title": scp.ae_title, "host": "127.0.0.1",
                      "port": scp.port, "services": ["store"]}]})
        db = open_database(folder / "data" / "vxacq.sqlite", create=True)
        ids = [enqueue_store(db, "archive", [small_dx(folder / f"dx{n:04}.dcm")])
               for n in range(args.jobs)]
        ended: dict[int, float] = {}
        all_done = threading.Event()

        def on_change(job) -> None:
            if job.finished and job.id not in ended:
                ended[job.id] = time.perf_counter()
                if len(ended) == len(ids):
                    all_done.set()

        box = Outbox(config, db, owner="benchmark")
        box.subscribe(on_change)
        started = time.perf_counter()
        box.start()
        try:
            if not all_done.wait(1800):
                raise RuntimeError(f"only {len(ended)} of {len(ids)} jobs ended in 30 min")
        finally:
            box.stop()
        states = {j.state for j in list_jobs(db)}
        db.close()
    assert states == {JobState.DONE}, states
    stamps = [started, *sorted(ended.values())]
    per_job = [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]
    first, last = statistics.median(per_job[:100]), statistics.median(per_job[-100:])
    print(f"outbox_jobs {args.jobs} in {stamps[-1] - started:.1f} s "
          f"(one 8 kB DX file per job, to storescp)")
    print(f"outbox_per_job_first100_ms {first:.1f}")
    print(f"outbox_per_job_last100_ms {last:.1f}")
    print(f"outbox_per_job_growth {last / first:.2f} (goal < {GOAL_RATIO}: no growth)")


if __name__ == "__main__":
    main()
