"""``python -m vxacq`` and the ``vxacq`` console script."""

import sys

from vxacq.cli import main as _main


def main() -> None:
    sys.exit(_main())


if __name__ == "__main__":
    main()
