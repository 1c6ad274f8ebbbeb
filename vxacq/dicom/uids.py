"""The project's UID root and the UIDs it mints.

VXacq owns no registered OID, so its root lives under the UUID-derived arc 2.25 (PS3.5 B.2):
one fixed UUID, chosen once, names the implementation; every instance UID is a fresh 2.25 UID.
"""

from pydicom.uid import (
    UID, DigitalMammographyXRayImageStorageForPresentation, DigitalXRayImageStorageForPresentation,
    GrayscaleSoftcopyPresentationStateStorage, KeyObjectSelectionDocumentStorage,
    XRayRadiationDoseSRStorage, generate_uid,
)

from vxacq.dicom.implementation import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, VXACQ_ROOT

ImplementationClassUID = UID(IMPLEMENTATION_CLASS_UID)
ImplementationVersionName = IMPLEMENTATION_VERSION_NAME

# The storage SOP classes of the objects the console creates (dx, mg, rdsr, presentation
# state and kos builders): what
# the conformance statement lists for the Storage SCU. A test keeps the builders to this list.
STORAGE_SOP_CLASSES = (
    DigitalXRayImageStorageForPresentation,
    DigitalMammographyXRayImageStorageForPresentation,
    XRayRadiationDoseSRStorage,
    GrayscaleSoftcopyPresentationStateStorage,
    KeyObjectSelectionDocumentStorage,
)


def new_uid() -> UID:
    """A fresh, globally unique UID (2.25 + a random UUID)."""
    return generate_uid(prefix=None)


def device_uid(station_name: str) -> UID:
    """A stable Device UID (0018,1002) for this console: the same on every start, different
    for every host and station name (a name-based UUID under 2.25)."""
    import socket
    import uuid

    name = uuid.uuid5(uuid.UUID(int=int(VXACQ_ROOT.split(".")[-1])), f"{socket.getfqdn()}/{station_name}")
    return UID(f"2.25.{name.int}")
