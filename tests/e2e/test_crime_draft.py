"""Issue 13 item 1 in the browser: an applicant types only the first year of the
violent-crime figures, saves the draft, and finds it kept and "In progress"."""

import re

from playwright.sync_api import Page, expect

from applications.models import CrimeFigures
from tests.e2e.helpers import E2E_DB, audit, sign_in
from tests.factories import ApplicationFactory

pytestmark = E2E_DB


def test_applicant_saves_one_year_of_crime_figures_as_a_draft(page: Page):
    application = ApplicationFactory()
    first = application.cycle.crime_years[0]
    sign_in(page, application.created_by.email)
    page.goto(f"/applications/{application.pk}/crime/")
    for label, value in (
        ("Murder and nonnegligent manslaughter", "40"),
        ("Rape", "160"),
        ("Robbery", "500"),
        ("Aggravated assault", "1300"),
        ("Population", "270000"),
    ):
        page.get_by_label(f"{first}: {label}", exact=True).fill(value)
    # USWDS hides the radio input itself; a person clicks its label.
    page.locator(f'label[for="id_y{first}-data_source_0"]').click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".usa-alert--success")).to_contain_text("Violent-crime figures saved")
    expect(page.locator(".usa-error-summary")).to_have_count(0)
    expect(page.get_by_label(f"{first}: Population", exact=True)).to_have_value("270000")
    progress = page.get_by_role("navigation", name="Statement of Interest sections")
    expect(progress.get_by_role("link", name=re.compile("Violent-crime figures"))).to_contain_text(
        "In progress"
    )
    audit(page, "crime figures, one year saved as a draft")
    assert CrimeFigures.objects.filter(application=application).count() == 1
