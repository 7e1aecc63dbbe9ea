"""What the review page families share."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import access
from ..selectors import QueueRow, detail_row, with_review_detail


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def row_for(user, pk: int) -> QueueRow:
    """The SOI in the user's review scope (404 outside it), with everything screened, in
    one query plus a fixed set of prefetches."""
    application = get_object_or_404(with_review_detail(access.queue_applications_for(user)), pk=pk)
    return detail_row(application, user)
