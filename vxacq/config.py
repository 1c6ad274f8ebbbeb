"""Station and remote-node configuration: one TOML file, validated when it is loaded.

The file is found by ``--config FILE``, else ``$VXACQ_CONFIG``, else ``vxacq.toml`` in the
user's config dir. Every problem is reported with the file, the field and what is wrong, so a
service engineer can fix it without reading code.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import os
import re
import stat
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

# "dose": a dose register (IHE REM Dose Information Consumer) that receives each exam's
# X-Ray Radiation Dose SR.
SERVICES = ("worklist", "mpps", "store", "commitment", "print", "query", "dose")
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
# The console's language: "auto" follows the station's locale; the others are shipped
# translations (vxacq/resources/i18n) or the source language, English.
LANGUAGES = ("auto", "en", "de", "ja")
DEFAULT_FILENAME = "vxacq.toml"


class ConfigError(ValueError):
    """The configuration file cannot be used; the message says where and why."""


# Bounds of a node's timing and retries: beyond them a job would wait or retry for days.
NODE_SECONDS = {"connect_timeout": 600.0, "acse_timeout": 600.0, "dimse_timeout": 3600.0,
                "retry_delay": 86_400.0}
MAX_RETRIES = 100
RETRIEVE_MODES = ("move", "get")
# A DICOMweb node's authentication, and the services it can offer (STOW-RS; QIDO-RS + WADO-RS).
WEB_AUTH = ("none", "basic", "bearer")
WEB_SERVICES = ("store", "query")
# Not places for a station's data (virtual or system file systems).
SYSTEM_DIRS = ("/proc", "/sys", "/dev", "/run", "/boot", "/etc", "/usr", "/bin", "/sbin",
               "/lib")
# A configuration file is a few kilobytes; anything far larger is not one.
MAX_CONFIG_BYTES = 1 << 20
# The roles a login may hold ([directory.roles] maps directory groups to them).
ROLES = ("radiographer", "service", "administrator")
# Longest wait for a directory server: a login screen must not hang for minutes.
MAX_DIRECTORY_SECONDS = 60.0


@dataclass
class StationConfig:
    ae_title: str = "VXACQ"
    listen_port: int = 11112
    # The address our listener binds: the station's address on the hospital network; "" binds
    # every interface.
    listen_address: str = ""
    # The listener's front door: connections at once (strangers are dropped first when full),
    # seconds from connection to a whole A-ASSOCIATE-RQ, seconds for any one whole PDU.
    max_associations: int = 16
    association_request_timeout: float = 10.0
    pdu_timeout: float = 30.0
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
    # Temporary name of an emergency (unidentified) patient; {n} is the day's emergency number.
    emergency_name: str = "TRAUMA^{n}"
    # The window's language: one of LANGUAGES; read when the window starts.
    language: str = "auto"
    # DICOM over TLS (PS3.15 Annex B): a second listener on tls_port (0 = none) with our
    # certificate and key (PEM); callers' certificates checked against tls_ca and required
    # when tls_require_client_cert.
    tls_port: int = 0
    tls_cert: str = ""
    tls_key: str = ""
    tls_ca: str = ""
    tls_require_client_cert: bool = True
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
class PriorsConfig:
    # The priors cache under the data dir: its size in megabytes (the oldest retrieved study
    # goes first when a new one does not fit), and the days a retrieved study is kept.
    cache_mb: int = 2048
    keep_days: int = 30
    # One received object larger than this is refused (a retrieve brings images, not films).
    max_object_mb: int = 256


@dataclass
class SecurityConfig:
    # The window locks after this many minutes without a key or mouse press (0 = never);
    # only the screen is covered: an exposure or a send under way goes on.
    lock_minutes: float = 10.0
    # A local account is refused for lockout_minutes after this many failed logins in a row.
    max_failed_logins: int = 5
    lockout_minutes: float = 15.0


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
    # 8 or 12 (PS3.3 C.13.5.1); 14 only for printers that take it (VXvue offers it), beyond
    # the standard's enumerated values.
    bits: int = 12
    true_size: bool = False
    # Smoothing Type (2010,0080): printer-defined (e.g. NORMAL); "" sends none.
    smoothing_type: str = ""
    # Presentation LUT SOP Class proposed; where the printer accepts it, an IDENTITY LUT is
    # created and the film box carries the viewing conditions below (cd/m², PS3.3 C.13.3).
    presentation_lut: bool = True
    illumination: int = 2000
    reflected_ambient_light: int = 10
    # The printer's Annotation Display Format ID (e.g. ANNOTATION, LABEL): the Basic Annotation
    # Box SOP Class is proposed and the patient's demographics written in its boxes; "" none.
    annotation_format: str = ""


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
    # DICOM over TLS (PS3.15 Annex B): the node's certificate checked against tls_ca (the
    # system's CAs when empty) and, with tls_verify_host, its name against host; our client
    # certificate and key (PEM) when the node asks for one.
    tls: bool = False
    tls_ca: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    tls_verify_host: bool = True
    # With the query service: how a prior is fetched, "move" (C-MOVE to our listener, the node
    # must know our AE title) or "get" (C-GET, the images come back on the same association);
    # a retrieve taking longer than retrieve_timeout seconds is cancelled.
    retrieve: str = "move"
    retrieve_timeout: float = 300.0
    # A DICOMweb endpoint (PS3.18) instead of a DICOM AE: url is its base, the path before
    # /studies (https://pacs.example/dicom-web); store is then STOW-RS, query QIDO-RS and the
    # retrieve WADO-RS; host and port come from the url and ae_title may be left out.
    # auth "basic" sends username and the password read from secret_file, "bearer" the token
    # read from secret_file (secrets are never written in this file). connect_timeout bounds
    # the connection, dimse_timeout the wait for each answer; tls_ca/tls_cert/tls_key and
    # tls_verify_host apply to an https url.
    url: str = ""
    auth: str = "none"
    username: str = ""
    secret_file: str = ""
    print: PrintOptions = field(default_factory=PrintOptions)

    def offers(self, service: str) -> bool:
        return service in self.services

    @property
    def is_dicomweb(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class WorklistMapping:
    """One worklist return key asked for and copied into every image of the order: ``key`` a
    keyword, or ``Sequence>Keyword`` for one inside a sequence (the Scheduled Procedure Step
    Sequence's own item, else the first item); ``image`` the image attribute it fills."""

    key: str
    image: str


# What VXvue maps beyond the fixed patient/order attributes; a site's [[worklist_mapping]]
# tables replace this list ("worklist_mapping = []" for none).
DEFAULT_WORKLIST_MAPPING = (
    WorklistMapping("ScheduledProcedureStepSequence>ScheduledPerformingPhysicianName",
                    "PerformingPhysicianName"),
)
# Image attributes the console itself derives from the order, the patient or the acquisition:
# a mapping must not overwrite them (they would disagree with the MPPS and the database).
PROTECTED_IMAGE_ATTRIBUTES = frozenset({
    "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
    "OtherPatientIDsSequence", "AccessionNumber", "StudyID", "StudyDate", "StudyTime",
    "Modality", "BodyPartExamined", "ViewPosition", "ImageLaterality", "Laterality",
    "SpecificCharacterSet", "ReferencedPerformedProcedureStepSequence",
    "RequestAttributesSequence", "PatientOrientation", "PresentationIntentType",
})


@dataclass
class AuditConfig:
    """Where the audit trail is forwarded (IHE ATNA): the audit record repository as
    ``tls://host:6514`` (syslog over TLS, RFC 5425) or ``udp://host:514`` (RFC 5426); "" keeps
    the trail local. Over TLS the repository's certificate is checked against tls_ca (the
    system's CAs when empty) and, with tls_verify_host, its name against host; tls_cert and
    tls_key are our client certificate when the repository asks for one (ATNA: it should)."""

    repository: str = ""
    tls_ca: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    tls_verify_host: bool = True
    # AuditEnterpriseSiteID in every message; the station's institution_name when empty
    site_id: str = ""

    @property
    def host(self) -> str:  # the name tls.server_hostname checks the certificate against
        from vxacq.security.syslog import parse_repository

        return parse_repository(self.repository).host


@dataclass
class DirectorySettings:
    """[directory]: login against an LDAP directory or Active Directory (vxacq.security.directory).

    The user is bound either by ``bind_template`` (``uid={user},ou=people,dc=example,dc=org``,
    AD's ``{user}@corp.example`` or ``CORP\\{user}``) or, with ``bind_dn``, found by a service
    account (password in ``bind_password_file``) with ``user_filter`` under ``user_base`` and
    then bound as. Groups come from the user's ``member_of_attribute`` or, with ``group_base``,
    from a search with ``group_filter``; ``roles`` maps a group's DN or CN to a role."""

    url: str  # ldaps://host:636, or ldap://host:389 with start_tls
    start_tls: bool = False
    tls_ca: str = ""  # CA certificates (PEM) that sign the server's certificate; "" the system's
    tls_verify_host: bool = True
    bind_template: str = ""
    bind_dn: str = ""
    bind_password_file: str = ""
    user_base: str = ""
    user_filter: str = "(uid={user})"
    group_base: str = ""
    group_filter: str = "(|(member={dn})(uniqueMember={dn}))"
    member_of_attribute: str = "memberOf"
    display_name_attribute: str = "displayName"
    connect_timeout: float = 5.0
    receive_timeout: float = 10.0
    roles: dict[str, str] = field(default_factory=dict)


# The outbox's name for the department database's jobs (Job.node): no [[node]] may take it.
DEPARTMENT_NODE = "[department]"


@dataclass
class DepartmentConfig:
    """[department]: the department database (PostgreSQL) this console publishes its exams,
    exposures, rejections and dose to (vxacq.db.department), through the outbox.

    ``url`` is ``postgresql://user@host[:port]/database``; the password is read from
    ``password_file`` (never written in this file); with ``tls`` the server's certificate is
    checked against ``tls_ca`` (the system's CAs when empty) and, with ``tls_verify_host``,
    its name against the URL's host. A publish job that cannot reach the database is tried
    again after ``retry_delay`` seconds, doubling, up to ``retries`` more times."""

    url: str
    password_file: str = ""
    # seconds to wait for the server: to connect, and for each answer while publishing
    connect_timeout: float = 30.0
    retries: int = 50
    retry_delay: float = 60.0
    tls: bool = False
    tls_ca: str = ""
    tls_cert: str = ""
    tls_key: str = ""
    tls_verify_host: bool = True

    @property
    def name(self) -> str:  # the outbox's node name for its jobs
        return DEPARTMENT_NODE

    @property
    def host(self) -> str:  # the name tls.server_hostname checks the certificate against
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""

    def offers(self, service: str) -> bool:  # a database offers no DICOM service
        return False


@dataclass
class Config:
    station: StationConfig = field(default_factory=StationConfig)
    hardware: HardwareConfig = field(default_factory=HardwareConfig)
    imaging: ImagingConfig = field(default_factory=ImagingConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)

    audit: AuditConfig = field(default_factory=AuditConfig)
    nodes: list[NodeConfig] = field(default_factory=list)
    worklist_mapping: tuple[WorklistMapping, ...] = DEFAULT_WORKLIST_MAPPING
    priors: PriorsConfig = field(default_factory=PriorsConfig)
    # Directory login; None: local accounts only.
    directory: DirectorySettings | None = None
    # The department database events are published to; None: none.
    department: DepartmentConfig | None = None
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
    # imported here, as in _fill_defaults and save: a command given its file and a station
    # with its data_dir (the usual) load without platformdirs and tomli_w (5-7 ms)
    import platformdirs

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
    raw = _parse(path)
    try:
        config = from_dict(raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    config.path = path
    _fill_defaults(config)
    return config


def _parse(path: Path) -> dict[str, Any]:
    """The file's TOML, or ConfigError naming the file and what is wrong with it."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would be read forever
            raise ConfigError(f"{path}: not a regular file")
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: {info.st_size} bytes is far too large for a "
                              "configuration file")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Windows Notepad) is fine
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02X} on line "
                          f"{line}): save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: tables or arrays nested too deeply to be a "
                          "configuration") from None


def from_dict(raw: dict[str, Any]) -> Config:
    """Build a validated Config from parsed TOML (messages name the field, not the file)."""
    _reject_unknown("", raw, {"station", "hardware", "imaging", "security", "audit", "node",
                              "worklist_mapping", "directory", "priors", "department"})
    config = Config(
        station=_section(StationConfig, raw.get("station", {}), "station"),
        hardware=_section(HardwareConfig, raw.get("hardware", {}), "hardware"),
        imaging=_section(ImagingConfig, raw.get("imaging", {}), "imaging"),
        priors=_section(PriorsConfig, raw.get("priors", {}), "priors"),
        security=_section(SecurityConfig, raw.get("security", {}), "security"),

        audit=_section(AuditConfig, raw.get("audit", {}), "audit"),
    )
    nodes_raw = raw.get("node", [])
    if not isinstance(nodes_raw, list):
        raise ConfigError("node: must be an array of tables ([[node]])")
    for index, item in enumerate(nodes_raw):
        config.nodes.append(_node(item, index))
    if "worklist_mapping" in raw:
        config.worklist_mapping = _mappings(raw["worklist_mapping"])
    if "directory" in raw:
        config.directory = _directory(raw["directory"])
    if "department" in raw:
        config.department = _section(DepartmentConfig, raw["department"], "department")
    validate(config)
    return config


def _directory(raw: Any) -> DirectorySettings:
    if not isinstance(raw, dict):
        raise ConfigError("directory: must be a table ([directory])")
    raw = dict(raw)
    roles = raw.pop("roles", {})
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        raise ConfigError("directory: roles must be a table of group = \"role\" "
                          "([directory.roles])")
    settings = _section(DirectorySettings, raw, "directory")
    settings.roles = dict(roles)
    return settings


def _mappings(raw: Any) -> tuple[WorklistMapping, ...]:
    if not isinstance(raw, list):
        raise ConfigError("worklist_mapping: must be an array of tables ([[worklist_mapping]])")
    return tuple(_section(WorklistMapping, item, f"worklist_mapping #{n}")
                 for n, item in enumerate(raw, start=1))


def mapping_problem(mapping: WorklistMapping) -> str | None:
    """Why ``mapping`` cannot work (unknown keywords, a sequence where a value is needed, a
    value that does not fit the image attribute, an attribute the console owns), or None."""
    from pydicom.datadict import dictionary_VR, tag_for_keyword

    def vr_of(keyword: str) -> str | None:
        tag = tag_for_keyword(keyword)
        return dictionary_VR(tag) if tag is not None else None

    path = [part.strip() for part in mapping.key.split(">")]
    if not 1 <= len(path) <= 2 or not all(path):
        return f"key '{mapping.key}' must be Keyword or Sequence>Keyword"
    for part in path:
        if vr_of(part) is None:
            return f"key '{mapping.key}': '{part}' is not a DICOM keyword"
    if len(path) == 2 and vr_of(path[0]) != "SQ":
        return f"key '{mapping.key}': '{path[0]}' is not a sequence"
    source = vr_of(path[-1])
    target = vr_of(mapping.image)
    if target is None:
        return f"image '{mapping.image}' is not a DICOM keyword"
    if mapping.image in PROTECTED_IMAGE_ATTRIBUTES or target in ("SQ", "UI") or \
            tag_for_keyword(mapping.image) >> 16 in (0x0002, 0x0028, 0x7FE0):
        return f"image '{mapping.image}' is set by the console itself and cannot be mapped"
    widening = {"SH": {"LO", "ST", "LT", "UT"}, "LO": {"ST", "LT", "UT"}, "ST": {"LT", "UT"}}
    if source != target and target not in widening.get(str(source), set()):
        return (f"'{path[-1]}' ({source}) does not fit '{mapping.image}' ({target}); map to an "
                "attribute of the same VR or a longer text VR")
    return None


def validate(config: Config) -> None:
    """Check every rule that spans fields; raise ConfigError on the first problem."""
    st = config.station
    _check_ae_title("station", st.ae_title)
    if problem := _listen_port_problem(st.listen_port):
        raise ConfigError(f"station: {problem}")
    _check_listener(st)
    _check_station_tls(st)
    _check_data_dir(st.data_dir)
    _check_charset("station", "character_set", st.character_set)
    if not st.station_name.strip():
        raise ConfigError("station: station_name must not be blank")
    if len(st.station_name) > 16:
        raise ConfigError(f"station: station_name '{st.station_name}' is longer than 16 characters")
    rest = st.emergency_name.replace("{n}", "")
    if "{n}" not in st.emergency_name or any(c in rest for c in "{}\\=") \
            or len(st.emergency_name.replace("{n}", "999")) > 64:
        raise ConfigError(f"station: emergency_name '{st.emergency_name}' must hold {{n}} (the "
                          "emergency number), no other braces, = or backslash, and stay within 64 "
                          "characters (a DICOM name, Family^Given)")
    if st.language not in LANGUAGES:
        raise ConfigError(f"station: language '{st.language}' is not one of {', '.join(LANGUAGES)}")
    if st.theme not in ("dark", "light"):
        raise ConfigError(f"station: theme '{st.theme}' is neither 'dark' nor 'light'")
    _check_hardware(config.hardware)
    im = config.imaging
    if not 0 < im.di_warning < im.di_alarm:
        raise ConfigError(
            f"imaging: need 0 < di_warning < di_alarm, got {im.di_warning} and {im.di_alarm}"
        )
    pr = config.priors
    if not 1 <= pr.cache_mb <= 1_000_000:
        raise ConfigError(f"priors: cache_mb {pr.cache_mb} must be 1..1000000 (megabytes)")
    if not 1 <= pr.keep_days <= 3650:
        raise ConfigError(f"priors: keep_days {pr.keep_days} must be 1..3650")
    if not 1 <= pr.max_object_mb <= min(pr.cache_mb, 4096):
        raise ConfigError(f"priors: max_object_mb {pr.max_object_mb} must be 1..4096 and not "
                          "above cache_mb")
    sec = config.security
    if sec.lock_minutes < 0 or sec.lockout_minutes < 0:
        raise ConfigError("security: lock_minutes and lockout_minutes must not be negative")
    if sec.max_failed_logins < 1:
        raise ConfigError(f"security: max_failed_logins must be at least 1, got "
                          f"{sec.max_failed_logins}")

    if problems := audit_problems(config.audit):
        raise ConfigError("audit: " + "; ".join(problems))
    for n, mapping in enumerate(config.worklist_mapping, start=1):
        if problem := mapping_problem(mapping):
            raise ConfigError(f"worklist_mapping #{n}: {problem}")
    seen: set[str] = set()
    for node in config.nodes:
        where = f"node '{node.name}'"
        if node.name in seen:
            raise ConfigError(f"{where}: the name is used by another node; node names must be unique")
        seen.add(node.name)
        _check_node(node, where)
    if config.directory is not None:
        if problems := directory_problems(config.directory):
            raise ConfigError("directory: " + "; ".join(problems))
    if config.department is not None:
        if problems := department_problems(config.department):
            raise ConfigError("department: " + "; ".join(problems))


def department_problems(d: DepartmentConfig) -> list[str]:
    """Every problem of the [department] settings, each naming its field."""
    from urllib.parse import unquote, urlsplit

    problems = []
    try:
        url = urlsplit(d.url)
        url.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return [f"url '{d.url}' cannot be parsed ({exc})"]
    database = unquote(url.path.removeprefix("/"))
    if url.scheme not in ("postgresql", "postgres") or not url.hostname or not url.username \
            or not database or "/" in database or url.query or url.fragment:
        problems.append(f"url '{d.url}' must be postgresql://user@host[:port]/database")
    if url.password is not None:
        problems.append("url holds a password: put it in password_file (readable by the "
                        "station's user only), never in this file")
    if d.password_file:
        from vxacq.security.secrets import secret_file_problem

        if problem := secret_file_problem(d.password_file, field="password_file",
                                          group_may_read=True):
            problems.append(problem)
    if not 0 < d.connect_timeout <= NODE_SECONDS["connect_timeout"]:
        problems.append(f"connect_timeout {d.connect_timeout:g} must be greater than 0 and at "
                        f"most {NODE_SECONDS['connect_timeout']:g} seconds")
    if not 0 < d.retry_delay <= NODE_SECONDS["retry_delay"]:
        problems.append(f"retry_delay {d.retry_delay:g} must be greater than 0 and at most "
                        f"{NODE_SECONDS['retry_delay']:g} seconds")
    if not 0 <= d.retries <= MAX_RETRIES:
        problems.append(f"retries {d.retries} must be 0..{MAX_RETRIES}")
    if d.tls:
        from vxacq.security.tls import file_problems

        problems += file_problems(d.tls_ca, d.tls_cert, d.tls_key, cert_required=False)
    elif d.tls_ca or d.tls_cert:
        problems.append("tls_ca and tls_cert are used only with tls = true")
    return problems


def directory_problems(d: DirectorySettings) -> list[str]:
    """Every problem of the [directory] settings, each naming its field."""
    from urllib.parse import urlsplit

    problems = []
    try:
        url = urlsplit(d.url)
        url.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return [f"url '{d.url}' cannot be parsed ({exc})"]
    if url.scheme not in ("ldap", "ldaps") or not url.hostname or url.path not in ("", "/") \
            or url.query or url.username:
        problems.append(f"url '{d.url}' must be ldaps://host[:port] or ldap://host[:port]")
    elif url.scheme == "ldaps" and d.start_tls:
        problems.append("start_tls is for ldap:// URLs; ldaps:// is TLS from the start")
    elif url.scheme == "ldap" and not d.start_tls:
        problems.append(f"url '{d.url}' with start_tls = false would send passwords in clear "
                        "text; use ldaps:// or set start_tls = true")
    if bool(d.bind_template) == bool(d.bind_dn):
        problems.append("set either bind_template (bind as the user directly) or bind_dn and "
                        "bind_password_file (search for the user, then bind)")
    if d.bind_template and (d.bind_template.count("{user}") != 1
                            or d.bind_template.replace("{user}", "").count("{")
                            or d.bind_template.count("}") != 1):
        problems.append(f"bind_template '{d.bind_template}' must hold {{user}} once and no other "
                        "braces")
    if d.bind_template and "=" not in d.bind_template and not d.user_base:
        problems.append("user_base is needed with a bind_template that is not a DN (to find the "
                        "user's entry for name and groups)")
    if d.bind_dn:
        if not d.user_base:
            problems.append("user_base is needed with bind_dn (where users are searched)")
        if not d.bind_password_file:
            problems.append("bind_password_file is needed with bind_dn (the service account's "
                            "password; never in this file)")
        else:
            from vxacq.security.secrets import secret_file_problem

            if problem := secret_file_problem(d.bind_password_file, field="bind_password_file",
                                              group_may_read=True):
                problems.append(problem)
    for key, placeholders in (("user_filter", ("{user}",)), ("group_filter", ("{dn}", "{user}"))):
        value = getattr(d, key)
        if not (value.startswith("(") and value.endswith(")")) or \
                not any(p in value for p in placeholders):
            problems.append(f"{key} '{value}' must be an LDAP filter in parentheses holding "
                            + " or ".join(placeholders))
    for key in ("member_of_attribute", "display_name_attribute"):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", getattr(d, key)):
            problems.append(f"{key} '{getattr(d, key)}' is not an attribute name")
    for key in ("connect_timeout", "receive_timeout"):
        if not 0 < getattr(d, key) <= MAX_DIRECTORY_SECONDS:
            problems.append(f"{key} {getattr(d, key):g} must be greater than 0 and at most "
                            f"{MAX_DIRECTORY_SECONDS:g} seconds")
    if not d.roles:
        problems.append("roles is empty: map at least one group to a role in [directory.roles] "
                        "(e.g. \"cn=radiographers,ou=groups,dc=example,dc=org\" = \"radiographer\")")
    for group, role in d.roles.items():
        if not group.strip():
            problems.append("roles: a group name is blank")
        if role not in ROLES:
            problems.append(f"roles: '{group}' maps to '{role}', which is not one of "
                            f"{', '.join(ROLES)}")
    from vxacq.security.tls import file_problems

    problems += file_problems(d.tls_ca, "", "", cert_required=False)
    return problems


def to_dict(config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {
        "station": asdict(config.station),
        "hardware": asdict(config.hardware),
        "imaging": asdict(config.imaging),
        "priors": asdict(config.priors),
        "security": asdict(config.security),
    }
    if config.audit != AuditConfig():
        out["audit"] = asdict(config.audit)
    if config.nodes:
        out["node"] = [asdict(n) for n in config.nodes]
    if config.worklist_mapping != DEFAULT_WORKLIST_MAPPING:
        out["worklist_mapping"] = [asdict(m) for m in config.worklist_mapping]
    if config.directory is not None:
        out["directory"] = asdict(config.directory)
    if config.department is not None:
        out["department"] = asdict(config.department)
    return out


def save(config: Config, path: Path | None = None) -> Path:
    """Validate and write the configuration atomically (the settings dialog's Save)."""
    import tomli_w

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
        import platformdirs

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
        if ok and not math.isfinite(value):  # nan or inf: a job would wait forever
            raise ConfigError(f"{where}: {key} must be a finite number, got {value}")
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
    if isinstance(raw.get("url"), str) and raw["url"]:
        raw = {**web_address(raw["url"]), **raw}  # host, port and ae_title from the url
    node = _section(NodeConfig, raw, where)
    node.print = _section(PrintOptions, print_raw, f"{where}: print")
    return node


def audit_problems(audit: AuditConfig) -> list[str]:
    """What is wrong with the [audit] section, each naming its field."""
    if not audit.repository:
        return []
    from vxacq.security.syslog import parse_repository
    from vxacq.security.tls import file_problems

    try:
        repository = parse_repository(audit.repository)
    except ValueError as exc:
        return [str(exc)]
    if repository.scheme == "tls":
        return file_problems(audit.tls_ca, audit.tls_cert, audit.tls_key, cert_required=False)
    return []


def _check_node(node: NodeConfig, where: str) -> None:
    problems = node_problems(node)
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    _check_print(node.print, f"{where}: print")


def node_problems(node: NodeConfig, others: list[NodeConfig] | tuple[()] = ()) -> list[str]:
    """Every problem of one node's connection settings, each naming its field (the node
    dialog lists them all at once); ``others`` are the other configured nodes, whose names
    this one must not repeat. Empty when the node can be saved."""
    problems = []
    if not node.name.strip():
        problems.append("name must not be blank")
    elif node.name == DEPARTMENT_NODE:
        problems.append(f"name '{DEPARTMENT_NODE}' is the department database's; choose another")
    elif any(o.name == node.name for o in others):
        problems.append(f"name '{node.name}' is used by another node; node names must be unique")
    if node.is_dicomweb:
        return problems + web_problems(node)
    problems += filter(None, [_ae_title_problem(node.ae_title),
                              _port_problem("port", node.port), _host_problem(node.host)])
    if node.auth != "none" or node.username or node.secret_file:
        problems.append("auth, username and secret_file are for a DICOMweb node (set its url)")
    if not node.services:
        problems.append(f"services is empty (choose from {', '.join(SERVICES)})")
    for service in node.services:
        if service not in SERVICES:
            problems.append(f"unknown service '{service}' (choose from {', '.join(SERVICES)})")
    for key, most in NODE_SECONDS.items():
        if not 0 < getattr(node, key) <= most:
            problems.append(f"{key} {getattr(node, key):g} must be greater than 0 and at most "
                            f"{most:g} seconds")
    if not 0 <= node.retries <= MAX_RETRIES:
        problems.append(f"retries {node.retries} must be 0..{MAX_RETRIES}")
    if node.max_pdu != 0 and not 4096 <= node.max_pdu <= 2**32 - 1:
        problems.append("max_pdu must be 0 (unlimited) or 4096..4294967295")
    if node.transfer_syntax not in TRANSFER_SYNTAXES:
        problems.append(f"transfer_syntax '{node.transfer_syntax}' is not one of "
                        f"{', '.join(TRANSFER_SYNTAXES)}")
    try:
        _check_charset("", "fallback_character_set", node.fallback_character_set)
    except ConfigError as exc:
        problems.append(str(exc).removeprefix(": "))
    if not 1 <= node.worklist_match_limit <= 100_000:
        problems.append("worklist_match_limit must be 1..100000")
    if not 0 < node.commitment_timeout_minutes <= 7 * 24 * 60:
        problems.append("commitment_timeout_minutes must be greater than 0 and at most 10080 "
                        "(a week)")
    if not 0 <= node.commitment_wait_seconds <= 3600:
        problems.append("commitment_wait_seconds must be 0..3600")
    if node.retrieve not in RETRIEVE_MODES:
        problems.append(f"retrieve '{node.retrieve}' is not one of {', '.join(RETRIEVE_MODES)} "
                        "(C-MOVE to our listener, or C-GET on the same association)")
    if not 0 < node.retrieve_timeout <= 3600:
        problems.append("retrieve_timeout must be greater than 0 and at most 3600 seconds")
    if node.tls:
        from vxacq.security.tls import file_problems

        problems += file_problems(node.tls_ca, node.tls_cert, node.tls_key, cert_required=False)
    return problems


def web_address(url: str) -> dict[str, Any]:
    """host, port and ae_title of a DICOMweb node, from its url (empty when it cannot be
    parsed: :func:`web_problems` says why). A DICOMweb node has no AE title; "" leaves it out of the
    audit messages, which name its address instead."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return {"host": "", "port": 0, "ae_title": ""}
    return {"host": parts.hostname or "", "port": port, "ae_title": ""}


def web_problems(node: NodeConfig) -> list[str]:
    """Every problem of a DICOMweb node (``url`` set), each naming its field."""
    from urllib.parse import urlsplit

    problems = []
    try:
        parts = urlsplit(node.url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return [f"url '{node.url}' cannot be parsed ({exc})"]
    if parts.scheme not in ("https", "http") or not parts.hostname:
        problems.append(f"url '{node.url}' must be https://host[:port]/path (the DICOMweb "
                        "base, before /studies)")
    if parts.username or parts.password:
        problems.append("url must not hold a user name or password; use username and "
                        "secret_file")
    if parts.query or parts.fragment:
        problems.append(f"url '{node.url}' must not have a query (?) or fragment (#)")
    if parts.path.rstrip("/").endswith("/studies"):
        problems.append(f"url '{node.url}' ends with /studies; give the base before it")
    if not all(ch.isprintable() and not ch.isspace() for ch in node.url):
        problems.append("url contains spaces or control characters")
    address = web_address(node.url)
    if (node.host, node.port) != (address["host"], address["port"]):
        problems.append(f"host '{node.host}' and port {node.port} differ from the url's "
                        f"'{address['host']}' and {address['port']}; leave host and port out "
                        "for a DICOMweb node")
    if node.ae_title and (problem := _ae_title_problem(node.ae_title)):
        problems.append(f"{problem} (a DICOMweb node needs none)")
    if node.auth not in WEB_AUTH:
        problems.append(f"auth '{node.auth}' is not one of {', '.join(WEB_AUTH)}")
    elif node.auth != "none" and parts.scheme == "http":
        problems.append(f"url '{node.url}' is http: auth = \"{node.auth}\" would send the "
                        f"{'password' if node.auth == 'basic' else 'token'} in clear text; "
                        "use https")
    if node.auth == "basic" and (not node.username or ":" in node.username
                                 or not node.username.isprintable()):
        problems.append("auth = \"basic\" needs username (printable, without ':')")
    if node.auth != "basic" and node.username:
        problems.append("username is only for auth = \"basic\"")
    if node.auth in ("basic", "bearer"):
        from vxacq.security.secrets import secret_file_problem

        if problem := secret_file_problem(node.secret_file):
            problems.append(problem)
    elif node.secret_file:
        problems.append("secret_file is set but auth is \"none\"")
    for service in node.services:
        if service == "commitment":
            problems.append("storage commitment is not applicable to DICOMweb (STOW-RS has no "
                            "commitment); remove 'commitment' from services")
        elif service not in WEB_SERVICES:
            problems.append(f"service '{service}' is DIMSE only; a DICOMweb node offers "
                            f"{' and '.join(WEB_SERVICES)}")
    if not node.services:
        problems.append(f"services is empty (choose from {', '.join(WEB_SERVICES)})")
    for key in ("connect_timeout", "dimse_timeout", "retry_delay"):
        if not 0 < getattr(node, key) <= NODE_SECONDS[key]:
            problems.append(f"{key} {getattr(node, key):g} must be greater than 0 and at most "
                            f"{NODE_SECONDS[key]:g} seconds")
    if not 0 <= node.retries <= MAX_RETRIES:
        problems.append(f"retries {node.retries} must be 0..{MAX_RETRIES}")
    if not 1 <= node.worklist_match_limit <= 100_000:
        problems.append("worklist_match_limit must be 1..100000 (also the most studies a "
                        "QIDO-RS answer may hold)")
    if not 0 < node.retrieve_timeout <= 3600:
        problems.append("retrieve_timeout must be greater than 0 and at most 3600 seconds")
    if parts.scheme == "https":
        from vxacq.security.tls import file_problems

        problems += file_problems(node.tls_ca, node.tls_cert, node.tls_key, cert_required=False)
    return problems


def _check_station_tls(st: StationConfig) -> None:
    if st.tls_port == 0:
        return
    if problem := _listen_port_problem(st.tls_port):
        raise ConfigError(f"station: {problem.replace('listen_port', 'tls_port')}")
    if st.tls_port == st.listen_port:
        raise ConfigError(f"station: tls_port {st.tls_port} is also listen_port; the TLS "
                          "listener needs a port of its own (e.g. 11113)")
    from vxacq.security.tls import file_problems

    problems = file_problems(st.tls_ca, st.tls_cert, st.tls_key, cert_required=True)
    if st.tls_require_client_cert and not st.tls_ca:
        problems.append("tls_require_client_cert needs tls_ca (the CAs that sign callers' "
                        "certificates)")
    if problems:
        raise ConfigError("station: " + "; ".join(problems))


def _host_problem(host: str) -> str | None:
    if not host.strip():
        return "host must not be blank"
    if any(ch.isspace() for ch in host):
        return f"host '{host}' contains a space; a host name or address has none"
    if not all(ch.isprintable() for ch in host):
        return f"host {host!r} contains control characters"
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return None
    if not _HOST_NAME.fullmatch(host):
        return (f"host '{host}' is not a host name or IP address (letters, digits, '-', '_' "
                "and '.' only)")
    return None


# RFC 1123 labels (underscores, which some sites' internal names carry, allowed).
_HOST_NAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                        r"(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?")


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
    if p.bits not in (8, 12, 14):
        raise ConfigError(f"{where}: bits must be 8, 12 or 14, got {p.bits}")
    for key in ("smoothing_type", "annotation_format"):
        value = getattr(p, key)
        if value and not re.fullmatch(r"[A-Z0-9_ ]{1,16}", value):
            raise ConfigError(f"{where}: {key} '{value}' must be a DICOM code string (capital "
                              "letters, digits, space, underscore; at most 16)")
    if not 0 < p.illumination <= 100_000:
        raise ConfigError(f"{where}: illumination {p.illumination} cd/m² must be 1..100000")
    if not 0 <= p.reflected_ambient_light <= 10_000:
        raise ConfigError(f"{where}: reflected_ambient_light {p.reflected_ambient_light} cd/m² "
                          "must be 0..10000")
    if not 0 <= p.min_density < p.max_density:
        raise ConfigError(f"{where}: need 0 <= min_density < max_density")


def _check_ae_title(where: str, value: str) -> None:
    if problem := _ae_title_problem(value):
        raise ConfigError(f"{where}: {problem}")


def _ae_title_problem(value: str) -> str | None:
    if not value.strip():
        return "ae_title must not be blank"
    if len(value) > 16:
        return f"ae_title '{value}' is longer than 16 characters"
    if "\\" in value:
        return f"ae_title '{value}' contains a backslash"
    if not all(" " <= ch <= "~" for ch in value):
        return f"ae_title '{value}' has characters outside printable ASCII"
    return None


def _check_port(where: str, key: str, value: int) -> None:
    if problem := _port_problem(key, value):
        raise ConfigError(f"{where}: {problem}")


def _port_problem(key: str, value: int) -> str | None:
    return None if 1 <= value <= 65535 else f"{key} {value} is outside 1..65535"


def _listen_port_problem(value: int) -> str | None:
    if problem := _port_problem("listen_port", value):
        return problem
    if value < 1024:
        return (f"listen_port {value} is below 1024, which only root may open, and the "
                "service runs as the user 'vxacq': use 11112 (the usual DICOM port for this) "
                "or another port from 1024")
    return None


def _check_data_dir(value: str) -> None:
    if not value:
        return  # the user's data dir is filled in after validation
    resolved = Path(value).expanduser().resolve()
    for system in SYSTEM_DIRS:
        if resolved == Path(system) or Path(system) in resolved.parents:
            raise ConfigError(f"station: data_dir '{value}' is under {system}, which holds the "
                              "system's own files, not a station's data; use e.g. "
                              "/var/lib/vxacq")


def _check_listener(st: StationConfig) -> None:
    if st.listen_address:
        try:
            ipaddress.ip_address(st.listen_address)
        except ValueError:
            raise ConfigError(f"station: listen_address '{st.listen_address}' is not an IP "
                              "address (use the station's own address, or \"\" for every "
                              "interface)") from None
    if not 1 <= st.max_associations <= 1000:
        raise ConfigError(f"station: max_associations {st.max_associations} is outside 1..1000")
    for key, low, high in (("association_request_timeout", 1.0, 300.0),
                           ("pdu_timeout", 1.0, 3600.0)):
        value = getattr(st, key)
        if not (isinstance(value, (int, float)) and low <= value <= high):  # NaN fails too
            raise ConfigError(f"station: {key} {value} is outside {low:g}..{high:g} seconds")


def _check_charset(where: str, key: str, value: str) -> None:
    # Multi-valued (0008,0005) terms are backslash-separated; each must be known.
    for term in value.split("\\"):
        if term and term not in CHARACTER_SETS:
            raise ConfigError(f"{where}: {key} term '{term}' is not a supported character set")
