"""A real audit record repository for the tests: Debian's rsyslogd in the foreground, taking
syslog over TLS (imtcp with the gtls stream driver, RFC 5425, client certificates required)
and over UDP (imudp, RFC 5426) on free 127.0.0.1 ports, writing each message it receives as one
line ``MSGID<TAB>APP-NAME<TAB>MSG`` to a file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.peers import HOST, free_port

CONF = """\
global(workDirectory="{work}" maxMessageSize="64k"
       defaultNetstreamDriver="gtls"
       defaultNetstreamDriverCAFile="{ca}"
       defaultNetstreamDriverCertFile="{cert}"
       defaultNetstreamDriverKeyFile="{key}")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"
       StreamDriver.AuthMode="x509/certvalid")
input(type="imtcp" port="{tls_port}" address="{host}")
module(load="imudp")
input(type="imudp" port="{udp_port}" address="{host}")
template(name="audit" type="string" string="%msgid%\\t%app-name%\\t%msg%\\n")
action(type="omfile" file="{out}" template="audit")
"""


class Rsyslog:
    def __init__(self, directory: Path, ca: Path, cert: Path, key: Path) -> None:
        self.rsyslogd = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
        if not Path(self.rsyslogd).exists():
            pytest.skip("rsyslogd is not installed (scripts/install-system-tools.sh)")
        self.directory = directory
        (directory / "work").mkdir(parents=True, exist_ok=True)
        self.tls_port, self.udp_port = free_port(), free_port()
        self.out = directory / "received.log"
        self.conf = directory / "rsyslog.conf"
        self.conf.write_text(CONF.format(work=directory / "work", ca=ca, cert=cert, key=key,
                                         tls_port=self.tls_port, udp_port=self.udp_port,
                                         host=HOST, out=self.out))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.rsyslogd, "-n", "-f", str(self.conf), "-i", str(self.directory / "pid")],
            stdout=subprocess.DEVNULL, stderr=open(self.directory / "rsyslogd.err", "ab"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("rsyslogd exited: "
                                   + (self.directory / "rsyslogd.err").read_text())
            try:
                socket.create_connection((HOST, self.tls_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("rsyslogd did not listen within 10 s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        self.process = None

    def lines(self, marker: str, count: int, timeout: float = 10.0) -> list[tuple[str, str, str]]:
        """The received messages containing ``marker``, once there are ``count`` of them
        (or when ``timeout`` has passed): (MSGID, APP-NAME, MSG) each."""
        deadline = time.monotonic() + timeout
        while True:
            found = []
            if self.out.exists():
                for line in self.out.read_text(encoding="utf-8").splitlines():
                    if marker in line:
                        msgid, app, msg = line.split("\t", 2)
                        found.append((msgid, app, msg))
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)
