"""The DICOM Conformance Statement, generated from the code (``make docs``).

The prose is ``docs/conformance-statement.template.md``; every ``{{ name }}`` in it is replaced by
a table made here from what the code does: the presentation contexts the service modules
propose and the listener accepts, the statuses they act on, the attributes of the objects and
messages the builders make (with where each value comes from, see :mod:`vxacq.docs.provenance`),
the worklist keys, the character sets and the configuration. Names of attributes and UIDs are
pydicom's. ``python -m vxacq.docs.conformance`` writes ``docs/conformance-statement.md``;
``--check`` only says whether the committed file is current.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import MISSING, fields
from pathlib import Path

from pydicom.charset import python_encoding
from pydicom.datadict import dictionary_description, keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.uid import UID
from pynetdicom.presentation import PresentationContext

from vxacq import config as configuration
from vxacq.dicom import query as query_dicom
from vxacq.dicom import worklist as worklist_dicom
from vxacq.dicom.uids import (
    STORAGE_SOP_CLASSES, ImplementationClassUID, ImplementationVersionName,
)
from vxacq.docs import provenance, samples
from vxacq.net import (
    cfind, commitment, echo, mpps, printing, query, retrieve, store, worklist,
)
from vxacq.net.association import contexts_for
from vxacq.net.listener import Listener
from vxacq.net.routing import DOSE_REPORT_CLASSES
from vxacq.net.store import StoreItem

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "docs" / "conformance-statement.template.md"
OUTPUT = ROOT / "docs" / "conformance-statement.md"
PLACEHOLDER = re.compile(r"\{\{ *([a-z_]+) *\}\}")

# Where the configuration's descriptions are read from (the comment after each value).
EXAMPLE_CONFIG = ROOT / "vxacq" / "resources" / "vxacq.example.toml"

# What each source in the attribute tables means, for the legend.
SOURCES = {
    "worklist": "the Modality Worklist answer (or what the operator typed for an unscheduled "
                "exam)",
    "exam": "the exam session: when it started, the operator, series and instance numbers",
    "protocol": "the protocol chosen (body part, view, technique, processing preset), with the "
                "operator's changes at the console",
    "configuration": "the station's or the node's configuration",
    "generator": "the technique the generator reported for the exposure",
    "positioner": "the mammography positioner (compression force and thickness)",
    "detector": "the detector: its identity, read-out time and calibration",
    "image chain": "the image processing: pixels, window, exposure index, rotation and flip",
    "review": "what the radiographer drew and chose on the review screen: texts, measured "
              "lines, the window",
    "rejection": "the reject reason chosen for an image already sent (its IOCM title)",
    "stored instances": "the instances stored on the node",
    "job": "the print job: its label and the image's place on the film",
    "printer": "the printer's answer to an earlier request (the Film Session it created)",
    "image": "the image printed",
    provenance.GENERATED: "made by the console each time: a new UID, or the date and time",
    provenance.FIXED: "always the value shown",
}

# Repertoires of the Specific Character Set terms (PS3.3 C.12.1.1.2), by ISO-IR number.
REPERTOIRES = {
    "6": "Default repertoire (ASCII)", "100": "Latin alphabet No. 1",
    "101": "Latin alphabet No. 2", "109": "Latin alphabet No. 3", "110": "Latin alphabet No. 4",
    "148": "Latin alphabet No. 5", "144": "Cyrillic", "127": "Arabic", "126": "Greek",
    "138": "Hebrew", "13": "Japanese: JIS X 0201 (Katakana and Romaji)", "166": "Thai",
    "87": "Japanese: JIS X 0208 (Kanji)", "159": "Japanese: JIS X 0212 (supplementary Kanji)",
    "149": "Korean: KS X 1001", "192": "Unicode in UTF-8", "GB18030": "Chinese: GB 18030",
}


# --- formatting --------------------------------------------------------------------------


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def uid_cell(uid: str) -> str:
    """A UID and its name: pydicom's, or ours for our Implementation Class UID."""
    if uid == ImplementationClassUID:
        return f"`{uid}` (VXacq Implementation Class UID)"
    name = UID(uid).name
    return f"`{uid}` ({name})" if name != uid else f"`{uid}`"


def tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def status_text(mask: int, value: int) -> str:
    if mask == 0:
        return "any other"
    digits = f"{value:04X}"
    shown = "".join(d if (mask >> (12 - 4 * i)) & 0xF else "x" for i, d in enumerate(digits))
    return f"0x{shown}"


# --- SOP classes and presentation contexts -----------------------------------------------


def _storage_items() -> list[StoreItem]:
    return [StoreItem(Path("x.dcm"), UID(c), UID("1.2.3"), None, 0) for c in STORAGE_SOP_CLASSES]


def _node(transfer_syntax: str = "explicit") -> configuration.NodeConfig:
    return configuration.NodeConfig("node", "NODE", "localhost", 104,
                                    transfer_syntax=transfer_syntax)


# The contexts each configured service proposes, from the modules that propose them.
SERVICE_CONTEXTS: dict[str, Callable[[], list[PresentationContext]]] = {
    "worklist": lambda: cfind.contexts(worklist.FIND),
    "mpps": lambda: list(mpps.CONTEXTS),
    "store": lambda: store.proposed_contexts(_node(), _storage_items()),
    "commitment": commitment.presentation_contexts,
    "print": printing.presentation_contexts,
    "query": lambda: cfind.contexts(query.FIND) + retrieve.presentation_contexts(),
    "dose": lambda: store.proposed_contexts(_node(), [
        i for i in _storage_items() if str(i.SOPClassUID) in DOSE_REPORT_CLASSES]),
}
SERVICE_NAMES = {
    "echo": "Verification (C-ECHO)", "worklist": "Modality Worklist query",
    "mpps": "Modality Performed Procedure Step", "store": "Storage",
    "commitment": "Storage Commitment request", "print": "Basic Grayscale Print",
    "query": "Study Root query and retrieve",
    "dose": "Dose register (IHE REM): the dose reports",
}


def scu_contexts() -> list[tuple[str, PresentationContext]]:
    """(service, context) for every context we propose, Verification first."""
    missing = set(configuration.SERVICES) ^ set(SERVICE_CONTEXTS)
    if missing:
        raise RuntimeError(f"services {sorted(missing)} are not described in "
                           "vxacq/docs/conformance.py SERVICE_CONTEXTS")
    out = [("echo", cx) for cx in echo.CONTEXTS]
    for service in configuration.SERVICES:
        out += [(service, cx) for cx in SERVICE_CONTEXTS[service]()]
    return out


def listener_ae():
    """Our listener's AE as ``vxacq serve`` and the console start it (no port opened)."""
    config = samples.config()
    options = commitment.listener_options(config, None)  # type: ignore[arg-type]
    extra = retrieve.RetrieveInbox().listener_options()  # as workflow.runtime.Services does
    return Listener(config, handlers=options["handlers"] + extra["handlers"],
                    contexts=options["contexts"] + extra["contexts"]).make_ae()


def _role_selection_uids() -> set[str]:
    return {commitment.role_selection().sop_class_uid}


def _get_role_uids() -> set[str]:
    return {role.sop_class_uid for role in retrieve.roles()}


