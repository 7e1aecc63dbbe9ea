"""The Django admin as a program admin uses it (issue 16, item 2): Section 508 applies.

A program admin signs in through allauth with a TOTP code and works through every admin
page their permissions open: the index, the accounts app index, the user and jurisdiction
changelists with their filters applied, change forms (with an error state), the add
form, the history list and a history record. Each page is audited by axe-core with the
WCAG 2.2 AA and best-practice rules, at 1280, 640 (200% zoom) and 320 CSS px, and must
never scroll sideways at any of those widths. The admin's look for these rules lives in
static/css/admin-overrides.css, loaded by templates/admin/base_site.html.
"""

import re

from playwright.sync_api import Page, expect

from accounts import roles
from accounts.models import Jurisdiction
from tests.conftest import make_staff
from tests.e2e.helpers import (
    AXE_RUN,
    E2E_DB,
    LEDGER,
    axe_source,
    check_no_horizontal_scroll,
    format_violations,
    screenshot,
    sign_in,
)
from tests.factories import JurisdictionFactory, UserFactory

pytestmark = E2E_DB

# Explicit here (the shared helper's default set is the portal gate's business): the
# admin meets WCAG 2.0/2.1 A and AA, WCAG 2.2 AA (target size) and axe's best practices.
ADMIN_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = (1280, 640, 320)


def axe_own_style_report(text: str) -> bool:
    """A CSP report caused by axe itself, not by the page.

    Before its CSS rules, axe reads every stylesheet, following @import (Django's
    admin/css/forms.css imports widgets.css) by fetching the text and parsing it in a
    <style> element of a scratch document, which the page's CSP refuses. Such a report
    has no source file (the code was injected by page.evaluate); anything the page does
    names its URL or script."""
    return text.startswith("CSP violation: style-src-elem blocked inline at :") or (
        text.startswith("Applying inline style violates") and "style-src" in text
    )


def audit_admin(page: Page, browser_log, label: str) -> None:
    """axe with ADMIN_TAGS and the sideways-scrolling check at each of WIDTHS.

    Recorded in the shared ledger like helpers.audit, so a violation fails the test
    when its body ends and the session summary counts these pages too."""
    page.wait_for_load_state("load")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source())
        before = len(browser_log.csp)
        violations = page.evaluate(AXE_RUN, ADMIN_TAGS)
        during = browser_log.csp[before:]
        if during and all(axe_own_style_report(text) for text in during):
            del browser_log.csp[before:]
        name = f"admin: {label} at {width}px"
        LEDGER.pages.append({"label": name, "url": page.url, "violations": violations})
        if violations:
            LEDGER.pending.append(format_violations(name, page.url, violations))
        check_no_horizontal_scroll(page, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_program_admin_admin_pages_pass_axe_at_every_width(page, browser_log):
    admin = make_staff(roles.PROGRAM_ADMIN)
    reviewer = UserFactory(full_name="Rita Reviewer", roles=[roles.REVIEWER])
    UserFactory(full_name="Ann Applicant", roles=[roles.APPLICANT], is_active=False)
    jurisdiction = JurisdictionFactory(name="City of Springfield", state="IL")
    JurisdictionFactory(name="Shelby County", kind=Jurisdiction.Kind.COUNTY, state="TN")

    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    page.goto("/admin/")
    expect(
        page.get_by_role("heading", name=re.compile("site administration", re.I))
    ).to_be_visible()
    audit_admin(page, browser_log, "index")
    screenshot(page, "admin-index")

    # No SOI models here: a program admin manages cycles and texts on the portal's pages and
    # holds no model permission on them (the admin once offered deleting an unused text).
    expect(page.get_by_role("link", name="Statements of Interest", exact=True)).to_have_count(0)
    # The app indexes: each caption on the index links to its app's page.
    for app_label, name in [
        ("reports", "Reports"),
        ("accounts", "Accounts and roles"),
    ]:
        page.goto("/admin/")
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/admin/{app_label}/$"))
        audit_admin(page, browser_log, f"{name} app index")
    # Report settings: the one the letters and PDFs sign with (add form until it exists).
    page.goto("/admin/reports/reportsettings/add/")
    audit_admin(page, browser_log, "report settings add form")
    page.goto("/admin/accounts/")

    # The user list, then with each of its filters applied (the filter links are the
    # target-size risk).
    page.get_by_role("link", name="Users", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/user/$"))
    audit_admin(page, browser_log, "user changelist")
    screenshot(page, "admin-user-changelist")
    page.locator("#changelist-filter").get_by_role("link", name=roles.REVIEWER).click()
    expect(page).to_have_url(re.compile(r"groups__id__exact="))
    page.locator("#changelist-filter").get_by_role("link", name="Yes").click()
    expect(page).to_have_url(re.compile(r"is_active__exact=1"))
    expect(page.get_by_role("link", name=reviewer.email)).to_be_visible()
    audit_admin(page, browser_log, "user changelist, filtered")
    page.goto("/admin/accounts/user/?q=nobody-matches-this")
    audit_admin(page, browser_log, "user changelist, no results")

    # A reviewer's account: change form, its password form and its history.
    page.goto("/admin/accounts/user/")
    page.get_by_role("link", name=reviewer.email).click()
    expect(page).to_have_url(re.compile(rf"/admin/accounts/user/{reviewer.pk}/change/$"))
    audit_admin(page, browser_log, "user change form")
    screenshot(page, "admin-user-change")
    page.get_by_role("link", name=re.compile("history", re.I)).click()
    expect(page).to_have_url(re.compile(r"/history/$"))
    audit_admin(page, browser_log, "user history")
    page.goto(f"/admin/accounts/user/{reviewer.pk}/password/")
    audit_admin(page, browser_log, "user password form")

    # Jurisdictions: the filtered list, the add form with an error, then a saved one.
    page.goto("/admin/accounts/")
    page.get_by_role("link", name="Jurisdictions", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/jurisdiction/$"))
    audit_admin(page, browser_log, "jurisdiction changelist")
    page.locator("#changelist-filter").get_by_role("link", name="County", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind__exact=county"))
    audit_admin(page, browser_log, "jurisdiction changelist, filtered")

    page.goto("/admin/accounts/jurisdiction/add/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    audit_admin(page, browser_log, "jurisdiction add form with errors")
    page.get_by_label("Legal name").fill("Town of Shelbyville")
    page.get_by_label("Type").select_option(label="City")
    page.get_by_label("State or territory").select_option("IL")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    audit_admin(page, browser_log, "jurisdiction changelist after saving")

    page.get_by_role("link", name=jurisdiction.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/jurisdiction/{jurisdiction.pk}/change/$"))
    audit_admin(page, browser_log, "jurisdiction change form")
    page.get_by_label("Legal name").fill("City of Springfield (corrected)")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"/admin/accounts/jurisdiction/{jurisdiction.pk}/history/")
    audit_admin(page, browser_log, "jurisdiction history")
    screenshot(page, "admin-jurisdiction-history")
    page.locator("#change-history").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/history/\d+/$"))
    audit_admin(page, browser_log, "jurisdiction history record")
