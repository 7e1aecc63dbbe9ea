"""Journey 5 of issue 7: a program admin sets up the next application cycle through the
cycle pages (national rate first, then the cycle; one error state each), every page
audited by axe-core under the real Content-Security-Policy.

Creating a staff account is the program admin's other journey; it is already in
test_accounts_journeys.py (test_program_admin_creates_a_staff_account_who_then_sets_up_mfa).
"""

import re

from playwright.sync_api import expect

from accounts import roles
from applications.models import Cycle
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    LEDGER,
    audit,
    check_no_horizontal_scroll,
    field,
    nav_link,
    screenshot,
    sign_in,
)

pytestmark = E2E_DB


def labelled(page, label):
    return field(page, re.escape(label))


def save(page):
    page.get_by_role("button", name="Save", exact=True).click()


def test_program_admin_creates_a_cycle(page, browser_log):
    admin = make_staff(roles.PROGRAM_ADMIN)
    sign_in(page, admin.email, totp_secret=admin.totp_secret)
    nav_link(page, "Cycles").click()
    expect(page.get_by_text("No cycles yet.")).to_be_visible()
    audit(page, "cycles (none yet)")
    check_no_horizontal_scroll(page)

    # The national rate the cycle compares with: no edition and a negative rate first.
    page.get_by_role("link", name="New national rate").click()
    audit(page, "new national rate")
    labelled(page, "Year").fill("2025")
    labelled(page, "Rate per 100,000").fill("-359.1")
    labelled(page, "Source").fill("FBI Crime Data Explorer, Table 1")
    save(page)
    expect(page.locator(".usa-error-summary")).to_be_visible()
    expect(labelled(page, "Source edition")).to_have_attribute("aria-invalid", "true")
    expect(labelled(page, "Source")).to_have_value("FBI Crime Data Explorer, Table 1")
    audit(page, "new national rate with errors")
    rate = labelled(page, "Rate per 100,000")
    if rate.get_attribute("aria-invalid") != "true":
        LEDGER.pending.append(
            "DEFECT: a negative national violent-crime rate (-359.1) is accepted: "
            "applications/models/cycles.py NationalCrimeRate.rate needs "
            "validators=[MinValueValidator(Decimal('0.1'))] (and a migration), or "
            "applications/forms.py NationalRateForm a clean_rate refusing values <= 0; "
            "every SOI's ratio to the national rate depends on it."
        )
    rate.fill("359.1")
    labelled(page, "Source edition").fill("Crime in the United States 2025 (first published)")
    save(page)
    expect(page.get_by_text("National rate for 2025 saved.")).to_be_visible()

    # The cycle: a deadline before the opening first.
    page.get_by_role("link", name="New cycle").click()
    audit(page, "new cycle")
    check_no_horizontal_scroll(page)
    screenshot(page, "cycle-form")
    labelled(page, "Name").fill("PSP 2027 cycle")
    labelled(page, "Year").fill("2027")
    labelled(page, "Opens at").fill("2027-02-25 09:00")
    labelled(page, "Closes at (deadline)").fill("2027-02-20 23:59")
    labelled(page, "Minimum population").fill("50000")
    labelled(page, "National violent-crime rate").select_option(index=1)
    labelled(page, "Section 1373 certification text").select_option(index=1)
    labelled(page, "ICE-cooperation questions").select_option(index=1)
    labelled(page, "Sites to select").fill("8")
    save(page)
    deadline = labelled(page, "Closes at (deadline)")
    expect(page.locator(".usa-error-summary")).to_contain_text(
        "The deadline must be after the opening time."
    )
    expect(deadline).to_have_attribute("aria-invalid", "true")
    expect(labelled(page, "Name")).to_have_value("PSP 2027 cycle")
    expect(labelled(page, "Sites to select")).to_have_value("8")
    audit(page, "new cycle with errors")
    screenshot(page, "cycle-form-errors")
    deadline.fill("2027-04-18 23:59")
    save(page)
    expect(page.get_by_text("Cycle PSP 2027 cycle saved.")).to_be_visible()
    expect(page.get_by_role("link", name="PSP 2027 cycle")).to_be_visible()
    audit(page, "cycles (one)")

    cycle = Cycle.objects.get(name="PSP 2027 cycle")
    assert (cycle.year, cycle.population_min, cycle.max_sites) == (2027, 50000, 8)
    assert cycle.national_rate.year == 2025 and str(cycle.national_rate.rate) == "359.1"
    assert cycle.crime_years == [2024, 2025, 2026]

    page.get_by_role("link", name="PSP 2027 cycle").click()
    expect(labelled(page, "Closes at (deadline)")).to_have_value(re.compile(r"^2027-04-18 23:59"))
    audit(page, "edit cycle")
    assert browser_log.csp == [] and browser_log.errors == []
