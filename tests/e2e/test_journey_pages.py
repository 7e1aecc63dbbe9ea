"""The accessibility gate over the pages that only exist once there is data, which the
empty-portal audit (test_reachable_pages.py) cannot reach and the journeys do not open:
site and engagement sub-pages, screening override, decision reversal, withdrawal,
report requests, staff SOI list with rows; plus form-error states and the 403/404
pages as staff see them. Data here comes from the factories: these are audits, not
journeys. Each page: axe-core WCAG 2.0/2.1/2.2 A+AA and best practices, reflow at 320
and 640 px, status < 400.
"""

import re

from playwright.sync_api import Page, expect

from accounts import roles
from reviews.models import Decision, ReviewAssignment
from tests.conftest import make_staff
from tests.e2e.helpers import E2E_DB, audit, audit_reachable, check_no_horizontal_scroll, sign_in
from tests.factories import ApplicationFactory, CycleFactory, EngagementFactory, SiteFactory

pytestmark = E2E_DB


def error_state(page: Page, path: str, button: str, label: str) -> None:
    """Open a form, send it empty, and audit the error state it shows."""
    page.goto(path)
    page.get_by_role("button", name=re.compile(button, re.I)).first.click()
    expect(page.locator(".usa-error-summary, .usa-error-message").first).to_be_visible()
    audit(page, f"{label} with errors")
    check_no_horizontal_scroll(page)


def expect_status(page: Page, path: str, status: int | tuple, label: str) -> None:
    response = page.goto(path)
    wanted = status if isinstance(status, tuple) else (status,)
    assert response.status in wanted, f"{label}: {path} answered {response.status}"
    audit(page, label)


def test_program_admin_pages_with_data(page):
    admin = make_staff(roles.PROGRAM_ADMIN)
    liaison = make_staff(roles.SITE_LIAISON, full_name="Renee Okafor")
    site = SiteFactory(liaison=liaison)
    planned = EngagementFactory(site=site, planned=True)
    EngagementFactory(site=site, delivered=True, title="Crime-gun intelligence training")
    application = ApplicationFactory(submitted=True)
    decision_site = SiteFactory(jurisdiction=application.jurisdiction, application=application)
    decision = Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.SELECTED,
        rationale="Strong partnerships.",
        decided_by=admin,
        site=decision_site,
    )
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    seen = []
    for start in (
        f"/sites/{site.pk}/",
        f"/engagements/{planned.pk}/",
        f"/review/soi/{application.pk}/",
        f"/review/slate/{application.cycle_id}/",
        "/reports/",
    ):
        seen += audit_reachable(page, "program admin, with data", start, depth=1)
    for wanted in (
        f"/sites/{site.pk}/edit/",
        f"/sites/{site.pk}/phase/",
        f"/sites/{site.pk}/liaison/",
        f"/sites/{site.pk}/team/",
        f"/sites/{site.pk}/goals/",
        f"/engagements/{planned.pk}/edit/",
        f"/engagements/{planned.pk}/cancel/",
        f"/decisions/{decision.pk}/reverse/",
    ):
        if not any(path.startswith(wanted) or path.endswith(wanted) for path in seen):
            expect_status(page, wanted.replace("/decisions/", "/review/decisions/"), 200, wanted)
    error_state(
        page, f"/engagements/{planned.pk}/cancel/", "cancel engagement", "cancel engagement"
    )
    error_state(
        page, f"/review/decisions/{decision.pk}/reverse/", "reverse decision", "reverse decision"
    )
    print(f"program admin, with data: {len(set(seen))} pages reached")


def test_selecting_official_and_reviewer_pages_with_data(page, browser):
    official = make_staff(roles.SELECTING_OFFICIAL)
    reviewer = make_staff(roles.REVIEWER)
    application = ApplicationFactory(submitted=True)
    other = ApplicationFactory(submitted=True)
    ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=official
    )

    sign_in(page, official.email, totp_secret=official.totp_secret)
    audit_reachable(page, "selecting official, with data", f"/review/soi/{application.pk}/")
    audit_reachable(page, "selecting official, with data", "/applications/staff/")
    error_state(page, f"/review/soi/{application.pk}/screening/", "record override", "override")
    error_state(page, "/review/assign/", "^assign$", "bulk assignment")
    expect_status(page, "/staff/accounts/", 403, "403 (selecting official on staff accounts)")
    expect_status(page, "/sites/999999/", 404, "404 (selecting official, no such site)")

    page.context.clear_cookies()
    sign_in(page, reviewer.email, totp_secret=reviewer.totp_secret)
    # Not assigned to `other`: outside the reviewer's scope.
    expect_status(page, f"/review/soi/{other.pk}/", 404, "404 (reviewer, SOI not assigned)")
    expect_status(page, f"/review/slate/{other.cycle_id}/", 403, "403 (reviewer on the slate)")


def test_liaison_and_applicant_pages_with_data(page):
    liaison = make_staff(roles.SITE_LIAISON)
    mine = SiteFactory(liaison=liaison)
    not_mine = SiteFactory()
    engagement = EngagementFactory(site=mine, delivered=True)
    sign_in(page, liaison.email, totp_secret=liaison.totp_secret)
    audit_reachable(page, "site liaison, with data", f"/sites/{mine.pk}/")
    audit_reachable(page, "site liaison, with data", f"/engagements/{engagement.pk}/")
    error_state(page, f"/engagements/{engagement.pk}/attachments/", "upload", "attach a file")
    # Liaisons may read other sites (sites.view_any_site) but log only for their own.
    expect_status(
        page, f"/engagements/new/{not_mine.pk}/", (403, 404), "refused (liaison, another site)"
    )
    expect_status(page, "/review/", 403, "403 (liaison on the review queue)")

    page.context.clear_cookies()
    cycle = CycleFactory()
    application = ApplicationFactory(submitted=True, cycle=cycle)
    someone_else = ApplicationFactory(submitted=True, cycle=cycle)
    sign_in(page, application.created_by.email)
    audit_reachable(page, "applicant, submitted SOI", "/applications/", depth=2)
    error_state(page, f"/applications/{application.pk}/withdraw/", "withdraw", "withdraw SOI")
    expect_status(page, f"/applications/{someone_else.pk}/", 404, "404 (applicant, other SOI)")
