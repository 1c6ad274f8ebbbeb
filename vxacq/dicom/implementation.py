"""The implementation's identity: its UID root, class UID and version name, as plain strings.

Kept apart from :mod:`vxacq.dicom.uids` so that ``vxacq --version`` can print them without
importing pydicom (a command's start-up stays cheap; see tests/test_startup_imports.py).
"""

from vxacq import __version__

# 2.25 followed by the decimal form of a UUID generated once for this project; never change it.
VXACQ_ROOT = "2.25.168036439950235999936028352497760421298"

IMPLEMENTATION_CLASS_UID = f"{VXACQ_ROOT}.1"
# (0002,0013) is at most 16 characters.
IMPLEMENTATION_VERSION_NAME = f"VXACQ_{__version__}"[:16]
