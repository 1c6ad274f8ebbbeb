"""The one reader of secret files (vxacq.security.secrets): a DICOMweb node's secret_file, the
department database's password_file and the directory's bind_password_file get the same checks;
only the field named in the messages and whether the group may read the file differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from vxacq.db import department
from vxacq.net.department import password
from vxacq.security.secrets import MAX_SECRET_BYTES, SecretError, read_secret


def secret_file(tmp_path: Path, data: bytes, mode: int = 0o600) -> str:
    path = tmp_path / "secret"
    path.write_bytes(data)
    path.chmod(mode)
    return str(path)


def test_the_secret_is_its_one_line_without_the_line_end(tmp_path: Path) -> None:
    assert read_secret(secret_file(tmp_path, b"pa ss\r\n")) == "pa ss"
    assert read_secret(secret_file(tmp_path, "gr\u00fc\u00dfe\n\n".encode())) == "gr\u00fc\u00dfe"
    # the group may read it only where the caller allows it (a root:vxacq 0640 file)
    path = secret_file(tmp_path, b"pw\n", 0o640)
    assert read_secret(path, field="password_file", group_may_read=True) == "pw"
    with pytest.raises(SecretError, match="can be read by other users.*chmod 600"):
        read_secret(path)


@pytest.mark.parametrize(("data", "mode", "says"), [
    (b"pw\n", 0o644, "password_file '{path}' is readable by every user; chmod 600 (or 640 "
                     "for the vxacq group) it"),
    (b"pw\n", 0o604, "password_file '{path}' is readable by every user"),
    (b"\n", 0o600, "password_file '{path}' is empty"),
    (b"", 0o600, "password_file '{path}' is empty"),
    (b"pw\nsecond line\n", 0o600, "password_file '{path}' holds control characters or several "
                                  "lines"),
    (b"p\tw\n", 0o600, "holds control characters"),
    (b"\xff\xfe\n", 0o600, "password_file '{path}' cannot be read ("),
    (b"x" * (MAX_SECRET_BYTES + 1), 0o600, f"is larger than {MAX_SECRET_BYTES} bytes"),
])
def test_a_file_that_holds_no_usable_secret_is_named_with_what_is_wrong(
        tmp_path: Path, data: bytes, mode: int, says: str) -> None:
    path = secret_file(tmp_path, data, mode)
    with pytest.raises(SecretError) as caught:
        read_secret(path, field="password_file", group_may_read=True)
    assert says.format(path=path) in str(caught.value)
    assert "second line" not in str(caught.value)  # never the content


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match=r"^password_file '.*none' cannot be read \(No such"):
        read_secret(str(tmp_path / "none"), field="password_file")
    with pytest.raises(SecretError, match="is not a regular file"):
        read_secret(str(tmp_path), field="password_file")


def test_the_department_password_file_goes_through_the_same_reader(tmp_path: Path) -> None:
    assert password("") is None  # the URL's own password, if any
    assert department.engine_url("postgresql://qa:inurl@db/d", password("")).password == "inurl"
    path = secret_file(tmp_path, b"dept-pw\n", 0o640)
    assert department.engine_url("postgresql://qa@db/d", password(path)).password == "dept-pw"
    # before, a second line was ignored and an empty file meant an empty password
    for data in (b"dept-pw\n# a note\n", b""):
        with pytest.raises(department.DepartmentError, match=f"password_file '{path}' "):
            password(secret_file(tmp_path, data, 0o640))
    with pytest.raises(department.DepartmentError, match="readable by every user"):
        password(secret_file(tmp_path, b"dept-pw\n", 0o644))


def test_a_report_on_a_database_whose_password_file_every_user_can_read_is_refused(
        tmp_path: Path) -> None:
    from vxacq.config import from_dict
    from vxacq.workflow.department import DepartmentSettingError, report_engine

    loose = secret_file(tmp_path, b"dept-pw\n", 0o644)
    with pytest.raises(DepartmentSettingError, match=f"password_file '{loose}' is readable"):
        report_engine(from_dict({}), "postgresql://qa@db/d", password_file=loose)
