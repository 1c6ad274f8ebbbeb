"""Time of a password hash and of a whole local login (argon2id check, lockout bookkeeping and
the audit event in the exam database); prints one figure per line (median, milliseconds).
The hash is meant to be slow for a guesser with a stolen database, not for the radiographer."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from vxacq.config import Config, StationConfig
from vxacq.db import database_for
from vxacq.security import accounts, passwords
from vxacq.security.roles import NO_ACCOUNTS

RUNS = 9
PASSWORD = "benchmark secret 1"


def median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Config(station=StationConfig(data_dir=str(Path(folder))))
        db = database_for(folder)
        accounts.add_account(db, config, NO_ACCOUNTS, "ada", "Admin^Ada", "administrator",
                             PASSWORD)
        print(f"argon2id hash: {median_ms(lambda: passwords.hash_secret(PASSWORD)):.1f} ms")
        print(f"local login (good password): "
              f"{median_ms(lambda: accounts.authenticate(db, config, 'ada', PASSWORD)):.1f} ms")

        def refused() -> None:
            try:
                accounts.authenticate(db, config, "nobody", PASSWORD)
            except accounts.AuthenticationError:
                pass

        print(f"refused login (unknown user): {median_ms(refused):.1f} ms")
        db.close()


if __name__ == "__main__":
    main()
