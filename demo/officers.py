"""Demo step: the chief legal officers of the demo SOIs can sign in under `make run`.

They hold no role (the certifying-official capacity): the demo password and their
confirmed address let a person walk the officer's side, from the dashboard to the
certification page. Development only, like every demo login (demo.loader)."""

from accounts.models import User
from applications.demo import OPEN_CYCLE_CITIES, TOLEDO, officer_email

from .users import DEMO_PASSWORD

# The two the console and README.md name: one signed, one asked and not yet signed.
SIGNED_CITY = OPEN_CYCLE_CITIES[0]
WAITING_CITY = TOLEDO


def load_demo_certifying_officials() -> list[str]:
    """Demo step: every officer who opened a demo signing link gets the demo password."""
    officers = list(
        User.objects.filter(signature_requests__isnull=False).distinct().order_by("email")
    )
    given = 0
    for officer in officers:
        # officer_account() makes the account with no password at all.
        if officer.password and officer.has_usable_password():
            continue
        officer.set_password(DEMO_PASSWORD)
        officer.save(update_fields=["password"])
        given += 1
    return [
        f"Demo certifying officials ({given} new logins, {len(officers) - given} already "
        "there): no role, they sign the Section 1373 certification. Password as above.",
        f"  {officer_email(SIGNED_CITY):<30} signed the {SIGNED_CITY.short} SOI",
        f"  {officer_email(WAITING_CITY):<30} asked to sign the {WAITING_CITY.short} draft "
        "(dashboard: Section 1373 certifications)",
    ]