def sop_classes() -> str:
    rows: dict[str, list[str]] = {}
    for service, cx in scu_contexts():
        if service == "query" and cx.abstract_syntax in _get_role_uids():
            continue  # proposed for C-GET, where we take the SCP role
        rows.setdefault(cx.abstract_syntax, ["", ""])[0] = "Yes"
    for uid in _role_selection_uids():
        # We also take the SCP role's N-EVENT-REPORT on our own association.
        rows.setdefault(uid, ["", ""])[0] = "Yes"
    for cx in listener_ae().supported_contexts:
        role = rows.setdefault(cx.abstract_syntax, ["", ""])
        if cx.scp_role and cx.scu_role is False:  # the caller acts as SCP: we are the SCU
            role[0] = "Yes (also on associations the node opens)"
        else:
            role[1] = "Yes"
    for uid in _get_role_uids():
        # C-MOVE to our listener, or C-GET on our own association
        rows.setdefault(uid, ["", ""])[1] = "Yes (for retrieves we started)"
    for members in [printing.META_SOP_CLASSES]:
        for uid in members:
            rows.setdefault(uid, ["Yes (in the Meta SOP Class)", ""])
    body = [(UID(uid).name, f"`{uid}`", scu or "No", scp or "No") for uid, (scu, scp) in rows.items()]
    return table(("SOP Class", "UID", "SCU", "SCP"), body)


def _syntaxes(cx: PresentationContext) -> str:
    return "<br>".join(f"{UID(ts).name} `{ts}`" for ts in cx.transfer_syntax)


def proposed_contexts() -> str:
    body = []
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for service, cx in scu_contexts():
        key = (service, cx.abstract_syntax, tuple(cx.transfer_syntax))
        if key in seen:
            continue
        seen.add(key)
        role = "SCU"
        negotiation = "None"
        if cx.abstract_syntax in _role_selection_uids():
            role, negotiation = "SCU", "SCP/SCU Role Selection: SCU and SCP proposed"
        elif service == "query" and cx.abstract_syntax in _get_role_uids():
            role, negotiation = "SCP", "SCP/SCU Role Selection: SCP proposed (C-GET)"
        body.append((SERVICE_NAMES[service], UID(cx.abstract_syntax).name,
                     f"`{cx.abstract_syntax}`", _syntaxes(cx), role, negotiation))
    return table(("Activity", "Abstract Syntax", "UID", "Transfer Syntaxes", "Role",
                  "Extended Negotiation"), body)


def implicit_node_syntaxes() -> str:
    """What every service proposes to a node set to ``implicit``: its contexts as associate()
    narrows them for that node."""
    body: dict[str, list[str]] = {}
    for service, cx in scu_contexts():
        for narrowed in contexts_for(_node("implicit"), [cx]):
            syntaxes = body.setdefault(SERVICE_NAMES[service], [])
            syntaxes += [ts for ts in narrowed.transfer_syntax if ts not in syntaxes]
    return table(("Activity", "Transfer Syntaxes proposed to a node with `transfer_syntax = "
                  "\"implicit\"`"),
                 [(name, "<br>".join(f"{UID(t).name} `{t}`" for t in ts))
                  for name, ts in body.items()])


def storage_syntaxes() -> str:
    body = []
    for setting in configuration.TRANSFER_SYNTAXES:
        proposed: list[str] = []
        for cx in store.proposed_contexts(_node(setting), _storage_items()[:1]):
            proposed += [ts for ts in cx.transfer_syntax if ts not in proposed]
        body.append((f"`{setting}`", "<br>".join(f"{UID(t).name} `{t}`" for t in proposed)))
    return table(("Node `transfer_syntax`", "Transfer Syntaxes proposed for each Storage SOP "
                  "Class"), body)


def accepted_contexts() -> str:
    body = []
    for cx in listener_ae().supported_contexts:
        if cx.scp_role and cx.scu_role is False:
            role = "SCU (the calling node takes the SCP role)"
        else:
            role = "SCP"
        body.append((UID(cx.abstract_syntax).name, f"`{cx.abstract_syntax}`", _syntaxes(cx), role))
    return table(("Abstract Syntax", "UID", "Transfer Syntaxes", "Role"), body)


def implementation() -> str:
    ae = listener_ae()
    node = _node()
    return table(("Item", "Value"), [
        ("Implementation Class UID", uid_cell(ImplementationClassUID)),
        ("Implementation Version Name", f"`{ImplementationVersionName}`"),
        ("Maximum PDU length received, associations we open",
         f"{node.max_pdu} bytes (node setting `max_pdu`)"),
        ("Maximum PDU length received, our listener", f"{ae.maximum_pdu_size} bytes"),
        ("Our listener's calling AE titles", "those of the configured nodes, or any with "
         "`accept_any_calling_ae`" if ae.require_calling_aet else "any"),
    ])


