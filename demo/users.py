"""Demo users: one per role, with fixed logins so README.md can print them.

Development only (demo.loader refuses production). The staff users come
enrolled in TOTP with fixed secrets, so a person walking through the demo can
add them to an authenticator app, or read the current code from the console.
"""

import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Jurisdiction, User

# One documented password for every demo user (README.md, "Demo logins").
DEMO_PASSWORD = "psp-demo-2026"

DEMO_JURISDICTION = {"name": "City of Toledo", "kind": Jurisdiction.Kind.CITY, "state": "OH"}


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    # Base32, fixed on purpose: printed in README.md. None for the applicant (no MFA).
    totp_secret: str | None = None


DEMO_USERS = [
    DemoUser("applicant@demo.psp.gov", "Alex Applicant", roles.APPLICANT),
    DemoUser("reviewer@demo.psp.gov", "Riley Reviewer", roles.REVIEWER, "PSPDEMOREVIEWER".ljust(32, "A")),
    DemoUser("official@demo.psp.gov", "Olivia Official", roles.SELECTING_OFFICIAL, "PSPDEMOOFFICIAL".ljust(32, "A")),
    DemoUser("liaison@demo.psp.gov", "Lee Liaison", roles.SITE_LIAISON, "PSPDEMOLIAISON".ljust(32, "A")),
    DemoUser("admin@demo.psp.gov", "Avery Admin", roles.PROGRAM_ADMIN, "PSPDEMOADMIN".ljust(32, "A")),
]  # fmt: skip


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def demo_jurisdiction() -> Jurisdiction:
    jurisdiction, _ = Jurisdiction.objects.get_or_create(**DEMO_JURISDICTION)
    return jurisdiction


def _ensure_user(spec: DemoUser, jurisdiction: Jurisdiction) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=spec.email,
        defaults={
            "full_name": spec.full_name,
            "is_staff": spec.role == roles.PROGRAM_ADMIN,
            "jurisdiction": jurisdiction if spec.role == roles.APPLICANT else None,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=spec.role))
    EmailAddress.objects.update_or_create(
        user=user, email=spec.email, defaults={"verified": True, "primary": True}
    )
    if (
        spec.totp_secret
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, spec.totp_secret)
    return user, created


def load_demo_users() -> list[str]:
    """Demo step: the demo jurisdiction and one user per role."""
    jurisdiction = demo_jurisdiction()
    created = [spec.email for spec in DEMO_USERS if _ensure_user(spec, jurisdiction)[1]]
    lines = [
        f"Demo users ({len(created)} new, {len(DEMO_USERS) - len(created)} already there).",
        f"Every demo user's password: {DEMO_PASSWORD}",
        f"{'Role':<20} {'Email':<26} {'TOTP secret':<34} Code now",
    ]
    for spec in DEMO_USERS:
        secret = spec.totp_secret or "(no MFA for applicants)"
        code = current_totp_code(spec.totp_secret) if spec.totp_secret else ""
        lines.append(f"{spec.role:<20} {spec.email:<26} {secret:<34} {code}")
    lines.append(
        f"The applicant files for {jurisdiction}. Staff sign in with the password, then the "
        "code from an authenticator app holding the secret (or run `manage.py load_demo` "
        "again for fresh codes)."
    )
    return lines
