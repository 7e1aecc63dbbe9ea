"""Section 508 everywhere a person goes (issue 16): the pages no other journey reaches,
the pages that only scroll sideways with data in them, and what axe cannot see
(focus after a form is sent, keyboard distance, heading order).

Each page: axe-core (WCAG 2.0/2.1/2.2 A and AA plus best practices), no sideways
scrolling at 320 and 640 CSS px (200% zoom), status < 400 unless a refusal is the
point. Data comes from the factories and the services: these are audits.
"""

import re
from datetime import timedelta

from allauth.account import app_settings as account_settings
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import roles
from applications.services.invitations import invitation_create
from engagements.models import FollowUpAction
from reports.models import Report
from reviews.models import Review, ReviewAssignment
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    LEDGER,
    assert_focus_visible,
    audit,
    check_no_horizontal_scroll,
    field,
    latest_mail,
    note,
    sign_in,
    tab_to,
)
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CycleFactory,
    EngagementFactory,
    JurisdictionFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = E2E_DB

# A long but real jurisdiction name: tables must hold it without widening the page.
LONG_NAME = "Consolidated City-County of Louisville and Jefferson County Metro Government"


def audit_page(page: Page, path: str, label: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{label}: {path} answered {response and response.status}"
    )
    audit(page, label)
    check_no_horizontal_scroll(page)


def focused_message(page: Page) -> str | None:
    """The text of the success message holding focus, or None if focus is elsewhere."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return el && el.matches('.portal-messages .usa-alert') ? el.innerText.trim() : null;
        }"""
    )


# ---------------------------------------------------------------------------
# Item 1: no sideways scrolling at 640 px on the lists, with rows in them
# ---------------------------------------------------------------------------
def test_lists_with_data_do_not_scroll_sideways_at_200_percent(page):
    admin = make_staff(roles.PROGRAM_ADMIN)
    liaison = make_staff(roles.SITE_LIAISON, full_name="Maximilian Alexander-Worthington")
    cycle = CycleFactory()
    for n in range(3):
        jurisdiction = JurisdictionFactory(name=f"{LONG_NAME} {n}", state="KY")
        application = ApplicationFactory(submitted=True, cycle=cycle, jurisdiction=jurisdiction)
        ReviewAssignment.objects.create(
            application=application, reviewer=liaison, assigned_by=admin
        )
        site = SiteFactory(jurisdiction=jurisdiction, liaison=liaison)
        EngagementFactory(site=site, delivered=True)
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    for path, label in (
        ("/review/", "review queue with rows"),
        (f"/review/slate/{cycle.pk}/", "selection slate with rows"),
        ("/sites/", "site list with rows"),
        ("/sites/program/", "program view with rows"),
    ):
        audit_page(page, path, label)
        # The table scrolls inside a region a keyboard can reach and a screen reader names.
        region = page.locator(".usa-table-container--scrollable").first
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute("role", "region")
        assert region.evaluate(
            "el => document.getElementById(el.getAttribute('aria-labelledby'))?.textContent.trim()"
        ), f"{label}: the table's region has no name"

    page.context.clear_cookies()
    sign_in(page, liaison.email, totp_secret=liaison.totp_secret)
    audit_page(page, "/sites/workspace/", "liaison workspace with sites")


# ---------------------------------------------------------------------------
# Pages no journey reached: report states, reopening a review, an invitation
# ---------------------------------------------------------------------------
def test_report_page_while_queued_rendering_and_failed(page):
    admin = make_staff(roles.PROGRAM_ADMIN)
    now = timezone.now()
    states = {
        "queued": Report.objects.create(kind="program_report", requested_by=admin),
        "rendering": Report.objects.create(
            kind="program_report",
            requested_by=admin,
            status=Report.Status.RENDERING,
            started_at=now,
            attempts=1,
        ),
        "failed, retrying": Report.objects.create(
            kind="program_report",
            requested_by=admin,
            status=Report.Status.FAILED,
            attempts=1,
            error="WeasyPrint ran out of memory on page 12",
            next_attempt_at=now + timedelta(minutes=5),
        ),
        "failed for good": Report.objects.create(
            kind="program_report",
            requested_by=admin,
            status=Report.Status.FAILED,
            attempts=5,
            error="WeasyPrint ran out of memory on page 12",
            finished_at=now,
        ),
    }
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    for state, report in states.items():
        audit_page(page, f"/reports/{report.pk}/", f"report page ({state})")


