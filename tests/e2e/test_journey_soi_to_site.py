"""The role journeys of issue 7, end to end in one story, each page audited by axe-core:

1. an applicant signs up, verifies the email, files every section of a Statement of
   Interest (one section first with errors), uploads the two letters, certifies,
   answers the ICE questions, submits, and downloads the PDF receipt;
2. a reviewer (assigned by the selecting official in the assignment page) signs in
   with MFA, declares no conflict and scores the SOI (a bad score first);
3. the selecting official overrides nothing, selects it (an empty rationale first)
   and releases the cycle's decisions; the applicant sees "Selected" and the letter;
4. the liaison of the new site logs a planned engagement, marks it delivered, logs a
   second one, imports a CSV (a bad file first), and downloads a site report.

One test, because each journey starts where the previous one ended: the only rows made
in the database are the staff accounts, the cycle (with its seeded texts) and the
liaison's assignment to the site the selection created (issue 7 allows those).

PDFs (receipt, decision letter, site report) come from a REAL Celery worker over Redis
when REDIS_URL is set and the database is PostgreSQL; otherwise (a developer's SQLite
run) in-process, and the test prints which. With CI set the real worker is required.
Every page runs under the real Content-Security-Policy.
"""

import csv
import io
import os
import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from accounts import roles
from tests.conftest import make_staff
from tests.e2e.helpers import (
    E2E_DB,
    EMAIL,
    LEDGER,
    audit,
    check_no_horizontal_scroll,
    field,
    link_in_latest_mail,
    nav_link,
    note,
    screenshot,
    sign_in,
    sign_out,
)
from tests.factories import CycleFactory

pytestmark = E2E_DB

APPLICANT_EMAIL = "dana.whitfield@cityofmaplewood.gov"
APPLICANT_PASSWORD = "violet lantern harbor 1987"
JURISDICTION = "City of Maplewood"
CLO_NAME = "Marisol Vance"
CLO_EMAIL = "mvance@cityofmaplewood.gov"
CLO_PASSWORD = "amber quarry lighthouse 2031"
PDF_TIMEOUT = 90_000  # ms: a cold WeasyPrint in a fresh worker on a busy 2-core machine


# ---------------------------------------------------------------------------
# Where the PDFs are rendered
# ---------------------------------------------------------------------------
def _real_worker_possible() -> tuple[bool, str]:
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        return False, "REDIS_URL is not set"
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return False, "the database is not PostgreSQL (a worker cannot share SQLite tests)"
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return False, f"Redis at {redis_url} does not answer: {exc}"
    return True, ""


@pytest.fixture
def pdf_worker(settings, tmp_path_factory, django_db_setup, monkeypatch):
    """A real `celery worker --pool=solo` over Redis on the test database, with the live
    server publishing to Redis (not eager); in-process outside CI when that cannot run."""
    possible, reason = _real_worker_possible()
    if not possible:
        if os.environ.get("CI"):
            pytest.fail(f"CI: the journey needs a real Celery worker, but {reason}", pytrace=False)
        note(f"journey PDFs rendered IN-PROCESS (eager Celery): {reason}")
        yield SimpleNamespace(mode="in-process", output=lambda: "", mail_dir=None)
        return

    from psp_portal.celery import app
    from tests.integration.worker import running_worker

    redis_url = os.environ["REDIS_URL"]
    media = tmp_path_factory.mktemp("journey-media")
    # The live server (this process) and the worker store and read files in one place.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media), "base_url": None},
        },
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def reset_pools():
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    # Mail is delivered by a Celery task too, but the journey reads the sign-up mail from
    # this process's locmem outbox: deliver the live server's mail here (PDFs, and the mail
    # the worker itself queues, stay in the worker; tests/integration covers mail there).
    from notifications import services as mail_services

    monkeypatch.setattr(
        mail_services,
        "_enqueue_delivery",
        lambda email_id: mail_services.email_deliver(email_id=email_id),
    )
    saved = app.conf.broker_url, app.conf.task_always_eager
    mail_dir = tmp_path_factory.mktemp("journey-worker-mail")
    with running_worker(
        redis_url=redis_url,
        media_root=media,
        log_dir=tmp_path_factory.mktemp("journey-worker"),
        name="psp-e2e-journey",
        mail_dir=mail_dir,
    ) as (_, output):
        try:
            app.conf.broker_url, app.conf.task_always_eager = redis_url, False
            reset_pools()
            note(f"journey PDFs rendered by a REAL Celery worker over Redis ({redis_url})")
            yield SimpleNamespace(mode="worker", output=output, mail_dir=mail_dir)
        finally:
            app.conf.broker_url, app.conf.task_always_eager = saved
            reset_pools()


# ---------------------------------------------------------------------------
# Small helpers: what a person does, said once
# ---------------------------------------------------------------------------
def button(page_or_scope, name: str):
    return page_or_scope.get_by_role("button", name=re.compile(name, re.I))


def heading(page: Page, name: str):
    return page.get_by_role("heading", level=1, name=re.compile(name, re.I))


def labelled(page_or_scope, label: str):
    """The control whose label is exactly `label` (plus an optional required asterisk)."""
    return field(page_or_scope, re.escape(label))


