"""The [hardware] settings this issue added are validated on load."""

import pytest

from vxacq.config import ConfigError, from_dict


def test_hardware_defaults_and_valid_values() -> None:
    config = from_dict({"hardware": {"faults": ["generator-fault:3", "serial-garble:0.1"],
                                     "sync_mode": "aed", "sim_time_scale": 0.1}})
    assert config.hardware.faults == ["generator-fault:3", "serial-garble:0.1"]
    assert from_dict({}).hardware.sync_mode == "triggered"


@pytest.mark.parametrize("hardware, words", [
    ({"faults": ["melted"]}, "hardware: faults: unknown fault 'melted'"),
    ({"faults": ["serial-drop:2"]}, "probability 2 must be between 0 and 1"),
    ({"faults": ["generator-fault:0"]}, "must be a whole number of at least 1"),
    ({"sync_mode": "radio"}, "sync_mode 'radio' must be triggered or aed"),
    ({"sim_time_scale": 0}, "sim_time_scale 0 must be in (0, 10]"),
    ({"generator": "serial"}, "generator 'serial' needs generator_url"),
    ({"generator": "magic"}, "generator 'magic' is not simulator or serial"),
    ({"detector": "magic"}, "detector 'magic' is not a known driver"),
])
def test_bad_hardware_settings_are_refused(hardware: dict, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        from_dict({"hardware": hardware})
    assert words in str(err.value)
