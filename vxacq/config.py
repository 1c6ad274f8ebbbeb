"""Station and remote-node configuration: one TOML file, validated when it is loaded.

The file is found by ``--config FILE``, else ``$VXACQ_CONFIG``, else ``vxacq.toml`` in the
user's config dir. Every problem is reported with the file, the field and what is wrong, so a
service engineer can fix it without reading code.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

SERVICES = ("worklist", "mpps", "store", "commitment", "print", "query")
TRANSFER_SYNTAXES = ("explicit", "implicit", "rle", "jpeg-lossless", "jpeg2000-lossless")
# Terms of (0008,0005) the console writes and reads: the VXvue list (PS3.3 C.12.1.1.2).
CHARACTER_SETS = (
    "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 148",
    "ISO_IR 144", "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 13", "ISO_IR 166",
    "ISO_IR 192", "GB18030",
    "ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 109",
    "ISO 2022 IR 110", "ISO 2022 IR 148", "ISO 2022 IR 144", "ISO 2022 IR 127",
    "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 13", "ISO 2022 IR 166",
    "ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149",
)
FILM_SIZES = (
    "8INX10IN", "8_5INX11IN", "10INX12IN", "10INX14IN", "11INX14IN", "11INX17IN",
    "14INX14IN", "14INX17IN", "24CMX24CM", "24CMX30CM", "A4", "A3",
)
DEFAULT_FILENAME = "vxacq.toml"


class ConfigError(ValueError):
    """The configuration file cannot be used; the message says where and why."""


@dataclass
class StationConfig:
    ae_title: str = "VXACQ"
    listen_port: int = 11112
    station_name: str = "DX-ROOM-1"
    institution_name: str = ""
    institution_address: str = ""
    institutional_department_name: str = ""
    character_set: str = "ISO_IR 192"
    data_dir: str = ""
    # Our listener accepts only configured nodes' AE titles unless this opens it to any caller.
    accept_any_calling_ae: bool = False
    # Patient names and IDs stay out of the logs unless the site asks for them.
    log_patient_data: bool = False
    # Send a study's accepted images and dose report to every node with auto_store when it
    # is closed; false leaves sending to the user (`vxacq store`, the window's Send).
    auto_route: bool = True
    # The console's look: "dark" (for a dimmed X-ray room) or "light".
    theme: str = "dark"


@dataclass
class HardwareConfig:
    generator: str = "simulator"
    # pyserial URL of the generator ("" starts the built-in simulator on a pty).
    generator_url: str = ""
    detector: str = "simulator"
    detector_url: str = ""
    detector_model: str = "DR4343"
    # Detector synchronisation: "triggered" (handshake with the generator) or "aed".
    sync_mode: str = "triggered"
    # Simulator only: timing factor (1 = real prep/readout times) and faults to inject (QA).
    sim_time_scale: float = 1.0
    faults: list[str] = field(default_factory=list)


@dataclass
class ImagingConfig:
    # Deviation Index bands (IEC 62494-1): |DI| above warning is shown amber, above alarm red.
    di_warning: float = 1.0
    di_alarm: float = 3.0
    # Burn the L/R marker into the pixels (some PACS ignore overlays).
    burn_in_marker: bool = False
    calibration_max_age_days: int = 180


@dataclass
class PrintOptions:
    film_size: str = "14INX17IN"
    layout: str = "STANDARD\\1,1"
    orientation: str = "PORTRAIT"
    medium_type: str = "BLUE FILM"
    film_destination: str = "MAGAZINE"
    priority: str = "MED"
    copies: int = 1
    magnification_type: str = "CUBIC"
    min_density: int = 20
    max_density: int = 320
    border_density: str = "BLACK"
    empty_image_density: str = "BLACK"
    # Trim is optional in PS3.4 and refused by some printers: only sent where enabled.
    trim: bool = False
    bits: int = 12
    true_size: bool = False


@dataclass
class NodeConfig:
    name: str
    ae_title: str
    host: str
    port: int
    services: list[str] = field(default_factory=list)
    connect_timeout: float = 10.0
    acse_timeout: float = 30.0
    dimse_timeout: float = 60.0
    max_pdu: int = 262144
    retries: int = 5
    retry_delay: float = 30.0
    transfer_syntax: str = "explicit"
    # With the store service: receives every closed study (station.auto_route); false: only
    # what the user sends to it by hand.
    auto_store: bool = True
    # Used to decode answers that carry no (0008,0005).
    fallback_character_set: str = "ISO_IR 100"
    worklist_match_limit: int = 500
    commitment_timeout_minutes: float = 60.0
    # How long to keep the commitment association open for a report on it; later reports
    # come to our listener on a new association.
    commitment_wait_seconds: float = 5.0
    resend_failed_commitment: bool = True
    print: PrintOptions = field(default_factory=PrintOptions)

    def offers(self, service: str) -> bool:
        return service in self.services


@dataclass
class Config:
    station: StationConfig = field(default_factory=StationConfig)
    hardware: HardwareConfig = field(default_factory=HardwareConfig)
    imaging: ImagingConfig = field(default_factory=ImagingConfig)
    nodes: list[NodeConfig] = field(default_factory=list)
    path: Path | None = None

    @property
    def data_dir(self) -> Path:
        return Path(self.station.data_dir)

    def node(self, name: str) -> NodeConfig:
        for node in self.nodes:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.nodes) or "none"
        raise ConfigError(f"no node named '{name}' (configured: {known})")

    def nodes_with(self, service: str) -> list[NodeConfig]:
        return [n for n in self.nodes if n.offers(service)]

    def summary(self) -> str:
        services = sorted({s for n in self.nodes for s in n.services})
        where = f"{self.path}" if self.path and self.path.exists() else f"{self.path} (no file: defaults)"
        return (
            f"{where}: OK — station {self.station.ae_title} on port {self.station.listen_port}, "
            f"{len(self.nodes)} node(s) ({', '.join(services) or 'no services'})"
        )


def default_path() -> Path:
    return Path(platformdirs.user_config_dir("vxacq")) / DEFAULT_FILENAME


def find_path(explicit: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Where the configuration is, and whether the user named it (then it must exist)."""
    if explicit:
        return Path(explicit), True
    if env := os.environ.get("VXACQ_CONFIG"):
        return Path(env), True
    return default_path(), False


