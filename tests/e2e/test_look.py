"""The look, measured in the browser (issue 16, item 7).

- The header's menu fits on one row at 1280 px (and at USWDS's 1024 px desktop width)
  for the user with the most entries: a role's entries are grouped into USWDS nav
  dropdowns (accounts/navigation.py), which open and close with the mouse and the
  keyboard under the strict Content-Security-Policy (vendored uswds.min.js).
- Chart text (charts/svg.py, outcomes/charts.py) shows at 12 px or more as rendered:
  font-size times the chart's scale (rendered width / viewBox width), at 1280 and 640 px.
- Summary blocks (description lists) are laid out as a ruled summary; tables use USWDS's
  standard cell spacing.
"""

import re

from playwright.sync_api import Page, expect

from accounts import roles
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    audit,
    check_no_horizontal_scroll,
    screenshot,
    sign_in,
    tab_to,
)
from tests.factories import ApplicantFactory, EngagementFactory
from tests.outcomes.helpers import national_rates, site_with_figures

pytestmark = E2E_DB

MIN_CHART_TEXT_PX = 12

NAV_ROW = """() => {
    const list = document.querySelector('.usa-nav__primary');
    const items = [...list.querySelectorAll(':scope > .usa-nav__primary-item')];
    const boxes = items.map(item => item.getBoundingClientRect());
    return {
        listHeight: list.getBoundingClientRect().height,
        itemHeight: Math.max(...boxes.map(box => box.height)),
        tops: [...new Set(boxes.map(box => Math.round(box.top)))],
        right: Math.max(...boxes.map(box => box.right)),
        limit: document.querySelector('.usa-nav__inner').getBoundingClientRect().right,
        // A label that wraps inside its link or button takes more than one line box.
        wrapped: items.map(item => item.querySelector(':scope > a > span, :scope > button > span'))
            .filter(span => span.getClientRects().length > 1).map(span => span.innerText),
        labels: items.map(item => item.innerText.split('\\n')[0].trim()),
    };
}"""

CHART_TEXT = """() => [...document.querySelectorAll('svg.psp-chart')].flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(text => ({
        chart: svg.id,
        text: text.textContent,
        rendered: parseFloat(getComputedStyle(text).fontSize) * scale,
    }));
})"""


def assert_nav_fits_one_row(page: Page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    row = page.evaluate(NAV_ROW)
    assert len(row["tops"]) == 1, f"at {width}px the menu wraps onto {len(row['tops'])} rows"
    assert abs(row["listHeight"] - row["itemHeight"]) <= 1, row
    assert not row["wrapped"], f"at {width}px these menu labels wrap: {row['wrapped']}"
    assert row["right"] <= row["limit"] + 1, f"at {width}px the menu runs past the header"
    return row["labels"]


def assert_chart_text_readable(page: Page, label: str) -> int:
    texts = page.evaluate(CHART_TEXT)
    assert texts, f"no chart text on {label}"
    small = [t for t in texts if t["rendered"] < MIN_CHART_TEXT_PX - 0.01]
    assert not small, f"chart text under {MIN_CHART_TEXT_PX}px on {label}: {small[:5]}"
    return len(texts)


def test_header_menu_fits_one_row_and_its_dropdowns_work(page, browser_log):
    # Every staff role at once: the longest menu there is.
    everyone = make_staff(*roles.STAFF_ROLES)
    sign_in(page, everyone.email, totp_secret=everyone.totp_secret)
    for width in (1280, 1024):
        labels = assert_nav_fits_one_row(page, width)
    assert labels == ["Dashboard", "Applications", "Sites", "Reports", "Administration"]
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "header-menu-1280")

    nav = page.get_by_role("navigation", name="Primary navigation")
    sites = nav.get_by_role("button", name="Sites", exact=True)
    submenu = page.locator("#nav-sites")
    expect(submenu).to_be_hidden()

    # Mouse: open, see the links, audit the page with the menu open, close with Escape.
    sites.click()
    expect(sites).to_have_attribute("aria-expanded", "true")
    expect(submenu.get_by_role("link", name="My workspace")).to_be_visible()
    audit(page, "dashboard with the Sites menu open")
    screenshot(page, "header-menu-open")
    page.keyboard.press("Escape")
    expect(submenu).to_be_hidden()
    expect(sites).to_have_attribute("aria-expanded", "false")

    # Keyboard: Tab to the button, Enter opens it, Tab reaches its first link, Enter
    # follows it; the page then marks that entry current.
    page.goto("/dashboard/")
    applications = nav.get_by_role("button", name="Applications", exact=True)
    tab_to(page, applications)
    page.keyboard.press("Enter")
    expect(applications).to_have_attribute("aria-expanded", "true")
    first = page.locator("#nav-applications").get_by_role("link").first
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/applications/staff/$"))
    expect(applications).to_have_class(re.compile(r"\busa-current\b"))
    assert nav.locator("[aria-current=page]").count() == 1

    # Narrow (200% zoom): the same groups as accordions in the mobile menu.
    page.set_viewport_size({"width": 640, "height": 900})
    page.get_by_role("button", name="Menu", exact=True).click()
    sites.click()
    expect(submenu.get_by_role("link", name="Program view")).to_be_visible()
    audit(page, "mobile menu with the Sites group open (640 px)")


