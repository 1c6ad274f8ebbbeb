"""A film session label in any script reaches the printer encoded and declared."""

from io import BytesIO

import pytest
from pynetdicom.dsutils import decode, encode

from vxacq.config import PrintOptions
from vxacq.dicom.printing import film_session


@pytest.mark.parametrize(("label", "station"), [
    ("Παπαδόπουλος ACC-7", "ISO_IR 192"),
    ("山田 太郎", "ISO_IR 100"),  # the station's Latin-1 cannot hold it: UTF-8 is declared
    ("ACC-0001", "ISO_IR 100"),
])
def test_label_is_encoded_in_a_declared_set(label: str, station: str) -> None:
    ds = film_session(PrintOptions(), label, station)
    wire = encode(ds, False, True)  # the N-CREATE attribute list as it goes on the wire
    assert wire is not None
    back = decode(BytesIO(wire), False, True)
    back.decode()
    assert back.FilmSessionLabel == label
    assert ("SpecificCharacterSet" in ds) == (not label.isascii())
