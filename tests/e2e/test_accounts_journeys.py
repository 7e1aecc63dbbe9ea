"""Foundation journeys: sign-up with email verification, sign-in and sign-out, password
reset, staff TOTP enrolment and MFA sign-in, each page checked by axe-core.

All run under the real Content-Security-Policy; the sign-up journey also asserts it
explicitly. Staff accounts are the only thing created in the database (issue 7).
"""

import re

from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts import roles
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    EMAIL,
    PASSWORD,
    audit,
    check_no_horizontal_scroll,
    confirm_password_if_asked,
    current_totp,
    enter_totp,
    field,
    fill_sign_in,
    link_in_latest_mail,
    nav_link,
    screenshot,
    sign_in,
    sign_out,
    wrong_totp,
)
from tests.factories import ApplicantFactory, UserFactory

pytestmark = E2E_DB

NEW_PASSWORD = "violet lantern harbor 1987"
DASHBOARD = re.compile(r"/dashboard/$")
SIGN_IN_URL = re.compile(r"/accounts/login/")


def heading(page, name):
    return page.get_by_role("heading", level=1, name=re.compile(name, re.I))


def read_totp_secret(page) -> str:
    """What a person copies into their authenticator app: the secret shown as text."""
    shown = page.get_by_label(re.compile(r"secret", re.I))
    if shown.count():
        return shown.first.input_value().strip()
    match = re.search(r"\b[A-Z2-7]{32}\b", page.locator("main").inner_text())
    assert match, f"no authenticator secret shown on {page.url}"
    return match.group(0)


def test_applicant_signs_up_verifies_email_and_signs_out(page, browser_log):
    page.goto("/")
    audit(page, "home (anonymous)")
    check_no_horizontal_scroll(page)
    screenshot(page, "home")

    page.goto("/accounts/signup/")
    expect(heading(page, r"sign ?up")).to_be_visible()
    audit(page, "sign-up")
    check_no_horizontal_scroll(page)
    screenshot(page, "sign-up")

    # First attempt: the two passwords differ. The error is shown and the email kept.
    email = "dana.whitfield@cityofmaplewood.gov"
    field(page, EMAIL).fill(email)
    field(page, "password").fill(NEW_PASSWORD)
    field(page, r"password \(again\)|confirm password").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name=re.compile(r"^sign ?up$", re.I)).click()
    expect(page.get_by_text(re.compile(r"same password", re.I)).first).to_be_visible()
    expect(field(page, EMAIL)).to_have_value(email)
    audit(page, "sign-up with errors")
    screenshot(page, "sign-up-errors")

    field(page, "password").fill(NEW_PASSWORD)
    field(page, r"password \(again\)|confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile(r"^sign ?up$", re.I)).click()
    # Verification is mandatory (issue 14): sign-up only says "check your email", the
    # same answer a registered address gets.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    audit(page, "verification sent")
    assert not EmailAddress.objects.get(email=email).verified

    page.goto(link_in_latest_mail("/accounts/confirm-email/", to=email))
    audit(page, "confirm email")
    page.get_by_role("button", name=re.compile(r"^confirm$", re.I)).click()
    expect(page).to_have_url(DASHBOARD)
    expect(heading(page, "dashboard")).to_be_visible()
    assert EmailAddress.objects.get(email=email).verified
    check_no_horizontal_scroll(page)
    screenshot(page, "dashboard-applicant")

    page.goto("/accounts/email/")
    expect(page.get_by_text(email).first).to_be_visible()
    audit(page, "email addresses (applicant)")

    sign_out(page)
    page.goto("/dashboard/")
    expect(page).to_have_url(SIGN_IN_URL)

    # The journey ran under the real policy: nothing was blocked, nothing threw.
    assert browser_log.csp == []
    assert browser_log.errors == []


def test_sign_in_with_wrong_password_shows_error_then_succeeds(page):
    applicant = ApplicantFactory()
    page.goto("/accounts/login/")
    audit(page, "sign-in")
    check_no_horizontal_scroll(page)
    screenshot(page, "sign-in")

    fill_sign_in(page, applicant.email, "not the right password")
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_text(re.compile(r"not correct|incorrect", re.I)).first).to_be_visible()
    expect(field(page, EMAIL)).to_have_value(applicant.email)
    audit(page, "sign-in with error")
    screenshot(page, "sign-in-error")

    sign_in(page, applicant.email)
    expect(heading(page, "dashboard")).to_be_visible()