def test_applicant_menu_has_no_dropdowns(page, browser_log):
    applicant = ApplicantFactory()
    sign_in(page, applicant.email)
    labels = assert_nav_fits_one_row(page, 1280)
    assert labels == ["Dashboard", "My Statements of Interest", "My reports"]
    expect(page.locator(".usa-nav__primary button")).to_have_count(0)


def test_charts_summaries_and_tables_look(page, browser_log):
    national_rates()
    everyone = make_staff(*roles.STAFF_ROLES)
    site = site_with_figures(liaison=everyone, jurisdiction__name="City of Maplewood")
    for start in ("2025-09-04", "2025-11-12"):
        EngagementFactory(site=site, delivered=True, start_date=start, end_date=start)
    sign_in(page, everyone.email, totp_secret=everyone.totp_secret)

    pages = [
        (f"/sites/{site.pk}/", "site page (bar charts, outcomes panel, profile)"),
        (f"/outcomes/sites/{site.pk}/", "site's annual figures (rate chart)"),
        ("/outcomes/", "outcomes (small multiples)"),
    ]
    for path, label in pages:
        page.goto(path)
        for width in (1280, 640):
            page.set_viewport_size({"width": width, "height": 900})
            assert_chart_text_readable(page, f"{label} at {width}px")
        page.set_viewport_size({"width": 1280, "height": 900})
        audit(page, label)
        check_no_horizontal_scroll(page, 640)
        check_no_horizontal_scroll(page, 320)

    # The site profile as a summary: bold terms, and term and value side by side.
    page.goto(f"/sites/{site.pk}/")
    profile = page.locator("dl").first
    assert profile.evaluate("dl => getComputedStyle(dl).display") == "grid"
    assert profile.locator("dt").first.evaluate("dt => getComputedStyle(dt).fontWeight") == "700"
    screenshot(page, "site-page-look")
    page.set_viewport_size({"width": 320, "height": 900})
    assert profile.evaluate("dl => getComputedStyle(dl).display") == "block"
    page.set_viewport_size({"width": 1280, "height": 900})

    # Tables: USWDS's standard cell spacing (0.5rem 1rem), compact ones included.
    page.goto("/staff/operations/")
    cell = page.locator("table.usa-table--compact td").first
    padding = cell.evaluate(
        "td => [getComputedStyle(td).paddingTop, getComputedStyle(td).paddingLeft]"
    )
    assert padding == ["8px", "16px"], padding
    audit(page, "operations (tables)")
