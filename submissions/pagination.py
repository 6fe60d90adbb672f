"""A paginator that never runs an exact COUNT(*) over a million rows.

Up to EXACT_UP_TO rows the count is exact (a LIMITed count stops early, so it stays cheap); above that
it is PostgreSQL's own estimate: pg_class.reltuples for the unfiltered table, the planner's row
estimate for a filtered query. The admin then shows "about N".
"""

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
