"""The reference-level table: the shipped file with sources, the service override, and clear
refusals of wrong values that leave the previous file in place."""

from __future__ import annotations

import re

import pytest

from vxacq.workflow import reference_levels
from vxacq.workflow.reference_levels import ReferenceLevelError


def test_shipped_levels_cite_a_source_and_mark_site_choices() -> None:
    levels = reference_levels.load()
    chest = levels.for_protocol("CHEST_PA")
    assert chest.exposure_dap_Gy_cm2 == 0.1 and "UK NDRL" in chest.source
    assert all(level.source for level in levels.levels.values())
    knee = levels.for_protocol("KNEE_AP")  # no published level shipped: site defaults only
    assert knee.exposure_dap_Gy_cm2 is None and "site choice" in knee.source
    text = reference_levels.DEFAULT_PATH.read_text()
    assert "13 October 2022" in text and "site choice" in text


@pytest.mark.parametrize(("text", "message"), [
    ('[[level]]\nprotocol = "CHEST_PA"\nexposure_dap_Gy_cm2 = -1\nsource = "x"\n',
     "exposure_dap_Gy_cm2 must be a number greater than 0"),
    ('[[level]]\nprotocol = "NO_SUCH"\nexposure_dap_Gy_cm2 = 1\nsource = "x"\n',
     "protocol 'NO_SUCH' is not a protocol"),
    ('[[level]]\nprotocol = "CHEST_PA"\nexposure_dap_Gy_cm2 = 1\n', "source is required"),
    ('[[level]]\nprotocol = "CHEST_PA"\nexposure_dap_Gy_cm2 = 1\nexam_dap_Gy_cm2 = 0.5\n'
     'source = "x"\n', "exam_dap_Gy_cm2 (0.5) is below"),
    ("[defaults]\ndi_low = 2\ndi_high = 1\n", "di_low (2) must be below di_high (1)"),
    ("[defaults]\nei_window = 2\nei_outside = 3\n", "ei_outside (3) cannot exceed"),
    ("[defaults]\nbogus = 1\n", "unknown keys bogus"),
    ("[levels]\n", "unknown sections levels"),
    ("not toml =", "not valid TOML"),
])
def test_a_wrong_override_is_refused_and_the_previous_file_kept(tmp_path, text, message) -> None:
    good = '[[level]]\nprotocol = "KNEE_AP"\nexposure_dap_Gy_cm2 = 0.05\nsource = "local DRL"\n'
    reference_levels.save_override(tmp_path, good)
    with pytest.raises(ReferenceLevelError, match=re.escape(message)) as refused:
        reference_levels.save_override(tmp_path, text)
    assert "reference_levels.toml" in str(refused.value)
    assert (tmp_path / "reference_levels.toml").read_text() == good
    levels = reference_levels.load(tmp_path)
    assert levels.for_protocol("KNEE_AP").exposure_dap_Gy_cm2 == 0.05
    assert levels.for_protocol("CHEST_PA").exposure_dap_Gy_cm2 == 0.1  # shipped, kept
