"""The bundle's entry point: the same ``main`` as the ``vxacq`` console script."""

from vxacq.__main__ import main

if __name__ == "__main__":
    main()
