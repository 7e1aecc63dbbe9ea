"""`manage.py load_demo`: one user per role, staff enrolled in TOTP, safe to repeat, never in production."""

from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from accounts import roles
from accounts.access import has_verified_email
from accounts.models import Jurisdiction, User
from demo import loader
from demo.users import DEMO_PASSWORD, DEMO_USERS, current_totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():
    """The command prints the TOTP code of its moment, and the tests compute the code
    after it ran: a 30-second step may pass in between. Freeze the clock (time.time
    included, which the TOTP code uses) so both sides see the same step."""
    with time_machine.travel("2026-11-02 15:04:05+00:00", tick=False):
        yield


EMAILS = {
    roles.APPLICANT: "applicant@demo.psp.gov",
    roles.REVIEWER: "reviewer@demo.psp.gov",
    roles.SELECTING_OFFICIAL: "official@demo.psp.gov",
    roles.SITE_LIAISON: "liaison@demo.psp.gov",
    roles.PROGRAM_ADMIN: "admin@demo.psp.gov",
}


def run_command() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "jurisdictions": Jurisdiction.objects.count(),
        "emails": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "memberships": User.groups.through.objects.count(),
    }


def test_one_demo_user_per_role_with_the_documented_login():
    run_command()
    for role, email in EMAILS.items():
        user = User.objects.get(email=email)
        assert user.role_names == [role]
        assert user.check_password(DEMO_PASSWORD)
        assert has_verified_email(user)
    assert User.objects.get(email=EMAILS[roles.PROGRAM_ADMIN]).is_staff
    assert not User.objects.get(email=EMAILS[roles.REVIEWER]).is_staff


def test_demo_applicant_files_for_the_demo_jurisdiction():
    run_command()
    applicant = User.objects.get(email=EMAILS[roles.APPLICANT])
    assert str(applicant.jurisdiction) == "City of Toledo, OH"
    assert applicant.has_perm("accounts.file_statement_of_interest")


def test_demo_staff_are_enrolled_in_totp_with_the_fixed_secrets():
    run_command()
    for spec in DEMO_USERS:
        user = User.objects.get(email=spec.email)
        authenticators = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if spec.role == roles.APPLICANT:
            assert not authenticators.exists()
            continue
        # The code an app computes from the published secret is accepted.
        assert TOTP(authenticators.get()).validate_code(current_totp_code(spec.totp_secret))


def test_the_console_prints_logins_secrets_and_current_codes():
    output = run_command()
    assert DEMO_PASSWORD in output
    for spec in DEMO_USERS:
        assert spec.email in output
        if spec.totp_secret:
            assert spec.totp_secret in output
            assert current_totp_code(spec.totp_secret) in output


def test_secrets_are_fixed_so_the_readme_can_print_them():
    secrets = {spec.email: spec.totp_secret for spec in DEMO_USERS}
    assert secrets["reviewer@demo.psp.gov"] == "PSPDEMOREVIEWERAAAAAAAAAAAAAAAAA"
    assert secrets["admin@demo.psp.gov"] == "PSPDEMOADMINAAAAAAAAAAAAAAAAAAAA"
    assert len(set(secrets.values())) == len(secrets)


def test_a_demo_staff_user_signs_in_with_the_printed_password_and_code(client):
    run_command()
    spec = next(s for s in DEMO_USERS if s.role == roles.PROGRAM_ADMIN)
    response = client.post(
        reverse("account_login"), {"login": spec.email, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code(spec.totp_secret)})
    assert client.get(reverse("accounts:staff_list")).status_code == 200


def test_running_twice_creates_nothing_new():
    run_command()
    first = counts()
    output = run_command()
    assert counts() == first
    assert "0 new" in output


def test_refused_in_production():
    with override_settings(DJANGO_ENV="production"):
        with pytest.raises(CommandError, match="never loaded in production"):
            run_command()
    assert not User.objects.filter(email__endswith="@demo.psp.gov").exists()


def test_steps_run_in_order_and_their_lines_are_printed(monkeypatch):
    calls = []

    def first_step():
        calls.append("first")
        return ["first step done"]

    def second_step():
        calls.append("second")
        return ["second step done"]

    monkeypatch.setattr(loader, "DEMO_STEPS", [*loader.DEMO_STEPS, first_step, second_step])
    output = run_command()
    assert calls == ["first", "second"]
    assert (
        output.index("Demo users")
        < output.index("first step done")
        < output.index("second step done")
    )
