"""The portal's layout and its own pages: banner, header, messages, errors, allauth pages."""

import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import path, reverse

from accounts import roles
from psp_portal import views
from psp_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import ApplicantFactory, UserFactory
from tests.html_helpers import Page, primary_navigation

pytestmark = pytest.mark.django_db


# Extra views for these tests only, mounted beside the portal's own URLs.
def _messages_view(request):
    messages.success(request, "Draft saved.")
    messages.info(request, "The cycle closes on 18 April.")
    messages.warning(request, "Your email address is not confirmed.")
    messages.error(request, "The deadline has passed.")
    return views.home(request)


def _broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [
    *portal_urlpatterns,
    path("test/messages/", _messages_view),
    path("test/broken/", _broken_view),
]


def page(response) -> Page:
    return Page(response.content)


def reauthenticate(client, user):
    """Confirm the password again, as allauth asks before MFA changes."""
    doc = page(client.get(reverse("account_reauthenticate")))
    assert "usa-input" in doc.find("input", type="password").classes
    response = client.post(
        reverse("account_reauthenticate"), {"password": "correct horse battery staple"}
    )
    assert response.status_code == 302


# --- Layout -----------------------------------------------------------------


def test_home_has_banner_skip_link_main_landmark_and_cta(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    doc = page(response)
    assert doc.find("html").get("lang") == "en"
    # The skip link is the first link on the page and targets the main landmark.
    first_link = doc.find_all("a")[0]
    assert "usa-skipnav" in first_link.classes and first_link.get("href") == "#main-content"
    assert doc.by_id("main-content").tag == "main"
    banner = doc.find("section", "usa-banner")
    assert "An official website of the United States government" in banner.text
    button = doc.find("button", "usa-banner__button")
    assert button.get("aria-controls") == "gov-banner" and button.get("aria-expanded") == "false"
    assert "Here’s how you know" in button.text
    assert "hidden" in doc.by_id("gov-banner").attrs
    # Anonymous visitors are sent to sign up, and offered sign in.
    cta = [a for a in doc.find_all("a", "usa-button") if "Start a Statement of Interest" in a.text]
    assert cta and cta[0].get("href") == reverse("account_signup")
    assert doc.find("a", href=reverse("account_login"))
    # Plain facts from the program description.
    for fact in ("no cost", "Not a grant", "three years", "Bureau of Justice Assistance"):
        assert fact in html
    footer = doc.find("footer", "usa-footer")
    assert "U.S. Department of Justice" in footer.text
    assert "Office of Justice Programs" in footer.text
    assert doc.find("a", href=reverse("accessibility"))
    assert doc.find("a", href=reverse("privacy"))


def test_home_cta_sends_signed_in_user_to_dashboard(client, applicant):
    client.force_login(applicant)
    doc = page(client.get(reverse("home")))
    cta = [a for a in doc.find_all("a", "usa-button") if "Start a Statement of Interest" in a.text]
    assert cta[0].get("href") == reverse("dashboard")


def test_pages_have_no_inline_script_or_style(client, program_admin):
    # The Content-Security-Policy forbids both; the layout must not need them.
    client.force_login(program_admin)
    for url in (reverse("home"), reverse("dashboard"), reverse("accounts:staff_create")):
        html = client.get(url).content.decode()
        assert " style=" not in html
        assert "{#" not in html and "{%" not in html
        for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
            assert script.strip() == ""


def test_signed_in_header_shows_role_navigation_and_account_links(client, program_admin):
    client.force_login(program_admin)
    response = client.get(reverse("dashboard"))
    doc = page(response)
    # Top-row links and the links inside the header's dropdowns.
    nav = primary_navigation(response.content).find_all("a")
    labels = [a.text.strip() for a in nav]
    assert "Dashboard" in labels and "Staff accounts" in labels
    current = [a for a in nav if a.get("aria-current") == "page"]
    assert [a.text.strip() for a in current] == ["Dashboard"]
    assert program_admin.full_name in doc.find(cls="portal-user-name").text
    assert doc.find("a", href=reverse("mfa_index"))
    signout = doc.find("form", action=reverse("account_logout"))
    assert signout.get("method") == "post"
    assert doc.input_named("csrfmiddlewaretoken")
    # No sign-in links once signed in.
    assert not doc.find_all("a", href=reverse("account_login"))


def test_applicant_header_has_no_staff_entries(client, applicant):
    client.force_login(applicant)
    doc = page(client.get(reverse("dashboard")))
    labels = [a.text.strip() for a in primary_navigation(doc.html).find_all("a")]
    assert "Dashboard" in labels and "Staff accounts" not in labels


def test_anonymous_header_offers_sign_in_and_sign_up(client):
    doc = page(client.get(reverse("accessibility")))
    secondary = [a.get("href") for a in doc.find_all("a") if a.get("href")]
    assert reverse("account_login") in secondary and reverse("account_signup") in secondary
    assert not doc.find_all("form", action=reverse("account_logout"))


@pytest.mark.urls("tests.test_pages")
def test_messages_render_as_uswds_alerts(client):
    doc = page(client.get("/test/messages/"))
    alerts = {
        a.text.strip(): a
        for a in doc.find_all("div", "usa-alert")
        if "usa-alert--slim" in a.classes
    }
    expected = {
        "Draft saved.": ("usa-alert--success", "status"),
        "The cycle closes on 18 April.": ("usa-alert--info", "status"),
        "Your email address is not confirmed.": ("usa-alert--warning", "status"),
        "The deadline has passed.": ("usa-alert--error", "alert"),
    }
    for text, (cls, role) in expected.items():
        assert cls in alerts[text].classes
        assert alerts[text].get("role") == role


def test_every_static_file_base_html_references_exists(client, applicant):
    client.force_login(applicant)
    html = client.get(reverse("dashboard")).content.decode()
    refs = set(re.findall(r'(?:src|href)="' + settings.STATIC_URL + r'([^"]+)"', html))
    assert {"uswds/css/uswds.min.css", "uswds/js/uswds.min.js", "js/error-summary.js"} <= refs
    for ref in refs:
        assert finders.find(ref), ref


def test_every_file_the_uswds_css_references_is_vendored():
    css_path = Path(finders.find("uswds/css/uswds.min.css"))
    targets = set(re.findall(r"url\(([^)]+)\)", css_path.read_text()))
    targets = {t.strip("\"'") for t in targets if t and not t.startswith("data:")}
    targets.discard("")
    assert targets
    for target in targets:
        assert (css_path.parent / target).resolve().is_file(), target
    assert "sourceMappingURL" not in css_path.read_text()


# --- Dashboard -------------------------------------------------------------


def test_dashboard_shows_one_panel_per_role_with_its_tasks(client, db):
    from tests.conftest import make_staff

    user = make_staff(roles.PROGRAM_ADMIN, roles.REVIEWER)
    client.force_login(user)
    doc = page(client.get(reverse("dashboard")))
    headings = [h.text.strip() for h in doc.find_all("h2", "usa-card__heading")]
    assert headings == [roles.PROGRAM_ADMIN, roles.REVIEWER]
    assert doc.find("a", href=reverse("accounts:staff_list"))


def test_dashboard_prompts_applicant_without_jurisdiction(client):
    applicant = ApplicantFactory(jurisdiction=None)
    client.force_login(applicant)
    response = client.get(reverse("dashboard"))
    assert response.context["needs_jurisdiction"] is True
    assert "Start your Statement of Interest" in response.content.decode()


def test_dashboard_skips_the_prompt_for_applicant_with_jurisdiction(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("dashboard"))
    assert response.context["roles"] == [roles.APPLICANT]
    assert "Start your Statement of Interest" not in response.content.decode()


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_user_without_role_is_told_so(client):
    client.force_login(UserFactory())
    assert "Your account has no role yet" in client.get(reverse("dashboard")).content.decode()


# --- Error pages -----------------------------------------------------------


def test_404_page_uses_the_portal_layout(client):
    # pytest-django runs with DEBUG off, so Django calls the portal's handlers.
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    doc = page(response)
    assert doc.find("h1").text == "Page not found"
    assert doc.find("section", "usa-banner")
    assert doc.find("a", href=reverse("home"))


def test_403_page_for_a_role_without_permission(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("accounts:staff_list"))
    assert response.status_code == 403
    doc = page(response)
    assert doc.find("h1").text == "You do not have access to this page"
    assert doc.find("a", href=reverse("dashboard"))


def test_500_handler_renders_without_any_context():
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert response.status_code == 500
    doc = page(response)
    assert doc.find("h1").text == "Something went wrong"
    assert doc.find("html").get("lang") == "en"
    assert doc.find("section", "usa-banner")
    assert doc.by_id("main-content").tag == "main"


@pytest.mark.urls("tests.test_pages")
def test_unhandled_exception_returns_the_custom_500(client):
    client.raise_request_exception = False
    response = client.get("/test/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# --- Static pages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "heading"), [("accessibility", "Accessibility"), ("privacy", "Privacy")]
)
def test_accessibility_and_privacy_pages_are_public(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert page(response).find("h1").text == heading


# --- Staff pages -----------------------------------------------------------


def test_staff_list_is_a_usa_table_with_roles(client, program_admin):
    from tests.conftest import make_staff

    make_staff(roles.REVIEWER, email="reviewer@example.gov")
    client.force_login(program_admin)
    doc = page(client.get(reverse("accounts:staff_list")))
    assert doc.find("table", "usa-table")
    tags = [t.text for t in doc.find_all("span", "usa-tag")]
    assert roles.REVIEWER in tags and roles.PROGRAM_ADMIN in tags
    assert doc.find("a", href=reverse("accounts:staff_create"))


def test_staff_form_errors_use_the_uswds_pack(client, program_admin):
    client.force_login(program_admin)
    response = client.post(
        reverse("accounts:staff_create"), {"full_name": "Kept Name", "email": "bad"}
    )
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("div", "usa-error-summary")
    assert doc.by_id("id_full_name").get("value") == "Kept Name"
    assert doc.by_id("id_email").get("aria-invalid") == "true"
    assert doc.by_id("id_roles").tag == "fieldset"


# --- allauth pages ---------------------------------------------------------


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_entrance_pages_use_uswds(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("section", "usa-banner")
    form = doc.find("form", "usa-form")
    assert form.get("method") == "post"
    email = doc.find("input", type="email")
    assert "usa-input" in email.classes
    assert doc.find("label", "usa-label", for_=email.get("id"))
    assert doc.find("button", "usa-button", type="submit")


def test_failed_sign_in_shows_error_summary_and_keeps_email(client, applicant):
    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": "wrong"}
    )
    assert response.status_code == 200
    doc = page(response)
    summary = doc.find("div", "usa-error-summary")
    assert "not correct" in summary.text
    assert doc.by_id("id_login").get("value") == applicant.email


def test_sign_up_errors_are_described_beside_fields(client):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-email", "password1": "short", "password2": "x"}
    )
    doc = page(response)
    email = doc.by_id("id_email")
    assert email.get("aria-invalid") == "true"
    assert "id_email_error" in email.get("aria-describedby").split()
    assert doc.by_id("id_email_error").text
    assert doc.find("a", href="#id_email")
    assert doc.by_id("id_password1_helptext")


def test_password_reset_done_and_bad_key_pages_render(client):
    assert client.get(reverse("account_reset_password_done")).status_code == 200
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    )
    assert response.status_code == 200
    assert page(response).find("section", "usa-banner")


