"""C-STORE throughput: the outbox against DCMTK ``storescu``, both into DCMTK ``storescp``.

Generates 20 DX For Presentation files of 3072×3072 16-bit pixels (18 MB each) in a temp
dir, starts ``storescp --max-pdu 131072`` (DCMTK's largest; ``--scp-max-pdu`` changes it) on
a free loopback port, and
sends the files, one study over one association, several times each way, alternating:
  - through the outbox (enqueue a STORE job, a worker sends it, time until the job is done);
  - with ``storescu`` (one process, one association, the same files);
  - with plain pynetdicom ``send_c_store`` over one association, for comparison;
  - with the ``vxacq store`` command as a whole process (start-up included), next to storescu
    in each round; and a process importing only what the command needs to queue and send
    (its start-up's floor).
Prints one figure per line (medians), the goals beside them: ``store_command_ratio_vs_storescu``
(the command's wall time over storescu's, median of the rounds' pairs; goal <= 1.2) and
``store_ratio_vs_dcmtk`` (the outbox's throughput over storescu's; goal > 1); beside them the
command's CPU time and its floor, ``store_command_floor_ratio_vs_storescu`` (the CPU time of
importing what it needs plus the outbox's own time, over storescu's). storescp writes into a
tmpfs (/dev/shm) when there is one, so the receiving disk does not set the pace of both.
storescp writes each C-STORE-RSP's PDU header and the rest apart without TCP_NODELAY, so each
answer waits for the sender's ACK of the header: storescu (and pynetdicom's own send_c_store)
wait Linux's delayed ACK, ~40 ms per file; the outbox asks for quick ACKs
(vxacq.net.quick_ack) and does not. Part of the difference is that, not the sending itself.

The vxacq package's bytecode is compiled first (``compileall``), as an installed package (the
wheel, the .deb, the bundle) has it: with PYTHONDONTWRITEBYTECODE set and no ``__pycache__``,
every run of the command from a source checkout would compile its modules again.

``make_files`` is shared with benchmarks/stow.py.

With ``--tls`` the same is measured over DICOM TLS instead (certificates made with openssl
by tests/net/certs.py; ``storescp``/``storescu +tls``; the node with ``tls = true``), ending
with ``store_tls_ratio_vs_dcmtk``.

    PYTHONPATH=. python benchmarks/store.py [--files 20] [--size 3072] [--runs 5] [--tls]

The machine may be shared: ``nice -n -10`` (as root) keeps other work from stretching runs.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pynetdicom import AE
from pynetdicom.sop_class import DigitalXRayImageStorageForPresentation

from vxacq import config as configuration
from vxacq.db import JobState, open_database
from vxacq.net.outbox import Outbox
from vxacq.net.store import enqueue_store

MAX_PDU = 131072
ROOT = Path(__file__).resolve().parents[1]


def make_files(folder: Path, count: int, size: int) -> list[Path]:
    """``count`` DX For Presentation files of one study, ``size``² 14-bit pixels each."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 1 << 14, (size, size), dtype=np.uint16).tobytes()
    study = generate_uid()
    files = []
    for number in range(1, count + 1):
        ds = Dataset()
        ds.SOPClassUID = DigitalXRayImageStorageForPresentation
        ds.SOPInstanceUID = generate_uid()
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, generate_uid()
        ds.PatientName, ds.PatientID, ds.Modality = "Bench^Mark", "BENCH", "DX"
        ds.InstanceNumber = number
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 14, 13, 0
        ds.PixelData = pixels
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        path = folder / f"dx{number:02d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        files.append(path)
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("storescp did not start")