def test_password_reset_by_email(page):
    applicant = ApplicantFactory()
    page.goto("/accounts/password/reset/")
    audit(page, "password reset")
    field(page, EMAIL).fill(applicant.email)
    page.get_by_role("button", name=re.compile(r"reset", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/"))
    audit(page, "password reset sent")

    page.goto(link_in_latest_mail("/accounts/password/reset/key/", to=applicant.email))
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/"))
    field(page, "new password").fill(NEW_PASSWORD)
    field(page, r"new password \(again\)|confirm new password").fill("mismatch " * 3)
    page.get_by_role("button", name=re.compile(r"change password", re.I)).click()
    expect(page.get_by_text(re.compile(r"same password", re.I)).first).to_be_visible()
    audit(page, "set new password with errors")
    field(page, "new password").fill(NEW_PASSWORD)
    field(page, r"new password \(again\)|confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile(r"change password", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/"))
    audit(page, "password changed")

    fill_sign_in(page, applicant.email, PASSWORD)
    expect(page).to_have_url(SIGN_IN_URL)  # the old password no longer works
    sign_in(page, applicant.email, NEW_PASSWORD)


def test_staff_must_enrol_totp_then_signs_in_with_a_code(page):
    reviewer = UserFactory(roles=[roles.REVIEWER])  # created by a program admin, no MFA yet

    fill_sign_in(page, reviewer.email, PASSWORD)
    # The password alone opens nothing: enrolment first (allauth may ask for the
    # password once more before an authenticator is added).
    expect(page).to_have_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    if "/reauthenticate/" in page.url:
        audit(page, "confirm password before MFA enrolment")
    confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    audit(page, "MFA enrolment (staff)")
    check_no_horizontal_scroll(page)
    screenshot(page, "mfa-enrol")

    secret = read_totp_secret(page)
    code_field = page.get_by_label(re.compile(r"authenticator code|^code", re.I))
    code_field.fill(wrong_totp(secret))
    page.get_by_role("button", name=re.compile(r"activate", re.I)).click()
    expect(
        page.get_by_text(re.compile(r"incorrect code|invalid|not valid", re.I)).first
    ).to_be_visible()
    audit(page, "MFA enrolment with wrong code")

    code_field.fill(current_totp(secret))
    page.get_by_role("button", name=re.compile(r"activate", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    audit(page, f"after MFA enrolment ({page.url.split('/', 3)[-1]})")
    page.goto("/dashboard/")
    expect(page).to_have_url(DASHBOARD)
    audit(page, "dashboard (reviewer)")

    sign_out(page)
    fill_sign_in(page, reviewer.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    audit(page, "MFA code at sign-in")
    screenshot(page, "mfa-authenticate")
    page.get_by_label(re.compile(r"code", re.I)).fill(wrong_totp(secret))
    page.get_by_role("button", name=re.compile(r"sign ?in|verify|authenticate", re.I)).click()
    expect(
        page.get_by_text(re.compile(r"incorrect code|invalid|not valid", re.I)).first
    ).to_be_visible()
    audit(page, "MFA code at sign-in with wrong code")
    enter_totp(page, secret)
    expect(page).to_have_url(DASHBOARD)


def test_program_admin_pages(page):
    admin = make_staff(roles.PROGRAM_ADMIN)
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    audit(page, "dashboard (program admin)")
    check_no_horizontal_scroll(page)
    screenshot(page, "dashboard-program-admin")

    page.goto("/staff/accounts/")
    expect(heading(page, "staff accounts")).to_be_visible()
    expect(page.get_by_role("cell", name=admin.email)).to_be_visible()
    audit(page, "staff accounts list")
    check_no_horizontal_scroll(page)
    screenshot(page, "staff-accounts")

    for path, label in [
        ("/accounts/2fa/", "MFA overview"),
        ("/accounts/2fa/recovery-codes/", "recovery codes"),
        ("/accounts/password/change/", "change password"),
    ]:
        page.goto(path)
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        audit(page, f"{label} (program admin)")


def test_error_pages_for_anonymous_and_applicant(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(heading(page, "404|not found")).to_be_visible()
    audit(page, "404 (anonymous)")
    check_no_horizontal_scroll(page)
    screenshot(page, "404")

    # Anonymous visitors to a staff page are sent to sign in, never shown it.
    page.goto("/staff/accounts/")
    expect(page).to_have_url(SIGN_IN_URL)

    applicant = ApplicantFactory()
    sign_in(page, applicant.email)
    response = page.goto("/staff/accounts/")
    assert response.status == 403
    expect(heading(page, "403|not allowed|permission|access")).to_be_visible()
    audit(page, "403 (applicant on staff accounts)")
    check_no_horizontal_scroll(page)
    screenshot(page, "403")
    response = page.goto("/staff/accounts/no-such/")
    assert response.status == 404
    audit(page, "404 (applicant)")


def test_program_admin_creates_a_staff_account_who_then_sets_up_mfa(page, settings, live_server):
    # The welcome mail is sent by a task with no request: its links use SITE_URL.
    settings.SITE_URL = live_server.url
    admin = make_staff(roles.PROGRAM_ADMIN)
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    nav_link(page, "Staff accounts").click()
    page.get_by_role("link", name=re.compile(r"(new|create).*staff account", re.I)).click()
    expect(page).to_have_url(re.compile(r"/staff/accounts/new/"))
    audit(page, "new staff account")
    check_no_horizontal_scroll(page)

    # No role chosen: the error names the field, and what was typed is still there.
    field(page, "full name").fill("Renee Okafor")
    field(page, r"work email address|e-?mail").fill("renee.okafor@usdoj.gov")
    page.get_by_role("button", name=re.compile(r"create account", re.I)).click()
    expect(
        page.get_by_text(re.compile(r"required|choose at least one", re.I)).first
    ).to_be_visible()
    expect(field(page, "full name")).to_have_value("Renee Okafor")
    expect(field(page, r"work email address|e-?mail")).to_have_value("renee.okafor@usdoj.gov")
    audit(page, "new staff account with errors")
    screenshot(page, "staff-account-errors")

    # USWDS draws its own checkbox over the real one: click the visible label.
    page.locator("label", has_text="Site liaison").click()
    expect(page.get_by_label("Site liaison")).to_be_checked()
    page.get_by_role("button", name=re.compile(r"create account", re.I)).click()
    expect(page).to_have_url(re.compile(r"/staff/accounts/$"))
    expect(page.get_by_text("renee.okafor@usdoj.gov").first).to_be_visible()
    audit(page, "staff accounts after creating one")
    sign_out(page)

    # The new liaison chooses a password from the mailed link, then must enrol MFA.
    page.goto(link_in_latest_mail("/accounts/password/reset/key/", to="renee.okafor@usdoj.gov"))
    field(page, "new password").fill(NEW_PASSWORD)
    field(page, r"new password \(again\)|confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile(r"change password|set password", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/"))

    fill_sign_in(page, "renee.okafor@usdoj.gov", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    confirm_password_if_asked(page, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    field(page, r"authenticator code|code").fill(current_totp(read_totp_secret(page)))
    page.get_by_role("button", name=re.compile(r"activate", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    page.goto("/dashboard/")
    expect(page).to_have_url(DASHBOARD)
    expect(page.get_by_role("navigation").get_by_role("link", name="Staff accounts")).to_have_count(
        0
    )
