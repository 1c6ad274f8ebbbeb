"""The sub-commands of ``vxacq``, one module each (see ``vxacq/cli.py``)."""
