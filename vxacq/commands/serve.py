"""``vxacq serve``: the station's DICOM service without the window.

Runs the outbox (store, commitment, print, MPPS jobs) and the listener (C-ECHO, storage
commitment reports) until SIGTERM or SIGINT, so accepted images keep flowing after the
radiographer closes the console, as a vendor console's DICOM service does. It may share the
data dir with a running console window: each job is claimed with a lease, so no job is sent
twice, and jobs of a process that died are taken over.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading


def register(subparsers: argparse._SubParsersAction, parents: dict) -> None:
    parser = subparsers.add_parser(
        "serve", parents=[parents["config"]],
        help="run the outbox and the DICOM listener without the window (the background service)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vxacq import cli
    from vxacq.db import database_for
    from vxacq.logs import setup_logging
    from vxacq.workflow.runtime import Services

    config = cli.load_config(args, logs=False)
    # a database the service cannot write is refused before anything runs (DatabaseError)
    db = database_for(config.data_dir, full_check=True)  # every page: it runs for weeks
    log_dir = setup_logging(config.data_dir, config.station.log_patient_data, args.verbose)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    services = Services(config, db, application="vxacq serve").start()
    for notice in services.notices:
        print(f"vxacq serve: raw frames: {notice}", file=sys.stderr, flush=True)
    status = services.listener.status
    trail = (f"audit trail forwarded to {config.audit.repository}" if config.audit.repository
             else "audit trail kept locally")
    print(f"vxacq serve: outbox running for {len(config.nodes)} node(s); listener "
          f"{status.describe()}; {trail}; logs in {log_dir}", file=sys.stderr, flush=True)
    try:
        stop.wait()
    finally:
        services.stop()
    print("vxacq serve: stopped", file=sys.stderr, flush=True)
    return 0
