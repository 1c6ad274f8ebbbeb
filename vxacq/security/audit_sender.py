"""Store and forward of the audit trail to the audit record repository (IHE ATNA).

Every event is in the database first (``audit.record``); :class:`AuditForwarder` sends the
events whose ``forwarded_at`` is empty, oldest first, each as a DICOM audit message in an RFC
5424 syslog message, and sets ``forwarded_at`` once the message went out. While the repository
cannot be reached the events wait and the attempt is repeated (1 s, doubling up to a minute);
the reason is logged once and kept for ``vxacq audit``. Nothing is dropped.

Two processes may share the data dir (the window and ``vxacq serve``): the one that holds the
lease on the single ``audit_sender`` row sends, and it renews the lease with every message, so
the trail leaves in order and no event is sent by both. A lease whose process died expires and
is taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from sqlalchemy import and_, or_, text, update
from sqlmodel import col, select

from vxacq.config import Config
from vxacq.db import Database
from vxacq.db.models import AuditEvent, AuditSender, utcnow
from vxacq.security import audit, syslog, tls
from vxacq.security.audit_message import SUCCESS, AuditSource, kind_of

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 30.0
BATCH = 100
MAX_DELAY = 60.0

_sender = AuditSender.__table__  # type: ignore[attr-defined]
_events = AuditEvent.__table__  # type: ignore[attr-defined]


class AuditForwarder:
    """Sends the audit backlog to ``config.audit.repository`` from a thread of its own;
    ``start()``/``stop()``, or ``forward()`` once (tests, ``vxacq audit --send``)."""

    def __init__(self, config: Config, db: Database, *, owner: str | None = None,
                 lease_seconds: float = DEFAULT_LEASE_SECONDS, poll_seconds: float = 1.0,
                 first_delay: float = 1.0) -> None:
        self.config = config
        self.db = db
        token = (owner or uuid.uuid4().hex[:8]).replace(":", "_")
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{token}"
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self.first_delay = first_delay
        self.last_error = ""
        self._connection: syslog.Connection | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one forward() at a time in this process too
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.config.audit.repository)

    def start(self) -> AuditForwarder:
        if self.enabled and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="audit-forwarder",
                                            daemon=True)
            self._thread.start()
            log.info("audit trail forwarded to %s", self.config.audit.repository)
        return self

    def follow_config(self) -> None:
        """After the [audit] section changed in place: the next message goes through a new
        connection with the new settings; a repository set for the first time starts the
        thread."""
        with self._lock:
            self._close()
            self.last_error = ""
        self.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._release()
        self._close()

    def _run(self) -> None:
        delay = self.first_delay
        while not self._stop.is_set():
            try:
                self.forward()
            except Exception:  # the thread must outlive any one failure; the events wait
                log.exception("audit forwarder")
            if self.last_error:
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_DELAY)
            else:
                delay = self.first_delay
                self._stop.wait(self.poll_seconds)

    def forward(self) -> int:
        """Send what waits, in order, while this process holds the lease; return how many
        events were done with. A failure leaves the rest waiting and sets ``last_error``."""
        with self._lock:
            return self._forward()

    def _forward(self) -> int:
        if not self.enabled or not self._waiting() or not self._claim():
            return 0
        source = AuditSource.of_station(self.config.station.ae_title,
                                        self.config.audit.site_id
                                        or self.config.station.institution_name)
        done = 0
        while not self._stop.is_set():
            with self.db.session() as session:
                rows = session.exec(select(AuditEvent)
                                    .where(col(AuditEvent.forwarded_at).is_(None))
                                    .order_by(col(AuditEvent.id)).limit(BATCH)).all()
                events = [audit.view(r) for r in rows]
            if not events:
                break
            for event in events:
                message = event.message(source)
                if message is not None:
                    try:
                        self._send(message, event)
                    except OSError as exc:
                        self._failed(exc)
                        return done
                if not self._mark(event.id):
                    return done  # the lease was lost: another process sends from here on
                done += 1
        if self.last_error:
            log.info("audit repository %s reached again; the waiting events were sent",
                     self.config.audit.repository)
            self.last_error = ""
            self._set_error("")
        return done

    def _send(self, message: bytes, event: audit.EventView) -> None:
        if self._connection is None:
            self._connection = self._connect()
        kind = kind_of(event.action)
        failed = int(event.data.get("outcome", kind.outcome if kind else SUCCESS)) != SUCCESS
        self._connection.send(syslog.frame(message, at=event.at, hostname=socket.getfqdn(),
                                           procid=os.getpid(), failed=failed))

    def _connect(self) -> syslog.Connection:
        settings = self.config.audit
        repository = syslog.parse_repository(settings.repository)
        if repository.scheme == "udp":
            return syslog.Connection(repository)
        try:
            context = tls.client_context(settings)
        except (OSError, ValueError) as exc:
            raise OSError(f"the [audit] TLS files cannot be used: {exc}") from exc
        return syslog.Connection(repository, context, tls.server_hostname(settings))

    def _failed(self, exc: OSError) -> None:
        self._close()
        settings = self.config.audit
        try:
            words = syslog.describe_failure(exc, syslog.parse_repository(settings.repository),
                                            have_cert=bool(settings.tls_cert))
        except ValueError:
            words = str(exc)
        if words != self.last_error:
            log.warning("%s; the audit events wait and are sent when it answers", words)
            self._set_error(words)
        self.last_error = words

    def _waiting(self) -> bool:
        # a read first: an idle console polls without writing to the database
        with self.db.session() as session:
            return session.exec(select(AuditEvent.id)
                                .where(col(AuditEvent.forwarded_at).is_(None)).limit(1)
                                ).first() is not None

    def _claim(self) -> bool:
        now = utcnow()
        with self.db.session() as session:
            session.execute(text("INSERT OR IGNORE INTO audit_sender (id, claimed_by) "
                                 "VALUES (1, '')"))
            claimed = session.execute(
                update(_sender)
                .where(_sender.c.id == 1,
                       or_(_sender.c.claimed_by.in_(("", self.owner)),
                           _sender.c.lease_expires_at.is_(None),
                           _sender.c.lease_expires_at < now))
                .values(claimed_by=self.owner, lease_expires_at=now + self.lease,
                        updated_at=now)).rowcount
        return bool(claimed)

    def _mark(self, event_id: int) -> bool:
        """The event is done with, and the lease renewed, in one transaction; False (and
        nothing marked) if another process holds the lease now."""
        now = utcnow()
        with self.db.session() as session:
            renewed = session.execute(
                update(_sender).where(_sender.c.id == 1, _sender.c.claimed_by == self.owner)
                .values(lease_expires_at=now + self.lease, updated_at=now)).rowcount
            if not renewed:
                session.rollback()
                return False
            session.execute(update(_events)
                            .where(and_(_events.c.id == event_id,
                                        _events.c.forwarded_at.is_(None)))
                            .values(forwarded_at=now))
        return True

    def _set_error(self, words: str) -> None:
        with self.db.session() as session:
            session.execute(update(_sender).where(_sender.c.id == 1)
                            .values(last_error=words, updated_at=utcnow()))

    def _release(self) -> None:
        try:
            with self.db.session() as session:
                session.execute(update(_sender)
                                .where(_sender.c.id == 1, _sender.c.claimed_by == self.owner)
                                .values(claimed_by="", lease_expires_at=None))
        except Exception:  # closing down: the lease simply expires
            log.debug("audit forwarder: lease not released", exc_info=True)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

