"""Real DICOM peers for the tests: DCMTK's storescp, wlmscpfs, dcmqrscp and dcmprscp, Orthanc (with
its DICOMweb plugin, stunnel4 as its HTTPS front), and PixelMed's DicomAndWebStorageServer (Java).

Each ``start_*`` function is a context manager: it launches the server on free ports in a folder of
its own, waits until it answers a C-ECHO (Orthanc: also its REST API), yields a :class:`Peer`, and
always stops the server (SIGTERM, then SIGKILL) on the way out. Clients connect to 127.0.0.1 only.

Independent implementations on purpose: the peers, and the helpers that feed or query them, are
DCMTK, Orthanc, PixelMed and dicom3tools, so VXacq's pynetdicom/pydicom code is never checked against itself.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.charset import convert_encodings, encode_string
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.valuerep import PersonName

MAKE_TEST_HINT = "run `make test` to install DCMTK/dicom3tools/Orthanc/PixelMed"
# Debian's libpixelmed-java (pulled in by pixelmed-apps); its manifest names HSQLDB and the rest.
PIXELMED_JAR = Path("/usr/share/java/pixelmed.jar")
HOST = "127.0.0.1"
CALLING_AE = "VXACQTEST"
START_TIMEOUT = 20.0  # seconds a peer gets to answer its first C-ECHO
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL
START_ATTEMPTS = 3  # free_port() can race with another process; retry on "address in use"

# Debian's orthanc package ships the sample worklist plugin here (the .so.1.10.1 lives in /usr/lib/orthanc).
ORTHANC_WORKLIST_PLUGINS = (
    Path("/usr/share/orthanc/plugins/libModalityWorklists.so"),
    Path("/usr/lib/orthanc/libModalityWorklists.so"),
)

# Debian's orthanc-dicomweb plugin (STOW-RS, QIDO-RS, WADO-RS under /dicom-web/).
ORTHANC_DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
ORTHANC_DICOMWEB_ROOT = "/dicom-web"

STORED_PRINT_STORAGE = "1.2.840.10008.5.1.1.27"
HARDCOPY_GRAYSCALE_IMAGE_STORAGE = "1.2.840.10008.5.1.1.29"


class PeerError(RuntimeError):
    """A peer could not be started or a DCMTK/Orthanc helper failed."""


class ToolMissing(PeerError):
    """A DCMTK/dicom3tools/Orthanc program is not installed."""


class PeerStartError(PeerError):
    """A peer exited or did not answer within the start timeout."""


@dataclass
class Peer:
    """A running DICOM server and where it keeps its files."""

    name: str  # "storescp", "wlmscpfs", "dcmqrscp", "dcmprscp", "orthanc"
    ae_title: str
    host: str
    port: int
    workdir: Path
    process: subprocess.Popen[bytes]
    log_path: Path  # the server's stdout and stderr
    command: tuple[str, ...] = ()
    config_path: Path | None = None
    storage_dir: Path | None = None  # storescp: received files; dcmqrscp: storage area; Orthanc: storage
    worklist_dir: Path | None = None  # where write_worklist_item puts .wl files
    database_dir: Path | None = None  # dcmprscp: stored print + hardcopy objects; Orthanc: SQLite index
    http_port: int | None = None  # Orthanc REST API
    http_credentials: tuple[str, str] | None = None  # Orthanc's REST with authentication on

    @property
    def http_url(self) -> str:
        if self.http_port is None:
            raise PeerError(f"{self.name} has no HTTP port")
        return f"http://{self.host}:{self.http_port}"

    def log(self) -> str:
        """What the server printed so far."""
        try:
            return self.log_path.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def running(self) -> bool:
        return self.process.poll() is None


# ---------------------------------------------------------------------------------------------
# tools, ports, processes


def tool(name: str) -> str:
    """Absolute path of a DCMTK/dicom3tools/Orthanc program, or ToolMissing saying how to get it."""
    found = shutil.which(name)
    if found is None:
        # Orthanc is in /usr/sbin, which is not on a normal user's PATH.
        found = shutil.which(name, path=os.pathsep.join(["/usr/sbin", "/usr/local/sbin", "/sbin"]))
    if found is None:
        raise ToolMissing(f"`{name}` is not installed: {MAKE_TEST_HINT}")
    return found


def orthanc_worklist_plugin() -> Path:
    """Path of Debian's ModalityWorklists plugin for Orthanc."""
    for candidate in ORTHANC_WORKLIST_PLUGINS:
        if candidate.exists():
            return candidate
    found = sorted(Path("/usr/lib/orthanc").glob("libModalityWorklists.so*"))
    if found:
        return found[0]
    raise ToolMissing(f"Orthanc's ModalityWorklists plugin is not installed: {MAKE_TEST_HINT}")


