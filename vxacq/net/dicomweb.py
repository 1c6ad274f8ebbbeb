"""DICOMweb user agent (PS3.18): STOW-RS store, QIDO-RS study query, WADO-RS study retrieve.

A node with a ``url`` is a DICOMweb origin server. Its STORE jobs run through the same outbox
as C-STORE (:func:`run_store_job`, called by :mod:`vxacq.net.store`): each instance is POSTed
to ``{url}/studies`` as ``multipart/related; type="application/dicom"`` and the Store Instances
Response (ReferencedSOPSequence, FailedSOPSequence) is checked against what was sent; failure
reasons are the C-STORE statuses and handled by the same table. Storage commitment does not
exist in DICOMweb: the job's result says so. :func:`find_studies` answers the priors query
(``application/dicom+json``), :func:`retrieve_study` fetches a study into a
:class:`~vxacq.net.retrieve.RetrieveRequest` with the checks a C-MOVE/C-GET retrieve has.

Nothing that arrives is trusted: sizes are bounded while reading, the JSON's form is checked
before pydicom reads it, UIDs and patient IDs are compared with what was asked, and text is
escaped before it reaches a log line or a message.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
import re
import socket
import ssl
import threading
import time
import uuid
import warnings
from collections import Counter
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from pydicom import dcmread, dcmwrite
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

from vxacq.config import Config, NodeConfig
from vxacq.dicom.query import SeriesRecord, StudyQuery, StudyRecord, series_record, study_record
from vxacq.logs import escape
from vxacq.net.association import DicomNetworkError
from vxacq.net.retrieve import (
    CANNOT_UNDERSTAND, TRANSFER_SYNTAXES, UID_FORM, RetrieveError, RetrieveOutcome,
    RetrieveRequest,
)
from vxacq.security import audit, tls
from vxacq.security.audit_message import MINOR_FAILURE
from vxacq.security.secrets import SecretError, read_secret

if TYPE_CHECKING:  # the outbox imports store, which calls this module
    from vxacq.net.outbox import JobContext

log = logging.getLogger(__name__)

DICOM = "application/dicom"
DICOM_JSON = "application/dicom+json"
# A QIDO-RS answer or a STOW-RS response is a few kilobytes a study; beyond this it is not one.
MAX_JSON_BYTES = 16 << 20
USER_AGENT = "VXacq-DICOMweb"
# WADO-RS asks for what a C-MOVE/C-GET retrieve accepts (Explicit VR Little Endian): without a
# transfer-syntax parameter a server may send the instances as stored (JPEG, JPEG 2000), which
# the priors cache cannot show; "*" would invite them too.
WADO_ACCEPT = f'multipart/related; type="{DICOM}"; transfer-syntax={ExplicitVRLittleEndian}'
# A WADO-RS study is read whole before it is checked: at most this much (and the cache's size).
MAX_STUDY_MB = 1024
# A projection radiography prior is a few images; an answer of more parts is not one (and each
# part costs a decode and a line in the refusals).
MAX_PARTS = 1000
COMMITMENT_NOT_APPLICABLE = "not applicable: DICOMweb (STOW-RS) has no storage commitment"
STUDY_INCLUDE_FIELDS = ("StudyDate", "StudyTime", "AccessionNumber", "ModalitiesInStudy",
                        "StudyDescription", "PatientName", "PatientID", "StudyID",
                        "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances")
# What the user agent does (PS3.18), as the conformance statement prints it: transaction,
# request, media types sent and accepted.
TRANSACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Store Instances (STOW-RS)", "POST {url}/studies",
     f'multipart/related; type="{DICOM}" (one PS3.10 instance a request, as stored)',
     DICOM_JSON),
    ("Search for Studies (QIDO-RS), priors and study lists", "GET {url}/studies?PatientID=…"
     "&ModalitiesInStudy=…&limit=…&includefield=…", "", DICOM_JSON),
    ("Search for Series (QIDO-RS)", "GET {url}/studies/{StudyInstanceUID}/series", "",
     DICOM_JSON),
    ("Retrieve Study (WADO-RS), priors", "GET {url}/studies/{StudyInstanceUID}", "",
     f'multipart/related; type="{DICOM}"; transfer-syntax={ExplicitVRLittleEndian} '
     "(PS3.10 instances)"),
    ("Verification (`vxacq echo`, the service page's Echo)", "GET {url}/studies?limit=1", "",
     DICOM_JSON),
)
# How each HTTP answer is handled, as the conformance statement prints it.
HTTP_HANDLING: tuple[tuple[str, str], ...] = (
    ("200, 202 (STOW-RS)", "The Store Instances Response is read: an instance is stored only "
     "when ReferencedSOPSequence names it; a FailedSOPSequence item's FailureReason is handled "
     "as the same C-STORE status (retried or failed, table above); WarningReason or 202 is a "
     "warning, counted as stored"),
    ("409 (STOW-RS)", "None stored: each FailedSOPSequence reason as above"),
    ("200, 204 (QIDO-RS)", "The answer is used only when it is DICOM JSON, within the node's "
     "worklist_match_limit, every study with a Study Instance UID of UID form and of the "
     "patient (and study) asked for; otherwise it is refused whole"),
    ("204 (WADO-RS)", "Failed, not retried: the server has no such instances or series"),
    ("401, 403", "Failed, not retried: the user name, password or token was refused; the job "
     "is kept and sent again when the user retries it"),
    ("404", "Failed, not retried: no DICOMweb service at the url"),
    ("3xx", "Failed, not retried: redirects are not followed (the credentials would go "
     "with them); the url is to be set to where it leads"),
    ("408, 429, 5xx", "Retried after retry_delay, doubling, up to retries times"),
    ("other 4xx", "Failed, not retried, with the status and its reason phrase"),
    ("no connection, time-out", "Retried as above"),
    ("TLS refused", "Failed, not retried, with the reason (unknown CA, host name, expiry)"),
)
BEARER_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750 2.1 b64token
_TAG_KEY = re.compile(r"[0-9A-Fa-f]{8}")
_VR = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    content_type: str
    body: bytes


# --- HTTP ------------------------------------------------------------------------------


def _where(node: NodeConfig) -> str:
    return f"{node.name} ({node.url})"


def _headers(node: NodeConfig) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if node.auth == "none":
        return headers
    try:
        secret = read_secret(node.secret_file)
    except SecretError as exc:
        raise DicomNetworkError(f"{_where(node)}: {exc}", kind="config",
                                retryable=False) from None
    if node.auth == "basic":
        pair = f"{node.username}:{secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif BEARER_TOKEN.fullmatch(secret):
        headers["Authorization"] = f"Bearer {secret}"
    else:  # http.client would fail on a non-Latin-1 one with an error naming none of this
        raise DicomNetworkError(f"{_where(node)}: secret_file '{node.secret_file}' does not hold "
                                "a bearer token (letters, digits and -._~+/ then any =, RFC "
                                "6750)", kind="config", retryable=False)
    return headers


def _connection(node: NodeConfig) -> http.client.HTTPConnection:
    parts = urlsplit(node.url)
    if parts.scheme == "http":
        return http.client.HTTPConnection(node.host, node.port, timeout=node.connect_timeout)
    try:
        context = tls.client_context(node)
    except (ssl.SSLError, OSError) as exc:
        raise DicomNetworkError(f"{_where(node)}: our TLS settings for the node cannot be used "
                                f"({getattr(exc, 'reason', None) or exc}); check tls_ca, "
                                "tls_cert and tls_key", kind="tls", retryable=False) from None
    return http.client.HTTPSConnection(node.host, node.port, timeout=node.connect_timeout,
                                       context=context)


def _target(node: NodeConfig, path: str, query: dict[str, str] | None = None) -> str:
    base = urlsplit(node.url).path.rstrip("/")
    # %20, not "+", for a space: a QIDO-RS query is RFC 3986 (PS3.18 8.3.4), not an HTML form,
    # and a server that keeps "+" would match another patient ID, or none.
    return base + path + (f"?{urlencode(query, quote_via=quote)}" if query else "")


def request(node: NodeConfig, method: str, path: str, *, what: str,
            query: dict[str, str] | None = None, body: bytes | None = None,
            headers: dict[str, str] | None = None, max_bytes: int = MAX_JSON_BYTES,
            deadline: float | None = None) -> Response:
    """One HTTP exchange with ``node``; DicomNetworkError in words when it cannot be had
    (connection, TLS, a time-out, an answer larger than ``max_bytes``). The whole answer must
    have come within dimse_timeout of the request (or by ``deadline``, a retrieve's). HTTP
    error statuses are returned, not raised: what they mean depends on the request."""
    connection = _connection(node)
    all_headers = {**_headers(node), **(headers or {})}
    late = threading.Event()
    watchdog: threading.Timer | None = None
    try:
        connection.connect()
        sock = connection.sock
        sock.settimeout(node.dimse_timeout)
        connection.request(method, _target(node, path, query), body=body, headers=all_headers)
        # Each read has its time-out, but a server sending a byte now and then would hold the
        # job as long as it likes: the socket is shut when the answer's time is up.
        left = node.dimse_timeout if deadline is None else deadline - time.monotonic()
        watchdog = threading.Timer(max(left, 0.0), _shut, (sock, late))
        watchdog.start()
        answer = connection.getresponse()
        data = _body(node, answer, what, max_bytes)
        if late.is_set():  # what came before the socket was shut is only a part
            raise _too_late(node, what, deadline)
        # the reason phrase and the type reach messages: escaped, and cut to a line's length
        return Response(answer.status, escape(answer.reason or "")[:80],
                        answer.getheader("Content-Type", "") or "", data)
    except (DicomNetworkError, OSError, http.client.HTTPException) as exc:
        if late.is_set():
            raise _too_late(node, what, deadline) from None
        if isinstance(exc, DicomNetworkError):
            raise
        raise _network_error(node, exc, what) from None  # ssl errors, time-outs too
    finally:
        if watchdog is not None:
            watchdog.cancel()
        connection.close()


def _shut(sock: socket.socket, late: threading.Event) -> None:
    late.set()
    try:
        # the plain socket's shutdown: SSLSocket's would drop its TLS object under the reader
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the exchange is over


def _body(node: NodeConfig, answer: http.client.HTTPResponse, what: str,
          max_bytes: int) -> bytes:
    """The answer's body, refused as soon as it is (or says it will be) over ``max_bytes``."""
    where = _where(node)
    too_big = _not_used(node, what, f"more than {max_bytes} bytes")
    if (answer.length or 0) > max_bytes:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    while chunk := answer.read1(1 << 16):
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    if answer.length:  # bytes announced by Content-Length that never came
        raise DicomNetworkError(f"{where} closed the connection before the end of its answer "
                                f"to {what}; will retry", kind="unreachable", retryable=True)
    return b"".join(chunks)


def _not_used(node: NodeConfig, what: str, answered_with: str) -> DicomNetworkError:
    """The error for an answer refused whole: ``what`` was answered with ``answered_with``
    (a refusal for good: the same question would bring the same answer)."""
    return DicomNetworkError(f"{_where(node)} answered {what} with {answered_with}; the answer "
                             "was not used", kind="status", retryable=False)


def _too_late(node: NodeConfig, what: str, deadline: float | None) -> DicomNetworkError:
    if deadline is not None:
        return DicomNetworkError(f"{_where(node)} did not finish {what} within the time "
                                 "allowed (retrieve_timeout); nothing was kept",
                                 kind="timeout", retryable=True)
    return DicomNetworkError(f"{_where(node)} did not finish its answer to {what} within "
                             f"{node.dimse_timeout:g} s (dimse_timeout); will retry",
                             kind="timeout", retryable=True)


def _network_error(node: NodeConfig, exc: Exception, what: str) -> DicomNetworkError:
    """``exc`` (a connection, TLS or time-out failure) in words."""
    where = _where(node)
    if isinstance(exc, ssl.SSLError):  # ssl.CertificateError is one
        words = tls.explain(exc, have_cert=bool(node.tls_cert)) or str(exc)
        return DicomNetworkError(f"{where}: TLS refused: {words}", kind="tls", retryable=False)
    if isinstance(exc, TimeoutError):  # socket.timeout is one
        return DicomNetworkError(f"{where} did not answer {what} within "
                                 f"{node.connect_timeout:g} s (connect_timeout) / "
                                 f"{node.dimse_timeout:g} s (dimse_timeout); will retry",
                                 kind="timeout", retryable=True)
    if isinstance(exc, socket.gaierror):
        return DicomNetworkError(f"{where} cannot be reached: the host name '{node.host}' "
                                 f"cannot be resolved ({exc.strerror}); check the node's url",
                                 kind="unreachable", retryable=True)
    text = tls.explain(exc, have_cert=bool(node.tls_cert)) if isinstance(
        exc, (ConnectionResetError, BrokenPipeError)) and node.url.startswith("https") else None
    words = getattr(exc, "strerror", None) or type(exc).__name__
    return DicomNetworkError(f"{where} cannot be reached: {text or escape(words)}; will retry",
                             kind="unreachable", retryable=True)


def http_problem(node: NodeConfig, answer: Response, what: str) -> DicomNetworkError:
    """The error for an HTTP status that is not an answer to ``what``: authentication,
    a wrong url, a server error (retried) or a refusal (not retried)."""
    where = _where(node)
    status = answer.status
    said = f"HTTP {status} {answer.reason}".strip()
    if status == 401:
        words = {"basic": "the user name or password (secret_file) was refused",
                 "bearer": "the token (secret_file) was refused or has expired",
                 "none": "it asks for authentication; set the node's auth"}[node.auth]
        return DicomNetworkError(f"{where} refused {what}: {said}: {words}; correct it, then "
                                 "retry the job", kind="auth", retryable=False)
    if status == 403:
        return DicomNetworkError(f"{where} refused {what}: {said}: this account may not do "
                                 "it there", kind="auth", retryable=False)
    if status == 204:  # a success with nothing in it: nothing was refused
        return DicomNetworkError(f"{where} has nothing for {what}: {said}: the server has no "
                                 "such instances or series", kind="empty", retryable=False)
    if status == 404:
        return DicomNetworkError(f"{where} refused {what}: {said}: no DICOMweb service at "
                                 "this url; check the node's url (the base before /studies)",
                                 kind="refused", retryable=False)
    if 300 <= status < 400:  # followed, it would take the credentials to another place
        return DicomNetworkError(f"{where} refused {what}: {said}: a redirect, which is not "
                                 "followed; set the node's url to where it leads",
                                 kind="refused", retryable=False)
    if status in (408, 429) or status >= 500:
        return DicomNetworkError(f"{where} could not answer {what} now: {said}; will retry",
                                 kind="status", retryable=True)
    return DicomNetworkError(f"{where} refused {what}: {said}", kind="refused", retryable=False)


# --- JSON (PS3.18 F.2), checked before pydicom reads it ------------------------------------


def _checked_json(node: NodeConfig, answer: Response, what: str) -> list[dict[str, Any]]:
    """The answer's DICOM JSON objects; DicomNetworkError when it is not a JSON array of
    objects keyed by tags, each attribute an object with a VR."""
    kind = answer.content_type.split(";")[0].strip().lower()
    if kind not in (DICOM_JSON, "application/json"):
        raise _not_used(node, what, f"'{escape(kind)[:80] or 'no type'}', not {DICOM_JSON}")
    try:
        data = json.loads(answer.body.decode("utf-8")) if answer.body.strip() else []
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _not_used(node, what, f"malformed JSON ({escape(exc)[:200]})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(_dicom_json(item) for item in data):
        raise _not_used(node, what, "JSON that is not DICOM JSON (PS3.18 F.2)")
    return data


def _dicom_json(item: Any, depth: int = 0) -> bool:
    if not isinstance(item, dict) or depth > 4:
        return False
    for key, element in item.items():
        if not (_TAG_KEY.fullmatch(key) and isinstance(element, dict)
                and _VR.fullmatch(str(element.get("vr", "")))):
            return False
        value = element.get("Value", [])
        if not isinstance(value, list):
            return False
        if element["vr"] == "SQ" and not all(_dicom_json(i, depth + 1) for i in value):
            return False
        if element["vr"] != "SQ" and not all(isinstance(v, (str, int, float, dict)) or v is None
                                             for v in value):
            return False
    return True


def _dataset(node: NodeConfig, item: dict[str, Any], what: str) -> Dataset:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Dataset.from_json(item)
    except Exception as exc:  # noqa: BLE001 - pydicom raises many kinds for bad values
        raise _not_used(node, what, f"a value pydicom cannot read ({escape(exc)[:200]})") \
            from None


# --- STOW-RS -----------------------------------------------------------------------------


def _part10(path: str, has_meta: bool) -> bytes:
    """The instance as a PS3.10 file (what STOW-RS takes): the file's bytes, or, for a bare
    data set, the data set with a file meta written before it."""
    with open(path, "rb") as fh:
        data = fh.read()
    if has_meta:
        return data
    ds = dcmread(io.BytesIO(data), force=True)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    out = io.BytesIO()
    dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


def multipart(parts: list[bytes], content_type: str = DICOM) -> tuple[bytes, str]:
    """A multipart/related body of ``parts`` and its Content-Type (RFC 2387)."""
    boundary = f"vxacq-{uuid.uuid4().hex}"
    body = bytearray()
    for part in parts:
        body += f"--{boundary}\r\nContent-Type: {content_type}\r\n\r\n".encode()
        body += part
        body += b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f'multipart/related; type="{content_type}"; boundary={boundary}'


@dataclass(frozen=True)
class StowResult:
    """How one instance fared: outcome success, warning, retry or failed (as C-STORE)."""

    outcome: str
    words: str


def stow(node: NodeConfig, path: str, sop_class: str, sop_instance: str,
         has_meta: bool) -> StowResult:
    """POST one instance to ``{url}/studies``; DicomNetworkError when the exchange fails or
    the server answers with an HTTP error that is not a Store Instances Response."""
    from vxacq.net.store import classify

    body, content_type = multipart([_part10(path, has_meta)])
    what = "the STOW-RS store"
    answer = request(node, "POST", "/studies", what=what, body=body,
                     headers={"Content-Type": content_type, "Accept": DICOM_JSON})
    if answer.status not in (200, 202, 409):  # 409: none stored, the reasons in the body
        raise http_problem(node, answer, what)
    items = _checked_json(node, answer, what)
    response = _dataset(node, items[0], what) if items else Dataset()
    referenced = {str(i.get("ReferencedSOPInstanceUID", "")): i
                  for i in response.get("ReferencedSOPSequence", [])}
    failed = {str(i.get("ReferencedSOPInstanceUID", "")): i
              for i in response.get("FailedSOPSequence", [])}
    if sop_instance in failed:
        code = _status(failed[sop_instance].get("FailureReason"))
        if code is None:
            return StowResult("failed", f"HTTP {answer.status}: refused without a failure "
                                        "reason that is a status")
        outcome, words = classify(code)
        if outcome in ("success", "warning"):  # a success status as a failure: not believed
            outcome, words = "failed", "refused with a success status as its reason"
        return StowResult(outcome, f"HTTP {answer.status}, failure reason 0x{code:04X}: {words}")
    if sop_instance in referenced:
        item = referenced[sop_instance]
        if str(item.get("ReferencedSOPClassUID", sop_class)) != sop_class:
            return StowResult("failed", "the server confirmed it under another SOP class")
        warning = item.get("WarningReason")
        if warning is not None or answer.status == 202:
            code = _status(warning)
            code = 0xB000 if code is None else code  # 202 without a reason, or not a status
            return StowResult("warning", f"HTTP {answer.status}, warning 0x{code:04X}: "
                                         f"{classify(code)[1]}")
        return StowResult("success", "stored")
    return StowResult("failed", f"HTTP {answer.status}, but the response does not name the "
                                "instance as stored or failed; not counted as stored")


def _status(value: Any) -> int | None:
    """A FailureReason or WarningReason as the status it must be (US: 0 to 0xFFFF), or None."""
    try:
        code = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return code if 0 <= code <= 0xFFFF and not isinstance(value, bool) else None


def run_store_job(ctx: JobContext) -> dict[str, Any]:
    """A STORE job to a DICOMweb node: each
    file not yet stored is sent by :func:`stow`, the stored ones written to the job's
    checkpoint at once; refusals are classified as C-STORE statuses are."""
    from vxacq.net.outbox import JobInterrupted
    from vxacq.net.store import StoreFileError, read_item

    node = ctx.node
    files: list[str] = list(ctx.payload.get("files", []))
    sent: list[str] = list(ctx.payload.get("checkpoint", {}).get("sent", []))
    failed: list[str] = []
    retry: list[str] = []
    warned: list[str] = []
    items = []
    for path in files:
        try:
            items.append(read_item(path))
        except StoreFileError as exc:
            failed.append(str(exc))
    todo = [item for item in items if str(item.SOPInstanceUID) not in sent]
    stored_now = []
    ctx.progress(f"sending {len(todo)} file(s) by STOW-RS")
    if todo:
        audit.record(ctx.db, "begin transferring", study_id=ctx.study_id,
                     detail=f"{len(todo)} instance(s) to {node.name} by STOW-RS",
                     peer_address=node.host,
                     sop_classes=Counter(str(i.SOPClassUID) for i in todo))
    try:
        for number, item in enumerate(todo, start=1):
            if ctx.should_stop():
                raise JobInterrupted(f"stopped after {number - 1} of {len(todo)} file(s)")
            try:
                result = stow(node, str(item.path), str(item.SOPClassUID),
                              str(item.SOPInstanceUID), item.TransferSyntaxUID is not None)
            except OSError as exc:
                failed.append(f"{item.name}: cannot be read ({exc.strerror or exc})")
                continue
            line = f"{item.name}: {result.words}"
            if result.outcome in ("success", "warning"):
                sent.append(str(item.SOPInstanceUID))
                stored_now.append(item)
                ctx.checkpoint(sent=sent, progress=f"{number} of {len(todo)} file(s) stored")
                if result.outcome == "warning":
                    warned.append(line)
            elif result.outcome == "retry":
                retry.append(line)
            else:
                failed.append(line)
            if result.outcome not in ("success",):
                log.warning("job %s: %s", ctx.job_id, escape(line))
    finally:
        if stored_now:
            audit.record(ctx.db, "images sent", study_id=ctx.study_id,
                         detail=f"{len(stored_now)} instance(s) to {node.name} by STOW-RS",
                         peer_address=node.host,
                         outcome=None if len(stored_now) == len(todo) else MINOR_FAILURE,
                         sop_classes=Counter(str(i.SOPClassUID) for i in stored_now))
    if failed:
        raise DicomNetworkError(f"{len(failed)} of {len(files)} file(s) could not be stored on "
                                f"{node.name}: " + "; ".join(failed)
                                + (f"; {len(retry)} more refused for now" if retry else ""),
                                kind="status", retryable=False)
    if retry:
        raise DicomNetworkError(f"{node.name} refused {len(retry)} of {len(files)} file(s) for "
                                "now: " + "; ".join(retry), kind="status", retryable=True)
    return {"stored": len(items), "warnings": warned, "commitment": COMMITMENT_NOT_APPLICABLE}


# --- QIDO-RS -----------------------------------------------------------------------------


def _valid_uid(value: str) -> bool:
    return bool(UID_FORM.fullmatch(value)) and len(value) <= 64


def find_studies(node: NodeConfig, query: StudyQuery, *, limit: int = 0) -> list[StudyRecord]:
    """Studies at ``node`` matching ``query`` (QIDO-RS ``GET {url}/studies``). An answer that
    is malformed, larger than the node's worklist_match_limit, or holds a study that does not
    match the patient or study asked for is refused whole (DicomNetworkError)."""
    what = "the QIDO-RS study query"
    keys = {k: v for k, v in (("PatientID", query.PatientID),
                               ("PatientName", query.PatientName),
                               ("StudyDate", query.StudyDate),
                               ("AccessionNumber", query.AccessionNumber),
                               ("ModalitiesInStudy", query.ModalitiesInStudy),
                               ("StudyInstanceUID", query.StudyInstanceUID)) if v}
    most = min(limit, node.worklist_match_limit) if limit else node.worklist_match_limit
    keys["limit"] = str(most)
    keys["includefield"] = ",".join(STUDY_INCLUDE_FIELDS)
    answer = request(node, "GET", "/studies", what=what, query=keys,
                     headers={"Accept": DICOM_JSON})
    if answer.status == 204:
        return []
    if answer.status != 200:
        raise http_problem(node, answer, what)
    items = _checked_json(node, answer, what)
    if len(items) > most:
        raise _not_used(node, what, f"{len(items)} studies, more than the {most} asked for")
    # QIDO-RS has no escape for * and ?: a patient ID holding them is matched as a wildcard,
    # so other patients' studies may come; they are dropped, never taken as this patient's.
    wildcard = any(ch in query.PatientID for ch in "*?")
    if wildcard and len(items) == most:
        raise DicomNetworkError(f"{_where(node)}: the patient ID holds * or ?, which QIDO-RS "
                                f"matches as wildcards, and the answer reached its limit of "
                                f"{most} studies; the patient's own may be missing, so the "
                                "answer was not used", kind="status", retryable=False)
    studies = []
    fallback = node.fallback_character_set or None
    for item in items:
        study = study_record(_dataset(node, item, what), fallback)
        if not _valid_uid(study.StudyInstanceUID):
            raise _not_used(node, what, "a study whose Study Instance UID "
                                        f"'{escape(study.StudyInstanceUID)[:80]}' is not a UID")
        if wildcard and study.PatientID != query.PatientID:
            continue
        if query.PatientID and study.PatientID != query.PatientID:
            raise _not_used(node, what, "a study of another patient than the one asked for")
        if query.StudyInstanceUID and study.StudyInstanceUID != query.StudyInstanceUID:
            raise _not_used(node, what, "another study than the one asked for")
        studies.append(study)
    return studies


def find_series(node: NodeConfig, StudyInstanceUID: str,
                Modality: str = "") -> list[SeriesRecord]:
    """The series of one study (QIDO-RS ``GET {url}/studies/{uid}/series``)."""
    what = "the QIDO-RS series query"
    if not _valid_uid(StudyInstanceUID):
        raise ValueError(f"'{StudyInstanceUID}' is not a Study Instance UID")
    keys = {"limit": str(node.worklist_match_limit)}
    if Modality:
        keys["Modality"] = Modality
    answer = request(node, "GET", f"/studies/{quote(StudyInstanceUID)}/series", what=what,
                     query=keys, headers={"Accept": DICOM_JSON})
    if answer.status == 204:
        return []
    if answer.status != 200:
        raise http_problem(node, answer, what)
    items = _checked_json(node, answer, what)
    if len(items) > node.worklist_match_limit:
        raise _not_used(node, what, "more series than asked for")
    fallback = node.fallback_character_set or None
    series = []
    for item in items:
        ds = _dataset(node, item, what)
        record = series_record(ds, fallback)
        # the study is optional in the answer (it is in the path); when given, it must match
        if str(ds.get("StudyInstanceUID", StudyInstanceUID)) != StudyInstanceUID or \
                not _valid_uid(record.SeriesInstanceUID):
            raise _not_used(node, what, "a series of another study, or without a Series "
                                        "Instance UID of UID form")
        series.append(record)
    return series


def verify(node: NodeConfig) -> float:
    """The DICOMweb counterpart of a C-ECHO: a QIDO-RS ``GET {url}/studies?limit=1`` answered
    with 200 or 204. Returns the milliseconds it took; DicomNetworkError says why not."""
    what = "the verification query (QIDO-RS studies?limit=1)"
    started = time.perf_counter()
    answer = request(node, "GET", "/studies", what=what, query={"limit": "1"},
                     headers={"Accept": DICOM_JSON})
    if answer.status not in (200, 204):
        raise http_problem(node, answer, what)
    if answer.status == 200:
        _checked_json(node, answer, what)
    return (time.perf_counter() - started) * 1000


# --- WADO-RS -----------------------------------------------------------------------------


def _boundary(node: NodeConfig, content_type: str, what: str) -> bytes:
    """The answer's multipart boundary (RFC 2046: 1 to 70 characters, which may be quoted
    and hold a ';'), parsed as the e-mail package parses a Content-Type."""
    header = Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/related" or not isinstance(boundary, str) \
            or not 0 < len(boundary) <= 70:
        raise DicomNetworkError(f"{_where(node)} answered {what} with "
                                f"'{escape(content_type)[:120] or 'no type'}', not "
                                "multipart/related with a boundary; nothing was kept",
                                kind="status", retryable=False)
    return boundary.encode("latin-1", "replace")


def _part_spans(node: NodeConfig, body: bytes, boundary: bytes,
                what: str) -> list[tuple[int, int]]:
    """Where each part of ``body`` starts and ends. A delimiter counts only at the start of a
    line (RFC 2046 5.1.1): an instance's bytes may hold the boundary's elsewhere."""
    dash = b"--" + boundary
    if body.startswith(dash):
        at = 0
    elif (found := body.find(b"\r\n" + dash)) >= 0:
        at = found + 2
    else:
        raise _cut_short(node, what)
    spans: list[tuple[int, int]] = []
    while not body.startswith(b"--", at + len(dash)):
        end = body.find(b"\r\n" + dash, at + len(dash))
        if end < 0:
            raise _cut_short(node, what)
        if len(spans) == MAX_PARTS:
            raise DicomNetworkError(f"{_where(node)} answered {what} with more than "
                                    f"{MAX_PARTS} parts; nothing was kept", kind="status",
                                    retryable=False)
        spans.append((at + len(dash), end))
        at = end + 2
    return spans


def _cut_short(node: NodeConfig, what: str) -> DicomNetworkError:
    return DicomNetworkError(f"{_where(node)} answered {what} with a multipart body that does "
                             "not end with its closing boundary (cut short?); nothing was kept",
                             kind="status", retryable=True)


def split_multipart(node: NodeConfig, body: bytes, boundary: bytes,
                    what: str) -> list[tuple[str, bytes]]:
    """The parts of a multipart/related body: (Content-Type, bytes) each."""
    parts = []
    for after, end in _part_spans(node, body, boundary, what):
        # the rest of the delimiter line (transport padding), then the part's headers
        _, _, piece = body[after:end].partition(b"\r\n")
        head, sep, content = piece.partition(b"\r\n\r\n")
        if not sep:
            raise DicomNetworkError(f"{_where(node)} answered {what} with a part without "
                                    "headers; nothing was kept", kind="status", retryable=False)
        content_type = ""
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-type":
                content_type = value.strip().decode("latin-1")
        parts.append((content_type, content))
    return parts


def retrieve_study(config: Config, node: NodeConfig,
                   request_: RetrieveRequest) -> RetrieveOutcome:
    """WADO-RS ``GET {url}/studies/{uid}``: each instance checked as a C-MOVE/C-GET one is
    (study, patient, SOP class, size) and written into ``request_.folder``. RetrieveError
    when nothing usable came; ``partial`` set when some instances were refused."""
    what = "the WADO-RS study retrieve"
    uid = request_.StudyInstanceUID
    deadline = time.monotonic() + node.retrieve_timeout
    try:
        answer = request(node, "GET", f"/studies/{quote(uid)}", what=what,
                         headers={"Accept": WADO_ACCEPT},
                         max_bytes=min(config.priors.cache_mb, MAX_STUDY_MB) << 20,
                         deadline=deadline)
        if answer.status != 200:
            raise http_problem(node, answer, what)
        boundary = _boundary(node, answer.content_type, what)
        parts = split_multipart(node, answer.body, boundary, what)
    except DicomNetworkError as exc:
        raise RetrieveError(str(exc), kind=exc.kind, retryable=exc.retryable) from None
    for content_type, data in parts:
        kind = content_type.split(";")[0].strip().lower()
        if kind != DICOM:
            request_.refuse(f"a part of type '{escape(kind)[:60]}' is not DICOM")
            continue
        _take(node, request_, data)
    outcome = RetrieveOutcome(node=node.name, StudyInstanceUID=uid,
                              files=list(request_.received), refused=list(request_.refused),
                              completed=len(request_.received), failed=len(request_.refused))
    if not outcome.files:
        request_.discard()
        if request_.refused:
            raise RetrieveError(f"retrieve failed from {_where(node)}: every object was refused "
                                f"({request_.refused[0]})", kind="partial", retryable=False)
        raise RetrieveError(f"{_where(node)} has no images of the study we take (it sent none)",
                            kind="empty", retryable=False)
    if request_.refused:
        outcome.partial = (f"partial retrieve from {_where(node)}: {len(outcome.files)} "
                           f"object(s) received; {len(request_.refused)} refused by us "
                           f"({request_.refused[0]})")
    return outcome


def _take(node: NodeConfig, request_: RetrieveRequest, data: bytes) -> None:
    """One WADO-RS part: checked as a C-STORE of a C-MOVE/C-GET retrieve is, and in the
    transfer syntax asked for, then written."""
    try:
        ds = dcmread(io.BytesIO(data))
        sop_class = str(ds.file_meta.MediaStorageSOPClassUID)
    except Exception as exc:  # noqa: BLE001 - whatever pydicom makes of bad bytes
        request_.refuse(f"object from {node.name} cannot be decoded ({escape(exc)[:200]})")
        return
    syntax = ds.file_meta.get("TransferSyntaxUID", "")
    refusal = None if syntax in TRANSFER_SYNTAXES else (
        CANNOT_UNDERSTAND, f"transfer syntax {escape(syntax)[:64] or '(none)'} is not one "
                           "asked for")
    request_.keep(ds, sop_class, len(data), lambda: data, refusal)
