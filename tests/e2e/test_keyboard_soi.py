"""The applicant's whole Statement of Interest done with the keyboard alone (issue 7):
sign in, start, every section, letters, certification, ICE questions, review,
attestation, submit and the receipt. The chief legal officer signs with the keyboard
too (issue 12), in a browser of their own: the signing link from the mail, sign-up with
that address, the confirmation mail, their name, the text, the choice, the signature;
the receipt then prints the signature block. Only page.keyboard drives the pages: Tab and
Shift+Tab move, text is typed into the focused field, Space ticks checkboxes and
radios, the arrow keys move through selects and radio groups, Enter submits and
follows links. `tab_to` checks a visible focus indicator at every stop.

Sign-up is covered by test_keyboard.py; here the verified applicant and the open
cycle are made in the database (the shortcut issue 7 allows).
"""

import io
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.helpers import (
    E2E_DB,
    EMAIL,
    PASSWORD,
    assert_focus_visible,
    field,
    link_in_latest_mail,
    tab_to,
)
from tests.e2e.test_journey_soi_to_site import (
    CLO_NAME,
    CONTACTS,
    CRIME,
    FOCUS,
    NARRATIVE,
    PDF_TIMEOUT,
    heading,
    labelled,
    make_pdf,
    person,  # noqa: F401  (fixture: the officer's own browser window)
)
from tests.factories import ApplicantFactory, CycleFactory

pytestmark = E2E_DB

APPLICANT_EMAIL = "keisha.morrow@cityofbrookvale.gov"
JURISDICTION = "City of Brookvale"
CLO_EMAIL = "mvance@cityofbrookvale.gov"
CLO_PASSWORD = "amber quarry lighthouse 2031"
CRIME_LABELS = (
    "Murder and nonnegligent manslaughter",
    "Rape",
    "Robbery",
    "Aggravated assault",
    "Population",
)


# ---------------------------------------------------------------------------
# What a keyboard user does, said once
# ---------------------------------------------------------------------------
def reach(page: Page, target) -> None:
    """Tab (or Shift+Tab, when the target lies before the focus) to `target`."""
    expect(target).to_have_count(1)
    behind = target.evaluate(
        """el => {
            const a = document.activeElement;
            return !!a && a !== document.body
                && !!(a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
        }"""
    )
    tab_to(page, target, backwards=behind, max_presses=80)


def type_into(page: Page, target, text: str) -> None:
    reach(page, target)
    page.keyboard.type(text)
    expect(target).to_have_value(text)


def press(page: Page, target, key: str = "Enter") -> None:
    """Activate a button or follow a link: reach it, then press Enter (or Space)."""
    reach(page, target)
    page.keyboard.press(key)


def select(page: Page, target, option: str) -> None:
    """A closed <select>: ArrowDown/ArrowUp change its value without opening it."""
    reach(page, target)
    label = target.evaluate("el => el.selectedOptions[0] ? el.selectedOptions[0].label : ''")
    count = target.evaluate("el => el.options.length")
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(count):
            if label.strip() == option:
                return
            page.keyboard.press(key)
            assert_focus_visible(page)
            label = target.evaluate("el => el.selectedOptions[0].label")
    raise AssertionError(f"the arrow keys never selected {option!r} in {target}")


BOX_FOCUS_JS = """() => {
    const el = document.activeElement;
    const label = el && el.labels && el.labels[0];
    if (!label) return null;
    const s = getComputedStyle(label, '::before');
    return {id: el.id, outlineStyle: s.outlineStyle,
            outlineWidth: parseFloat(s.outlineWidth) || 0, boxShadow: s.boxShadow};
}"""


def assert_box_focus_visible(page: Page) -> None:
    """USWDS moves checkbox and radio inputs off-screen: the ring a person sees is on the
    box drawn by the label's ::before, so check it there too."""
    info = page.evaluate(BOX_FOCUS_JS)
    assert info is not None, f"the focused checkbox or radio has no label on {page.url}"
    visible = (info["outlineStyle"] != "none" and info["outlineWidth"] > 0) or (
        info["boxShadow"] not in ("", "none")
    )
    assert visible, f"the focused box shows no focus ring on {page.url}: {info}"