def load(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the configuration; raise ConfigError naming the file and field."""
    path, named = find_path(explicit)
    if not path.exists():
        if named:
            raise ConfigError(f"{path}: no such configuration file")
        config = Config(path=path)
        _fill_defaults(config)
        return config
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        config = from_dict(raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config.path = path
    _fill_defaults(config)
    return config


def from_dict(raw: dict[str, Any]) -> Config:
    """Build a validated Config from parsed TOML (messages name the field, not the file)."""
    _reject_unknown("", raw, {"station", "hardware", "imaging", "node"})
    config = Config(
        station=_section(StationConfig, raw.get("station", {}), "station"),
        hardware=_section(HardwareConfig, raw.get("hardware", {}), "hardware"),
        imaging=_section(ImagingConfig, raw.get("imaging", {}), "imaging"),
    )
    nodes_raw = raw.get("node", [])
    if not isinstance(nodes_raw, list):
        raise ConfigError("node: must be an array of tables ([[node]])")
    for index, item in enumerate(nodes_raw):
        config.nodes.append(_node(item, index))
    validate(config)
    return config


def validate(config: Config) -> None:
    """Check every rule that spans fields; raise ConfigError on the first problem."""
    st = config.station
    _check_ae_title("station", st.ae_title)
    _check_port("station", "listen_port", st.listen_port)
    _check_charset("station", "character_set", st.character_set)
    if not st.station_name.strip():
        raise ConfigError("station: station_name must not be blank")
    if len(st.station_name) > 16:
        raise ConfigError(f"station: station_name '{st.station_name}' is longer than 16 characters")
    if st.theme not in ("dark", "light"):
        raise ConfigError(f"station: theme '{st.theme}' is neither 'dark' nor 'light'")
    _check_hardware(config.hardware)
    im = config.imaging
    if not 0 < im.di_warning < im.di_alarm:
        raise ConfigError(
            f"imaging: need 0 < di_warning < di_alarm, got {im.di_warning} and {im.di_alarm}"
        )
    seen: set[str] = set()
    for node in config.nodes:
        where = f"node '{node.name}'"
        if node.name in seen:
            raise ConfigError(f"{where}: the name is used by another node; node names must be unique")
        seen.add(node.name)
        _check_node(node, where)


def to_dict(config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {
        "station": asdict(config.station),
        "hardware": asdict(config.hardware),
        "imaging": asdict(config.imaging),
    }
    if config.nodes:
        out["node"] = [asdict(n) for n in config.nodes]
    return out


def save(config: Config, path: Path | None = None) -> Path:
    """Validate and write the configuration atomically (the settings dialog's Save)."""
    validate(config)
    target = Path(path or config.path or default_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    with open(tmp, "wb") as fh:
        tomli_w.dump(to_dict(config), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    config.path = target
    return target


# --- helpers -----------------------------------------------------------------------------


def _fill_defaults(config: Config) -> None:
    if not config.station.data_dir:
        config.station.data_dir = platformdirs.user_data_dir("vxacq")


def _reject_unknown(where: str, raw: dict[str, Any], known: set[str]) -> None:
    for key in raw:
        if key not in known:
            prefix = f"{where}: " if where else ""
            raise ConfigError(f"{prefix}unknown field '{key}' (known: {', '.join(sorted(known))})")


def _section(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table ([{where}])")
    specs = {f.name: f for f in fields(cls)}
    _reject_unknown(where, raw, set(specs))
    values = {}
    for key, value in raw.items():
        values[key] = _typed(where, key, value, specs[key].type)
    try:
        return cls(**values)
    except TypeError as exc:  # a required field is missing
        missing = str(exc).split("argument")[-1].strip(": ")
        raise ConfigError(f"{where}: missing required field {missing}") from None


def _typed(where: str, key: str, value: Any, annotation: Any) -> Any:
    kind = str(annotation)
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind == "str":
        ok = isinstance(value, str)
    elif kind == "list[str]":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:  # nested tables are handled by their caller
        return value
    if not ok:
        raise ConfigError(f"{where}: {key} must be {_TYPE_WORDS[kind]}, got {value!r}")
    return value


_TYPE_WORDS = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "list[str]": "a list of strings",
}


def _node(item: Any, index: int) -> NodeConfig:
    if not isinstance(item, dict):
        raise ConfigError(f"node #{index + 1}: must be a table")
    name = item.get("name")
    where = f"node '{name}'" if isinstance(name, str) and name else f"node #{index + 1}"
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: name is required and must not be blank")
    raw = dict(item)
    print_raw = raw.pop("print", {})
    node = _section(NodeConfig, raw, where)
    node.print = _section(PrintOptions, print_raw, f"{where}: print")
    return node


def _check_node(node: NodeConfig, where: str) -> None:
    _check_ae_title(where, node.ae_title)
    _check_port(where, "port", node.port)
    if not node.host.strip():
        raise ConfigError(f"{where}: host must not be blank")
    if not node.services:
        raise ConfigError(f"{where}: services is empty (choose from {', '.join(SERVICES)})")
    for service in node.services:
        if service not in SERVICES:
            raise ConfigError(
                f"{where}: unknown service '{service}' (choose from {', '.join(SERVICES)})"
            )
    for key in ("connect_timeout", "acse_timeout", "dimse_timeout", "retry_delay"):
        if getattr(node, key) <= 0:
            raise ConfigError(f"{where}: {key} must be greater than 0")
    if node.retries < 0:
        raise ConfigError(f"{where}: retries must not be negative")
    if node.max_pdu != 0 and not 4096 <= node.max_pdu <= 2**32 - 1:
        raise ConfigError(f"{where}: max_pdu must be 0 (unlimited) or 4096..4294967295")
    if node.transfer_syntax not in TRANSFER_SYNTAXES:
        raise ConfigError(
            f"{where}: transfer_syntax '{node.transfer_syntax}' is not one of "
            f"{', '.join(TRANSFER_SYNTAXES)}"
        )
    _check_charset(where, "fallback_character_set", node.fallback_character_set)
    if node.worklist_match_limit < 1:
        raise ConfigError(f"{where}: worklist_match_limit must be at least 1")
    if node.commitment_timeout_minutes <= 0:
        raise ConfigError(f"{where}: commitment_timeout_minutes must be greater than 0")
    if node.commitment_wait_seconds < 0:
        raise ConfigError(f"{where}: commitment_wait_seconds must not be negative")
    _check_print(node.print, f"{where}: print")


def _check_hardware(hw: HardwareConfig) -> None:
    from vxacq.hal.faults import parse_fault

    if hw.generator not in ("simulator", "serial"):
        raise ConfigError(f"hardware: generator '{hw.generator}' is not simulator or serial")
    if hw.generator == "serial" and not hw.generator_url:
        raise ConfigError("hardware: generator 'serial' needs generator_url (e.g. /dev/ttyUSB0)")
    if hw.detector != "simulator":
        raise ConfigError(f"hardware: detector '{hw.detector}' is not a known driver (simulator)")
    if hw.sync_mode not in ("triggered", "aed"):
        raise ConfigError(f"hardware: sync_mode '{hw.sync_mode}' must be triggered or aed")
    if not 0 < hw.sim_time_scale <= 10:
        raise ConfigError(f"hardware: sim_time_scale {hw.sim_time_scale:g} must be in (0, 10]")
    for spec in hw.faults:
        try:
            parse_fault(spec)
        except ValueError as exc:
            raise ConfigError(f"hardware: faults: {exc}") from None


def _check_print(p: PrintOptions, where: str) -> None:
    if p.film_size not in FILM_SIZES:
        raise ConfigError(f"{where}: film_size '{p.film_size}' is not one of {', '.join(FILM_SIZES)}")
    if p.layout not in ("STANDARD\\1,1", "STANDARD\\1,2", "STANDARD\\2,1", "STANDARD\\2,2"):
        raise ConfigError(f"{where}: layout '{p.layout}' must be STANDARD\\C,R with 1x1, 1x2, 2x1 or 2x2")
    if p.orientation not in ("PORTRAIT", "LANDSCAPE"):
        raise ConfigError(f"{where}: orientation must be PORTRAIT or LANDSCAPE")
    if p.priority not in ("HIGH", "MED", "LOW"):
        raise ConfigError(f"{where}: priority must be HIGH, MED or LOW")
    if not 1 <= p.copies <= 5:
        raise ConfigError(f"{where}: copies must be 1 to 5, got {p.copies}")
    if p.bits not in (8, 12):
        raise ConfigError(f"{where}: bits must be 8 or 12, got {p.bits}")
    if not 0 <= p.min_density < p.max_density:
        raise ConfigError(f"{where}: need 0 <= min_density < max_density")


def _check_ae_title(where: str, value: str) -> None:
    if not value.strip():
        raise ConfigError(f"{where}: ae_title must not be blank")
    if len(value) > 16:
        raise ConfigError(f"{where}: ae_title '{value}' is longer than 16 characters")
    if "\\" in value:
        raise ConfigError(f"{where}: ae_title '{value}' contains a backslash")
    if not all(" " <= ch <= "~" for ch in value):
        raise ConfigError(f"{where}: ae_title '{value}' has characters outside printable ASCII")


def _check_port(where: str, key: str, value: int) -> None:
    if not 1 <= value <= 65535:
        raise ConfigError(f"{where}: {key} {value} is outside 1..65535")


def _check_charset(where: str, key: str, value: str) -> None:
    # Multi-valued (0008,0005) terms are backslash-separated; each must be known.
    for term in value.split("\\"):
        if term and term not in CHARACTER_SETS:
            raise ConfigError(f"{where}: {key} term '{term}' is not a supported character set")
