"""Test certificates made with the openssl CLI: a CA, certificates it signs (for a host, a
client, expired, for another name) and a second CA nobody trusts. EC P-256 keys: fast."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pair:
    cert: Path
    key: Path


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server: Pair  # localhost / 127.0.0.1
    client: Pair
    expired: Pair  # localhost, but its validity ended yesterday
    other_host: Pair  # signed by the CA for elsewhere.example only
    stranger: Pair  # localhost, signed by a CA nobody trusts
    stranger_ca: Path


def _openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True, timeout=30)


def _ca(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", cert, "-subj", f"/CN={name}", "-days", "2",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return cert, key


def _signed(directory: Path, name: str, ca: tuple[Path, Path], san: str, days: int,
            usage: str) -> Pair:
    cert, key, csr = (directory / f"{name}.pem", directory / f"{name}.key",
                      directory / f"{name}.csr")
    ext = directory / f"{name}.ext"
    ext.write_text(f"subjectAltName={san}\nextendedKeyUsage={usage}\nbasicConstraints=CA:FALSE\n")
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", key, "-out", csr, "-subj", f"/CN={name}")
    _openssl("x509", "-req", "-in", csr, "-CA", ca[0], "-CAkey", ca[1], "-CAcreateserial",
             "-days", str(days), "-out", cert, "-extfile", ext)
    return Pair(cert, key)


def make(directory: Path) -> Certificates:
    directory.mkdir(parents=True, exist_ok=True)
    ca, stranger_ca = _ca(directory, "ca"), _ca(directory, "stranger-ca")
    host = "DNS:localhost,IP:127.0.0.1"
    both = "serverAuth,clientAuth"
    return Certificates(
        ca=ca[0],
        server=_signed(directory, "server", ca, host, 2, both),
        client=_signed(directory, "client", ca, "DNS:console.example", 2, both),
        expired=_signed(directory, "expired", ca, host, -1, both),
        other_host=_signed(directory, "other-host", ca, "DNS:elsewhere.example", 2, both),
        stranger=_signed(directory, "stranger", stranger_ca, host, 2, both),
        stranger_ca=stranger_ca[0],
    )
