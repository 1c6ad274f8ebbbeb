"""What every page of the console shares: configuration, database, services, room, workers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from vxacq.config import Config
from vxacq.security.accounts import accounts_exist
from vxacq.security.roles import NO_ACCOUNTS, Identity
from vxacq.ui.tasks import Tasks
from vxacq.workflow.runtime import Services
from vxacq.workflow.console import Database, RoomSession, open_database, preload_calibrations

log = logging.getLogger(__name__)


@dataclass
class Console:
    config: Config
    db: Database
    services: Services
    room: RoomSession
    tasks: Tasks
    exposures: Tasks  # one thread of its own: the beam never waits for the network
    operator: str = ""  # the Operators' Name of the exams started from now on
    # Who is logged in: NO_ACCOUNTS on a station without accounts (it works as before them),
    # None while the screen is locked or no one has logged in.
    identity: Identity | None = None
    accounts: bool = False  # whether the station has accounts (then the console asks who works)

    @classmethod
    def start(cls, config: Config, *, room_poll_s: float = 2.0,
              services_later: bool = False) -> Console:
        """Outbox, listener and the room started (the QApplication must exist). With
        ``services_later`` the outbox and the listener wait for :meth:`start_services`: the
        console's window shows first (they need pynetdicom), then starts them at once."""
        services = Services(config, open_database(config.data_dir),
                            application="console window")
        services.tidy()  # before the room: a raw frame being written now is not tidied away
        if not services_later:
            services.start()
        room = RoomSession(config, poll_interval=room_poll_s).start()
        console = cls(config, services.db, services, room, Tasks(), Tasks(threads=1))
        console.accounts = accounts_exist(services.db)
        console.identity = None if console.accounts else NO_ACCOUNTS
        # the first image must not wait for the calibration maps to be read
        console.tasks.run(lambda: preload_calibrations(config), None,
                          lambda exc: log.warning("calibrations not preloaded: %s", exc))
        return console

    def start_services(self) -> None:
        """The outbox and the listener (see :meth:`start`); once."""
        if not self.services.started:
            self.services.start()

    def stop(self) -> None:
        """Wait for the running workers, then stop the room and the services."""
        self.exposures.wait(40000)  # a sequence held in prep ends within its hold time
        self.tasks.wait(10000)
        self.exposures.shutdown()
        self.tasks.shutdown()
        self.room.stop()
        self.services.stop()
