"""Configuration loading and validation: good files load, bad ones are refused by field."""

import os
import re
import subprocess
import sys
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
    assert [n.name for n in config.nodes] == ["ris", "pacs", "cloud", "printer"]
    assert config.node("cloud").is_dicomweb and config.node("cloud").host == "pacs.example"
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
        ('data_dir = "{data}"', 'data_dir = "{data}"\nemergency_name = "TRAUMA"',
         "station: emergency_name 'TRAUMA' must hold {n}"),
        ('data_dir = "{data}"', 'data_dir = "{data}"\nemergency_name = "TRAUMA^{n}^{x}"',
         "no other braces"),
        ("listen_port = 11112", 'listen_port = 11112\nlanguage = "fr"',
         "station: language 'fr' is not one of auto, en, de, ja"),
        ("listen_port = 11112", 'listen_port = 11112\nlanguage = "DE"',
         "station: language 'DE' is not one of auto, en, de, ja"),
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


def test_language_defaults_to_the_locale_and_takes_a_shipped_one(tmp_path: Path) -> None:
    assert configuration.load(write(tmp_path, MINIMAL)).station.language == "auto"
    path = write(tmp_path, MINIMAL.replace("listen_port = 11112", 'listen_port = 11112\nlanguage = "ja"'))
    assert configuration.load(path).station.language == "ja"


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


@pytest.mark.parametrize("key, value, words", [
    ("listen_address", "any", "listen_address 'any' is not an IP address"),
    ("max_associations", 0, "max_associations 0 is outside 1..1000"),
    ("association_request_timeout", float("nan"),
     "association_request_timeout must be a finite number, got nan"),
    ("pdu_timeout", 0.5, "pdu_timeout 0.5 is outside 1..3600 seconds"),
])
def test_listener_front_door_settings_are_range_checked(key: str, value: object,
                                                        words: str) -> None:
    from vxacq.config import from_dict

    with pytest.raises(ConfigError, match=re.escape(words)):
        from_dict({"station": {key: value}})


def test_listener_front_door_defaults() -> None:
    from vxacq.config import from_dict

    station = from_dict({"station": {"listen_address": "127.0.0.1"}}).station
    assert station.listen_address == "127.0.0.1"
    assert (station.max_associations, station.association_request_timeout,
            station.pdu_timeout) == (16, 10.0, 30.0)


def test_node_problems_lists_every_problem_and_refuses_a_host_with_spaces() -> None:
    node = configuration.NodeConfig(name="pacs", ae_title="", host="pacs host", port=70000,
                                    services=[])
    other = configuration.NodeConfig(name="pacs", ae_title="X", host="h", port=104,
                                     services=["store"])
    problems = configuration.node_problems(node, [other])
    assert problems == [
        "name 'pacs' is used by another node; node names must be unique",
        "ae_title must not be blank",
        "port 70000 is outside 1..65535",
        "host 'pacs host' contains a space; a host name or address has none",
        "services is empty (choose from worklist, mpps, store, commitment, print, query, dose)",
    ]
    config = configuration.Config(nodes=[node])
    with pytest.raises(ConfigError, match="node 'pacs': ae_title must not be blank; port 70000"):
        configuration.validate(config)


def node_raw(**values: object) -> dict:
    return {"node": [{"name": "pacs", "ae_title": "PACS", "host": "pacs.example", "port": 104,
                      "services": ["store"], **values}]}


@pytest.mark.parametrize("values, words", [
    ({"retry_delay": float("nan")}, "retry_delay must be a finite number, got nan"),
    ({"retry_delay": float("inf")}, "retry_delay must be a finite number, got inf"),
    ({"retry_delay": 10 ** 7}, "retry_delay 1e+07 must be greater than 0 and at most 86400"),
    ({"retries": 10 ** 6}, "retries 1000000 must be 0..100"),
    ({"host": "pacs;rm -rf /"}, "contains a space"),
    ({"host": "pacs;reboot"}, "host 'pacs;reboot' is not a host name or IP address"),
    ({"host": "$(id)"}, "is not a host name or IP address"),
    ({"dimse_timeout": 0}, "dimse_timeout 0 must be greater than 0"),
])
def test_node_values_are_range_checked(values: dict, words: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(words)):
        configuration.from_dict(node_raw(**values))


@pytest.mark.parametrize("host", ["pacs", "pacs.hospital.example", "10.1.2.3", "::1",
                                  "fe80::1", "pacs_2.local", "PACS-1."])
def test_real_hosts_are_accepted(host: str) -> None:
    assert configuration.from_dict(node_raw(host=host)).nodes[0].host == host


@pytest.mark.parametrize("station, words", [
    ({"listen_port": 80}, "listen_port 80 is below 1024"),
    ({"data_dir": "/proc/self"}, "data_dir '/proc/self' is under /proc"),
    ({"data_dir": "/sys"}, "is under /sys"),
])
def test_station_values_that_cannot_work_are_refused(station: dict, words: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(words)):
        configuration.from_dict({"station": station})


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Windows Notepad writes one; it was refused as invalid TOML."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert configuration.load(path).station.ae_title


@pytest.mark.parametrize("content, words", [
    (b'[station]\nstation_name = "R\xe4ntgen"\n', "not UTF-8 text (byte 0xE4 on line 2)"),
    (b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
])
def test_malformed_files_name_the_file_and_the_problem(tmp_path: Path, content: bytes,
                                                       words: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(f"{path}: ") + ".*" + re.escape(words)):
        configuration.load(path)
    result = subprocess.run([sys.executable, "-m", "vxacq", "config", "check", "--config",
                             str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert words in result.stderr


def test_a_fifo_is_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        configuration.load(fifo)


@pytest.mark.parametrize("raw, message", [
    ({"node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 104,
                "services": ["query"], "retrieve": "fetch"}]}, "retrieve 'fetch' is not one of move, get"),
    ({"node": [{"name": "pacs", "ae_title": "PACS", "host": "127.0.0.1", "port": 104,
                "services": ["query"], "retrieve_timeout": 0}]}, "retrieve_timeout must be greater than 0"),
    ({"priors": {"keep_days": 0}}, "priors: keep_days 0 must be 1..3650"),
    ({"priors": {"cache_mb": 100, "max_object_mb": 200}}, "max_object_mb 200 must be 1..4096 and not above cache_mb"),
    ({"priors": {"size": 1}}, "size"),
])
def test_retrieve_and_priors_settings_are_checked(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        configuration.from_dict(raw)