def test_reopen_review_page_and_focus_on_the_success_message(page):
    official = make_staff(roles.SELECTING_OFFICIAL)
    reviewer = make_staff(roles.REVIEWER, full_name="Dana Reyes")
    application = ApplicationFactory(submitted=True)
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=official
    )
    review = Review.objects.create(
        assignment=assignment,
        status=Review.Status.SUBMITTED,
        submitted_at=timezone.now(),
        total_score=20,
        **{f"score_{c}": 4 for c in ("severity", "leadership", "readiness", "partnerships")},
        score_tta_clarity=4,
        recommendation=Review.Recommendation.SELECT,
    )
    sign_in(page, official.email, totp_secret=official.totp_secret)
    path = f"/review/reviews/{review.pk}/reopen/"
    audit_page(page, path, "reopen a review")
    page.get_by_role("button", name="Reopen review").click()
    expect(page.locator(".usa-error-summary, .usa-error-message").first).to_be_visible()
    audit(page, "reopen a review with errors")
    check_no_horizontal_scroll(page)

    # Item 4: after the form is sent, focus is on the message saying it worked.
    field(page, "reason").fill("The severity score contradicts the figures.")
    page.get_by_role("button", name="Reopen review").click()
    expect(page).to_have_url(re.compile(rf"/review/soi/{application.pk}/$"))
    page.wait_for_load_state("load")
    assert focused_message(page) == "Review by Dana Reyes reopened.", page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 200)"
    )
    assert_focus_visible(page)
    audit(page, "SOI review page after reopening")


def test_invitation_accept_page_and_focus_on_the_success_message(page):
    inviter = ApplicantFactory(jurisdiction=JurisdictionFactory(name="City of Dayton"))
    invitation = invitation_create(email="colleague@dayton.example.gov", actor=inviter)
    invitee = UserFactory(email="colleague@dayton.example.gov", roles=[roles.APPLICANT])
    sign_in(page, invitee.email)
    audit_page(page, f"/applications/invitations/{invitation.token}/", "accept an invitation")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page).to_have_url(re.compile(r"/applications/mine/$|/applications/$"))
    page.wait_for_load_state("load")
    assert (focused_message(page) or "").startswith("You now file for City of Dayton"), (
        page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    )
    assert_focus_visible(page)


# ---------------------------------------------------------------------------
# allauth pages: password set, inactive account, reauthenticate by code, login by code
# ---------------------------------------------------------------------------
def test_allauth_password_set_page(page, live_server):
    """/accounts/password/set/ shows only to a signed-in account without a password.
    No portal flow leaves one signed in (staff set theirs from a mailed link before they
    can sign in), so the session is made by Django's test client: the one shortcut here."""
    person = ApplicantFactory()
    person.set_unusable_password()
    person.save(update_fields=["password"])
    client = Client()
    client.force_login(person)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    audit_page(page, "/accounts/password/set/", "set a password")
    page.get_by_role("button", name=re.compile("set password", re.I)).click()
    expect(page.locator(".usa-error-summary, .usa-error-message").first).to_be_visible()
    audit(page, "set a password with errors")
    check_no_horizontal_scroll(page)


def test_allauth_inactive_account_page(page):
    person = ApplicantFactory(is_active=False)
    page.goto("/accounts/login/")
    field(page, r"e-?mail(?: address)?").fill(person.email)
    field(page, "password").fill("correct horse battery staple")
    page.get_by_role("button", name=re.compile(r"^sign ?in$", re.I)).click()
    page.wait_for_load_state("load")
    audit(page, f"sign-in of an inactive account ({page.url.split('/', 3)[-1]})")
    check_no_horizontal_scroll(page)
    audit_page(page, "/accounts/inactive/", "inactive account")


def test_allauth_reauthenticate_by_code_pages(page):
    assert "code" in account_settings.REAUTHENTICATION_METHODS
    applicant = ApplicantFactory()
    sign_in(page, applicant.email)
    audit_page(page, "/accounts/reauthenticate/code/", "reauthenticate: ask for a code")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/code/confirm/"))
    audit(page, "reauthenticate: enter the code")
    check_no_horizontal_scroll(page)
    field(page, "code").fill("WRONG1")
    page.get_by_role("button", name=re.compile("confirm|verify|sign ?in", re.I)).first.click()
    expect(page.locator(".usa-error-summary, .usa-error-message").first).to_be_visible()
    audit(page, "reauthenticate: wrong code")
    check_no_horizontal_scroll(page)
    message = latest_mail(applicant.email)
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,8})\s*$", message.body, re.M)
    assert code, message.body
    field(page, "code").fill(code.group(1))
    page.get_by_role("button", name=re.compile("confirm|verify|sign ?in", re.I)).first.click()
    expect(page).not_to_have_url(re.compile(r"/reauthenticate/"))


def test_allauth_login_by_code_is_disabled(page):
    """Sign-in by emailed code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED unset): staff sign in
    with a password and TOTP. Its pages do not exist, so there is nothing to audit; this
    fails the day the setting changes, so the pages then get audited here."""
    assert not account_settings.LOGIN_BY_CODE_ENABLED
    response = page.goto("/accounts/login/code/")
    assert response.status == 404
    audit(page, "404 for sign-in by code (disabled)")
    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name=re.compile("code", re.I))).to_have_count(0)


