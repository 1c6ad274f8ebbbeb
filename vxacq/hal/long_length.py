"""A long-length exposure: the overlapping fields of one protocol taken as one sequence.

The stand moves the detector (and the tube with it) to each field's position; each field is one
ordinary exposure (:func:`vxacq.hal.exposure.run_exposure`, with every safety rule it has: a
frame left in the panel stops everything), tagged with the sequence it belongs to and its
place in it. A field that fails ends the sequence there: the fields before it are kept, and the
sequence goes on from the failed field alone (``first_field``), never from the start, so no
field the patient was already exposed for is taken twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from vxacq.config import Config
from vxacq.dicom.uids import new_uid
from vxacq.hal import drivers
from vxacq.hal.exposure import ExposureResult, open_room_for, run_exposure
from vxacq.protocols import Protocol


@dataclass
class LongLengthResult:
    protocol: str
    sequence_uid: str
    planned: int  # fields in the protocol
    first_field: int = 0  # where this run began (0, or the field a repeat goes on from)
    fields: list[ExposureResult] = field(default_factory=list)  # taken and stored, in order
    failed: ExposureResult | None = None  # the field that ended the sequence
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.failed is None and len(self.fields) == self.planned

    @property
    def next_field(self) -> int:
        """Index (0-based) of the field to take next: the failed one, or the one after."""
        return len(self.fields) + self.first_field


def sequence_context(context: dict[str, Any] | None, sequence_uid: str, index: int,
                     count: int) -> dict[str, Any]:
    """An exposure's context with its place in the sequence (kept in its sidecar and pending
    record, so a recovered field still knows where it belongs)."""
    return {**(context or {}),
            "long_length": {"sequence": sequence_uid, "field": index + 1, "of": count}}


def run_long_length(config: Config, protocol: Protocol, *, first_field: int = 0,
                    sequence_uid: str | None = None, faults: tuple[str, ...] = (),
                    time_scale: float | None = None, room: drivers.RoomDevices | None = None,
                    context: dict[str, Any] | None = None,
                    **exposure_options: Any) -> LongLengthResult:
    """Take the fields of ``protocol`` from ``first_field`` on (a repeat goes on from the field
    that failed, with the same ``sequence_uid``). ``exposure_options``: kv, mas, sid_mm,
    laterality, sync_mode, hand_switch (one press per field), out_dir, seed."""
    if not protocol.long_length:
        raise ValueError(f"{protocol.id} is not a long-length protocol")
    positions = protocol.stand_positions_mm()
    if not 0 <= first_field < len(positions):
        raise ValueError(f"field {first_field + 1} does not exist: {protocol.id} has "
                         f"{len(positions)} fields")
    result = LongLengthResult(protocol.id, sequence_uid or new_uid(), len(positions),
                              first_field=first_field)
    seed = exposure_options.pop("seed", None)
    devices = contextlib.nullcontext(room) if room is not None else open_room_for(
        config, protocol, faults, time_scale, result.warnings)
    with devices as opened:
        for index in range(first_field, len(positions)):
            exposure = run_exposure(
                config, protocol, room=opened, stand_mm=positions[index],
                seed=None if seed is None else seed + index,
                context=sequence_context(context, result.sequence_uid, index, len(positions)),
                **exposure_options)
            result.warnings.extend(exposure.warnings)
            if not exposure.ok:
                result.failed = exposure
                break
            result.fields.append(exposure)
    return result
