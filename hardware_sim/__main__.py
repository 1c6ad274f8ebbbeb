"""``python -m hardware_sim``: run the simulated X-ray room until interrupted.

Prints the generator URL (for ``generator_url``) and the detector/control URL (for
``detector_url``). Faults: ``--fault NAME[:VALUE]`` (repeatable) at start, or at run time with a
JSON line ``{"cmd": "fault", "spec": "link-drop"}`` on the control port.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from hardware_sim.detector_models import MODELS
from hardware_sim.simulator import Simulator
from vxacq.hal.faults import FAULTS, parse_fault


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hardware_sim", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="DR4343", choices=sorted(MODELS))
    parser.add_argument("--link", choices=("tcp", "pty"), default="tcp",
                        help="serve the generator on a TCP port or a pty")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--generator-port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--control-port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="timing factor: 1 real time, 0.1 ten times faster")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[:VALUE]",
                        help="inject a fault: " + ", ".join(FAULTS))
    parser.add_argument("--json", action="store_true", help="print the URLs as one JSON line")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as exc:
        print(f"hardware_sim: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(model=args.model, time_scale=args.time_scale, faults=faults, link=args.link)
    sim.start(args.host, args.generator_port, args.control_port)
    urls = {"generator_url": sim.generator_url, "detector_url": sim.detector_url,
            "model": args.model, "faults": [str(f) for f in faults]}
    print(json.dumps(urls) if args.json else
          f"generator_url = \"{sim.generator_url}\"\ndetector_url = \"{sim.detector_url}\"",
          flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sim.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
