"""The accessibility gate over every page each role reaches from its dashboard (and
the public pages from the home page): axe-core WCAG 2.0/2.1/2.2 A and AA plus best
practices, reflow at 320 and 640 px, and no error responses. Empty states are what a
fresh portal shows."""

import pytest

from accounts import roles
from tests.conftest import make_staff
from tests.e2e.helpers import E2E_DB, audit_reachable, sign_in
from tests.factories import ApplicantFactory

pytestmark = E2E_DB


def test_public_pages(page):
    seen = audit_reachable(page, "anonymous", "/")
    assert "/accounts/login/" in seen and "/accounts/signup/" in seen, seen


def test_applicant_pages(page):
    applicant = ApplicantFactory()
    sign_in(page, applicant.email)
    seen = audit_reachable(page, "applicant", "/dashboard/", depth=2)
    assert len(seen) > 1, "the applicant's dashboard links to nothing"


@pytest.mark.parametrize(
    "role",
    [roles.REVIEWER, roles.SELECTING_OFFICIAL, roles.SITE_LIAISON, roles.PROGRAM_ADMIN],
)
def test_staff_pages(page, role):
    person = make_staff(role)
    sign_in(page, person.email, totp_secret=person.totp_secret)
    seen = audit_reachable(page, role.lower(), "/dashboard/", depth=2)
    assert len(seen) > 1, f"the {role} dashboard links to nothing"
