"""DICOM network services, one module per service, plus our listener and the persistent outbox."""
