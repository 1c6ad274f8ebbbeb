"""Schema versions and the migrations between them.

The version lives in SQLite's ``PRAGMA user_version``. Each migration is plain SQL applied in
one transaction with the version bump, so an upgrade either happens whole or not at all.

Why a migration list and not Alembic: the database is one embedded file per console, upgraded
in place at start-up by the program itself (GUI, service or CLI, whichever opens it first);
Alembic would add an environment, a script directory and a second metadata to keep in step,
for no gain over a short ordered list that a test replays from every earlier version.
To change the schema: append a migration here and change ``models.py`` to match;
``tests/test_db.py`` fails while the two disagree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from vxacq.db import folding

# The search text is folded in Python (Unicode rules SQLite does not have): every connection
# that writes a study or a patient registers the function (``folding.register``).
_FOLD = folding.SQL_FUNCTION


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "patients, orders, studies, performed steps, series, images, jobs, commitments",
        (
            """CREATE TABLE patient (
                id INTEGER PRIMARY KEY,
                PatientID VARCHAR NOT NULL,
                IssuerOfPatientID VARCHAR NOT NULL DEFAULT '',
                PatientName VARCHAR NOT NULL DEFAULT '',
                PatientBirthDate VARCHAR NOT NULL DEFAULT '',
                PatientSex VARCHAR NOT NULL DEFAULT '',
                OtherPatientIDs VARCHAR NOT NULL DEFAULT '',
                PatientSpeciesDescription VARCHAR NOT NULL DEFAULT '',
                PatientBreedDescription VARCHAR NOT NULL DEFAULT '',
                ResponsiblePerson VARCHAR NOT NULL DEFAULT '',
                ResponsibleOrganization VARCHAR NOT NULL DEFAULT '',
                PatientSexNeutered VARCHAR NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_patient_PatientID ON patient (PatientID)",
            """CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                patient_id INTEGER NOT NULL REFERENCES patient (id),
                node VARCHAR NOT NULL DEFAULT '',
                AccessionNumber VARCHAR NOT NULL DEFAULT '',
                RequestedProcedureID VARCHAR NOT NULL DEFAULT '',
                RequestedProcedureDescription VARCHAR NOT NULL DEFAULT '',
                RequestedProcedurePriority VARCHAR NOT NULL DEFAULT '',
                ScheduledProcedureStepID VARCHAR NOT NULL DEFAULT '',
                ScheduledProcedureStepDescription VARCHAR NOT NULL DEFAULT '',
                ScheduledProcedureStepStartDate VARCHAR NOT NULL DEFAULT '',
                ScheduledProcedureStepStartTime VARCHAR NOT NULL DEFAULT '',
                ScheduledStationAETitle VARCHAR NOT NULL DEFAULT '',
                Modality VARCHAR NOT NULL DEFAULT '',
                StudyInstanceUID VARCHAR NOT NULL DEFAULT '',
                ReferringPhysicianName VARCHAR NOT NULL DEFAULT '',
                state VARCHAR NOT NULL DEFAULT 'scheduled',
                dataset BLOB,
                received_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_orders_patient_id ON orders (patient_id)",
            "CREATE INDEX ix_orders_AccessionNumber ON orders (AccessionNumber)",
            "CREATE INDEX ix_orders_ScheduledProcedureStepStartDate"
            " ON orders (ScheduledProcedureStepStartDate)",
            """CREATE TABLE study (
                id INTEGER PRIMARY KEY,
                StudyInstanceUID VARCHAR NOT NULL UNIQUE,
                patient_id INTEGER NOT NULL REFERENCES patient (id),
                order_id INTEGER REFERENCES orders (id),
                AccessionNumber VARCHAR NOT NULL DEFAULT '',
                StudyID VARCHAR NOT NULL DEFAULT '',
                StudyDate VARCHAR NOT NULL DEFAULT '',
                StudyTime VARCHAR NOT NULL DEFAULT '',
                StudyDescription VARCHAR NOT NULL DEFAULT '',
                ReferringPhysicianName VARCHAR NOT NULL DEFAULT '',
                OperatorsName VARCHAR NOT NULL DEFAULT '',
                state VARCHAR NOT NULL DEFAULT 'open',
                created_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_study_patient_id ON study (patient_id)",
            """CREATE TABLE performed_step (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES study (id),
                SOPInstanceUID VARCHAR NOT NULL UNIQUE,
                PerformedProcedureStepID VARCHAR NOT NULL DEFAULT '',
                PerformedProcedureStepStatus VARCHAR NOT NULL DEFAULT 'IN PROGRESS',
                PerformedProcedureStepStartDate VARCHAR NOT NULL DEFAULT '',
                PerformedProcedureStepStartTime VARCHAR NOT NULL DEFAULT '',
                PerformedProcedureStepEndDate VARCHAR NOT NULL DEFAULT '',
                PerformedProcedureStepEndTime VARCHAR NOT NULL DEFAULT '',
                discontinuation_code VARCHAR NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_performed_step_study_id ON performed_step (study_id)",
            """CREATE TABLE series (
                id INTEGER PRIMARY KEY,
                SeriesInstanceUID VARCHAR NOT NULL UNIQUE,
                study_id INTEGER NOT NULL REFERENCES study (id),
                performed_step_id INTEGER REFERENCES performed_step (id),
                SeriesNumber INTEGER NOT NULL DEFAULT 1,
                Modality VARCHAR NOT NULL DEFAULT 'DX',
                BodyPartExamined VARCHAR NOT NULL DEFAULT '',
                ViewPosition VARCHAR NOT NULL DEFAULT '',
                Laterality VARCHAR NOT NULL DEFAULT '',
                ProtocolName VARCHAR NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_series_study_id ON series (study_id)",
            """CREATE TABLE image (
                id INTEGER PRIMARY KEY,
                series_id INTEGER NOT NULL REFERENCES series (id),
                SOPInstanceUID VARCHAR NOT NULL UNIQUE,
                SOPClassUID VARCHAR NOT NULL DEFAULT '',
                InstanceNumber INTEGER NOT NULL DEFAULT 1,
                file_path VARCHAR NOT NULL DEFAULT '',
                raw_path VARCHAR NOT NULL DEFAULT '',
                state VARCHAR NOT NULL DEFAULT 'acquired',
                KVP FLOAT,
                XRayTubeCurrent FLOAT,
                ExposureTime FLOAT,
                Exposure FLOAT,
                ImageAndFluoroscopyAreaDoseProduct FLOAT,
                DistanceSourceToDetector FLOAT,
                ExposureIndex FLOAT,
                TargetExposureIndex FLOAT,
                DeviationIndex FLOAT,
                reject_code_value VARCHAR NOT NULL DEFAULT '',
                reject_coding_scheme VARCHAR NOT NULL DEFAULT '',
                reject_code_meaning VARCHAR NOT NULL DEFAULT '',
                acquired_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_image_series_id ON image (series_id)",
            """CREATE TABLE job (
                id INTEGER PRIMARY KEY,
                kind VARCHAR NOT NULL,
                node VARCHAR NOT NULL,
                state VARCHAR NOT NULL DEFAULT 'queued',
                study_id INTEGER REFERENCES study (id),
                payload VARCHAR NOT NULL DEFAULT '{}',
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at DATETIME NOT NULL,
                last_error VARCHAR NOT NULL DEFAULT '',
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL)""",
            "CREATE INDEX ix_job_node ON job (node)",
            "CREATE INDEX ix_job_state ON job (state)",
            """CREATE TABLE commitment (
                id INTEGER PRIMARY KEY,
                TransactionUID VARCHAR NOT NULL UNIQUE,
                node VARCHAR NOT NULL,
                job_id INTEGER REFERENCES job (id),
                state VARCHAR NOT NULL DEFAULT 'pending',
                requested_at DATETIME NOT NULL,
                answered_at DATETIME)""",
            """CREATE TABLE commitment_item (
                id INTEGER PRIMARY KEY,
                commitment_id INTEGER NOT NULL REFERENCES commitment (id),
                ReferencedSOPClassUID VARCHAR NOT NULL,
                ReferencedSOPInstanceUID VARCHAR NOT NULL,
                committed BOOLEAN,
                FailureReason INTEGER)""",
            "CREATE INDEX ix_commitment_item_commitment_id ON commitment_item (commitment_id)",
            "CREATE INDEX ix_commitment_item_ReferencedSOPInstanceUID"
            " ON commitment_item (ReferencedSOPInstanceUID)",
        ),
    ),
    Migration(
        2,
        "job leases for two processes sharing one outbox; audit trail",
        (
            "ALTER TABLE job ADD COLUMN claimed_by VARCHAR NOT NULL DEFAULT ''",
            "ALTER TABLE job ADD COLUMN lease_expires_at DATETIME",
            """CREATE TABLE audit_event (
                id INTEGER PRIMARY KEY,
                at DATETIME NOT NULL,
                user VARCHAR NOT NULL DEFAULT '',
                action VARCHAR NOT NULL,
                detail VARCHAR NOT NULL DEFAULT '',
                study_id INTEGER REFERENCES study (id))""",
            "CREATE INDEX ix_audit_event_at ON audit_event (at)",
        ),
    ),
    Migration(
        4,
        "what a running job is doing, for the send queue display",
        ("ALTER TABLE job ADD COLUMN progress VARCHAR NOT NULL DEFAULT ''",),
    ),
    Migration(
        5,
        "local user accounts with roles (issue 16)",
        (
            """CREATE TABLE user_account (
                id INTEGER PRIMARY KEY,
                user VARCHAR NOT NULL,
                display_name VARCHAR NOT NULL DEFAULT '',
                roles VARCHAR NOT NULL DEFAULT '',
                password_hash VARCHAR NOT NULL DEFAULT '',
                pin_hash VARCHAR NOT NULL DEFAULT '',
                disabled BOOLEAN NOT NULL DEFAULT 0,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until DATETIME,
                created DATETIME NOT NULL,
                changed DATETIME NOT NULL,
                last_login DATETIME)""",
            "CREATE UNIQUE INDEX ix_user_account_user ON user_account (user)",
        ),
    ),
    Migration(
        6,
        "audit trail forwarded to an audit repository (IHE ATNA): each event's structured data, "
        "when it was forwarded, and the one sender's lease",
        (
            "ALTER TABLE audit_event ADD COLUMN data VARCHAR NOT NULL DEFAULT ''",
            "ALTER TABLE audit_event ADD COLUMN forwarded_at DATETIME",
            "CREATE INDEX ix_audit_event_forwarded_at ON audit_event (forwarded_at)",
            """CREATE TABLE audit_sender (
                id INTEGER PRIMARY KEY,
                claimed_by VARCHAR NOT NULL DEFAULT '',
                lease_expires_at DATETIME,
                last_error VARCHAR NOT NULL DEFAULT '',
                updated_at DATETIME)""",
        ),
    ),
    Migration(
        7,
        "dose notifications confirmed before an exposure, with the radiographer's reason",
        (
            """CREATE TABLE dose_confirmation (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES study (id),
                at DATETIME NOT NULL,
                user VARCHAR NOT NULL DEFAULT '',
                protocol_id VARCHAR NOT NULL,
                level_kind VARCHAR NOT NULL,
                projected_dap FLOAT NOT NULL,
                exam_total_dap FLOAT NOT NULL,
                level_dap FLOAT NOT NULL,
                estimate VARCHAR NOT NULL DEFAULT '',
                reason VARCHAR NOT NULL)""",
            "CREATE INDEX ix_dose_confirmation_study_id ON dose_confirmation (study_id)",
        ),
    ),
    Migration(
        8,
        "the station (room) that made each study, so department reports can group by room",
        ("ALTER TABLE study ADD COLUMN StationName VARCHAR NOT NULL DEFAULT ''",),
    ),
    Migration(
        9,
        "history and queue at scale: each study's folded search text, kept by triggers; "
        "indexes for the history's newest-first list and an exam's jobs",
        (
            "ALTER TABLE study ADD COLUMN search_text VARCHAR NOT NULL DEFAULT ''",
            f"""UPDATE study SET search_text = (
                SELECT {_FOLD}(p.PatientName, p.PatientID, study.AccessionNumber,
                               study.StudyDescription)
                FROM patient p WHERE p.id = study.patient_id)""",
            f"""CREATE TRIGGER study_search_insert AFTER INSERT ON study BEGIN
                UPDATE study SET search_text = (
                    SELECT {_FOLD}(p.PatientName, p.PatientID, NEW.AccessionNumber,
                                   NEW.StudyDescription)
                    FROM patient p WHERE p.id = NEW.patient_id) WHERE id = NEW.id;
            END""",
            f"""CREATE TRIGGER study_search_update
                AFTER UPDATE OF patient_id, AccessionNumber, StudyDescription ON study BEGIN
                UPDATE study SET search_text = (
                    SELECT {_FOLD}(p.PatientName, p.PatientID, NEW.AccessionNumber,
                                   NEW.StudyDescription)
                    FROM patient p WHERE p.id = NEW.patient_id) WHERE id = NEW.id;
            END""",
            f"""CREATE TRIGGER patient_search_update
                AFTER UPDATE OF PatientName, PatientID ON patient BEGIN
                UPDATE study SET search_text = {_FOLD}(NEW.PatientName, NEW.PatientID,
                                                       AccessionNumber, StudyDescription)
                WHERE patient_id = NEW.id;
            END""",
            "CREATE INDEX ix_study_newest ON study (StudyDate DESC, StudyTime DESC, id DESC)",
            "CREATE INDEX ix_job_study_id ON job (study_id)",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


class SchemaError(RuntimeError):
    """The database cannot be used by this version of the program."""


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn: sqlite3.Connection, target: int = LATEST) -> list[int]:
    """Apply every migration above the file's version up to ``target``; return those applied."""
    folding.register(conn)  # the search triggers call it
    version = current_version(conn)
    if version > LATEST:
        raise SchemaError(
            f"the exam database is schema version {version}, newer than this program "
            f"understands ({LATEST}); install the newer VXacq or restore a backup"
        )
    applied = []
    for migration in MIGRATIONS:
        if version < migration.version <= target:
            # One transaction per step: BEGIN IMMEDIATE also keeps a second process from
            # migrating the same file at the same moment.
            conn.execute("BEGIN IMMEDIATE")
            try:
                if current_version(conn) >= migration.version:  # the other process won
                    conn.execute("ROLLBACK")
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.version}")
                conn.execute("COMMIT")
            except Exception:
                conn.execute("ROLLBACK")
                raise
            applied.append(migration.version)
    return applied