def test_email_verification_pages_render(client):
    applicant = ApplicantFactory(verified=False)
    client.force_login(applicant)
    response = client.get(reverse("account_email"))
    assert response.status_code == 200
    doc = page(response)
    radio = doc.find("input", "usa-radio__input", name="email")
    assert doc.find("label", "usa-radio__label", for_=radio.get("id"))
    assert doc.find("span", "usa-tag")
    response = client.get(reverse("account_email_verification_sent"))
    assert response.status_code == 200
    response = client.get(reverse("account_confirm_email", kwargs={"key": "nonsense"}))
    assert response.status_code in (200, 404)
    assert page(response).find("section", "usa-banner")


def test_password_change_page_uses_the_pack(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    doc = page(response)
    assert doc.find("div", "usa-error-summary")
    old = doc.by_id("id_oldpassword")
    assert "usa-input" in old.classes and old.get("aria-invalid") == "true"
    assert doc.by_id(old.get("aria-describedby").split()[-1]).text


def test_sign_out_page_renders_a_post_form(client, applicant):
    client.force_login(applicant)
    doc = page(client.get(reverse("account_logout")))
    form = doc.find("form", "usa-form", action=reverse("account_logout"))
    assert form.get("method") == "post"
    assert doc.find("button", "usa-button", type="submit")


def test_totp_activation_page_shows_qr_code_and_labelled_fields(client, applicant):
    client.force_login(applicant)
    reauthenticate(client, applicant)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    # No template syntax (a multi-line {# #} comment, say) leaks into the page.
    assert "{#" not in response.content.decode() and "{%" not in response.content.decode()
    doc = page(response)
    qr = doc.find("img", "portal-qr")
    # Read-only rather than disabled, so keyboard users can reach and copy the secret.
    assert "readonly" in doc.by_id("authenticator_secret").attrs
    assert qr.get("src").startswith("data:image/svg+xml")
    assert "QR code" in qr.get("alt")
    secret = doc.by_id("authenticator_secret")
    assert "usa-input" in secret.classes
    assert doc.find("label", "usa-label", for_="authenticator_secret")
    assert secret.get("aria-describedby") == "authenticator_secret_helptext"
    code = doc.by_id("id_code")
    assert "usa-input" in code.classes and doc.find("label", for_="id_code")


def test_totp_activation_with_wrong_code_shows_error_summary(client, applicant):
    client.force_login(applicant)
    reauthenticate(client, applicant)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    doc = page(response)
    assert doc.find("div", "usa-error-summary")
    assert doc.by_id("id_code").get("aria-invalid") == "true"
    assert doc.find("a", href="#id_code")


def test_mfa_index_panels_and_recovery_codes(client, program_admin):
    RecoveryCodes.activate(program_admin)
    client.force_login(program_admin)
    doc = page(client.get(reverse("mfa_index")))
    assert len(doc.find_all("section", "usa-card")) >= 2
    assert doc.find_all("a", "usa-button")
    reauthenticate(client, program_admin)
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    doc = page(response)
    codes = doc.by_id("recovery_codes")
    assert codes.tag == "textarea" and "usa-textarea" in codes.classes
    assert doc.find("label", "usa-label", for_="recovery_codes")
    assert len(codes.text.split()) == len(
        RecoveryCodes(
            Authenticator.objects.get(user=program_admin, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )


def test_mfa_authenticate_page_after_password_step(client, program_admin):
    assert Authenticator.objects.filter(user=program_admin).exists()
    response = client.post(
        reverse("account_login"),
        {"login": program_admin.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    doc = page(client.get(reverse("mfa_authenticate")))
    code = doc.by_id("id_code")
    assert "usa-input" in code.classes
    assert doc.find("label", "usa-label", for_="id_code")
    assert doc.find("button", "usa-button", type="submit")
