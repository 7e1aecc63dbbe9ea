"""The security audit trail: refused actions, recorded in the database and the log.

Two entry points write SecurityEvent rows:

- `security_event_record`: one row per event, for actions of a signed-in person that
  the portal refused (an admin change, an invitation);
- `security_refusal_record`: what a request was refused (a failed sign-in, a sign-in
  refused by the throttle, a wrong authenticator code, a refused API token, a refused
  upload), with who if
  known, the IP, what and why. It never receives a password or a file's content: the
  hooks pass the account, the file's name and the validator's reason code only
  (`upload_refusals_record` turns a refused upload form into such rows).

The refusal kinds (SecurityEvent.AGGREGATED) can be caused at will by anyone, so they
are aggregated: the same event (kind, actor, account, IP, detail) again within
AGGREGATE_WINDOW adds to the first row's `count`; and once a kind has
MAX_ROWS_PER_WINDOW rows in the window, further distinct events of that kind fold into
one overflow row. A flood therefore adds at most MAX_ROWS_PER_WINDOW + 1 rows per kind
per window, whatever its size (the WARNING log line is still written for each).
"""

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from .models import SecurityEvent, User

logger = logging.getLogger("psp.security")

AGGREGATE_WINDOW = timedelta(minutes=15)
MAX_ROWS_PER_WINDOW = 200
OVERFLOW_DETAIL = "Flood: further events of this kind in this window are counted here"


def security_event_record(
    *,
    kind: str,
    actor: User | None,
    detail: str,
    target_user: User | None = None,
    ip: str | None = None,
) -> SecurityEvent:
    """Write one audit row (and a WARNING log line) for a refused or sensitive action.

    Kinds in SecurityEvent.AGGREGATED add to a recent identical row instead (see above).
    """
    actor = actor if actor is not None and actor.is_authenticated else None
    detail = detail[:500]
    ip = ip or None
    logger.warning(
        "security event %s: actor=%s target=%s ip=%s %s",
        kind,
        actor.pk if actor else None,
        target_user.pk if target_user else None,
        ip,
        detail,
    )
    if kind not in SecurityEvent.AGGREGATED:
        return SecurityEvent.objects.create(
            kind=kind, actor=actor, target_user=target_user, detail=detail, ip=ip
        )
    now = timezone.now()
    recent = SecurityEvent.objects.filter(kind=kind, at__gte=now - AGGREGATE_WINDOW)
    key = {"actor": actor, "target_user": target_user, "ip": ip, "detail": detail}
    event = recent.filter(**key).order_by("-at").first()
    if event is None and recent.count() >= MAX_ROWS_PER_WINDOW:
        key = {"actor": None, "target_user": None, "ip": None, "detail": OVERFLOW_DETAIL}
        event = recent.filter(**key).order_by("-at").first()
    if event is None:
        return SecurityEvent.objects.create(kind=kind, last_at=now, **key)
    # F(): two requests counting at once must not lose one of the increments.
    SecurityEvent.objects.filter(pk=event.pk).update(count=F("count") + 1, last_at=now)
    event.refresh_from_db(fields=["count", "last_at"])
    return event


def security_refusal_record(
    *,
    kind: str,
    request,
    what: str,
    reason: str,
    account: User | None = None,
) -> SecurityEvent:
    """Record that `request` was refused `what` for `reason` (never a secret or content).

    The actor is the signed-in person, if any; `account` is the account concerned when
    it is known (the one a failed sign-in tried). The IP comes from the request.
    """
    actor = getattr(request, "user", None) if request is not None else None
    return security_event_record(
        kind=kind,
        actor=actor,
        target_user=account,
        detail=f"{what}: {reason}",
        ip=request_ip(request) if request is not None else None,
    )


def upload_refusals_record(*, request, form, what: str) -> int:
    """After a bound form with file fields failed: record each uploaded file it refused.

    Called by the views of every upload form (the callers of psp_portal.uploads). The
    row keeps the file's name and the validator's reason code, never its content. A
    missing file ("required") is a form error, not a refusal, and is not recorded.
    Returns how many refusals were recorded.
    """
    recorded = 0
    for name, errors in form.errors.as_data().items():
        upload = form.files.get(form.add_prefix(name)) if name in form.fields else None
        if upload is None:
            continue
        codes = ", ".join(sorted({error.code or "invalid" for error in errors}))
        file_name = (getattr(upload, "name", "") or "")[:120]
        security_refusal_record(
            kind=SecurityEvent.Kind.UPLOAD_REFUSED,
            request=request,
            what=f"{what} {file_name!r}",
            reason=codes,
        )
        recorded += 1
    return recorded


def request_ip(request) -> str | None:
    """The client address as the web server saw it.

    Behind the TLS proxy gunicorn runs with --forwarded-allow-ips set to the proxy only,
    so REMOTE_ADDR is the client's address (see docs/security.md, "Deployment").
    """
    return request.META.get("REMOTE_ADDR") or None
