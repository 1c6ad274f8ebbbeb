"""The one error every network service raises, apart from the services themselves: the outbox,
the console's start and its status need it without importing pynetdicom."""

from __future__ import annotations


class DicomNetworkError(Exception):
    """A DICOM exchange with a peer failed.

    ``kind`` is one of: unreachable, rejected, aborted, timeout, no-context, status, tls.
    ``retryable`` says whether trying again later can succeed (the outbox uses it).
    """

    def __init__(self, message: str, *, kind: str, retryable: bool) -> None:
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
