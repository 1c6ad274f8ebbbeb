"""A real OpenLDAP slapd for the directory-login tests: its own slapd.conf (mdb database, the
core/cosine/inetorgperson schemas, the memberof overlay), ldap:// and ldaps:// on free loopback
ports with certificates from tests/net/certs.py, people and groups loaded with ldapadd."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import peers
from tests.net import certs

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=example,dc=org"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"
SERVICE_DN = f"cn=vxacq,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
SCHEMAS = ("core", "cosine", "inetorgperson")
START_TIMEOUT = 15.0

# Alice: radiographer; Bob: service and administrator (two groups); Carol: in a group no role
# is mapped to. Passwords are "<name>-pw".
PEOPLE = {"alice": "Alice Example", "bob": "Bob Service", "carol": "Carol Clerk"}
GROUPS = {"radiographers": ["alice"], "service": ["bob"], "admins": ["bob"],
          "clerks": ["carol"]}


@dataclass
class Slapd:
    port: int  # ldap:// (StartTLS offered)
    tls_port: int  # ldaps://
    workdir: Path
    certificates: certs.Certificates
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def tls_url(self) -> str:
        return f"ldaps://localhost:{self.tls_port}"


def _conf(workdir: Path, pki: certs.Certificates) -> Path:
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    (workdir / "db").mkdir()
    conf = workdir / "slapd.conf"
    conf.write_text(f"""{includes}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {workdir}/slapd.pid
TLSCACertificateFile {pki.ca}
TLSCertificateFile {pki.server.cert}
TLSCertificateKeyFile {pki.server.key}

database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {workdir}/db
overlay memberof
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
""")
    return conf


def _ldif() -> str:
    entries = [f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
               "dc: example\n"]
    for ou in ("people", "groups", "services"):
        entries.append(f"dn: ou={ou},{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}\n")
    entries.append(f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\n"
                   f"objectClass: simpleSecurityObject\ncn: vxacq\n"
                   f"userPassword: {SERVICE_PASSWORD}\n")
    for uid, name in PEOPLE.items():
        entries.append(f"dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\n"
                       f"uid: {uid}\ncn: {name}\nsn: {name.split()[-1]}\ndisplayName: {name}\n"
                       f"userPassword: {uid}-pw\n")
    for group, members in GROUPS.items():
        lines = "".join(f"member: uid={m},ou=people,{SUFFIX}\n" for m in members)
        entries.append(f"dn: cn={group},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\n"
                       f"cn: {group}\n{lines}")
    return "\n".join(entries)


def _answers(port: int) -> bool:
    result = subprocess.run(["ldapsearch", "-x", "-H", f"ldap://127.0.0.1:{port}", "-s", "base",
                             "-b", "", "(objectClass=*)", "namingContexts"],
                            capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
    return result.returncode == 0


@contextlib.contextmanager
def running(workdir: Path) -> Iterator[Slapd]:
    """slapd with the people and groups above; stopped on the way out."""
    workdir.mkdir(parents=True, exist_ok=True)
    pki = certs.make(workdir / "pki")
    conf = _conf(workdir, pki)
    port, tls_port = peers.free_port(), peers.free_port()
    log = open(workdir / "slapd.log", "wb")
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-f", str(conf),
         "-h", f"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"slapd did not start:\n{(workdir / 'slapd.log').read_text()}")
            time.sleep(0.1)
        subprocess.run(["ldapadd", "-x", "-H", f"ldap://127.0.0.1:{port}", "-D", ADMIN_DN,
                        "-w", ADMIN_PASSWORD], input=_ldif().encode(), check=True,
                       capture_output=True, timeout=10)
        yield Slapd(port, tls_port, workdir, pki, process)
    finally:
        peers._stop(process)
        log.close()