def tick(page: Page, checkbox) -> None:
    reach(page, checkbox)
    assert_box_focus_visible(page)
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()


def choose(page: Page, group, option: str) -> None:
    """A radio group is one Tab stop: Tab into it, then the arrows move (and check);
    Space checks the focused radio when the arrows did not have to move."""
    target = group.get_by_role("radio", name=option, exact=True)
    expect(target).to_have_count(1)
    behind = group.evaluate(
        """g => {
            const a = document.activeElement;
            return !!a && a !== document.body
                && !!(a.compareDocumentPosition(g) & Node.DOCUMENT_POSITION_PRECEDING);
        }"""
    )
    key = "Shift+Tab" if behind else "Tab"
    for _ in range(80):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if group.evaluate("g => g.contains(document.activeElement)"):
            break
    else:
        raise AssertionError(f"{key} never reached the radio group {group}")
    radios = group.get_by_role("radio").count()
    for _ in range(radios):
        if target.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
        assert_focus_visible(page)
    assert_box_focus_visible(page)
    page.keyboard.press("Space")
    expect(target).to_be_checked()


def button(page: Page, name: str):
    return page.get_by_role("button", name=re.compile(name, re.I))


def link(page: Page, name: str):
    return page.get_by_role("link", name=re.compile(name, re.I))


def saved_and_on(page: Page, title: str) -> None:
    expect(heading(page, title)).to_be_visible()


# ---------------------------------------------------------------------------
# The chief legal officer, in a browser of their own
# ---------------------------------------------------------------------------
def officer_signs_with_the_keyboard(officer: Page, link: str) -> None:
    """From the mailed link to the signature: the officer has no account yet."""
    officer.goto(link)  # opened from their mail program
    saved_and_on(officer, "Sign the Section 1373 certification")
    press(officer, officer.get_by_role("main").get_by_role("link", name="Create an account"))
    # Sign-up with the exact address the link was sent to.
    type_into(officer, field(officer, EMAIL), CLO_EMAIL)
    type_into(officer, field(officer, "password"), CLO_PASSWORD)
    type_into(officer, field(officer, r"password \(again\)|confirm password"), CLO_PASSWORD)
    press(officer, button(officer, r"^sign ?up$"))
    # Verification is mandatory: the confirmation mail, then Confirm with the keyboard.
    expect(officer).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    officer.goto(link_in_latest_mail("/accounts/confirm-email/", to=CLO_EMAIL))
    press(officer, button(officer, "^confirm$"))
    # Confirming signs the officer in and returns to the link: their certification page.
    saved_and_on(officer, f"Section 1373 certification for {JURISDICTION}")
    type_into(officer, labelled(officer, "Your full name"), CLO_NAME)
    press(officer, button(officer, "^save my name$"))
    # The exact text (its version and digest) and the SOI they certify, read-only.
    expect(
        officer.get_by_role("heading", name=re.compile(r"^Certification \(version"))
    ).to_be_visible()
    expect(officer.get_by_text("SHA-256 of this text")).to_be_visible()
    expect(officer.get_by_text("The Statement of Interest you certify")).to_be_visible()
    choose(
        officer,
        officer.get_by_role("group", name=re.compile(r"^Certification\b")),
        "I certify, as stated above",
    )
    tick(
        officer, officer.get_by_role("checkbox", name=re.compile(r"^I am the chief legal officer"))
    )
    type_into(officer, labelled(officer, "Your full name"), CLO_NAME)
    press(officer, button(officer, "^sign$"))
    expect(officer.get_by_role("heading", name="Signed", exact=True)).to_be_visible()


