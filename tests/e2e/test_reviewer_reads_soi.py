"""Issue 13 items 7 and 8 in the browser: the reviewer finds the letters of commitment
(with size and type) on the page where they read the SOI and downloads one; a long
screening-override note wraps instead of pushing the Reasons column off the screen."""

import re

from playwright.sync_api import Page, expect

from accounts import roles
from reviews.services import screening_override
from tests.conftest import make_staff
from tests.e2e.helpers import E2E_DB, audit, sign_in
from tests.factories import ApplicationFactory
from tests.reviews.factories import assign

pytestmark = E2E_DB

# One unbroken "word", as a pasted URL or case number is.
LONG_NOTE = "See-the-county-records-at-" + "x" * 260


def test_reviewer_downloads_letters_and_the_override_note_wraps(page: Page):
    reviewer = make_staff(roles.REVIEWER)
    official = make_staff(roles.SELECTING_OFFICIAL)
    soi = ApplicationFactory(submitted=True)
    assign(soi, reviewer)
    screening_override(
        application=soi, check_key="crime_rate", result="pass", reason=LONG_NOTE, actor=official
    )
    letter = soi.letters.order_by("kind").first()
    sign_in(page, reviewer.email, totp_secret=reviewer.totp_secret)
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"/review/soi/{soi.pk}/")

    letters = page.get_by_role("heading", name="Letters of commitment")
    expect(letters).to_be_visible()
    link = page.get_by_role("link", name=letter.original_name).first
    item = link.locator("xpath=..")
    expect(item).to_contain_text(letter.get_kind_display())
    expect(item).to_contain_text(re.compile(r"\(PDF, [\d.]+\s*(bytes|KB|MB)\)"))
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.lower().endswith(".pdf")

    # The note wraps: the screening table fits its container and the Reasons column
    # stays on the screen.
    table = page.locator("table", has=page.get_by_role("columnheader", name="Reasons"))
    fits = table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
    assert fits, "the screening table is wider than the page: the override note does not wrap"
    reasons = table.get_by_role("columnheader", name="Reasons").bounding_box()
    assert reasons["x"] + reasons["width"] <= 1024
    audit(page, "SOI review page with letters and a long override note")