# --- statuses ------------------------------------------------------------------------------


def store_statuses() -> str:
    actions = {"success": "Stored", "warning": "Stored; the warning is logged and shown on the "
               "job", "retry": "Not stored; the job is retried later (node `retries`, "
               "`retry_delay`)", "failed": "Not stored; the job fails and says why"}
    body = [(status_text(mask, value), outcome, actions[outcome], words)
            for mask, value, outcome, words in store.STATUS_HANDLING]
    return table(("Status", "Outcome", "Behaviour", "Message"), body)


def _codes(words: dict[int, str], retry: Iterable[int] = ()) -> str:
    again = set(retry)
    return table(("Status", "Meaning", "Retried"),
                 [(f"0x{code:04X}", text, "Yes" if code in again else "No")
                  for code, text in sorted(words.items())])


def mpps_statuses() -> str:
    failures = _codes(mpps._FAILURES, mpps._RETRYABLE)
    warnings = table(("Status", "Meaning"), [(f"0x{c:04X}", w) for c, w in
                                             sorted(mpps._WARNINGS.items())])
    return f"Failures:\n\n{failures}\n\nWarnings (the step goes on):\n\n{warnings}"


def commitment_reasons() -> str:
    return table(("Failure Reason", "Meaning"),
                 [(f"0x{c:04X}", w) for c, w in sorted(commitment.FAILURE_REASONS.items())])


def commitment_answers() -> str:
    body = [(f"0x{commitment.STATUS_SUCCESS:04X}", "the report was recorded"),
            (f"0x{commitment.STATUS_PROCESSING_FAILURE:04X}",
             "the report could not be decoded or recorded, or has no Transaction UID; the node "
             "should send it again"),
            (f"0x{commitment.STATUS_NO_SUCH_SOP_INSTANCE:04X}",
             "the Affected SOP Instance is not the well-known Storage Commitment instance"),
            (f"0x{commitment.STATUS_NO_SUCH_EVENT_TYPE:04X}", "Event Type ID is not 1 or 2"),
            (f"0x{commitment.STATUS_UNKNOWN_TRANSACTION:04X}",
             "the Transaction UID is not one we requested")]
    return table(("Status we answer", "When"), body)


def print_statuses() -> str:
    return _codes(printing.STATUS_WORDS, printing.RETRYABLE)


def find_statuses() -> str:
    return table(("Status", "Meaning"), [(f"0x{c:04X}", w) for c, w in sorted(cfind._FAILURES.items())])


# --- attribute tables ----------------------------------------------------------------------


def _attribute_rows(rows: list[provenance.Attribute]) -> str:
    body = []
    for row in rows:
        tag = int(row.tag)
        keyword = keyword_for_tag(tag)
        name = dictionary_description(tag)
        if not keyword:
            raise RuntimeError(f"{tag_text(tag)} is not in pydicom's dictionary")
        value = row.value
        if row.VR == "UI" and value not in ("", "(empty)"):
            value = uid_cell(value)
        elif value:
            value = f"`{value}`" if value != "(empty)" else value
        body.append((">" * row.depth + name, keyword, tag_text(tag), row.VR,
                     ", ".join(row.sources), value))
    return table(("Attribute", "Keyword", "Tag", "VR", "Source", "Value"), body)


def _attributes(build: provenance.Build, groups: Sequence[str], **kwargs) -> str:
    return _attribute_rows(provenance.provenance(build, groups, **kwargs))


