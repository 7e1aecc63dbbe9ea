"""A paginator whose total stops at 10,000 rows, for lists that can hold far more.

An exact total is a COUNT(*) over every matching row: 200,000 engagements took longer
than the rest of the page together, on PostgreSQL and more so on SQLite (issue 20).
Past the cap the page says "More than 10,000" and pages through the first 10,000
rows; a filter narrows the list to an exact count again.
"""

import math

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """`ids_first=True`: a page's rows are chosen on the table alone (its ids, in the
    list's order), then joined. A list that joins the related rows it shows (select_related)
    can lead SQLite's planner to sort the whole join for one page (1.4 s for 200,000
    engagements) instead of walking the table's ordering index."""

    cap = COUNT_CAP

    def __init__(self, object_list, per_page, *args, ids_first: bool = False, count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.ids_first = ids_first
        if count is not None:
            # A total the page has counted already (in an aggregate it runs anyway): no
            # COUNT query of the paginator's own.
            self.__dict__["count"] = min(count, self.cap + 1)

    def page(self, number):
        if not self.ids_first or self.object_list.query.distinct:
            # DISTINCT with an ordering outside the select list cannot be a subquery.
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One query still: the page's ids are a subquery of the rows' query.
        ids = self.object_list.values("pk")[bottom : bottom + self.per_page]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    @cached_property
    def count(self) -> int:
        """The exact number of rows up to the cap; cap + 1 for "more than the cap"."""
        rows = self.object_list
        if hasattr(rows, "order_by") and hasattr(rows, "count"):
            # The order does not change how many rows there are: no sort before the LIMIT.
            return rows.order_by().values("pk")[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"More than {self.cap:,}" if self.capped else str(self.count)

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return math.ceil(self.cap / self.per_page)  # the pages a visitor may open
        return super().num_pages
