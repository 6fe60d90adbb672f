import signal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from ncregister import startup
from worker.runner import Worker


class Command(BaseCommand):
    help = "Run the background worker: leases, fair turns per organisation, survives database outages."

    requires_system_checks = []  # run below, as log lines

    def add_arguments(self, parser):
        parser.add_argument("--queues", default=",".join(settings.TASKS["default"]["QUEUES"]))
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls of an empty queue"
        )
        parser.add_argument("--batch", action="store_true", help="run the jobs that are ready, then stop")
        parser.add_argument("--worker-id", default=None)

    def handle(self, *, queues, interval, batch, worker_id, **options):
        if settings.NCR_ENV != "dev":
            startup.check_or_exit()
        worker = Worker(
            worker_id=worker_id or get_random_string(16),
            queue_names=[name.strip() for name in queues.split(",") if name.strip()],
            interval=interval,
            batch=batch,
        )
        previous = worker.install_signals()
        try:
            worker.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