def dx_attributes() -> str:
    """Built from a human patient's order; what only a veterinary order (PS3.3 C.7.1.1,
    C.7.1.4: species, breed, responsible person, quadruped orientation) writes is added with
    "veterinary order" as its source; what only a partial exposure writes (Image Comments
    "PARTIAL EXPOSURE: ...") with "partial exposure"."""
    return _attributes(samples.build_dx, samples.IMAGE_GROUPS,
                       extras=[("veterinary order", samples.build_dx_animal()),
                               ("partial exposure", samples.build_dx_partial())])


def mg_attributes() -> str:
    return _attributes(samples.build_mg, samples.MG_GROUPS)


def presentation_state_attributes() -> str:
    return _attributes(samples.build_presentation_state, samples.PRESENTATION_GROUPS)


def rejection_note_attributes() -> str:
    return _attributes(samples.build_rejection_note, samples.REJECTION_GROUPS)


def dose_attributes() -> str:
    return _attributes(samples.build_dose_report, samples.DOSE_GROUPS,
                       flatten=provenance.dataset_flattener(stop_at=("ContentSequence",)))


def _concept(item: Dataset, keyword: str) -> tuple[str, str, str]:
    code = item.get(keyword)
    if not code:
        return ("", "", "")
    return (str(code[0].CodeValue), str(code[0].CodingSchemeDesignator), str(code[0].CodeMeaning))


def _content_value(item: Dataset) -> tuple[str, str]:
    """(comparable value, value shown) of one content item."""
    kind = item.ValueType
    if kind == "CODE":
        value, scheme, meaning = _concept(item, "ConceptCodeSequence")
        return f"{value}/{scheme}", f'({value}, {scheme}, "{meaning}")'
    if kind == "NUM":
        measured = item.MeasuredValueSequence[0]
        return str(measured.NumericValue), ""
    for keyword in ("TextValue", "UID", "DateTime"):
        if keyword in item:
            text = str(item.get(keyword))
            return text, ""
    if kind == "IMAGE":
        return str(item.ReferencedSOPSequence[0].ReferencedSOPInstanceUID), ""
    return "", ""


def _content_flatten(ds: Dataset) -> dict[provenance.Key, provenance.Entry]:
    found: dict[provenance.Key, provenance.Entry] = {}

    def walk(items: Sequence[Dataset], parent: provenance.Key) -> None:
        for item in items:
            value, scheme, meaning = _concept(item, "ConceptNameCodeSequence")
            unit = ""
            if item.ValueType == "NUM":
                unit = _concept(item.MeasuredValueSequence[0], "MeasurementUnitsCodeSequence")[0]
            key = parent + ((str(item.get("RelationshipType", "")), item.ValueType, value,
                             scheme, meaning, unit),)
            compared, shown = _content_value(item)
            entry = found.setdefault(key, provenance.Entry(item.ValueType, [], shown))
            entry.values.append(compared)
            walk(item.get("ContentSequence", []), key)

    root = copy.copy(ds)
    walk([root], ())
    return found


def dose_content() -> str:
    rows = provenance.provenance(samples.build_dose_report, samples.DOSE_GROUPS,
                                 flatten=_content_flatten)
    body = []
    for row in rows:
        relationship, kind, value, scheme, meaning, unit = row.path[-1]
        body.append((">" * row.depth + (relationship or "(root)"), kind,
                     f'({value}, {scheme}, "{meaning}")', unit,
                     ", ".join(row.sources), row.value))
    return table(("Relationship", "Value Type", "Concept Name", "Units", "Source", "Value"), body)


def mpps_create() -> str:
    return _attributes(samples.build_mpps_create, samples.MPPS_GROUPS)


def mpps_set() -> str:
    return _attributes(lambda vary: samples.build_mpps_set(vary), samples.MPPS_GROUPS,
                       extras=[("DISCONTINUED only", samples.build_mpps_discontinued())])


def commitment_request() -> str:
    return _attributes(samples.build_commitment_request, ("stored instances",))


def film_session() -> str:
    return _attributes(samples.build_film_session, ("configuration", "job"))


def film_box() -> str:
    return _attributes(samples.build_film_box, ("configuration", "printer"))