# ---------------------------------------------------------------------------
# Item 3: heading order on the engagement form with follow-up actions
# ---------------------------------------------------------------------------
def test_engagement_form_headings_go_h1_h2_h3(page):
    liaison = make_staff(roles.SITE_LIAISON)
    engagement = EngagementFactory(site=SiteFactory(liaison=liaison), planned=True)
    for n in range(2):
        FollowUpAction.objects.create(
            engagement=engagement,
            description=f"Send the training roster {n}",
            owner="Chief of staff",
            due_date=timezone.localdate() + timedelta(days=7),
        )
    sign_in(page, liaison.email, totp_secret=liaison.totp_secret)
    audit_page(page, f"/engagements/{engagement.pk}/edit/", "edit an engagement with follow-ups")
    levels = page.evaluate(
        "() => [...document.querySelectorAll('main h1, main h2, main h3')]"
        ".filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and 3 in levels, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


# ---------------------------------------------------------------------------
# Item 5: keyboard distance from the dashboard to the first SOI of the queue
# ---------------------------------------------------------------------------
QUEUE_TAB_BUDGET = 8


def tabs_from_skip_link(page: Page, target, budget: int) -> int:
    """Use the skip link as a keyboard user does, then count Tab presses to `target`."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    presses = 0
    for presses in range(1, budget + 1):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{target} not reached in {budget} Tab presses on {page.url}")


def test_first_soi_is_a_few_tabs_from_the_skip_link(page):
    official = make_staff(roles.SELECTING_OFFICIAL)
    reviewer = make_staff(roles.REVIEWER)
    cycle = CycleFactory()
    applications = [ApplicationFactory(submitted=True, cycle=cycle) for _ in range(3)]
    for application in applications:
        ReviewAssignment.objects.create(
            application=application,
            reviewer=reviewer,
            assigned_by=official,
            # Overdue: the official's queue page also warns about them.
            due_date=timezone.localdate() - timedelta(days=3),
        )
    for person in (reviewer, official):
        page.context.clear_cookies()
        sign_in(page, person.email, totp_secret=person.totp_secret)
        # From the dashboard (focus is on the "signed in" message): its Review queue link.
        tab_to(page, page.get_by_role("main").get_by_role("link", name="Review queue"))
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/review/$"))
        first_soi = page.locator("#main-content table tbody a").first
        presses = tabs_from_skip_link(page, first_soi, QUEUE_TAB_BUDGET)
        note(f"review queue ({person.groups.first().name}): first SOI after {presses} Tabs")
    # Filters stay one Tab stop away, folded, and open while one is applied.
    summary = page.locator("details.portal-filters > summary")
    expect(summary).to_be_visible()
    page.goto("/review/?state=OH")
    expect(page.locator("details.portal-filters")).to_have_attribute("open", "")
    audit(page, "review queue with a filter applied")
    check_no_horizontal_scroll(page)


# ---------------------------------------------------------------------------
# The Django admin pages a program admin uses
# ---------------------------------------------------------------------------
# The admin's look (templates/admin/, static/css/admin.css) came with the a11ylook half of
# issue 16; this is the gate over it.
ADMIN_LABEL = "Django admin"


def test_django_admin_pages_a_program_admin_uses(page):
    admin = make_staff(roles.PROGRAM_ADMIN)
    person = ApplicantFactory(full_name="Jordan Avery-Whitfield")
    jurisdiction = person.jurisdiction
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    before = LEDGER.audited
    for path, what in (
        ("/admin/", "index"),
        ("/admin/accounts/", "accounts app index"),
        ("/admin/accounts/user/", "user changelist"),
        ("/admin/accounts/user/?is_active__exact=1", "user changelist, filtered"),
        ("/admin/accounts/user/?q=Avery", "user changelist, searched"),
        (f"/admin/accounts/user/{person.pk}/change/", "user change form"),
        (f"/admin/accounts/user/{person.pk}/history/", "user history"),
        ("/admin/accounts/jurisdiction/", "jurisdiction changelist"),
        ("/admin/accounts/jurisdiction/add/", "jurisdiction add form"),
        (f"/admin/accounts/jurisdiction/{jurisdiction.pk}/change/", "jurisdiction change form"),
        (f"/admin/accounts/jurisdiction/{jurisdiction.pk}/history/", "jurisdiction history"),
    ):
        audit_page(page, path, f"{ADMIN_LABEL}: {what}")
    # Every app the program admin sees on the index gets its own index audited.
    page.goto("/admin/")
    app_indexes = page.evaluate(
        """() => [...document.querySelectorAll('#content-main caption a, .app-list caption a')]
            .map(a => a.pathname)"""
    )
    for path in app_indexes:
        if path != "/admin/accounts/":
            audit_page(page, path, f"{ADMIN_LABEL}: app index {path}")
    # An error state of a change form.
    page.goto("/admin/accounts/jurisdiction/add/")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    audit(page, f"{ADMIN_LABEL}: jurisdiction add form with errors")
    check_no_horizontal_scroll(page)
    note(f"Django admin: {LEDGER.audited - before} pages audited as a program admin")