def choose(scope, text: str):
    """Tick a USWDS radio or checkbox by clicking its visible label, as a person does."""
    scope.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(text)}")).first.click()


def file_input(page: Page, label: str):
    """A file field, found through its visible label's `for`.

    USWDS's file-input script sets aria-label="Drag file here or choose from folder" on
    the input, which overrides the <label>: a screen reader announces that phrase, never
    "Signed letter (PDF)" (WCAG 1.3.1, 2.5.3 Label in Name, 4.1.2). Reported once per
    test as a defect; the journey goes on."""
    label_for = page.locator("label.usa-label", has_text=label).first.get_attribute("for")
    control = page.locator(f"#{label_for}")
    expect(control).to_have_attribute("type", "file")
    aria_label = control.get_attribute("aria-label")
    if aria_label and label not in aria_label and not control.get_attribute("aria-labelledby"):
        if not any("file input" in p for p in LEDGER.pending):
            defect(
                f"file input {label!r} on /{page.url.split('/', 3)[-1]}: its accessible name is "
                f"{aria_label!r} (USWDS's file-input JS sets aria-label, overriding the <label>). "
                "Fix in templates/uswds/field.html for kind == 'file': give the <label> an id "
                "(e.g. {{ field.auto_id }}_label) and the input "
                'aria-labelledby="{{ field.auto_id }}_label" (aria-labelledby wins over '
                "aria-label; cf. civiform/civiform#13854). Affects every FileField "
                "(letters, engagement CSV import, attachments)."
            )
    return control


def expect_field_error(page: Page, control, message: str):
    """The message is beside the field (tied to it by aria-describedby) and in the summary."""
    expect(page.locator(".usa-error-summary")).to_contain_text(message)
    described = control.get_attribute("aria-describedby") or ""
    ids = [i for i in described.split() if i.endswith("_error")]
    assert ids, f"the field has no error message tied to it (aria-describedby={described!r})"
    expect(page.locator(f"#{ids[0]}")).to_contain_text(message)
    expect(control).to_have_attribute("aria-invalid", "true")


def defect(message: str) -> None:
    """A defect found on the way: the journey goes on as a person would, and the test
    fails at its end with this message (see conftest.pytest_runtest_call)."""
    LEDGER.pending.append(f"DEFECT: {message}")
    print(f"DEFECT: {message}")


def visit(page: Page, label: str, *, reflow: bool = True, shot: str | None = None):
    audit(page, label)
    if reflow:
        check_no_horizontal_scroll(page)
    if shot:
        screenshot(page, shot)


def make_pdf(path: Path, title: str) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": title, "/Author": JURISDICTION})
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def download_pdf(page: Page, link) -> tuple[str, list[str]]:
    """Click a download link; return the suggested file name and each page's text."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-"), f"{download.suggested_filename} is not a PDF"
    reader = PdfReader(io.BytesIO(data))
    return download.suggested_filename, [p.extract_text() or "" for p in reader.pages]


def wait_for_pdf_and_download(page: Page, what: str) -> tuple[str, list[str]]:
    """On a report's page: it updates itself (report-status.js) until the PDF is ready."""
    expect(heading(page, "")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"download the pdf", re.I))
    started = time.monotonic()
    expect(link).to_be_visible(timeout=PDF_TIMEOUT)
    note(f"{what}: ready {time.monotonic() - started:.1f} s after its page opened")
    visit(page, f"{what} ready", reflow=False)
    return download_pdf(page, link)


# ---------------------------------------------------------------------------
# 1. Applicant
# ---------------------------------------------------------------------------
CONTACTS = {
    "Chief executive (mayor or county executive)": (
        "Gloria Tate", "Mayor", "mayor@cityofmaplewood.gov", "419-555-0101"),
    "Head of the lead agency (chief or sheriff)": (
        "Raymond Keel", "Chief of Police", "rkeel@maplewoodpd.gov", "419-555-0102"),
    "Prosecutor": (
        "Anita Brooks", "County Prosecutor", "abrooks@lucascountyoh.gov", "419-555-0103"),
    "Chief legal officer": (
        CLO_NAME, "Law Director", "mvance@cityofmaplewood.gov", "419-555-0104"),
    "Primary point of contact": (
        "Dana Whitfield", "Grants Manager", APPLICANT_EMAIL, "419-555-0105 x12"),
}  # fmt: skip
# (murder, rape, robbery, aggravated assault, population): 2,000 in 270,000 = 740.7.
CRIME = [
    (40, 160, 700, 1100, 270_000),
    (38, 150, 690, 1080, 271_200),
    (44, 171, 720, 1150, 272_500),
]
NARRATIVE = {
    "The violent crime problem and its trend": (
        "Violent crime in Maplewood has stayed near twice the national rate for three years. "
        "Most shootings cluster in four neighborhoods on the east side and involve young men "
        "aged 16 to 30; aggravated assaults rose seven percent last year."
    ),
    "Current strategies (Project Safe Neighborhoods included)": (
        "We run a focused-deterrence call-in with the county prosecutor, a Project Safe "
        "Neighborhoods task force with the U.S. Attorney's Office, and hot-spot patrols."
    ),
    "Partnerships (local, state, federal, U.S. Attorney's Office)": (
        "Partners include the Northern District of Ohio USAO, ATF, the state highway patrol, "
        "the county sheriff and two hospital-based violence intervention programs."
    ),
    "Leadership commitment and readiness for intensive TTA": (
        "The mayor, police chief and prosecutor have signed letters of commitment and named "
        "a deputy chief to coordinate the partnership full time."
    ),
    "Training and technical assistance wanted": (
        "We want help with crime-gun intelligence (NIBIN leads), homicide case management "
        "and a crime analysis unit that can measure what works."
    ),
}
FOCUS = ["Gun violence", "Crime analysis", "Investigations"]


