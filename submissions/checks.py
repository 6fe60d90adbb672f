"""Checks that need the database: run by the migrate step and /health/ready/, never at container
start-up (`check --deploy` passes no database, so they return nothing there)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.database)
def check_holidays_cover_this_and_next_year(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from submissions.models import Holiday

    year = timezone.localdate().year
    try:
        covered = set(
            Holiday.objects.filter(date__year__in=[year, year + 1])
            .values_list("date__year", flat=True)
            .distinct()
        )
    except DatabaseError:
        return []  # no table yet: the migrate step that runs this check is about to make and fill it
    missing = [str(y) for y in (year, year + 1) if y not in covered]
    if not missing:
        return []
    return [
        Warning(
            f"The holiday table has no public holidays for {' and '.join(missing)}: deadlines would count "
            "those holidays as working days.",
            hint="Run `manage.py migrate` or `manage.py extend_holidays`.",
            id="submissions.W001",
        )
    ]
