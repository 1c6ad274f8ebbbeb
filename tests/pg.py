"""A real PostgreSQL server for the tests: Debian's binaries, a cluster made by initdb in a
temporary folder, listening on 127.0.0.1 on a free port (and a socket in that folder).

The server refuses to run as root, so when the tests run as root it runs as the ``postgres``
account the Debian package creates (through ``runuser``), in a folder that account owns. The
cluster asks for a password (SCRAM) over TCP, as a department's server would: the tests
connect as ``vxacq`` with the password in ``password_file``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import socket

BIN = Path(os.environ.get("VXACQ_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "vxacq"
PASSWORD = "dept-secret-4711"
START_TIMEOUT = 30.0


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries (or an account to run them as) are not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    run_as: str | None  # the account the server runs as when we are root
    settings: tuple[str, ...] = ()  # "name=value" server settings beyond the defaults

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    def url(self, database: str = "department") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def _pg_ctl(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        done = subprocess.run(self._command(str(BIN / "pg_ctl"), "-D", str(self.data_dir),
                                            *args), capture_output=True, text=True,
                              timeout=timeout + 10)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off" + "".join(
            f" -c {setting}" for setting in self.settings)
        self._pg_ctl("-w", "-t", str(int(START_TIMEOUT)), "-l", str(self.folder / "log"),
                     "-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(self._command(str(BIN / "psql"), "-X", "-q", "-A", "-t", "-h",
                                            str(self.folder), "-p", str(self.port), "-U", USER,
                                            "-d", database, "-c", sql),
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr}")
        return done.stdout.strip()

    def create_database(self, name: str) -> None:
        self.psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_postgres(settings: tuple[str, ...] = ()) -> PostgresServer:
    """initdb and start a server (with ``settings``, e.g. "work_mem=64MB");
    PostgresMissing when Debian's binaries are not installed."""
    if not (BIN / "initdb").is_file() or not (BIN / "pg_ctl").is_file():
        raise PostgresMissing(f"PostgreSQL server binaries not found in {BIN} (Debian package "
                          "postgresql; scripts/install-system-tools.sh installs it)")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresMissing("running as root and there is no 'postgres' account to run "
                              "the server as (the Debian package creates it)") from None
        if shutil.which("runuser") is None:
            raise PostgresMissing("running as root and runuser is missing")
        run_as = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="vxacq-pg-"))
    os.chmod(folder, 0o755)
    if run_as:
        shutil.chown(folder, run_as)
    server = PostgresServer(folder, free_port(), run_as, settings)
    (folder / "pwfile").write_text(PASSWORD + "\n")
    if run_as:
        shutil.chown(folder / "pwfile", run_as)
    done = subprocess.run(server._command(str(BIN / "initdb"), "-D", str(server.data_dir),
                                          "-U", USER, "--pwfile", str(folder / "pwfile"),
                                          "--auth-local=trust", "--auth-host=scram-sha-256",
                                          "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
    server.password_file.write_text(PASSWORD + "\n")
    os.chmod(server.password_file, 0o600)
    server.start()
    return server


def remove(server: PostgresServer) -> None:
    if server.running():
        try:
            server.stop()
        except (RuntimeError, subprocess.TimeoutExpired):
            pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 9)
            time.sleep(0.5)
    shutil.rmtree(server.folder, ignore_errors=True)