def image_box() -> str:
    return _attributes(samples.build_image_box, ("configuration", "job", "image"))


def printer_attributes() -> str:
    return table(("Attribute", "Keyword"), [(dictionary_description(k), k)
                                            for k in printing.PRINTER_ATTRIBUTES])


# --- query keys ----------------------------------------------------------------------------

_SAMPLE_TEXT = {"PN": ("Doe^Jane", "Roe^Richard"), "DA": ("20260302", "20260303"),
                "TM": ("0930", "1400"), "UI": ("1.2.826.0.1.3680043.10.5.1",
                                               "1.2.826.0.1.3680043.10.5.2"),
                "DS": ("1.5", "2.5"), "IS": ("2", "3"), "AE": ("AE_ONE", "AE_TWO"),
                "US": (2, 4), "CS": ("ONE", "TWO")}
# Keys whose values a reader checks against defined terms.
_SAMPLE_TERMS = {"PatientSex": ("F", "M"), "RequestedProcedurePriority": ("ROUTINE", "STAT"),
                 "Modality": ("DX", "MG"), "QueryRetrieveLevel": ("STUDY", "STUDY")}


def _fill(identifier: Dataset, which: int) -> Dataset:
    """An answer to ``identifier``: every key given a value (the ``which``-th sample)."""
    answer = Dataset()
    for elem in identifier:
        if elem.keyword == "SpecificCharacterSet":
            continue
        if elem.VR == "SQ":
            item = _fill(elem.value[0], which) if elem.value else Dataset()
            if not elem.value:  # a code or reference sequence asked for whole
                item.CodeValue = ("A1", "B2")[which]
                item.CodingSchemeDesignator = "99X"
                item.CodeMeaning = ("Alpha", "Beta")[which]
                item.ReferencedSOPClassUID = _SAMPLE_TEXT["UI"][which]
                item.ReferencedSOPInstanceUID = _SAMPLE_TEXT["UI"][which]
            answer.add_new(elem.tag, "SQ", [item])
            continue
        sample = _SAMPLE_TERMS.get(elem.keyword) or _SAMPLE_TEXT.get(elem.VR) or ("one", "two")
        answer.add_new(elem.tag, elem.VR, sample[which])
    return answer


