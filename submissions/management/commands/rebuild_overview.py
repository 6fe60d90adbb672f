import time

from django.core.management.base import BaseCommand

from submissions import summary
from submissions.models import ProducerMonth, ProducerMonthStream


class Command(BaseCommand):
    help = "Recompute the repeat-offender overview's summary tables from all non-conformities."

    def handle(self, *args, **options):
        started = time.perf_counter()
        summary.rebuild()
        self.stdout.write(
            f"Overview summary rebuilt: {ProducerMonth.objects.count()} producer months, "
            f"{ProducerMonthStream.objects.count()} producer months per stream "
            f"in {time.perf_counter() - started:.1f} s."
        )
