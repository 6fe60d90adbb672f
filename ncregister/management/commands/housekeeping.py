import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from ncregister import housekeeping, startup

logger = logging.getLogger("ncregister.housekeeping")


class Command(BaseCommand):
    help = "Run every periodic purge once, or every --every seconds until stopped."

    requires_system_checks = []  # run below, as log lines

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every this many seconds (0: once)")

    def handle(self, *, every, **options):
        if settings.NCR_ENV != "dev":
            startup.check_or_exit()
        if not every:
            self.run_once(raise_errors=True)
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        next_run = time.monotonic()
        while not stopping:
            if time.monotonic() >= next_run:
                self.run_once(raise_errors=False)
                next_run = time.monotonic() + every
            time.sleep(0.5)

    def run_once(self, *, raise_errors):
        try:
            removed = housekeeping.run()
        except DatabaseError:
            if raise_errors:
                raise
            logger.exception("housekeeping failed; trying again at the next run")
            connections.close_all()
            return
        logger.info("housekeeping done: %s", ", ".join(f"{name} {count}" for name, count in removed.items()))