def _paths(ds: Dataset, parent: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    out = []
    for elem in ds:
        path = parent + (int(elem.tag),)
        out.append(path)
        if elem.VR == "SQ" and elem.value:
            out += _paths(elem.value[0], path)
    return out


def _set(ds: Dataset, path: tuple[int, ...], source: Dataset) -> None:
    node, other = ds, source
    for tag in path[:-1]:
        node, other = node[tag].value[0], other[tag].value[0]
    node[path[-1]] = copy.deepcopy(other[path[-1]])


def _read_keys(identifier: Dataset, read: Callable[[Dataset], object]) -> set[tuple[int, ...]]:
    """The keys of an answer that change what ``read`` makes of it."""
    base, other = _fill(identifier, 0), _fill(identifier, 1)
    before = read(base)
    used = set()
    for path in _paths(base):
        changed = copy.deepcopy(base)
        _set(changed, path, other)
        if read(changed) != before:
            used.update(path[:i] for i in range(1, len(path) + 1))
    return used


def _key_table(identifier: Dataset, read: Callable[[Dataset], object], matching: dict[str, str]
               ) -> str:
    used = _read_keys(identifier, read)
    body = []
    for path in _paths(identifier):
        tag = path[-1]
        keyword = keyword_for_tag(tag)
        elem = identifier
        for t in path[:-1]:
            elem = elem[t].value[0]
        element = elem[tag]
        if keyword in matching:
            role = matching[keyword]
        elif keyword == "SpecificCharacterSet":
            role = "Return key, asked empty so the SCP names the set of its answer"
        elif element.VR == "SQ":
            role = "Return key (sequence)"
        else:
            role = "Return key"
        use = ("Read" if path in used else "Kept with the order" if read is _read_order
               else "Not shown")
        if keyword == "SpecificCharacterSet":
            use = "Decodes the answer"
        body.append((">" * (len(path) - 1) + dictionary_description(tag), keyword,
                     tag_text(tag), element.VR, role, use))
    return table(("Attribute", "Keyword", "Tag", "VR", "In the request", "In the answer"), body)


def _read_order(answer: Dataset) -> object:
    order = worklist_dicom.read_answer(answer)[0]
    return (order.patient, order.order, order.ScheduledStationAETitle, order.Modality,
            order.ScheduledProcedureStepStartDate, order.ScheduledProcedureStepStartTime)


def worklist_keys() -> str:
    criteria = worklist_dicom.WorklistCriteria(
        ScheduledStationAETitle="VXACQ", Modality="DX", dates="20260302")
    matching = {
        "ScheduledStationAETitle": "Matching: our AE title (`station.ae_title`)",
        "Modality": "Matching: DX, or MG for a mammography room",
        "ScheduledProcedureStepStartDate": "Matching: the day (today by default) or a range",
        "PatientName": "Matching when the operator searches by name (wildcards allowed), "
                       "else return key",
        "PatientID": "Matching when the operator searches by ID, else return key",
        "AccessionNumber": "Matching when the operator searches by accession, else return key",
    }
    return _key_table(worklist_dicom.query_identifier(criteria), _read_order, matching)


def study_keys() -> str:
    matching = {k: "Matching when given, else return key" for k in
                ("PatientID", "PatientName", "StudyDate", "AccessionNumber",
                 "ModalitiesInStudy", "StudyInstanceUID")}
    matching["QueryRetrieveLevel"] = "STUDY"
    return _key_table(query_dicom.study_identifier(query_dicom.StudyQuery()),
                      query_dicom.study_record, matching)


def series_keys() -> str:
    matching = {"QueryRetrieveLevel": "SERIES", "StudyInstanceUID": "Matching: the study",
                "Modality": "Matching when checking a study's modalities, else return key"}
    return _key_table(query_dicom.series_identifier("1.2.3"), query_dicom.series_record,
                      matching)


# --- character sets and configuration --------------------------------------------------------


def character_sets() -> str:
    body = []
    for term in configuration.CHARACTER_SETS:
        number = term.split()[-1] if term != "GB18030" else "GB18030"
        if number not in REPERTOIRES:
            raise RuntimeError(f"character set {term} has no repertoire in REPERTOIRES")
        extensions = "Yes" if term.startswith("ISO 2022") else "No"
        body.append((REPERTOIRES[number], f"`{term}`", extensions,
                     f"`{python_encoding.get(term, '')}`"))
    return table(("Repertoire", "Defined Term", "Code Extensions", "Python codec"), body)


def _comments() -> dict[tuple[str, str], str]:
    """The comment after each value of the example configuration, by (section, key)."""
    found, section = {}, ""
    for line in EXAMPLE_CONFIG.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.split("]")[0].strip("[]")
            continue
        if "=" in stripped and "#" in stripped and not stripped.startswith("#"):
            key = stripped.split("=", 1)[0].strip()
            found.setdefault((section, key), stripped.split("#", 1)[1].strip())
    return found


def _config_table(cls: type, section: str, skip: Iterable[str] = ()) -> str:
    comments = _comments()
    body = []
    for f in fields(cls):
        if f.name in skip:
            continue
        if f.default is not MISSING:
            shown = f"`{f.default!r}`"
        elif f.default_factory is not MISSING:
            shown = f"`{f.default_factory()!r}`"
        else:
            shown = "(required)"
        body.append((f"`{f.name}`", shown, comments.get((section, f.name), "")))
    return table(("Setting", "Default", "Meaning"), body)


def station_settings() -> str:
    return _config_table(configuration.StationConfig, "station", skip=("data_dir",))


def node_settings() -> str:
    return _config_table(configuration.NodeConfig, "node", skip=("print",))


def print_settings() -> str:
    return _config_table(configuration.PrintOptions, "node.print")


def audit_settings() -> str:
    return _config_table(configuration.AuditConfig, "audit")


def audit_events() -> str:
    """Each action the console audits and the DICOM audit message (PS3.15 A.5.3) it becomes."""
    from vxacq.security.audit_message import EVENTS, SECURITY_PREFIX, kind_of

    def row(action: str, kind) -> tuple[str, str, str, str]:
        type_code = f"({kind.type_code[0]}, DCM, \"{kind.type_code[1]}\")" if kind.type_code else ""
        return (action, f"({kind.event[0]}, DCM, \"{kind.event[1]}\")", type_code,
                kind.action_code)

    rows = [row(action, kind) for action, kind in EVENTS.items()]
    rows.append(row(f"{SECURITY_PREFIX}… (listener refusals, TLS refused, report refused)",
                    kind_of(SECURITY_PREFIX)))
    return table(("Event in the console", "EventID", "EventTypeCode", "EventActionCode"), rows)


def services() -> str:
    return table(("`services` value", "What the console does with the node"),
                 [(f"`{s}`", SERVICE_NAMES[s]) for s in configuration.SERVICES])


def dicomweb_transactions() -> str:
    from vxacq.net import dicomweb

    return table(("Transaction (user agent)", "Request", "Content sent", "Accepted"),
                 [(name, f"`{target}`", sent, f"`{accepted}`")
                  for name, target, sent, accepted in dicomweb.TRANSACTIONS])


def dicomweb_statuses() -> str:
    from vxacq.net import dicomweb

    return table(("HTTP answer", "What the console does"), dicomweb.HTTP_HANDLING)


def source_legend() -> str:
    return table(("Source", "Meaning"), [(s, m) for s, m in SOURCES.items()])


# --- the document --------------------------------------------------------------------------

SECTIONS: dict[str, Callable[[], str]] = {
    "sop_classes": sop_classes, "proposed_contexts": proposed_contexts,
    "storage_syntaxes": storage_syntaxes, "accepted_contexts": accepted_contexts,
    "implicit_node_syntaxes": implicit_node_syntaxes,
    "implementation": implementation, "store_statuses": store_statuses,
    "mpps_statuses": mpps_statuses, "commitment_reasons": commitment_reasons,
    "commitment_answers": commitment_answers, "print_statuses": print_statuses,
    "find_statuses": find_statuses, "dx_attributes": dx_attributes,
    "mg_attributes": mg_attributes, "dose_attributes": dose_attributes,
    "presentation_state_attributes": presentation_state_attributes,
    "rejection_note_attributes": rejection_note_attributes,
    "dose_content": dose_content, "mpps_create": mpps_create, "mpps_set": mpps_set,
    "commitment_request": commitment_request, "film_session": film_session,
    "film_box": film_box, "image_box": image_box, "printer_attributes": printer_attributes,
    "worklist_keys": worklist_keys, "study_keys": study_keys, "series_keys": series_keys,
    "character_sets": character_sets, "station_settings": station_settings,
    "node_settings": node_settings, "print_settings": print_settings, "services": services,
    "source_legend": source_legend, "audit_events": audit_events,
    "audit_settings": audit_settings, "dicomweb_transactions": dicomweb_transactions,
    "dicomweb_statuses": dicomweb_statuses,
}


def render(template: str | None = None) -> str:
    """The statement: the template with every placeholder replaced by its table."""
    text = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    used = set(PLACEHOLDER.findall(text))
    unknown = used - set(SECTIONS)
    if unknown:
        raise RuntimeError(f"the template names tables that do not exist: {sorted(unknown)}")
    unused = set(SECTIONS) - used
    if unused:
        raise RuntimeError(f"tables not placed in the template: {sorted(unused)}")
    return PLACEHOLDER.sub(lambda m: SECTIONS[m.group(1)](), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed statement is not what the code says")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run make docs", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