def clear(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


def run_storescu(port: int, files: list[Path], tls: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(["storescu", "-aec", "ARCHIVE", *tls, "localhost", str(port),
                    *map(str, files)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


CPU_SECONDS: dict[str, list[float]] = {}  # process -> CPU time (user + system) of each run


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(name: str, command: list[str]) -> float:
    """Wall seconds of one run of ``command``; its CPU seconds go to CPU_SECONDS[name]."""
    cpu = cpu_of_children()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    CPU_SECONDS.setdefault(name, []).append(cpu_of_children() - cpu)
    return wall


def run_command(app: str, config: Path, files: list[Path]) -> float:
    return run_process("command", [app, "store", "archive", *map(str, files),
                                   "--config", str(config)])


# What `vxacq store` imports before it can queue and send, in a process that starts and ends
# as the command does (vxacq.__main__: no cycle collector while importing, no interpreter
# teardown): the floor under its start-up.
IMPORTS = ("import gc; gc.disable(); import os, vxacq.cli, vxacq.commands.store, vxacq.db, "
           "vxacq.net.outbox, vxacq.net.store, vxacq.security.audit; os._exit(0)")


def run_imports() -> float:
    return run_process("imports", [sys.executable, "-c", IMPORTS])


def run_pynetdicom(port: int, files: list[Path]) -> float:
    ae = AE(ae_title="VXACQ")
    ae.add_requested_context(DigitalXRayImageStorageForPresentation, [ExplicitVRLittleEndian])
    ae.maximum_pdu_size = MAX_PDU
    start = time.perf_counter()
    assoc = ae.associate("127.0.0.1", port, ae_title="ARCHIVE", max_pdu=MAX_PDU)
    for path in files:
        status = assoc.send_c_store(path)
        assert status.Status == 0x0000, status
    assoc.release()
    return time.perf_counter() - start


def run_outbox(box: Outbox, db, files: list[Path]) -> float:
    done = threading.Event()
    ids: list[int] = []

    def on_change(job) -> None:
        if job.id in ids and job.finished:
            done.set()

    unsubscribe = box.subscribe(on_change)
    start = time.perf_counter()
    ids.append(enqueue_store(db, "archive", files))
    if not done.wait(600):
        raise RuntimeError("the outbox did not finish")
    elapsed = time.perf_counter() - start
    unsubscribe()
    [job] = box.wait_for(ids, timeout=5)
    assert job.state == JobState.DONE, job.last_error
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--size", type=int, default=3072)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scp-max-pdu", type=int, default=MAX_PDU,
                        help="storescp --max-pdu: the PDU size every sender must keep to "
                        "(DCMTK's own default is 16384)")
    parser.add_argument("--tls", action="store_true", help="over DICOM TLS (storescu +tls)")
    parser.add_argument("--app", default=str(Path(sys.executable).with_name("vxacq")),
                        help="the vxacq executable for the command figures (default: the venv's)")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "vxacq", quiet=1)  # as installed (see the docstring)

    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory() as tmp, \
            tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as received:
        folder, out = Path(tmp), Path(received)
        files = make_files(folder, args.files, args.size)
        megabytes = sum(p.stat().st_size for p in files) / 1e6
        port = free_port()
        scp_tls: list[str] = []
        scu_tls: list[str] = []
        node_tls: dict[str, str | bool] = {}
        if args.tls:
            sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "net"))
            import certs

            pki = certs.make(folder / "pki")
            scp_tls = ["+tls", str(pki.server.key), str(pki.server.cert), "+cf", str(pki.ca)]
            scu_tls = ["+tls", str(pki.client.key), str(pki.client.cert), "+cf", str(pki.ca)]
            node_tls = {"tls": True, "tls_ca": str(pki.ca), "tls_cert": str(pki.client.cert),
                        "tls_key": str(pki.client.key)}
        scp = subprocess.Popen(["storescp", "--aetitle", "ARCHIVE", "--max-pdu", str(args.scp_max_pdu),
                                *scp_tls, "-od", str(out), str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        config = configuration.from_dict({
            "station": {"data_dir": str(folder / "data")},
            "node": [{"name": "archive", "ae_title": "ARCHIVE", "host": "localhost",
                      "port": port, "services": ["store"], "max_pdu": MAX_PDU, **node_tls}],
        })
        toml = folder / "vxacq.toml"
        toml.write_text(f'[station]\ndata_dir = "{folder / "command-data"}"\n\n[[node]]\n'
                        f'name = "archive"\nae_title = "ARCHIVE"\nhost = "localhost"\n'
                        f'port = {port}\nservices = ["store"]\nmax_pdu = {MAX_PDU}\n'
                        + "".join(f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}\n"
                                  for k, v in node_tls.items()))
        db = open_database(folder / "data" / "vxacq.sqlite")
        box = Outbox(config, db, owner="benchmark")
        box.start()
        try:
            wait_listening(port)
            runs = [("dcmtk", lambda: run_storescu(port, files, scu_tls)),
                    ("command", lambda: run_command(args.app, toml, files)),
                    ("outbox", lambda: run_outbox(box, db, files)),
                    ("imports", run_imports)]
            if not args.tls:
                runs.append(("pynetdicom", lambda: run_pynetdicom(port, files)))
            times: dict[str, list[float]] = {name: [] for name, _ in runs}
            for _ in range(args.runs):
                for name, run in runs:
                    times[name].append(run())
                    if name != "imports":
                        assert len(list(out.iterdir())) == len(files)
                        clear(out)
        finally:
            box.stop()
            db.close()
            scp.terminate()
            scp.wait(10)
        shutil.rmtree(folder / "data", ignore_errors=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    prefix = "store_tls" if args.tls else "store"
    print(f"# {args.runs} rounds of {args.files} files ({megabytes:.0f} MB), niceness "
          f"{os.nice(0)}")
    print(f"{prefix}_storescu_s {median['dcmtk']:.2f}")
    print(f"{prefix}_command_s {median['command']:.2f}")
    ratio = statistics.median(c / d for c, d in zip(times["command"], times["dcmtk"]))
    print(f"{prefix}_command_ratio_vs_storescu {ratio:.2f} (goal <= 1.2; "
          f"{'met' if ratio <= 1.2 else 'NOT met'})")
    cpu = {name: statistics.median(values) for name, values in CPU_SECONDS.items()}
    print(f"{prefix}_command_cpu_s {cpu['command']:.2f} (user + system)")
    # The floor: the command cannot take less than the CPU time of its imports (its wall time
    # on an idle core) plus the outbox's own check, queuing and send.
    floor = statistics.median((i + o) / d for i, o, d in
                              zip(CPU_SECONDS["imports"], times["outbox"], times["dcmtk"]))
    print(f"{prefix}_command_imports_s {median['imports']:.2f} (cpu {cpu['imports']:.2f}; "
          f"the modules it needs to queue and send)")
    print(f"{prefix}_command_floor_ratio_vs_storescu {floor:.2f} (the imports' CPU time plus "
          "the outbox's time, over storescu's)")
    del median["command"], median["imports"]
    for name in median:
        print(f"{prefix}_{name}_mb_s {megabytes / median[name]:.0f}")
        print(f"{prefix}_{name}_files_s {args.files / median[name]:.1f}")
    if "pynetdicom" in median:
        print(f"store_pynetdicom_ratio_vs_dcmtk {median['dcmtk'] / median['pynetdicom']:.2f}")
    outbox = median["dcmtk"] / median["outbox"]
    print(f"{prefix}_ratio_vs_dcmtk {outbox:.2f} (the outbox's throughput over storescu's; "
          f"goal > 1; {'met' if outbox > 1 else 'NOT met'})")


if __name__ == "__main__":
    main()