def signing_link(pdf_worker) -> str:
    """The link in the signing request mailed to the officer (by the worker, if one runs),
    as a path: mail links start with SITE_URL, not the live server's address."""
    if pdf_worker.mail_dir is None:
        return urlsplit(link_in_latest_mail("/applications/sign/", to=CLO_EMAIL)).path
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted(Path(pdf_worker.mail_dir).glob("*.log"), reverse=True):
            body = path.read_text()
            if f"To: {CLO_EMAIL}" in body:
                return re.search(r"/applications/sign/[^/\s]+/", body).group(0)
        time.sleep(0.2)
    raise AssertionError(f"the worker mailed no signing link to {CLO_EMAIL}")


def officer_signs(page: Page, link: str) -> None:
    """The chief legal officer opens the link, creates an account with the address it was
    sent to, confirms it, records their name, and signs (a mismatched name first)."""
    page.goto(link)
    expect(heading(page, "Sign the Section 1373 certification")).to_be_visible()
    visit(page, "officer: signing link, signed out")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    field(page, EMAIL).fill(CLO_EMAIL)
    field(page, "password").fill(CLO_PASSWORD)
    field(page, r"password \(again\)|confirm password").fill(CLO_PASSWORD)
    button(page, r"^sign ?up$").click()
    # Email verification is mandatory (no account enumeration): confirm the address first.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(link_in_latest_mail("/accounts/confirm-email/", to=CLO_EMAIL))
    button(page, r"^confirm$").click()
    page.goto(link)
    expect(heading(page, f"Section 1373 certification for {JURISDICTION}")).to_be_visible()
    visit(page, "officer: record their name")
    labelled(page, "Your full name").fill(CLO_NAME)
    button(page, "save my name").click()
    expect(page.get_by_text("The Statement of Interest you certify")).to_be_visible()
    visit(page, "officer: certification and SOI summary", shot="officer-certify")
    choose(page, "I certify, as stated above")
    choose(page, "I am the chief legal officer named above")
    typed = labelled(page, "Your full name")
    typed.fill("M. Vance")
    button(page, r"^sign$").click()
    expect_field_error(page, typed, "exactly as it is on your account")
    expect(typed).to_have_value("M. Vance")
    visit(page, "officer: signature with errors", reflow=False)
    typed.fill(CLO_NAME)
    button(page, r"^sign$").click()
    expect(page.get_by_role("heading", name="Signed", exact=True)).to_be_visible()
    visit(page, "officer: signed")