# ---------------------------------------------------------------------------
# The journey
# ---------------------------------------------------------------------------
def test_statement_of_interest_with_the_keyboard_only(page, person, tmp_path: Path):  # noqa: F811
    ApplicantFactory(email=APPLICANT_EMAIL, jurisdiction=None)
    cycle = CycleFactory(name="PSP 2026 cycle")

    # Sign in.
    page.goto("/accounts/login/")
    type_into(page, field(page, EMAIL), APPLICANT_EMAIL)
    type_into(page, field(page, "password"), PASSWORD)
    page.keyboard.press("Enter")  # Enter in a field submits its form
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    # From the header's navigation to the start form.
    press(
        page, page.get_by_role("navigation").get_by_role("link", name="My Statements of Interest")
    )
    expect(page.get_by_text(cycle.name).first).to_be_visible()
    press(page, link(page, "^Start a Statement of Interest$"))
    type_into(page, labelled(page, "Legal name of the jurisdiction"), JURISDICTION)
    select(page, labelled(page, "Type"), "City")
    select(page, labelled(page, "State or territory"), "Ohio")
    press(page, button(page, "^start$"), "Space")

    # Jurisdiction profile.
    saved_and_on(page, "Jurisdiction")
    type_into(page, labelled(page, "Population"), "272500")
    type_into(page, labelled(page, "Population year"), "2025")
    type_into(page, labelled(page, "Lead law-enforcement agency"), "Brookvale Police Department")
    type_into(page, labelled(page, "Lead agency ORI"), "OH0570100")
    select(page, labelled(page, "Federal judicial district"), "Northern District of Ohio")
    type_into(page, labelled(page, "UEI (optional)"), "JX7LQ2M9KPA4")
    press(page, button(page, "save and continue"))

    # Contacts: five people, four fields each.
    saved_and_on(page, "Contacts")
    for role, values in CONTACTS.items():
        for part, value in zip(("name", "title", "email", "phone"), values, strict=True):
            type_into(page, labelled(page, f"{role}: {part}"), value)
    press(page, button(page, "save and continue"))

    # Violent-crime figures for the three years, each with its data source.
    saved_and_on(page, "Violent-crime figures")
    for year, row in zip(cycle.crime_years, CRIME, strict=True):
        for label, value in zip(CRIME_LABELS, row, strict=True):
            type_into(page, labelled(page, f"{year}: {label}"), str(value))
        source = page.get_by_role("group", name=re.compile(rf"^{year}: data source", re.I))
        choose(page, source, "FBI UCR / NIBRS")
    # Back up with Shift+Tab to check a figure typed earlier, then save.
    first_robbery = labelled(page, f"{cycle.crime_years[0]}: Robbery")
    tab_to(page, first_robbery, backwards=True, max_presses=80)
    expect(first_robbery).to_have_value(str(CRIME[0][2]))
    press(page, button(page, "^save$"))
    rates = page.get_by_role("table", name=re.compile("rates computed by the portal", re.I))
    expect(rates).to_be_visible()
    press(page, button(page, "save and continue"))

    # Narrative and focus areas.
    saved_and_on(page, "Narrative")
    for label, text in NARRATIVE.items():
        type_into(page, labelled(page, label), text)
    focus = page.get_by_role("group", name=re.compile("TTA focus areas", re.I))
    for area in FOCUS:
        tick(page, focus.get_by_role("checkbox", name=re.compile(rf"^{area}\b")))
    press(page, button(page, "save and continue"))

    # Letters. Headless Chromium has no file dialog a keyboard could drive: Enter on the
    # focused file input opens the chooser (a user gesture, as it would open the OS
    # dialog), and page.expect_file_chooser supplies the file the person would pick there.
    # Playwright turns file-chooser interception on without waiting for Chromium's reply,
    # so a chooser opened right after expect_file_chooser() starts could slip past it (a
    # flake seen here): a listener registered now keeps interception on from the start.
    page.on("filechooser", lambda _chooser: None)
    saved_and_on(page, "Letters of commitment")
    for kind, name in (
        ("Chief executive", "mayor-letter.pdf"),
        ("Head of the lead agency", "chief-letter.pdf"),
    ):
        select(page, labelled(page, "Letter from"), kind)
        label_for = page.locator("label.usa-label", has_text="Signed letter (PDF)")
        file_input = page.locator(f"#{label_for.first.get_attribute('for')}")
        reach(page, file_input)
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Enter")
        chooser.value.set_files(str(make_pdf(tmp_path / name, f"Letter from the {kind}")))
        press(page, button(page, "^upload$"))
        expect(page.get_by_role("link", name=name)).to_be_visible()
    press(page, link(page, "^Continue to the Section 1373 certification$"))

    # Section 1373 certification.
    saved_and_on(page, "Section 1373 certification")
    # The applicant names the officer; the officer signs on their own page (the role
    # journey drives that page), after every section is filled.
    type_into(page, labelled(page, "Chief legal officer's full name"), CLO_NAME)
    type_into(page, labelled(page, "Title"), "Law Director")
    type_into(page, labelled(page, "Email"), CLO_EMAIL)
    press(page, button(page, "save and continue"))

    # The three ICE-cooperation questions, in page order.
    saved_and_on(page, "ICE-cooperation questions")
    answers = {1: "Yes", 2: "Yes", 3: "Not applicable"}
    for number, answer in answers.items():
        choose(page, page.get_by_role("group", name=re.compile(rf"^Question {number}\.")), answer)
        if number in (1, 3):
            type_into(
                page,
                labelled(page, f"Question {number}: explanation or citation"),
                "The county sheriff runs the jail; its policy governs notice of release.",
            )
    press(page, button(page, "save and continue"))
    expect(page.get_by_text("ICE-cooperation questions saved.")).to_be_visible()
    if "/review/" not in page.url:  # reported by the role journey; not a keyboard matter
        press(page, link(page, "Review and submit").first)

    # Back to the certification: the signing request is sent with the keyboard too.
    press(page, link(page, r"Section 1373 certification").first)
    press(page, button(page, "send the signing request"))
    expect(page.get_by_text(f"Signing request sent to {CLO_NAME}")).to_be_visible()

    # The officer opens the link mailed to them and signs, in their own browser.
    officer_signs_with_the_keyboard(
        person(), link_in_latest_mail("/applications/sign/", to=CLO_EMAIL)
    )
    page.reload()
    expect(page.get_by_text(f"Signed by {CLO_NAME}").first).to_be_visible()
    press(page, link(page, "Review and submit").first)

    # Review, attestation, submit.
    saved_and_on(page, "Review and submit")
    tick(page, page.get_by_role("checkbox", name=re.compile(r"^I attest")))
    press(page, button(page, "submit statement of interest"))
    alert = page.get_by_text(re.compile(r"your reference number is", re.I))
    # Tests run tasks inline: the live server renders the receipt inside the submission.
    expect(alert).to_be_visible(timeout=PDF_TIMEOUT)
    reference = re.search(r"reference number is (\S+?)\.", alert.inner_text()).group(1)

    # The receipt: its status page while it renders, or the PDF once ready (in-process).
    receipt = page.locator("dt:text-is('Receipt') + dd").get_by_role("link")
    if receipt.inner_text().strip() == "Download PDF receipt":
        reach(page, receipt)
        with page.expect_download() as download:
            page.keyboard.press("Enter")
    else:
        press(page, receipt)
        expect(page).to_have_url(re.compile(r"/reports/"))
        ready = link(page, "download the pdf")
        expect(ready).to_be_visible(timeout=90_000)
        reach(page, ready)
        with page.expect_download() as download:
            page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"{reference}-receipt.pdf"
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")

    # The receipt prints the officer's signature block: who, when, which text, what digest.
    from applications.models import SignatureRequest

    signature = SignatureRequest.objects.get(officer_email=CLO_EMAIL, status="signed")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    signed_at = timezone.localtime(signature.signed_at).strftime("%B %-d, %Y, %-I:%M")
    for expected in (
        f"{CLO_NAME}, Law Director ({CLO_EMAIL})",
        signed_at,
        f"Version {signature.text_version.version}",
    ):
        assert expected in text, f"the receipt lacks {expected!r}:\n{text}"
    # Long digests may wrap in the PDF's text: compare without whitespace.
    packed = re.sub(r"\s", "", text)
    assert signature.text_sha256 in packed and signature.content_sha256 in packed
