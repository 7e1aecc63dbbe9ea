"""Cursor pagination: stable under inserts, and each page is an index range scan."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("id",)

    def get_ordering(self, request, queryset, view):
        # Each view names its order, ending in a unique field (the page's own order
        # where an index serves it, e.g. engagements by -start_date, -id).
        return tuple(getattr(view, "ordering", None) or self.ordering)