def free_port() -> int:
    """A TCP port nobody listens on right now (the peer binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _workdir(tmpdir: Path | str, name: str) -> Path:
    """A fresh folder for one peer; a second peer of the same kind gets name-2, name-3..."""
    base = Path(tmpdir)
    base.mkdir(parents=True, exist_ok=True)
    candidate, n = base / name, 1
    while candidate.exists():
        n += 1
        candidate = base / f"{name}-{n}"
    candidate.mkdir()
    return candidate


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the peer's process group (wlmscpfs and dcmqrscp fork children), then SIGKILL."""

    def signal_group(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)

    signal_group(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        signal_group(signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)
    # Forked association handlers may outlive their parent: clear the whole group.
    signal_group(signal.SIGKILL)


def _tail(text: str, limit: int = 6000) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def _wait_until_ready(peer: Peer, ready: Callable[[Peer], bool], timeout: float) -> str:
    """'ready', 'exited' or 'timeout'."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if peer.process.poll() is not None:
            return "exited"
        if ready(peer):
            return "ready"
        time.sleep(0.1)
    return "exited" if peer.process.poll() is not None else "timeout"


@contextlib.contextmanager
def _serve(
    name: str,
    workdir: Path,
    build: Callable[[], tuple[list[str], dict[str, Any]]],
    ready: Callable[[Peer], bool],
    timeout: float,
) -> Iterator[Peer]:
    """Start ``build()``'s command in ``workdir`` until ``ready`` says yes, yield it, then stop it.

    ``build`` picks the ports and writes any config file, so a retry after a port clash gets new ones;
    it returns the command and the Peer fields (ae_title, port, ...).
    """
    log_path = workdir / f"{name}.log"
    peer: Peer | None = None
    for attempt in range(1, START_ATTEMPTS + 1):
        command, fields = build()
        start_of_log = log_path.stat().st_size if log_path.exists() else 0
        with open(log_path, "ab") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            process = subprocess.Popen(
                command,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group, so _stop reaches forked children
            )
        peer = Peer(name=name, host=HOST, workdir=workdir, process=process, log_path=log_path,
                    command=tuple(command), **fields)
        try:
            state = _wait_until_ready(peer, ready, timeout)
        except BaseException:
            _stop(process)
            raise
        if state == "ready":
            break
        _stop(process)
        this_log = log_path.read_bytes()[start_of_log:].decode("utf-8", errors="replace")
        if "in use" in this_log.lower() and attempt < START_ATTEMPTS:
            continue  # another process took our free port in the meantime
        why = (f"exited with code {process.returncode}" if state == "exited"
               else f"did not answer a C-ECHO within {timeout:.0f} s")
        raise PeerStartError(
            f"{name} (AE {fields.get('ae_title')}, port {fields.get('port')}) {why}.\n"
            f"command: {' '.join(command)}\nlog {log_path}:\n{_tail(this_log)}"
        )
    assert peer is not None
    try:
        yield peer
    finally:
        _stop(peer.process)


# ---------------------------------------------------------------------------------------------
# DCMTK clients


def _run(
    command: Sequence[str], timeout: float, what: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a DCMTK client; PeerError with its output when it fails or hangs."""
    try:
        result = subprocess.run(list(command), capture_output=True, timeout=timeout, cwd=cwd,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise PeerError(f"{what}: `{' '.join(command)}` did not finish within {timeout:.0f} s") from exc
    if result.returncode != 0:
        output = (result.stdout + result.stderr).decode("utf-8", errors="replace")
        raise PeerError(f"{what}: `{' '.join(command)}` exited with {result.returncode}:\n{_tail(output)}")
    return result


def echo(peer: Peer, calling_ae: str = CALLING_AE, timeout: float = 3.0) -> bool:
    """Whether ``peer`` answers a C-ECHO (DCMTK echoscu) addressed to its AE title."""
    seconds = str(max(1, int(timeout)))
    command = [tool("echoscu"), "-aet", calling_ae, "-aec", peer.ae_title,
               "-to", seconds, "-ta", seconds, "-td", seconds, peer.host, str(peer.port)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=3 * timeout + 2, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0


def store_files(peer: Peer, paths: Sequence[Path | str], calling_ae: str = CALLING_AE, timeout: float = 60.0) -> None:
    """C-STORE files to ``peer`` with DCMTK storescu (one association); PeerError if any fails.

    storescu proposes each file's own transfer syntax, so compressed files go over as they are.
    """
    if not paths:
        raise ValueError("no files to store")
    command = [tool("storescu"), "-aet", calling_ae, "-aec", peer.ae_title,
               "-to", "5", "-ta", "5", "-td", "30", peer.host, str(peer.port), *map(str, paths)]
    result = _run(command, timeout, f"storescu to {peer.name}")
    # storescu exits 0 even when a C-STORE answered with a failure status; its errors start "E:".
    errors = [line for line in (result.stdout + result.stderr).decode("utf-8", "replace").splitlines()
              if line.startswith(("E:", "F:"))]
    if errors:
        raise PeerError(f"storescu to {peer.name} reported errors:\n" + "\n".join(errors))


def findscu(
    peer: Peer,
    keys: Mapping[str, str] | Sequence[str],
    model: str = "worklist",
    calling_ae: str = CALLING_AE,
    workdir: Path | None = None,
    timeout: float = 30.0,
) -> list[Dataset]:
    """C-FIND with DCMTK findscu; the identifiers it received, as pydicom datasets.

    ``keys`` are findscu ``-k`` arguments: a mapping like {"PatientName": "",
    "ScheduledProcedureStepSequence[0].Modality": "DX"} or a list like ["QueryRetrieveLevel=STUDY",
    "PatientID"]. ``model``: worklist, study or patient. Responses are kept in a findscu* folder.
    """
    flag = {"worklist": "-W", "study": "-S", "patient": "-P"}[model]
    out = Path(workdir) if workdir is not None else peer.workdir
    out = _workdir(out, "findscu")
    key_args: list[str] = []
    items = [f"{k}={v}" for k, v in keys.items()] if isinstance(keys, Mapping) else list(keys)
    for item in items:
        key_args += ["-k", item]
    command = [tool("findscu"), flag, "-aet", calling_ae, "-aec", peer.ae_title,
               "-to", "5", "-ta", "5", "-td", "20", "-X", "-od", str(out), *key_args, peer.host, str(peer.port)]
    result = _run(command, timeout, f"findscu to {peer.name}")
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    if any(line.startswith(("E:", "F:")) for line in output.splitlines()):
        raise PeerError(f"findscu to {peer.name} reported errors:\n{_tail(output)}")
    return [dcmread(path) for path in sorted(out.glob("rsp*.dcm"))]


# ---------------------------------------------------------------------------------------------
# storescp


@contextlib.contextmanager
def start_storescp(
    tmpdir: Path | str,
    ae_title: str = "STORESCP",
    *,
    unique_filenames: bool = False,
    bit_preserving: bool = True,
    promiscuous: bool = True,
    extra_args: Sequence[str] = (),
    timeout: float = START_TIMEOUT,
    ready: Callable[[Peer], bool] = echo,
) -> Iterator[Peer]:
    """DCMTK storescp writing what it receives into ``peer.storage_dir``. ``ready`` says when
    it answers (a TLS storescp needs an echo over TLS).

    Accepts every transfer syntax DCMTK knows (+xa, so JPEG/J2K/RLE too), every storage SOP class
    (-pm also takes ones DCMTK does not know). Files are named <SOP class abbrev>.<SOP Instance
    UID>.dcm, so a resent instance overwrites; ``unique_filenames`` keeps each receipt instead (then
    the names no longer contain the UID). ``bit_preserving`` writes the data set exactly as it came
    over the wire.
    """
    workdir = _workdir(tmpdir, "storescp")
    storage = workdir / "received"
    storage.mkdir()

    def build() -> tuple[list[str], dict[str, Any]]:
        port = free_port()
        command = [tool("storescp"), "-v", "-aet", ae_title, "-od", str(storage), "+xa", "-dhl",
                   "+uf" if unique_filenames else "-uf", "-fe", ".dcm"]
        command += ["-pm"] if promiscuous else []
        command += ["+B"] if bit_preserving else []
        command += [*extra_args, str(port)]
        return command, {"ae_title": ae_title, "port": port, "storage_dir": storage}

    with _serve("storescp", workdir, build, ready, timeout) as peer:
        yield peer


def received_files(peer: Peer) -> list[Path]:
    """Files storescp has written so far, oldest first."""
    assert peer.storage_dir is not None
    return sorted((p for p in peer.storage_dir.rglob("*") if p.is_file()), key=lambda p: (p.stat().st_mtime, p.name))


def received_file(peer: Peer, sop_instance_uid: str) -> Path:
    """The file storescp wrote for one SOP Instance UID (default file names only)."""
    matches = [p for p in received_files(peer) if p.name.endswith(f".{sop_instance_uid}.dcm")]
    if len(matches) != 1:
        names = ", ".join(p.name for p in received_files(peer)) or "nothing"
        raise PeerError(f"{len(matches)} files for {sop_instance_uid} in {peer.storage_dir}; received: {names}")
    return matches[0]


# ---------------------------------------------------------------------------------------------
# wlmscpfs and worklist files


@contextlib.contextmanager
def start_wlmscpfs(
    tmpdir: Path | str,
    ae_title: str = "WLMSCP",
    *,
    reject_incomplete: bool = True,
    keep_charset: bool = True,
    extra_args: Sequence[str] = (),
    timeout: float = START_TIMEOUT,
) -> Iterator[Peer]:
    """DCMTK wlmscpfs answering from the .wl files in ``peer.worklist_dir``.

    wlmscpfs serves the folder named after the called AE title inside its -dfp folder, locked
    through a file called "lockfile". ``keep_charset`` (-csk) returns each file's own Specific
    Character Set; ``reject_incomplete`` (-efr, DCMTK's default) ignores files lacking the attributes
    a worklist item must have, as a strict broker would.
    """
    workdir = _workdir(tmpdir, "wlmscpfs")
    database = workdir / "worklists"
    items = database / ae_title
    items.mkdir(parents=True)
    (items / "lockfile").touch()

    def build() -> tuple[list[str], dict[str, Any]]:
        port = free_port()
        command = [tool("wlmscpfs"), "-v", "-dfp", str(database), "-dhl",
                   "-efr" if reject_incomplete else "-dfr"]
        command += ["-csk"] if keep_charset else []
        command += [*extra_args, str(port)]
        return command, {"ae_title": ae_title, "port": port, "worklist_dir": items}

    with _serve("wlmscpfs", workdir, build, echo, timeout) as peer:
        yield peer


_BINARY_VRS = {"OB", "OW", "UN"}
_NUMERIC_VRS = {"US", "SS", "UL", "SL", "UV", "SV", "FL", "FD"}
_CHARSET_VRS = {"SH", "LO", "ST", "LT", "UC", "UT", "PN"}


def _dump_value(vr: str, value: Any, encodings: list[str]) -> bytes:
    """One element's value in dcmdump/dump2dcm syntax (without the tag and VR)."""
    if value is None or value == "" or value == b"" or (isinstance(value, (list, MultiValue)) and len(value) == 0):
        return b""
    if vr in _BINARY_VRS:
        data = bytes(value)
        if vr == "OW":
            if len(data) % 2:
                data += b"\0"
            words = [int.from_bytes(data[i:i + 2], "little") for i in range(0, len(data), 2)]
            return "\\".join(f"{w:04x}" for w in words).encode()
        return "\\".join(f"{b:02x}" for b in data).encode()
    values = list(value) if isinstance(value, (list, MultiValue)) else [value]
    if vr == "AT":
        return "\\".join(f"({int(v) >> 16:04x},{int(v) & 0xFFFF:04x})" for v in values).encode()
    if vr in _NUMERIC_VRS:
        return b"[" + "\\".join(repr(v) if isinstance(v, float) else str(int(v)) for v in values).encode() + b"]"
    parts: list[bytes] = []
    for v in values:
        if vr == "PN":
            parts.append(PersonName(v).encode(encodings) if not isinstance(v, PersonName) else v.encode(encodings))
        elif vr in _CHARSET_VRS:
            parts.append(encode_string(str(v), encodings))
        else:
            parts.append(str(v).encode("ascii"))
    text = b"\\".join(parts)
    # One element per line: dump2dcm turns the two characters \n back into CR LF.
    text = text.replace(b"\r\n", b"\\n").replace(b"\n", b"\\n").replace(b"\r", b"\\n")
    return b"[" + text + b"]"  # the value ends at the last ']' of the line, so ']' and '#' inside are fine


def _dump_lines(ds: Dataset, encodings: list[str], out: list[bytes]) -> None:
    if "SpecificCharacterSet" in ds:
        encodings = convert_encodings(ds.SpecificCharacterSet)
    for elem in ds:
        tag = f"({elem.tag.group:04x},{elem.tag.element:04x})".encode()
        vr = str(elem.VR).split(" or ")[-1]  # "US or SS" -> SS, "OB or OW" -> OW
        if vr == "SQ":
            out.append(tag + b" SQ (Sequence)")
            for item in elem.value or []:
                out.append(b"(fffe,e000) na (Item)")
                _dump_lines(item, encodings, out)
                out.append(b"(fffe,e00d) na (ItemDelimitationItem)")
            out.append(b"(fffe,e0dd) na (SequenceDelimitationItem)")
        else:
            out.append(tag + b" " + vr.encode() + b" " + _dump_value(vr, elem.value, encodings))


def dataset_to_dump(ds: Dataset) -> bytes:
    """A pydicom data set as dcmdump text for dump2dcm, values encoded in its Specific Character Set.

    Written here rather than with pydicom's writer so that worklist files are encoded by DCMTK.
    """
    lines: list[bytes] = []
    _dump_lines(ds, convert_encodings(None), lines)
    return b"\n".join(lines) + b"\n"


def dump2dcm(dump: str | bytes, target: Path, workdir: Path) -> Path:
    """Make the DICOM file ``target`` from dcmdump text with DCMTK dump2dcm (str is written as UTF-8)."""
    data = dump.encode("utf-8") if isinstance(dump, str) else dump
    dumps = workdir / "dumps"
    dumps.mkdir(exist_ok=True)
    dump_path = dumps / (target.name + ".dump")
    dump_path.write_bytes(data)
    longest = max((len(line) for line in data.splitlines()), default=0)
    command = [tool("dump2dcm"), "+te", "+l", str(max(4096, longest + 16)), str(dump_path), str(target)]
    result = _run(command, 30, "dump2dcm")
    # dump2dcm 3.6.7 exits 0 even when it rejects the dump ("E: ... no Tag found"): check its words too.
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    errors = [line for line in output.splitlines() if line.startswith(("E:", "F:"))]
    if errors or not target.is_file():
        target.unlink(missing_ok=True)
        raise PeerError(f"dump2dcm refused {dump_path}:\n" + ("\n".join(errors) or output))
    return target


def write_worklist_item(peer: Peer, item: Dataset | str | bytes, name: str) -> Path:
    """Put one worklist item, made by DCMTK dump2dcm, into ``peer.worklist_dir`` as ``name``.wl.

    ``item`` is a pydicom data set or dcmdump text (str is written as UTF-8, so a str dump with
    non-ASCII values needs (0008,0005) ISO_IR 192; pass bytes for another character set). The file
    appears atomically, so a query running meanwhile never reads half of it.
    """
    if peer.worklist_dir is None:
        raise PeerError(f"{peer.name} has no worklist folder")
    filename = name if name.endswith(".wl") else f"{name}.wl"
    if "/" in filename or filename.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    dump = dataset_to_dump(item) if isinstance(item, Dataset) else item
    target = peer.worklist_dir / filename
    partial = peer.worklist_dir / f".{filename}.partial"  # not *.wl: neither server reads it
    dump2dcm(dump, partial, peer.workdir)
    os.replace(partial, target)
    return target


# ---------------------------------------------------------------------------------------------
# dcmqrscp


@contextlib.contextmanager
def start_dcmqrscp(
    tmpdir: Path | str,
    ae_title: str = "DCMQRSCP",
    *,
    move_destinations: Mapping[str, tuple[str, int]] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = START_TIMEOUT,
) -> Iterator[Peer]:
    """DCMTK dcmqrscp: an archive with one AE (storage, C-FIND, C-MOVE, C-GET) accepting any peer.

    ``move_destinations`` maps AE titles to (host, port) that C-MOVE may send to. Fill it with
    :func:`load_dcmqrscp`; the files and index.dat are in ``peer.storage_dir``.
    """
    workdir = _workdir(tmpdir, "dcmqrscp")
    storage = workdir / "storage"
    storage.mkdir()
    config = workdir / "dcmqrscp.cfg"
    destinations = dict(move_destinations or {})
    for ae in [ae_title, *destinations]:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,16}", ae):
            raise ValueError(f"AE title {ae!r} cannot be written to dcmqrscp.cfg")

    def build() -> tuple[list[str], dict[str, Any]]:
        port = free_port()
        hosts = [f"dest{i} = ({ae}, {host}, {dport})" for i, (ae, (host, dport)) in enumerate(destinations.items())]
        # No UserName/GroupName: dcmqrscp would try to switch to that user when run as root.
        config.write_text(
            f"NetworkTCPPort  = {port}\n"
            "MaxPDUSize      = 16384\n"
            "MaxAssociations = 16\n"
            "HostTable BEGIN\n" + "".join(h + "\n" for h in hosts) + "HostTable END\n"
            "VendorTable BEGIN\nVendorTable END\n"
            "AETable BEGIN\n"
            f"{ae_title}  {storage}  RW  (1000, 1024mb)  ANY\n"
            "AETable END\n"
        )
        command = [tool("dcmqrscp"), "-v", "-c", str(config), "-dhl", *extra_args, str(port)]
        return command, {"ae_title": ae_title, "port": port, "storage_dir": storage, "config_path": config}

    with _serve("dcmqrscp", workdir, build, echo, timeout) as peer:
        yield peer


def load_dcmqrscp(peer: Peer, paths: Sequence[Path | str], calling_ae: str = CALLING_AE) -> None:
    """Store files into dcmqrscp with storescu; dcmqrscp indexes them before it answers."""
    store_files(peer, paths, calling_ae)


# ---------------------------------------------------------------------------------------------
# PixelMed


@contextlib.contextmanager
def start_pixelmed(
    tmpdir: Path | str,
    ae_title: str = "PIXELMED",
    *,
    timeout: float = START_TIMEOUT,
) -> Iterator[Peer]:
    """PixelMed's DicomAndWebStorageServer: storage of any SOP class into an HSQLDB-indexed folder
    and Study Root / Patient Root C-FIND over what it holds, accepting any calling AE.

    A third implementation beside DCMTK and Orthanc (David Clunie's Java toolkit). It listens on
    every interface (it has no bind setting); its web port is a second free port. Received
    files are in ``peer.storage_dir``.
    """
    if not PIXELMED_JAR.exists():
        raise ToolMissing(f"PixelMed ({PIXELMED_JAR}) is not installed: {MAKE_TEST_HINT}")
    java = tool("java")
    workdir = _workdir(tmpdir, "pixelmed")
    storage = workdir / "images"
    storage.mkdir()
    config = workdir / "server.properties"

    def build() -> tuple[list[str], dict[str, Any]]:
        port, web_port = free_port(), free_port()
        config.write_text(
            f"Dicom.ListeningPort={port}\n"
            f"Dicom.CalledAETitle={ae_title}\n"
            f"Dicom.CallingAETitle={ae_title}\n"
            "Dicom.StorageSCPDebugLevel=1\n"
            "Dicom.QueryDebugLevel=1\n"
            f"Application.DatabaseFileName={workdir / 'database'}\n"
            f"Application.SavedImagesFolderName={storage}\n"
            "Application.DatabaseServerName=vxacqtest\n"
            f"WebServer.ListeningPort={web_port}\n"
        )
        command = [java, "-Xmx256m", "-Djava.awt.headless=true", "-cp", str(PIXELMED_JAR),
                   "com.pixelmed.server.DicomAndWebStorageServer", str(config)]
        return command, {"ae_title": ae_title, "port": port, "storage_dir": storage,
                         "config_path": config, "http_port": web_port}

    with _serve("pixelmed", workdir, build, echo, timeout) as peer:
        yield peer


# ---------------------------------------------------------------------------------------------
# dcmprscp


@contextlib.contextmanager
def start_dcmprscp(
    tmpdir: Path | str,
    ae_title: str = "PRINTSCP",
    *,
    film_sizes: Sequence[str] = ("8INX10IN", "10INX12IN", "10INX14IN", "11INX14IN", "14INX14IN",
                                 "14INX17IN", "24CMX24CM", "24CMX30CM"),
    display_formats: Sequence[str] = ("1,1", "1,2", "2,1", "2,2", "2,3", "3,3", "3,4", "4,4", "4,5"),
    extra_config: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    timeout: float = START_TIMEOUT,
    tls: tuple[Path, Path, Path] | None = None,
    ready: Callable[[Peer], bool] = echo,
) -> Iterator[Peer]:
    """DCMTK dcmprscp, a Basic Grayscale Print SCP modelled on the IHEFULL printer of DCMTK's
    /etc/dcmtk/dcmpstat.cfg: 12-bit images, presentation LUTs, the given film sizes and
    STANDARD\\C,R display formats (``display_formats`` are the C,R parts).

    Each printed film box becomes a Stored Print object (SP_*.dcm) plus one Hardcopy Grayscale
    Image (HG_*.dcm) per image box in ``peer.database_dir``; see :func:`printed_objects`.
    ``extra_config`` overrides printer keys (e.g. {"Supports12Bit": "false"}).

    ``tls`` = (CA, certificate, key), PEM: the printer takes only DICOM over TLS (dcmpstat.cfg's
    UseTLS; dcmprscp has no command-line TLS options) and requires a client certificate signed
    by the CA; ``ready`` must then answer over TLS.
    """
    workdir = _workdir(tmpdir, "dcmprscp")
    general_tls: list[str] = []
    if tls is not None:
        tls_dir, ca_dir = workdir / "tls", workdir / "tls" / "cacerts"
        ca_dir.mkdir(parents=True)
        ca, cert, key = tls
        # DCMTK looks CAs up by the hash of their subject (openssl x509 -hash): <hash>.0
        subject_hash = _run(["openssl", "x509", "-hash", "-noout", "-in", str(ca)], 10,
                            "hash of the CA").stdout.decode().strip()
        shutil.copy(ca, ca_dir / f"{subject_hash}.0")
        shutil.copy(cert, tls_dir / "sitecert.pem")
        shutil.copy(key, tls_dir / "sitekey.pem")
        general_tls = ["[TLS]", f"TLSDirectory = {tls_dir}", f"CACertificateDirectory = {ca_dir}",
                       "UsePEMFormat = true"]
        extra_config = {"UseTLS": "true", "Certificate": "sitecert.pem",
                        "PrivateKey": "sitekey.pem", "PeerAuthentication": "REQUIRE",
                        "TLSProfile": "BCP195",
                        **dict(extra_config or {})}
    database = workdir / "database"
    database.mkdir()
    config = workdir / "dcmpstat.cfg"
    if not re.fullmatch(r"[A-Za-z0-9_]{1,16}", ae_title):
        raise ValueError(f"AE title {ae_title!r} cannot be a dcmpstat.cfg section name")
    printer = {
        "Aetitle": ae_title,
        "Description": "VXacq test printer",
        "Hostname": "localhost",
        "Type": "LOCALPRINTER",
        "BorderDensity": "150\\20\\BLACK\\WHITE",
        "DisableNewVRs": "false",
        "DisplayFormat": "\\".join(display_formats),
        "EmptyImageDensity": "20\\BLACK\\WHITE",
        "FilmDestination": "MAGAZINE\\PROCESSOR\\BIN_1\\BIN_2",
        "FilmSizeID": "\\".join(film_sizes),
        "ImplicitOnly": "false",
        "MagnificationType": "REPLICATE\\BILINEAR\\CUBIC\\NONE",
        "MaxDensity": "320",
        "MaxPDU": "32768",
        "MediumType": "PAPER\\CLEAR FILM\\BLUE FILM",
        "MinDensity": "20",
        "OmitSOPClassUIDFromCreateResponse": "false",
        "PresentationLUTMatchRequired": "false",
        "PresentationLUTinFilmSession": "false",
        "ResolutionID": "STANDARD\\HIGH",
        "SmoothingType": "NONE",
        "Supports12Bit": "true",
        "SupportsDecimateCrop": "true",
        "SupportsImageSize": "true",
        "SupportsPresentationLUT": "true",
        "SupportsTrim": "true",
        **dict(extra_config or {}),
    }

    def build() -> tuple[list[str], dict[str, Any]]:
        port = free_port()
        lines = [
            "[[GENERAL]]",
            "[APPLICATION]",
            f"LogDirectory = {workdir}",
            "LogFile = dcmpstat.log",
            "LogLevel = INFO",
            "[DATABASE]",
            f"Directory = {database}",
            "[PRINT]",
            f"Directory = {workdir / 'spool'}",
            "DetailedLog = true",
            "BinaryLog = false",
            *general_tls,
            "[[COMMUNICATION]]",
            f"[{ae_title}]",
            f"Port = {port}",
            *(f"{key} = {value}" for key, value in printer.items()),
        ]
        config.write_text("\n".join(lines) + "\n")
        command = [tool("dcmprscp"), "-v", "-c", str(config), "-p", ae_title, *extra_args]
        return command, {"ae_title": ae_title, "port": port, "database_dir": database, "config_path": config}

    with _serve("dcmprscp", workdir, build, ready, timeout) as peer:
        yield peer


def printed_objects(peer: Peer) -> dict[str, list[Path]]:
    """dcmprscp's database by kind: {"stored_print": [...], "hardcopy": [...]}, by SOP Class UID."""
    assert peer.database_dir is not None
    found: dict[str, list[Path]] = {"stored_print": [], "hardcopy": []}
    for path in sorted(peer.database_dir.glob("*.dcm")):
        sop_class = str(dcmread(path, stop_before_pixels=True).SOPClassUID)
        if sop_class == STORED_PRINT_STORAGE:
            found["stored_print"].append(path)
        elif sop_class == HARDCOPY_GRAYSCALE_IMAGE_STORAGE:
            found["hardcopy"].append(path)
    return found


# ---------------------------------------------------------------------------------------------
# Orthanc


def _modality_entry(value: tuple[str, str, int] | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {"AllowStorageCommitment": True, **value}
    aet, host, port = value
    return {"AET": aet, "Host": host, "Port": int(port), "AllowStorageCommitment": True}


@contextlib.contextmanager
def start_orthanc(
    tmpdir: Path | str,
    modalities: Mapping[str, tuple[str, str, int] | Mapping[str, Any]] | None = None,
    worklists_dir: Path | str | None = None,
    ae_title: str = "ORTHANC",
    *,
    extra_config: Mapping[str, Any] | None = None,
    timeout: float = START_TIMEOUT,
    dicom_ready: Callable[[Peer], bool] = echo,
    dicomweb: bool = False,
    users: Mapping[str, str] | None = None,
) -> Iterator[Peer]:
    """Debian's Orthanc with a generated configuration, DICOM and REST on free ports.
    ``dicomweb`` loads Debian's DICOMweb plugin (``peer.http_url + ORTHANC_DICOMWEB_ROOT``);
    ``users`` ({name: password}) turns HTTP basic authentication on, the first user being the
    one :func:`orthanc_rest` calls as. Debian's Orthanc closes HTTPS connections (its
    civetweb with OpenSSL 3), so HTTPS comes from :func:`start_stunnel` in front of it.
    ``dicom_ready`` says when its DICOM port answers (with DicomTlsEnabled, an echo over TLS).

    ``modalities``: {name: (AE title, host, port)} or {name: Orthanc modality object}; Orthanc
    sends storage commitment reports (N-EVENT-REPORT) to the modality whose AE title made the
    request, over a new association. With ``worklists_dir`` the ModalityWorklists plugin answers
    worklist C-FINDs from the .wl files there (``peer.worklist_dir``). REST: :func:`orthanc_rest`.
    """
    workdir = _workdir(tmpdir, "orthanc")
    storage = workdir / "storage"
    index = workdir / "index"
    storage.mkdir()
    index.mkdir()
    worklists = Path(worklists_dir) if worklists_dir is not None else None
    plugins = [str(orthanc_worklist_plugin())] if worklists is not None else []
    if dicomweb:
        if not ORTHANC_DICOMWEB_PLUGIN.is_file():
            raise ToolMissing(f"Orthanc's DICOMweb plugin is not installed: {MAKE_TEST_HINT}")
        plugins.append(str(ORTHANC_DICOMWEB_PLUGIN))
    credentials = next(iter(users.items())) if users else None
    if worklists is not None:
        worklists.mkdir(parents=True, exist_ok=True)
    config = workdir / "orthanc.json"

    def build() -> tuple[list[str], dict[str, Any]]:
        port, http_port = free_port(), free_port()
        while http_port == port:
            http_port = free_port()
        settings: dict[str, Any] = {
            "Name": "VXACQ-TEST-ORTHANC",
            "StorageDirectory": str(storage),
            "IndexDirectory": str(index),
            "HttpServerEnabled": True,
            "HttpPort": http_port,
            "RemoteAccessAllowed": False,  # REST answers loopback clients only
            "AuthenticationEnabled": False,
            "OrthancExplorerEnabled": False,
            "WebDavEnabled": False,
            "DicomServerEnabled": True,
            "DicomAet": ae_title,
            "DicomPort": port,
            "DicomCheckCalledAet": False,
            "DicomAlwaysAllowEcho": True,
            "DicomAlwaysAllowStore": True,
            "DicomAlwaysAllowFind": True,
            "DicomAlwaysAllowFindWorklist": True,
            "DicomAlwaysAllowGet": True,
            "DicomAlwaysAllowMove": True,
            "DicomCheckModalityHost": False,
            "DicomModalities": {name: _modality_entry(v) for name, v in (modalities or {}).items()},
            "DicomModalitiesInDatabase": False,
            "DicomScuTimeout": 10,
            "DicomAssociationCloseDelay": 0,  # report and hang up, so test SCPs can stop at once
            "StorageCommitmentReportsSize": 100,
            "UnknownSopClassAccepted": True,
            "SaveJobs": False,
            "HttpsVerifyPeers": False,
            "HttpsCACertificates": "",
            "Plugins": plugins,
        }
        if dicomweb:
            settings["DicomWeb"] = {"Enable": True, "Root": ORTHANC_DICOMWEB_ROOT + "/"}
        if users:
            settings["AuthenticationEnabled"] = True
            settings["RegisteredUsers"] = dict(users)
        if worklists is not None:
            settings["Worklists"] = {"Enable": True, "Database": str(worklists)}
        settings.update(extra_config or {})
        config.write_text(json.dumps(settings, indent=2))
        command = [tool("Orthanc"), str(config)]
        return command, {"ae_title": ae_title, "port": port, "http_port": http_port, "storage_dir": storage,
                         "database_dir": index, "worklist_dir": worklists, "config_path": config,
                         "http_credentials": credentials}

    def ready(peer: Peer) -> bool:
        try:
            system = orthanc_rest(peer, "/system", timeout=2)
        except (PeerError, OSError):
            return False
        return system.get("DicomAet") == ae_title and dicom_ready(peer)

    with _serve("orthanc", workdir, build, ready, timeout) as peer:
        yield peer


def orthanc_rest(
    peer: Peer, path: str, method: str = "GET", body: Any = None, timeout: float = 10.0
) -> Any:
    """Call Orthanc's REST API on loopback: parsed JSON when it answers JSON, else the raw bytes.

    ``body``: bytes are sent as they are (e.g. a DICOM file to /instances), anything else as JSON.
    An HTTP error raises PeerError with Orthanc's answer.
    """
    data: bytes | None = None
    headers: dict[str, str] = {}
    if isinstance(body, (bytes, bytearray)):
        data, headers["Content-Type"] = bytes(body), "application/octet-stream"
    elif body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    url = peer.http_url + (path if path.startswith("/") else "/" + path)
    if peer.http_credentials:
        pair = ":".join(peer.http_credentials).encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    # No proxy: an http_proxy from the environment must not see loopback calls.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            payload = response.read()
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise PeerError(f"Orthanc {method} {path}: HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')}") from exc
    except urllib.error.URLError as exc:
        raise PeerError(f"Orthanc {method} {path}: {exc.reason}") from exc
    if content_type.startswith("application/json"):
        return json.loads(payload) if payload else None
    return payload


@contextlib.contextmanager
def start_stunnel(tmpdir: Path | str, connect_port: int, cert: Path, key: Path, *,
                  port: int = 0, timeout: float = START_TIMEOUT) -> Iterator[Peer]:
    """Debian's stunnel4 as an HTTPS front: TLS on loopback ``port`` (0: a free one; it is
    ``peer.port``) with ``cert`` and ``key``, forwarded in plain to ``connect_port``."""
    chosen = port
    workdir = _workdir(tmpdir, "stunnel")
    config = workdir / "stunnel.conf"

    def build() -> tuple[list[str], dict[str, Any]]:
        port = chosen or free_port()
        config.write_text(f"foreground = yes\npid =\n[https]\naccept = {HOST}:{port}\n"
                          f"connect = {HOST}:{connect_port}\ncert = {cert}\nkey = {key}\n")
        return [tool("stunnel4"), str(config)], {"ae_title": "", "port": port,
                                                 "config_path": config}

    def ready(peer: Peer) -> bool:
        with contextlib.suppress(OSError), socket.create_connection((HOST, peer.port), 1):
            return True
        return False

    with _serve("stunnel", workdir, build, ready, timeout) as peer:
        yield peer


# ---------------------------------------------------------------------------------------------
# dciodvfy (dicom3tools)

# dciodvfy prints one message a line on stderr: "Error - ...", "Warning - ...", "Abort - ..." (could
# not read the file). Messages about one element start with its tag: "(0x0010,0x0010) ? - Error - ...".
_ERROR = re.compile(r"(?:^|\s-\s)(?:Error|Abort) - ")
_WARNING = re.compile(r"(?:^|\s-\s)Warning - ")


def dciodvfy_output(path: Path | str, profile: str | None = None) -> list[str]:
    """Every line dciodvfy prints for ``path`` (validated against ``profile`` when given)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    command = [tool("dciodvfy"), *(["-profile", profile] if profile else []), str(path)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise PeerError(f"dciodvfy did not finish within 60 s on {path}") from exc
    # Values are quoted in the file's own encoding; only the message words matter.
    text = (result.stdout + result.stderr).decode("utf-8", errors="replace")
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def dciodvfy_errors(path: Path | str, profile: str | None = None) -> list[str]:
    """dciodvfy's error lines for ``path``; [] when the file conforms to its IOD (and profile).

    An unknown profile name shows up as "Error - Information Object Not found".
    """
    return [line for line in dciodvfy_output(path, profile) if _ERROR.search(line)]


def dciodvfy_warnings(path: Path | str, profile: str | None = None) -> list[str]:
    """dciodvfy's warning lines for ``path`` (lines that are also errors are left to dciodvfy_errors)."""
    return [line for line in dciodvfy_output(path, profile) if _WARNING.search(line) and not _ERROR.search(line)]


# PixelMed's SR template validator (Debian: pixelmed-apps / libpixelmed-java). Its compiled
# template stylesheet trips the JDK's default XPath operator limits (JAXP0801003), so the limits
# are lifted for this one process, as its own wrapper /usr/bin/DicomSRValidator does not.
PIXELMED_JAR = Path("/usr/share/java/pixelmed.jar")
SR_VALIDATOR_TIMEOUT = 180.0  # seconds; it compiles a 6 MB stylesheet first (~20-30 s on 2 cores)


def sr_template_output(path: Path | str) -> list[str]:
    """Every line PixelMed's DicomSRValidator prints for the SR at ``path``: the IOD, the root
    template and every template it includes, with their conditions and context groups."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    java = tool("java")
    if not PIXELMED_JAR.is_file():
        raise ToolMissing(f"PixelMed ({PIXELMED_JAR}) is not installed: {MAKE_TEST_HINT}")
    command = [java, "-Djdk.xml.xpathExprOpLimit=0", "-Djdk.xml.xpathExprGrpLimit=0",
               "-Djdk.xml.xpathTotalOpLimit=0", "-cp", str(PIXELMED_JAR),
               "com.pixelmed.validate.DicomSRValidator", str(path)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=SR_VALIDATOR_TIMEOUT,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise PeerError(f"DicomSRValidator did not finish within {SR_VALIDATOR_TIMEOUT:.0f} s on {path}") from exc
    text = (result.stdout + result.stderr).decode("utf-8", errors="replace")
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if not any("Root Template Validation Complete" in line for line in lines):
        raise PeerError(f"DicomSRValidator did not validate {path}: " + "\n".join(lines[-5:]))
    return lines


def sr_template_errors(path: Path | str) -> list[str]:
    """PixelMed's error lines for the SR at ``path`` ([] when it finds none)."""
    return [line for line in sr_template_output(path) if line.startswith("Error")]
