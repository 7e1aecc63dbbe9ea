"""The security audit trail: refused actions, recorded in the database and the log."""

import logging

from .models import SecurityEvent, User

logger = logging.getLogger("psp.security")


def security_event_record(
    *,
    kind: str,
    actor: User | None,
    detail: str,
    target_user: User | None = None,
    ip: str | None = None,
) -> SecurityEvent:
    """Write one audit row (and a WARNING log line) for a refused or sensitive action."""
    actor = actor if actor is not None and actor.is_authenticated else None
    event = SecurityEvent.objects.create(
        kind=kind, actor=actor, target_user=target_user, detail=detail[:500], ip=ip or None
    )
    logger.warning(
        "security event %s: actor=%s target=%s ip=%s %s",
        kind,
        actor.pk if actor else None,
        target_user.pk if target_user else None,
        ip,
        detail,
    )
    return event


def request_ip(request) -> str | None:
    """The client address as the web server saw it.

    Behind the TLS proxy gunicorn runs with --forwarded-allow-ips set to the proxy only,
    so REMOTE_ADDR is the client's address (see docs/security.md, "Deployment").
    """
    return request.META.get("REMOTE_ADDR") or None
