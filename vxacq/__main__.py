"""``python -m vxacq`` and the ``vxacq`` console script."""

import atexit
import gc
import os
import sys
import threading


def main() -> None:
    gc.disable()  # from the first import on; see vxacq.cli.pause_collection
    from vxacq import cli

    cli.pause_collection()
    code = cli.main(own_process=True)
    if "PySide6" not in sys.modules:
        exit_without_teardown(code)
    sys.exit(code)


def exit_without_teardown(code: int) -> None:
    """End a finished command as the interpreter would, less its teardown.

    Freeing every object of every module one by one (the database, DICOM and network stacks)
    took 0.2-0.3 s after ``vxacq store`` had finished its work. What an exit must do is still
    done here, in the interpreter's order: wait for the threads it would wait for, run the
    exit handlers (logging flushes and closes its files, temporary folders are removed),
    flush the standard streams. Whatever a command writes that must last is committed before
    it returns. Not with Qt loaded: its objects' destructors save state (the window's own
    exit goes the usual way)."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: as at a normal exit
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
