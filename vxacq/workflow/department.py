"""The department database as the reports and the service pages see it: which engine a
``--db`` names, and what the department holds (the publishing itself is the outbox's PUBLISH
job, :mod:`vxacq.net.department`)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from vxacq.config import Config
from vxacq.db import department
from vxacq.net.department import password as department_password

# `--db department`: the database configured in [department].
CONFIGURED = "department"
# A report may read for a while; the socket waits this long for each answer.
REPORT_TIMEOUT = 300.0


class DepartmentSettingError(ValueError):
    """A department database cannot be opened as asked; the message says why."""


def report_engine(config: Config, url: str, *, password_file: str = "") -> tuple[Engine, str]:
    """The engine on a PostgreSQL database for the reports, and its name without a password.

    ``url`` is ``department`` (the [department] database, with its password_file and TLS) or
    a ``postgresql://user@host[:port]/database`` URL; its password comes from
    ``password_file``, else from [department] password_file when the URL names that same
    database, else from the URL itself."""
    settings = config.department
    if url == CONFIGURED:
        if settings is None:
            raise DepartmentSettingError("--db department: no [department] url is configured")
        url = settings.url
    parsed = make_url(url)
    context = None
    if settings is not None and \
            make_url(settings.url).set(password=None) == parsed.set(password=None):
        from vxacq.security.tls import department_context

        password_file = password_file or settings.password_file
        context = department_context(settings)
    try:
        return (department.connect(url, password=department_password(password_file),
                                   connect_timeout=REPORT_TIMEOUT, ssl_context=context),
                department.describe(url))
    except department.DepartmentError as exc:
        raise DepartmentSettingError(str(exc)) from None
