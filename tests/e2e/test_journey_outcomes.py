"""Issue 17 in the browser: a site user enters a year, the liaison returns it, the user
fixes it, the liaison verifies it; the Outcomes page and the outcome report show it.
Every page audited by axe-core and at 320 and 640 px, under the real Content-Security-Policy.
"""

import datetime
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts import roles
from outcomes.models import OutcomeYear
from reports.models import Report
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    audit,
    check_no_horizontal_scroll,
    field,
    latest_mail,
    nav_link,
    screenshot,
    sign_in,
    sign_out,
)
from tests.factories import ApplicantFactory
from tests.outcomes.helpers import national_rates, site_with_figures

pytestmark = E2E_DB


def visit(page: Page, label: str, shot: str | None = None):
    audit(page, label)
    check_no_horizontal_scroll(page)
    if shot:
        screenshot(page, shot)


def labelled(page: Page, label: str):
    return field(page, re.escape(label))


def fill_2020(page: Page, robbery: str, population: str):
    labelled(page, "Murder and nonnegligent manslaughter").fill("18")
    labelled(page, "Rape").fill("82")
    labelled(page, "Robbery").fill(robbery)
    labelled(page, "Aggravated assault").fill("1100")
    labelled(page, "Population").fill(population)
    labelled(page, "Source").select_option("ucr_nibrs")


def row_2020(page: Page):
    return page.locator("table.outcomes-years").get_by_role("row", name=re.compile(r"^2020"))


def test_enter_return_fix_verify_then_outcomes_page_and_report(page, browser_log):
    national_rates()
    liaison = make_staff(roles.SITE_LIAISON)
    site = site_with_figures(liaison=liaison, jurisdiction__name="City of Maplewood")
    site_user = ApplicantFactory(jurisdiction=site.jurisdiction)
    official = make_staff(roles.SELECTING_OFFICIAL)

    # 1. The site user enters 2020 from the site page, with a mistake first.
    sign_in(page, site_user.email)
    page.goto(f"/sites/{site.pk}/")
    visit(page, "site page with outcomes panel (site user)")
    page.get_by_role("link", name=re.compile(r"^Annual figures")).click()
    visit(page, "annual figures (site user)", shot="outcomes-site")
    row_2020(page).get_by_role("link", name=re.compile(r"Enter")).click()
    visit(page, "enter 2020 figures")
    fill_2020(page, robbery="800", population="0")
    labelled(page, "Note").fill("From the department's NIBRS extract")
    page.get_by_role("button", name="Save and submit to the liaison").click()
    expect(page.locator(".usa-error-summary")).to_be_visible()
    expect(labelled(page, "Population")).to_have_attribute("aria-invalid", "true")
    expect(labelled(page, "Note")).to_have_value("From the department's NIBRS extract")
    visit(page, "enter 2020 figures with errors")
    labelled(page, "Population").fill("200000")
    page.get_by_role("button", name="Save and submit to the liaison").click()
    expect(page.get_by_text("2020 figures submitted to the liaison.")).to_be_visible()
    expect(row_2020(page)).to_contain_text("Submitted")
    sign_out(page)

    # 2. The liaison finds it in the workspace and returns it with a reason.
    sign_in(page, liaison.email, totp_secret=liaison.totp_secret)
    nav_link(page, "My workspace").click()
    visit(page, "liaison workspace with figures to verify")
    page.get_by_role("link", name="City of Maplewood, 2020").click()
    row_2020(page).get_by_role("link", name=re.compile(r"Return")).click()
    visit(page, "return 2020 figures")
    page.get_by_role("button", name="Return to the site").click()
    expect(page.locator(".usa-error-summary")).to_be_visible()
    visit(page, "return with no reason")
    labelled(page, "Why are the figures going back?").fill(
        "Robbery is twice the FBI's published count; please check."
    )
    page.get_by_role("button", name="Return to the site").click()
    expect(row_2020(page)).to_contain_text("Returned")
    message = latest_mail(to=site_user.email)
    assert "twice the FBI's published count" in message.body
    sign_out(page)

    # 3. The site user fixes it and submits again.
    sign_in(page, site_user.email)
    page.goto(f"/outcomes/sites/{site.pk}/")
    expect(row_2020(page)).to_contain_text("twice the FBI's published count")
    row_2020(page).get_by_role("link", name=re.compile(r"Edit")).click()
    expect(page.get_by_text("Returned by the liaison")).to_be_visible()
    visit(page, "fix returned 2020 figures")
    labelled(page, "Robbery").fill("400")
    page.get_by_role("button", name="Save and submit to the liaison").click()
    expect(row_2020(page)).to_contain_text("Submitted")
    sign_out(page)

    # 4. The liaison verifies: 1,600 offenses in 200,000 = 800.0 per 100,000.
    sign_in(page, liaison.email, totp_secret=liaison.totp_secret)
    page.goto(f"/outcomes/sites/{site.pk}/")
    row_2020(page).get_by_role("button", name=re.compile(r"Verify")).click()
    expect(row_2020(page)).to_contain_text("Verified")
    # (800.0 - 958.3) / 958.3 = -16.5% ; nation (387.8 - 379.4) / 379.4 = +2.2% ; -18.7 points
    expect(row_2020(page)).to_contain_text("-16.5%")
    expect(row_2020(page)).to_contain_text("-18.7 points")
    visit(page, "annual figures after verification (liaison)")
    assert OutcomeYear.objects.get(site=site, year=2020).history.count() >= 4
    sign_out(page)

    # 5. The Outcomes page and the outcome report show it.
    sign_in(page, official.email, totp_secret=official.totp_secret)
    nav_link(page, "Outcomes").click()
    visit(page, "outcomes page", shot="outcomes-program")
    expect(page.get_by_role("row", name=re.compile(r"City of Maplewood"))).to_contain_text("-16.5%")
    labelled(page, "Cohort").fill("2019")
    page.get_by_role("button", name="Apply filters").click()
    visit(page, "outcomes page, 2019 cohort")
    page.get_by_role(
        "button", name=re.compile(r"Outcome report \(PDF\) for the 2019 cohort")
    ).click()
    # The request's page, once loaded: before then the report may not be recorded yet, and
    # a reload during the redirect finds no page to reload.
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report = Report.objects.get(kind="outcome_report")
    if report.status != Report.Status.READY:
        # Publishing went to a broker no worker here consumes: render as the worker would.
        from reports.services import report_render

        report_render(report_id=report.pk)
    page.reload()
    link = page.get_by_role("link", name=re.compile(r"download the pdf", re.I))
    expect(link).to_be_visible(timeout=30_000)
    visit(page, "outcome report ready")
    with page.expect_download() as info:
        link.click()
    data = Path(info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "City of Maplewood" in text and "-16.5%" in text and "800.0" in text
    assert "do not show that PSP caused" in text
    assert datetime.date.today().year > 2020
