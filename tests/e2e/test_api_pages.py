"""The read API's two pages in Chromium under the real CSP: the docs page renders the
vendored Swagger UI (no CDN, no inline script), and the "API tokens" page creates a
token and shows it once. Both are audited by axe-core."""

import re

from playwright.sync_api import expect

from accounts import roles
from api.models import ApiToken
from tests.conftest import make_staff
from tests.e2e.helpers import E2E_DB, audit, check_no_horizontal_scroll, sign_in

pytestmark = E2E_DB


def test_docs_page_renders_swagger_ui_from_our_own_static_files(page, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    # Swagger UI drew one block per operation from /api/v1/schema/.
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() == 16
    # Nothing was fetched from anywhere but the portal (the CSP would block it anyway).
    assert requests and all(url.startswith(live_server.url) for url in requests)
    audit(page, "API docs")


def test_staff_member_creates_a_token_shown_once(page):
    staff = make_staff(roles.SITE_LIAISON, password="correct horse battery staple")
    sign_in(page, staff.email, "correct horse battery staple", staff.totp_secret)
    page.get_by_role("link", name="API tokens").first.click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    audit(page, "API tokens (empty)")
    page.get_by_label("Name").fill("Provider sync")
    # USWDS draws its own box; the label is what a person clicks.
    page.locator("label", has_text=re.compile("^Engagements and follow-up")).click()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("psp_")
    assert ApiToken.objects.get().scopes == ["engagements"]
    audit(page, "API tokens (just created)")
    check_no_horizontal_scroll(page)
    page.reload()
    assert secret not in page.content()