def applicant_files_and_submits(
    page: Page, cycle, tmp_path: Path, officer_window, pdf_worker
) -> str:
    # Sign up and verify the email from the mailbox.
    page.goto("/accounts/signup/")
    field(page, EMAIL).fill(APPLICANT_EMAIL)
    field(page, "password").fill(APPLICANT_PASSWORD)
    field(page, r"password \(again\)|confirm password").fill(APPLICANT_PASSWORD)
    button(page, r"^sign ?up$").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(link_in_latest_mail("/accounts/confirm-email/", to=APPLICANT_EMAIL))
    button(page, r"^confirm$").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    page.get_by_role("navigation").get_by_role("link", name="My Statements of Interest").click()
    expect(page.get_by_text(cycle.name).first).to_be_visible()
    visit(page, "my SOIs (open cycle, none started)")
    page.get_by_role("link", name="Start a Statement of Interest").click()
    visit(page, "start an SOI")
    button(page, r"^start$").click()  # nothing typed: the jurisdiction's name is required
    expect_field_error(page, labelled(page, "Legal name of the jurisdiction"), "required")
    visit(page, "start an SOI with errors", reflow=False)
    labelled(page, "Legal name of the jurisdiction").fill(JURISDICTION)
    labelled(page, "Type").select_option(label="City")
    labelled(page, "State or territory").select_option(label="Ohio")
    button(page, r"^start$").click()

    # Jurisdiction profile (ORI typed in lower case: the portal upper-cases it).
    expect(heading(page, "Jurisdiction")).to_be_visible()
    visit(page, "SOI section: jurisdiction", shot="soi-profile")
    labelled(page, "Population").fill("272500")
    labelled(page, "Population year").fill("2025")
    labelled(page, "Lead law-enforcement agency").fill("Maplewood Police Department")
    labelled(page, "Lead agency ORI").fill("oh0570100")
    labelled(page, "Federal judicial district").select_option(label="Northern District of Ohio")
    labelled(page, "UEI (optional)").fill("JX7LQ2M9KPA4")
    button(page, "save and continue").click()

    # Contacts: five people, four fields each.
    expect(heading(page, "Contacts")).to_be_visible()
    visit(page, "SOI section: contacts")
    for role, values in CONTACTS.items():
        for part, value in zip(("name", "title", "email", "phone"), values, strict=True):
            labelled(page, f"{role}: {part}").fill(value)
    button(page, "save and continue").click()

    # Violent-crime figures: a negative count first.
    expect(heading(page, "Violent-crime figures")).to_be_visible()
    visit(page, "SOI section: crime figures (empty)")
    years = cycle.crime_years
    for year, row in zip(years, CRIME, strict=True):
        for label, value in zip(
            ("Murder and nonnegligent manslaughter", "Rape", "Robbery", "Aggravated assault",
             "Population"),
            row,
            strict=True,
        ):  # fmt: skip
            labelled(page, f"{year}: {label}").fill(str(value))
        choose(page.get_by_role("group", name=re.compile(rf"^{year}: data source", re.I)),
               "FBI UCR / NIBRS")  # fmt: skip
    robbery = labelled(page, f"{years[0]}: Robbery")
    robbery.fill("-5")
    button(page, r"^save$").click()
    expect_field_error(page, robbery, "A count cannot be negative.")
    # Everything typed is still there, the wrong value too, so it can be corrected.
    expect(robbery).to_have_value("-5")
    expect(labelled(page, f"{years[2]}: Aggravated assault")).to_have_value(str(CRIME[2][3]))
    expect(labelled(page, f"{years[1]}: Population")).to_have_value(str(CRIME[1][4]))
    visit(page, "SOI section: crime figures with errors", shot="soi-crime-errors")
    robbery.fill("700")
    button(page, r"^save$").click()
    rates = page.get_by_role("table", name=re.compile("rates computed by the portal", re.I))
    expect(rates).to_be_visible()
    expect(rates.get_by_role("row", name=re.compile(rf"^{years[0]}\b"))).to_contain_text("740.7")
    visit(page, "SOI section: crime figures saved, rates shown")
    button(page, "save and continue").click()

    # Narrative within the word limits, and focus areas.
    expect(heading(page, "Narrative")).to_be_visible()
    visit(page, "SOI section: narrative")
    for label, text in NARRATIVE.items():
        labelled(page, label).fill(text)
    focus = page.get_by_role("group", name=re.compile("TTA focus areas", re.I))
    for area in FOCUS:
        choose(focus, area)
    button(page, "save and continue").click()

    # Letters: the two required, as real PDFs.
    expect(heading(page, "Letters of commitment")).to_be_visible()
    visit(page, "SOI section: letters (none yet)")
    for kind, name in (
        ("Chief executive", "mayor-tate-letter.pdf"),
        ("Head of the lead agency", "chief-keel-letter.pdf"),
    ):
        labelled(page, "Letter from").select_option(label=kind)
        file_input(page, "Signed letter (PDF)").set_input_files(
            str(make_pdf(tmp_path / name, f"Letter of commitment from the {kind.lower()}"))
        )
        button(page, r"^upload$").click()
        expect(page.get_by_role("link", name=name)).to_be_visible()
    visit(page, "SOI section: letters uploaded")
    page.get_by_role("link", name="Continue to the Section 1373 certification").click()

    # Certification: the applicant names the chief legal officer (a malformed address
    # first, then the applicant's own); the officer signs later, personally.
    expect(heading(page, "Section 1373 certification")).to_be_visible()
    visit(page, "SOI section: certification")
    expect(page.get_by_text("Status: Not sent")).to_be_visible()
    labelled(page, "Chief legal officer's full name").fill(CLO_NAME)
    labelled(page, "Title").fill("Law Director")
    email = labelled(page, "Email")
    email.fill("mvance-at-cityofmaplewood")
    button(page, r"^save$").click()
    expect_field_error(page, email, "Enter an email address like name@city.gov.")
    expect(labelled(page, "Chief legal officer's full name")).to_have_value(CLO_NAME)
    visit(page, "SOI section: certification with errors", reflow=False)
    email.fill(APPLICANT_EMAIL)
    button(page, r"^save$").click()
    expect_field_error(page, email, "The chief legal officer signs personally")
    email.fill(CLO_EMAIL)
    button(page, "save and continue").click()

    # The three ICE-cooperation questions: one "Not applicable", explained.
    expect(heading(page, "ICE-cooperation questions")).to_be_visible()
    visit(page, "SOI section: ICE questions")
    for number, answer in ((1, "Yes"), (2, "Yes"), (3, "Not applicable")):
        choose(page.get_by_role("group", name=re.compile(rf"^Question {number}\.")), answer)
    labelled(page, "Question 3: explanation or citation").fill(
        "The city operates no jail; arrestees are held by the county sheriff, whose "
        "detention policy governs notice of release."
    )
    labelled(page, "Question 1: explanation or citation").fill("Maplewood Ord. 2017-114, sec. 3.")
    button(page, "save and continue").click()

    # "Save and continue" on the last section should lead to the review step.
    expect(page.get_by_text("ICE-cooperation questions saved.")).to_be_visible()
    if "/review/" not in page.url:
        defect(
            "applications/views/sections.py section_edit: 'Save and continue' on the last "
            "section (ICE questions) stays on the section; it should redirect to "
            "applications:review when _next_section() is None."
        )
        page.get_by_role("link", name=re.compile(r"Review and submit")).first.click()

    # Review: not submittable until the chief legal officer has signed.
    expect(heading(page, "Review and submit")).to_be_visible()
    expect(page.get_by_text("Signature of the chief legal officer named").first).to_be_visible()

    # Every section is filled: the applicant sends the signing request; the officer
    # opens the mailed link in a browser of their own, signs up and signs.
    page.get_by_role("link", name=re.compile(r"Section 1373 certification")).first.click()
    button(page, "send the signing request").click()
    expect(page.get_by_text(f"Signing request sent to {CLO_NAME}")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Status: Sent on"))).to_be_visible()
    visit(page, "SOI section: certification, request sent")
    officer_signs(officer_window(), signing_link(pdf_worker))
    page.reload()
    expect(page.get_by_text(f"Signed by {CLO_NAME}").first).to_be_visible()
    visit(page, "SOI section: certification, signed")
    page.get_by_role("link", name=re.compile(r"Review and submit")).first.click()

    # Review, then submit: the attestation is required.
    expect(heading(page, "Review and submit")).to_be_visible()
    expect(page.get_by_text("740.7").first).to_be_visible()
    visit(page, "SOI review and submit", shot="soi-review")
    button(page, "submit statement of interest").click()
    attestation = page.get_by_label(re.compile(r"^I attest"))
    expect_field_error(page, attestation, "Check the attestation to submit.")
    visit(page, "SOI review and submit with errors", reflow=False)
    choose(page, "I attest")
    button(page, "submit statement of interest").click()

    alert = page.get_by_text(re.compile(r"your reference number is", re.I))
    expect(alert).to_be_visible()
    reference = re.search(r"reference number is (\S+?)\.", alert.inner_text()).group(1)
    expect(heading(page, re.escape(reference))).to_be_visible()
    visit(page, "SOI submitted", shot="soi-submitted")

    # The receipt: ready already (in-process), or its page updates itself until it is.
    receipt = page.locator("dt:text-is('Receipt') + dd").get_by_role("link")
    expect(receipt).to_be_visible()
    if receipt.inner_text().strip() == "Download PDF receipt":
        name, pages = download_pdf(page, receipt)  # rendered already (in-process)
    else:  # its status ("Pending", "Rendering"): the report's page updates itself
        receipt.click()
        name, pages = wait_for_pdf_and_download(page, "SOI receipt")
    text = "\n".join(pages)
    assert reference in text, f"the receipt {name} does not show {reference}"
    # The chief legal officer's signature block.
    for expected in (CLO_NAME, "Law Director", CLO_EMAIL, "Text signed", "SOI digest signed"):
        assert expected in text, f"the receipt {name} lacks {expected!r}:\n{text}"
    assert name == f"{reference}-receipt.pdf"
    return reference


# ---------------------------------------------------------------------------
# Other people, other browsers
# ---------------------------------------------------------------------------
@pytest.fixture
def person(browser, browser_context_args, browser_log):
    """A browser window of its own for each staff member (their own cookies), watched for
    CSP violations and script errors like the main page."""
    from tests.e2e.conftest import CSP_LISTENER

    opened = []

    def open_window() -> Page:
        context = browser.new_context(**browser_context_args)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        context.add_init_script(CSP_LISTENER)
        opened.append(context)
        window = context.new_page()
        browser_log.watch(window)
        return window

    yield open_window
    for context in opened:
        context.close()


def nav(page: Page, name: str):
    nav_link(page, name).click()


# ---------------------------------------------------------------------------
# 2. Reviewer (assigned by the selecting official)
# ---------------------------------------------------------------------------
def official_assigns_reviewer(so: Page, reference: str, reviewer) -> None:
    nav(so, "Review queue")
    visit(so, "review queue (selecting official, one SOI)", shot="review-queue")
    so.get_by_role("link", name=reference).click()
    expect(heading(so, JURISDICTION)).to_be_visible()
    visit(so, "SOI under review (selecting official, no reviews yet)")
    so.get_by_role("link", name="Assign reviewers").click()
    visit(so, "assign reviewers")
    button(so, r"^assign$").click()  # nobody chosen
    expect(so.locator(".usa-error-summary")).to_be_visible()
    visit(so, "assign reviewers with errors", reflow=False)
    choose(so, reviewer.full_name)
    button(so, r"^assign$").click()
    expect(so.get_by_text("1 reviewer assigned.")).to_be_visible()


def reviewer_scores(rv: Page, reviewer, reference: str) -> None:
    sign_in(rv, reviewer.email, totp_secret=reviewer.totp_secret)
    nav(rv, "Review queue")
    visit(rv, "review queue (reviewer, one assigned)")
    rv.get_by_role("link", name=reference).click()

    # The declaration comes first, and is required.
    expect(rv).to_have_url(re.compile(r"/conflict/$"))
    visit(rv, "conflict-of-interest declaration")
    button(rv, "record my declaration").click()
    expect(rv.locator(".usa-error-summary")).to_be_visible()
    visit(rv, "conflict-of-interest declaration with errors", reflow=False)
    choose(rv, "No, I have no conflict of interest")
    button(rv, "record my declaration").click()
    expect(rv.get_by_text("Declaration recorded.")).to_be_visible()
    visit(rv, "SOI under review (reviewer)", shot="soi-under-review")

    rv.get_by_role("link", name="Score this SOI").click()
    visit(rv, "review form", shot="review-form")
    scores = {
        "Severity of violent crime": "5",
        "Leadership commitment": "4",
        "Readiness for intensive TTA": "4",
        "Partnerships": "3",
        "Clarity of TTA needs": "4",
    }
    for criterion, value in scores.items():
        labelled(rv, f"{criterion}: score (0-5)").select_option(value)
        labelled(rv, f"{criterion}: comment").fill(f"{criterion}: well supported by the SOI.")
    choose(rv.get_by_role("group", name=re.compile("Overall recommendation")), "Select")
    # A score outside 0-5 (a stale or altered form): refused beside the field.
    severity = labelled(rv, "Severity of violent crime: score (0-5)")
    severity.evaluate("el => { el.add(new Option('7', '7')); el.value = '7'; }")
    button(rv, r"^submit review$").click()
    severity = labelled(rv, "Severity of violent crime: score (0-5)")
    expect_field_error(rv, severity, "Scores run from 0 to 5.")
    # The other scores and comments were kept.
    expect(labelled(rv, "Partnerships: score (0-5)")).to_have_value("3")
    expect(labelled(rv, "Clarity of TTA needs: comment")).to_have_value(
        "Clarity of TTA needs: well supported by the SOI."
    )
    visit(rv, "review form with errors", reflow=False, shot="review-form-errors")
    severity.select_option("5")
    if not rv.get_by_role("radio", name="Select", exact=True).is_checked():
        choose(rv.get_by_role("group", name=re.compile("Overall recommendation")), "Select")
    labelled(rv, "Notes").fill("Strong candidate; the USAO partnership is already working.")
    button(rv, r"^submit review$").click()
    expect(rv.get_by_text("Review submitted.")).to_be_visible()
    visit(rv, "SOI under review (reviewer, review submitted)")


# ---------------------------------------------------------------------------
# 3. Selecting official decides and releases; the applicant sees it
# ---------------------------------------------------------------------------
def official_selects_and_releases(so: Page, cycle, reference: str) -> None:
    nav(so, "Selection slate")
    visit(so, "selection slate index")
    so.get_by_role("link", name=cycle.name).click()
    expect(so.get_by_role("link", name=re.compile(JURISDICTION))).to_be_visible()
    visit(so, "selection slate (one SOI, reviewed)", shot="slate")
    so.get_by_role("link", name="Record decision").click()
    visit(so, "decision form")
    choose(so.get_by_role("group", name=re.compile("^Decision")), "Selected")
    button(so, "record decision").click()  # no rationale
    expect_field_error(so, labelled(so, "Rationale"), "required")
    expect(so.get_by_role("radio", name="Selected", exact=True)).to_be_checked()
    visit(so, "decision form with errors", reflow=False)
    labelled(so, "Rationale").fill(
        "Violent crime near twice the national rate for three years, committed leadership "
        "and a working USAO partnership; the review panel recommends selection."
    )
    button(so, "record decision").click()
    expect(so.get_by_text(re.compile("Decision recorded"))).to_be_visible()
    visit(so, "selection slate (decided, not released)")
    button(so, "release decisions").click()
    expect(so.get_by_text(re.compile(r"1 decision released"))).to_be_visible()
    visit(so, "selection slate (released)")
    so.get_by_role("link", name=re.compile(JURISDICTION)).first.click()
    expect(so.get_by_role("link", name=re.compile(JURISDICTION)).first).to_be_visible()


def applicant_sees_decision(page: Page, reference: str) -> None:
    # The applicant comes back another day and signs in again.
    sign_out(page)
    sign_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    nav(page, "My Statements of Interest")
    row = page.get_by_role("row", name=re.compile(re.escape("PSP 2026 cycle")))
    expect(row).to_contain_text("Selected")
    visit(page, "my SOIs (selected)", shot="soi-selected")
    page.get_by_role("link", name=re.compile(reference)).or_(
        page.get_by_role("link", name="PSP 2026 cycle")
    ).first.click()
    expect(page.locator("dl").first).to_contain_text("Selected")
    visit(page, "SOI detail (selected)")
    page.get_by_role("link", name=re.compile(r"^Decision letter")).click()
    name, pages = wait_for_pdf_and_download(page, "decision letter")
    text = "\n".join(pages)
    assert JURISDICTION in text or reference in text, f"{name}: {text[:300]}"


# ---------------------------------------------------------------------------
# 4. Liaison of the new site
# ---------------------------------------------------------------------------
def liaison_logs_engagements(lz: Page, liaison, tmp_path: Path) -> None:
    today = timezone.localdate()
    sign_in(lz, liaison.email, totp_secret=liaison.totp_secret)
    nav(lz, "My workspace")
    visit(lz, "liaison workspace (one site, nothing logged)", shot="workspace")
    lz.get_by_role("link", name=re.compile(rf"^{JURISDICTION}")).first.click()
    visit(lz, "site detail (new site)", shot="site-detail")
    site_path = lz.url.split("/", 3)[-1]
    site_id = re.search(r"sites/(\d+)/", lz.url).group(1)

    # A planned engagement; the end date before the start date first.
    lz.get_by_role("link", name="Log an engagement").click()
    visit(lz, "log an engagement")
    planned_start = today + timedelta(days=14)
    labelled(lz, "Title").fill("Crime-gun intelligence assessment")
    labelled(lz, "Type").select_option(label="Assessment")
    choose(lz.get_by_role("group", name=re.compile("Focus areas")), "Gun violence")
    labelled(lz, "Provider").fill("ATF")
    labelled(lz, "Start date").fill(planned_start.isoformat())
    labelled(lz, "End date").fill((planned_start - timedelta(days=1)).isoformat())
    labelled(lz, "Delivery").select_option(label="On site")
    labelled(lz, "Hours").fill("16")
    labelled(lz, "Target audience").fill("Gun crimes unit and crime analysts")
    labelled(lz, "Status").select_option(label="Planned")
    button(lz, r"^(save|log)").click()
    end_date = labelled(lz, "End date")
    expect_field_error(lz, end_date, "The end date is before the start date")
    expect(labelled(lz, "Title")).to_have_value("Crime-gun intelligence assessment")
    visit(lz, "log an engagement with errors", reflow=False, shot="engagement-errors")
    end_date.fill((planned_start + timedelta(days=1)).isoformat())
    button(lz, r"^(save|log)").click()
    expect(lz.get_by_text(re.compile(r"Engagement logged"))).to_be_visible()
    visit(lz, "engagement detail (planned)")

    # It took place earlier than planned: mark it delivered with the actual figures.
    lz.get_by_role("link", name="Mark delivered").click()
    visit(lz, "mark delivered")
    labelled(lz, "Actual start date").fill((today - timedelta(days=2)).isoformat())
    labelled(lz, "Actual end date").fill((today - timedelta(days=1)).isoformat())
    labelled(lz, "Hours delivered").fill("-3")
    labelled(lz, "Participants").fill("22")
    labelled(lz, "Agencies represented").fill("4")
    button(lz, "mark delivered").click()
    hours = labelled(lz, "Hours delivered")
    expect_field_error(lz, hours, "Hours cannot be negative.")
    visit(lz, "mark delivered with errors", reflow=False)
    hours.fill("14.5")
    labelled(lz, "Outcomes").fill("NIBIN lead workflow mapped; three gaps found.")
    button(lz, "mark delivered").click()
    expect(lz.get_by_text("Marked delivered.")).to_be_visible()
    expect(lz.get_by_text(re.compile("Delivered")).first).to_be_visible()
    visit(lz, "engagement detail (delivered)")

    # A second engagement, delivered last week.
    lz.goto(f"/{site_path}")
    lz.get_by_role("link", name="Log an engagement").click()
    labelled(lz, "Title").fill("Homicide case-review training")
    labelled(lz, "Type").select_option(label="Training")
    choose(lz.get_by_role("group", name=re.compile("Focus areas")), "Investigations")
    labelled(lz, "Provider").fill("BJA")
    labelled(lz, "Start date").fill((today - timedelta(days=7)).isoformat())
    labelled(lz, "End date").fill((today - timedelta(days=7)).isoformat())
    labelled(lz, "Delivery").select_option(label="Virtual")
    labelled(lz, "Hours").fill("6")
    labelled(lz, "Participants").fill("35")
    labelled(lz, "Status").select_option(label="Delivered")
    button(lz, r"^(save|log)").click()
    expect(lz.get_by_text(re.compile(r"Engagement logged"))).to_be_visible()

    # CSV import: the template, then a bad file (row errors, nothing saved), then a good one.
    nav(lz, "My workspace")
    lz.get_by_role("link", name="Import engagements from CSV").click()
    visit(lz, "import engagements")
    with lz.expect_download() as info:
        lz.get_by_role("link", name="Download the CSV template").click()
    header = next(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert header[0] == "site_id" and "title" in header, header

    def write_csv(name: str, rows: list[dict]) -> str:
        path = tmp_path / name
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
        return str(path)

    # The site began today, at release: an engagement cannot be dated before it
    # (issue 13 item 10), and a delivered one cannot be in the future.
    day = today.isoformat()
    good = [
        {"site_id": site_id, "title": "Real-time crime center peer exchange",
         "type": "peer_exchange", "focus_areas": "technology;crime_analysis", "provider": "BJA",
         "start_date": day, "end_date": day, "delivery": "on_site", "hours": "8",
         "participants": "12", "agencies_represented": "3", "status": "delivered",
         "summary": "Visit to a peer city's real-time crime center."},
        {"site_id": site_id, "title": "Community violence intervention webinar",
         "type": "webinar", "focus_areas": "community_engagement", "provider": "CNA",
         "start_date": day, "end_date": day, "delivery": "virtual", "hours": "1.5",
         "participants": "40", "status": "delivered"},
    ]  # fmt: skip
    bad = [
        {**good[0], "type": "party", "end_date": (today - timedelta(days=30)).isoformat()},
        {**good[1], "hours": "-2"},
    ]
    file_input(lz, "CSV file").set_input_files(write_csv("bad-engagements.csv", bad))
    button(lz, "check and import").click()
    # The import runs in the background (the real worker): its page shows the progress,
    # then reloads itself with the result.
    problems = lz.get_by_role("table", name=re.compile("Problems by line", re.I))
    expect(problems).to_be_visible(timeout=60000)
    expect(lz.get_by_role("heading", name=re.compile(r"Nothing was imported"))).to_be_visible()
    expect(problems.get_by_role("row")).to_have_count(1 + 3, timeout=5000)
    visit(lz, "import engagements with row errors", shot="import-errors")
    lz.get_by_role("link", name="Import another file").click()
    file_input(lz, "CSV file").set_input_files(write_csv("engagements.csv", good))
    button(lz, "check and import").click()
    expect(lz.get_by_role("heading", name="Imported 2 engagements")).to_be_visible(timeout=60000)
    visit(lz, "import result")

    # A site report for a date range: the last dates first missing.
    nav(lz, "My reports")
    visit(lz, "my reports (liaison, none yet)")
    request_link = lz.get_by_role("link", name="Site engagement report", exact=True)
    if request_link.count():
        request_link.click()
    else:  # older pages: only the site page's per-year form links to it
        defect("reports: 'My reports' offers no way to request a site report for a date range")
        lz.goto("/reports/request/site_engagement/")
    visit(lz, "request a site report")
    labelled(lz, "Site").select_option(index=1)
    labelled(lz, "Year").fill("")
    labelled(lz, "From").fill((today - timedelta(days=60)).isoformat())
    button(lz, "request").click()
    expect_field_error(lz, labelled(lz, "To"), "Enter the last day of the range.")
    visit(lz, "request a site report with errors", reflow=False)
    labelled(lz, "To").fill(today.isoformat())
    button(lz, "request").click()
    name, pages = wait_for_pdf_and_download(lz, "site engagement report")
    text = " ".join(" ".join(pages).split())  # table cells wrap titles across lines
    for expected in (
        JURISDICTION,
        "Crime-gun intelligence assessment",  # planned, then delivered
        "Homicide case-review training",  # logged as delivered
        "Community violence intervention webinar",  # imported
        "Assessment 1 14.5 22",  # the actual figures, not the plan's
    ):
        assert expected in text, f"{name} lacks {expected!r}: {text[:2000]}"
    nav(lz, "My reports")
    expect(lz.get_by_role("link", name=re.compile(r"^Site engagement report #\d+"))).to_be_visible()
    visit(lz, "my reports (liaison, one report)")


def test_journeys_from_sign_up_to_site_report(page, person, pdf_worker, tmp_path):
    from sites.models import Site
    from sites.services import site_assign_liaison

    timings = {}
    started = time.monotonic()
    cycle = CycleFactory(name="PSP 2026 cycle")
    reference = applicant_files_and_submits(page, cycle, tmp_path, person, pdf_worker)
    timings["1 applicant"] = time.monotonic() - started

    official = make_staff(roles.SELECTING_OFFICIAL, full_name="Lena Marsh")
    reviewer = make_staff(roles.REVIEWER, full_name="Omar Haddad")
    so = person()
    sign_in(so, official.email, totp_secret=official.totp_secret)
    mark = time.monotonic()
    official_assigns_reviewer(so, reference, reviewer)
    reviewer_scores(person(), reviewer, reference)
    timings["2 reviewer"] = time.monotonic() - mark

    mark = time.monotonic()
    # Letters are signed by the signatory a program admin configured (no release without).
    from reports.services import report_settings_update

    report_settings_update(
        actor=None,
        signatory_name="Karen Friedman",
        signatory_title="Director, Bureau of Justice Assistance",
    )
    official_selects_and_releases(so, cycle, reference)
    applicant_sees_decision(page, reference)
    timings["3 selecting official"] = time.monotonic() - mark

    # The selection created the site; a program admin gives it its liaison (allowed shortcut).
    site = Site.objects.get(application__reference_number=reference)
    liaison = make_staff(roles.SITE_LIAISON, full_name="Renee Okafor")
    site_assign_liaison(site=site, liaison=liaison, actor=make_staff(roles.PROGRAM_ADMIN))
    mark = time.monotonic()
    liaison_logs_engagements(person(), liaison, tmp_path)
    timings["4 liaison"] = time.monotonic() - mark

    if pdf_worker.mode == "worker":
        # The receipt, the decision letter and the site report: all three by the worker.
        rendered = re.findall(r"report_render_task\[[^\]]+\] succeeded", pdf_worker.output())
        assert len(rendered) >= 3, f"the worker rendered {len(rendered)}:\n{pdf_worker.output()}"
    note(
        f"role journeys ({pdf_worker.mode}): "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
    )
