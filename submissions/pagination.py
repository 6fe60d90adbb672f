"""A paginator that never runs an exact COUNT(*) over a million rows.

Up to EXACT_UP_TO rows the count is exact (a LIMITed count stops early, so it stays cheap); above that
it is PostgreSQL's own estimate: pg_class.reltuples for the unfiltered table, the planner's row
estimate for a filtered query. The admin then shows "about N".
"""

import datetime as dt
import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 1_000


def table_estimate(model, using="default"):
    """PostgreSQL's estimate of the rows in `model`'s table (-1 when never analysed)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else -1


def planner_estimate(queryset):
    """The planner's row estimate for `queryset` (no rows are read)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    is_estimate = False

    @cached_property
    def count(self):
        queryset = self.object_list
        exact = queryset.order_by()[: EXACT_UP_TO + 1].count()
        if exact <= EXACT_UP_TO or connections[queryset.db].vendor != "postgresql":
            if exact > EXACT_UP_TO:
                return queryset.count()  # SQLite (make run): small databases only
            return exact
        self.is_estimate = True
        if not queryset.query.where:
            estimate = table_estimate(queryset.model, queryset.db)
        else:
            estimate = planner_estimate(queryset)
        # Never claim fewer rows than we just counted.
        return max(estimate, exact)


def capped_count(queryset, cap=EXACT_UP_TO):
    """(count, whether there are more): exact up to `cap`, reading at most cap + 1 rows."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


class KeysetPage:
    """One page of records, newest first on (observed_on, id), that never skips rows: a page is
    "older than" or "newer than" the record at its edge (the cursor), or the first or the last page.
    Each costs one index range read of `size` + 1 rows, however deep the page lies.

        page = KeysetPage(queryset, request.GET)   # ?ouder=<cursor>, ?nieuwer=<cursor>, ?laatste=1
    """

    OLDER, NEWER, LAST = "ouder", "nieuwer", "laatste"

    def __init__(self, queryset, params, size=25):
        self.size = size
        self.queryset = queryset
        older, newer = parse_cursor(params.get(self.OLDER)), parse_cursor(params.get(self.NEWER))
        if older:
            rows = self._read(older, newest_first=True)
            self.has_newer, self.has_older = True, len(rows) > size
            if not rows:  # nothing older any more (records changed): the last page
                rows, self.has_newer, self.has_older = self._last()
        elif newer:
            rows = self._read(newer, newest_first=False)
            self.has_newer, self.has_older = len(rows) > size, True
            rows = rows[:size][::-1]
            if not self.has_newer:  # reached the top: show a full first page
                rows, self.has_newer, self.has_older = self._first()
        elif params.get(self.LAST):
            rows, self.has_newer, self.has_older = self._last()
        else:
            rows, self.has_newer, self.has_older = self._first()
        self.object_list = rows[:size]
        self.is_first = not self.has_newer
        self.is_last = not self.has_older

    def _rows(self, queryset, newest_first):
        order = ("-observed_on", "-id") if newest_first else ("observed_on", "id")
        return list(queryset.order_by(*order)[: self.size + 1])

    def _read(self, cursor, newest_first):
        day, pk = cursor
        # The plain date bound lets the planner start the index range at the cursor.
        if newest_first:
            beyond = self.queryset.filter(observed_on__lte=day).exclude(observed_on=day, id__gte=pk)
        else:
            beyond = self.queryset.filter(observed_on__gte=day).exclude(observed_on=day, id__lte=pk)
        return self._rows(beyond, newest_first)

    def _first(self):
        rows = self._rows(self.queryset, newest_first=True)
        return rows, False, len(rows) > self.size

    def _last(self):
        rows = self._rows(self.queryset, newest_first=False)
        return rows[: self.size][::-1], len(rows) > self.size, False

    def newer_cursor(self):
        return cursor_of(self.object_list[0]) if self.object_list else ""

    def older_cursor(self):
        return cursor_of(self.object_list[-1]) if self.object_list else ""


def cursor_of(record):
    return f"{record.observed_on.isoformat()}.{record.pk}"


def parse_cursor(value):
    """(date, id) from "YYYY-MM-DD.id"; None for anything else."""
    day, _sep, pk = (value or "")[:40].partition(".")
    if not (pk.isascii() and pk.isdigit() and len(pk) < 19):
        return None
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None
