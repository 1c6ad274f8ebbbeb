"""Demo-only: about twenty realistic orders for the demo worklist, names in their own scripts.

Each order is a worklist item as a RIS would send it, in the character set such a RIS uses:
ISO 8859 parts for Latin, Greek and Cyrillic, ISO 2022 with code extensions for Japanese and
Korean (alphabetic=ideographic=phonetic names), GB18030 for Chinese, UTF-8 for the rest.
"""

from __future__ import annotations

import datetime as dt

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

# (name, character set, sex, birth date, procedure code, description, priority, modality)
PATIENTS = [
    ("Müller^Jürgen", "ISO_IR 100", "M", "19560312", "RPID-CHEST2", "XR CHEST PA AND LAT", "ROUTINE", "DX"),
    ("Dubois^Amélie", "ISO_IR 100", "F", "19880704", "RPID-KNEE", "XR KNEE LEFT", "ROUTINE", "DX"),
    ("García Núñez^José", "ISO_IR 100", "M", "19701121", "RPID-HAND", "XR HAND RIGHT", "HIGH", "DX"),
    ("Ångström^Sölve", "ISO_IR 100", "M", "19450101", "RPID-PELVIS", "XR PELVIS AP", "ROUTINE", "DX"),
    ("O'Brien^Siobhán", "ISO_IR 100", "F", "19930215", "RPID-CHEST", "XR CHEST PA", "STAT", "DX"),
    ("Yamada^Tarou=山田^太郎=やまだ^たろう", "\\ISO 2022 IR 87", "M", "19620830", "RPID-SKULL", "XR SKULL AP", "ROUTINE", "DX"),
    ("Suzuki^Hanako=鈴木^花子=すずき^はなこ", "\\ISO 2022 IR 87", "F", "19790509", "RPID-MAMMO", "MAMMOGRAPHY SCREENING", "ROUTINE", "MG"),
    ("Hong^Gildong=洪^吉洞=홍^길동", "\\ISO 2022 IR 149", "M", "19840918", "RPID-CHEST", "XR CHEST PA", "ROUTINE", "DX"),
    ("Kim^Minji=金^玟志=김^민지", "\\ISO 2022 IR 149", "F", "20010402", "RPID-KNEE", "XR KNEE RIGHT", "HIGH", "DX"),
    ("Wang^XiaoDong=王^小东", "GB18030", "M", "19670727", "RPID-CHEST2", "XR CHEST PA AND LAT", "ROUTINE", "DX"),
    ("Li^Na=李^娜", "GB18030", "F", "19950330", "RPID-HAND", "XR HAND LEFT", "ROUTINE", "DX"),
    ("Παπαδόπουλος^Νίκος", "ISO_IR 126", "M", "19581010", "RPID-PELVIS", "XR PELVIS AP", "ROUTINE", "DX"),
    ("Οικονόμου^Ελένη", "ISO_IR 126", "F", "19900606", "RPID-CHEST", "XR CHEST PA", "ROUTINE", "DX"),
    ("Иванов^Иван^Иванович", "ISO_IR 144", "M", "19530225", "RPID-CHEST2", "XR CHEST PA AND LAT", "HIGH", "DX"),
    ("Петрова^Анна", "ISO_IR 144", "F", "19860812", "RPID-SKULL", "XR SKULL AP", "ROUTINE", "DX"),
    ("Nguyễn^Thị Lan", "ISO_IR 192", "F", "19920119", "RPID-KNEE", "XR KNEE LEFT", "ROUTINE", "DX"),
    ("Kowalski^Zbigniew", "ISO_IR 101", "M", "19490714", "RPID-CHEST", "XR CHEST PA", "ROUTINE", "DX"),
    ("Dvořák^Jiří", "ISO_IR 101", "M", "19770503", "RPID-HAND", "XR HAND RIGHT", "ROUTINE", "DX"),
    ("Yılmaz^Ayşe", "ISO_IR 148", "F", "19830929", "RPID-MAMMO", "MAMMOGRAPHY SCREENING", "ROUTINE", "MG"),
    ("Smith^John", "", "M", "19600101", "RPID-PELVIS", "XR PELVIS AP", "ROUTINE", "DX"),
    ("Lindqvist^Maja", "ISO_IR 100", "F", "20090611", "RPID-SPINE-LL", "XR WHOLE SPINE SCOLIOSIS", "ROUTINE", "DX"),
    ("Moreau^Luc", "ISO_IR 100", "M", "19750320", "RPID-LEG-LL", "XR LEG LENGTH STANDING", "ROUTINE", "DX"),
]


def demo_orders(station_ae: str, day: dt.date | None = None) -> list[Dataset]:
    """The demo's worklist items, scheduled through ``day`` (today) for ``station_ae``."""
    day = day or dt.date.today()
    out = []
    for number, (name, charset, sex, born, code, description, priority, modality) in enumerate(PATIENTS, 1):
        ds = Dataset()
        if charset:
            ds.SpecificCharacterSet = charset
        ds.PatientName = name
        ds.PatientID = f"DEMO{number:04d}"
        ds.IssuerOfPatientID = "VXACQ-DEMO"
        ds.PatientBirthDate = born
        ds.PatientSex = sex
        ds.AccessionNumber = f"DEMO{day:%y%m%d}{number:02d}"
        ds.RequestedProcedureID = f"RP{number:04d}"
        ds.RequestedProcedureDescription = description
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = code, "99DEMO", description
        ds.RequestedProcedureCodeSequence = [item]
        ds.RequestedProcedurePriority = priority
        ds.StudyInstanceUID = generate_uid()
        ds.ReferringPhysicianName = "Demo^Referrer"
        ds.AdmissionID = f"ADM{number:05d}"
        sps = Dataset()
        sps.ScheduledStationAETitle = station_ae
        sps.ScheduledProcedureStepStartDate = day.strftime("%Y%m%d")
        sps.ScheduledProcedureStepStartTime = f"{8 + number // 3:02d}{(number % 3) * 20:02d}00"
        sps.Modality = modality
        sps.ScheduledPerformingPhysicianName = ""
        sps.ScheduledProcedureStepID = f"SPS{number:04d}"
        sps.ScheduledProcedureStepDescription = description
        ds.ScheduledProcedureStepSequence = [sps]
        out.append(ds)
    return out


def demo_priors(day: dt.date | None = None) -> list[Dataset]:
    """Earlier studies of the demo patients, as the archive's query service lists them (one to
    three each, months to years before ``day``), so the console's priors can be tried."""
    day = day or dt.date.today()
    out = []
    for number, (name, _, sex, born, _, description, _, modality) in enumerate(PATIENTS, 1):
        for earlier in range(1 + number % 3):
            when = day - dt.timedelta(days=97 * number + 365 * earlier)
            ds = Dataset()
            ds.PatientName = name
            ds.PatientID = f"DEMO{number:04d}"
            ds.PatientBirthDate = born
            ds.PatientSex = sex
            ds.StudyDate = when.strftime("%Y%m%d")
            ds.StudyTime = f"{9 + earlier:02d}1500"
            ds.AccessionNumber = f"PRIOR{number:03d}{earlier}"
            ds.StudyID = f"P{number:03d}{earlier}"
            ds.StudyDescription = description
            ds.ReferringPhysicianName = "Demo^Referrer"
            ds.StudyInstanceUID = generate_uid(entropy_srcs=["vxacq-demo-prior", str(number),
                                                             str(earlier)])
            ds.ModalitiesInStudy = [modality]
            ds.NumberOfStudyRelatedSeries = 1
            ds.NumberOfStudyRelatedInstances = 1 + earlier
            out.append(ds)
    return out
