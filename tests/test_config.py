"""Configuration loading and validation: good files load, bad ones are refused by field."""

from pathlib import Path

import pytest

from vxacq import config as configuration
from vxacq.config import ConfigError

EXAMPLE = Path(__file__).parent.parent / "vxacq" / "resources" / "vxacq.example.toml"

MINIMAL = """
[station]
ae_title = "VXACQ"
listen_port = 11112
data_dir = "{data}"

[[node]]
name = "pacs"
ae_title = "ORTHANC"
host = "127.0.0.1"
port = 4242
services = ["store", "commitment", "query"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vxacq.toml"
    path.write_text(text.replace("{data}", str(tmp_path / "data")), encoding="utf-8")
    return path


def test_example_loads_with_every_section() -> None:
    config = configuration.load(EXAMPLE)
    assert config.station.ae_title == "VXACQ"
    assert [n.name for n in config.nodes] == ["ris", "pacs", "printer"]
    assert config.node("printer").print.film_size == "14INX17IN"
    assert config.node("pacs").offers("commitment")
    assert [n.name for n in config.nodes_with("worklist")] == ["ris"]


def test_defaults_fill_optional_fields(tmp_path: Path) -> None:
    config = configuration.load(write(tmp_path, MINIMAL))
    node = config.node("pacs")
    assert node.retries == 5 and node.transfer_syntax == "explicit"
    assert node.print.copies == 1
    assert config.data_dir == tmp_path / "data"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('ae_title = "ORTHANC"', 'ae_title = "A_VERY_LONG_AE_TITLE_X"',
         "node 'pacs': ae_title 'A_VERY_LONG_AE_TITLE_X' is longer than 16 characters"),
        ("port = 4242", "port = 70000", "node 'pacs': port 70000 is outside 1..65535"),
        ('"query"]', '"query", "teleport"]', "node 'pacs': unknown service 'teleport'"),
        ('ae_title = "VXACQ"', 'ae_title = "   "', "station: ae_title must not be blank"),
        ('ae_title = "VXACQ"', 'ae_title = "VX\\\\ACQ"', "station: ae_title 'VX\\ACQ' contains a backslash"),
        ("listen_port = 11112", 'listen_port = "11112"', "station: listen_port must be a whole number"),
        ("listen_port = 11112", "listen_port = 11112\ncolour = 1", "station: unknown field 'colour'"),
        ("port = 4242", 'port = 4242\ntransfer_syntax = "zip"', "transfer_syntax 'zip' is not one of"),
        ('data_dir = "{data}"', 'data_dir = "{data}"\ncharacter_set = "KLINGON"',
         "station: character_set term 'KLINGON' is not a supported character set"),
        ('data_dir = "{data}"', 'data_dir = "{data}"\ntheme = "blue"',
         "station: theme 'blue' is neither 'dark' nor 'light'"),
    ],
)
def test_bad_field_is_refused_with_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        configuration.load(path)
    assert str(caught.value).startswith(str(path) + ": ")
    assert message in str(caught.value)


def test_duplicate_node_name_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + MINIMAL[MINIMAL.index("[[node]]"):].replace("ORTHANC", "OTHER")
    with pytest.raises(ConfigError, match="node 'pacs': the name is used by another node"):
        configuration.load(write(tmp_path, text))


def test_print_options_are_validated(tmp_path: Path) -> None:
    text = MINIMAL.replace('"query"]', '"print"]') + '\n[node.print]\ncopies = 9\n'
    with pytest.raises(ConfigError, match=r"node 'pacs': print: copies must be 1 to 5, got 9"):
        configuration.load(write(tmp_path, text))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[station\nae_title=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        configuration.load(path)


def test_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        configuration.load(tmp_path / "missing.toml")


def test_environment_variable_finds_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, MINIMAL)
    monkeypatch.setenv("VXACQ_CONFIG", str(path))
    assert configuration.load().path == path


def test_save_round_trips_and_refuses_invalid(tmp_path: Path) -> None:
    config = configuration.load(EXAMPLE)
    target = configuration.save(config, tmp_path / "saved.toml")
    again = configuration.load(target)
    assert configuration.to_dict(again) == configuration.to_dict(config)
    again.nodes[0].port = 0
    with pytest.raises(ConfigError, match="port 0 is outside"):
        configuration.save(again, tmp_path / "bad.toml")
    assert not (tmp_path / "bad.toml").exists()
