"""Documents fit to send (issue 11), checked on the PDF a reader gets, for every report kind.

Each case renders one kind from worst-case data (names of 120 characters, unicode,
long emails and tokens, a 1,000-row engagement table, zero rows) and is checked three
ways:
- layout (pdfplumber and WeasyPrint's boxes): no character overprints another, nothing
  runs off the page, no table row starts on one page and ends on the next;
- structure (pikepdf): PDF/UA basics, TH scopes, margin boxes as artifacts, one
  /Table per table, figures with an /Alt stating the finding, fonts embedded;
- text: letters read as letters, external documents carry no marking, internal ones
  the CUI banner and designation block.

A case is rendered once per test run and shared by the three checks (the 1,000-row
report takes seconds); every registered portal kind must have a case here.
"""

import datetime
import io
import re
from collections import defaultdict

import pdfplumber
import pikepdf
import pytest
from django.template.loader import render_to_string

from applications.models import Contact
from engagements.models import Engagement, FollowUpAction, NarrativeUpdate
from reports.kinds import EXTERNAL, all_kinds, get_kind
from reports.models import DEFAULT_MARKING, Report
from reports.pdf import PDF_OPTIONS, page_fragments, pdf_ua_repair, render_document, tagged_pdf
from reports.services import _pdf_context
from sites.models import TeamMember
from tests.factories import ApplicationFactory, JurisdictionFactory, SiteFactory
from tests.reviews.factories import DecisionFactory

pytestmark = pytest.mark.django_db

# 120 characters, accents and a non-Latin script among them.
LONG_NAME = (
    "Ciudad de San José de los Ángeles y Condado Metropolitano Unificado de "
    "Nueva Ñandú — Ōsaka-Straße Łódź Consolidated Gove"
)
assert len(LONG_NAME) == 120
LONG_EMAIL = "commissioner.of.public.safety.and.violence.reduction@police-department.nueva-nandu-metropolitan.example.gov"
SIGNATORY = ("Karen L. Friedman", "Director, Bureau of Justice Assistance")

INCH = 72
# Page margins are 0.75 in (reports) and 1 in (letters); the margin boxes sit inside
# them. Anything nearer the edge than half an inch has run off the layout.
EDGE = 0.5 * INCH


# --- worst-case data ------------------------------------------------------------------


_NAMES = iter(range(10, 10000))


def _unique_long_name() -> str:
    """LONG_NAME, its last two characters made unique (jurisdiction names are unique)."""
    return f"{LONG_NAME[:-2]}{next(_NAMES) % 100:02d}"


def _application(outcome=None):
    jurisdiction = JurisdictionFactory(name=_unique_long_name())
    application = ApplicationFactory(jurisdiction=jurisdiction, submitted=True)
    people = {
        "chief_executive": ("Terrence Hall", "Mayor"),
        "agency_head": ("Dolores Ibáñez-Øvergaard " + "Q" * 60, "Chief of Police"),
        "point_of_contact": ("Nguyễn Thị Minh Khai", "Violence Reduction Coordinator"),
    }
    for role, (name, title) in people.items():
        Contact.objects.filter(application=application, role=role).update(
            name=name, title=title, email=LONG_EMAIL
        )
    snapshot = application.snapshot
    snapshot["jurisdiction"]["legal_name"] = LONG_NAME
    snapshot["jurisdiction"]["uei"] = ""
    for person in snapshot["contacts"]:
        person["email"] = LONG_EMAIL
        person["name"] = LONG_NAME[:80]
    for letter in snapshot.get("letters", []):
        letter["original_name"] = "letter_of_commitment_" + "x" * 90 + ".pdf"
    application.snapshot = snapshot
    application.save(update_fields=["snapshot"])
    if outcome:
        return DecisionFactory(
            application=application,
            outcome=outcome,
            rationale=LONG_NAME,
            released_at=datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC),
        )
    return application


def _site(engagements: int):
    site = SiteFactory(jurisdiction=JurisdictionFactory(name=_unique_long_name()))
    TeamMember.objects.create(
        site=site, role=TeamMember.Role.values[0], name=LONG_NAME, email=LONG_EMAIL
    )
    rows = [
        Engagement(
            site=site,
            tracking_number=f"2025{n % 12 + 1:02d}01-{n:08d}",  # 17 characters, no break
            title=(LONG_NAME if n % 3 == 0 else f"Crime-analysis assessment {n}"),
            type=Engagement.Type.ASSESSMENT,
            focus_areas=["crime_analysis"],
            provider=LONG_EMAIL if n % 5 == 0 else "BJA",
            start_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 360),
            end_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 360 + 2),
            delivery=Engagement.Delivery.ON_SITE,
            status=Engagement.Status.DELIVERED,
            hours=1234,
            participants=180000 if n == 1 else 20,
        )
        for n in range(engagements)
    ]
    Engagement.objects.bulk_create(rows)
    if rows:
        first = Engagement.objects.filter(site=site).order_by("pk").first()
        FollowUpAction.objects.create(
            engagement=first,
            description=LONG_NAME,
            owner=LONG_EMAIL,
            due_date=datetime.date(2025, 6, 1),
        )
    return site


def _outcome_sites(count: int) -> None:
    """Sites with long unicode names and verified figures, some years missing.

    Every third site lacks a baseline year, every fourth has no year after its
    baseline, and one has no figures at all; 2021 (the NIBRS gap) is missing for half.
    """
    from tests.outcomes.helpers import national_rates, verified

    national_rates()
    for n in range(count):
        site = SiteFactory(
            jurisdiction=JurisdictionFactory(name=_unique_long_name()),
            cohort_year=2019,
            start_date=datetime.date(2019, 10, 1),
            expected_end_date=datetime.date(2022, 10, 1),
        )
        if n == count - 1:
            continue  # no figures
        for year in range(2016, 2024):
            if (year == 2017 and n % 3 == 0) or (year >= 2019 and n % 4 == 0):
                continue
            if year == 2021 and n % 2:
                continue
            verified(site, year, 1800 + 37 * n - 25 * (year - 2016) * (n % 5), 2_400_000 + n)


def _case_report(case: str, requester) -> Report:
    """An unsaved Report of the case's kind, with its data created."""
    if case.startswith("decision_letter"):
        outcome = "selected" if case.endswith("selected") and "not" not in case else "not_selected"
        decision = _application(outcome)
        return Report(pk=91, kind="decision_letter", params={"decision_id": decision.pk})
    if case == "soi_packet":
        application = _application()
        return Report(pk=92, kind="soi_packet", params={"application_id": application.pk})
    if case == "selection_slate":
        decision = _application("selected")
        _application()
        return Report(
            pk=93,
            kind="selection_slate",
            params={"cycle_id": decision.application.cycle_id},
            requested_by=requester,
        )
    if case in ("site_engagement_1000", "site_engagement_empty"):
        site = _site(1000 if case.endswith("1000") else 0)
        return Report(
            pk=94,
            kind="site_engagement",
            params={"site_id": site.pk, "year": 2025},
            requested_by=requester,
        )
    if case == "program_report":
        _site(40)
        _site(0)
        return Report(
            pk=95,
            kind="program_report",
            params={"start": "2025-01-01", "end": "2025-12-31"},
            requested_by=requester,
        )
    if case == "half_year_narrative":
        site = _site(300)
        NarrativeUpdate.objects.create(
            site=site, year=2025, half=1, narrative=(LONG_NAME + " ") * 40 + LONG_EMAIL
        )
        return Report(
            pk=96,
            kind="half_year_narrative",
            params={"site_id": site.pk, "year": 2025, "half": 1},
            requested_by=requester,
        )
    if case in ("outcome_report", "outcome_report_empty"):
        if case == "outcome_report_empty":  # a cohort with no sites at all
            return Report(
                pk=98, kind="outcome_report", params={"cohort_year": 2031}, requested_by=requester
            )
        _outcome_sites(24)
        return Report(pk=97, kind="outcome_report", params={}, requested_by=requester)
    raise AssertionError(f"no worst-case data for {case}")


CASES = [
    "soi_packet",
    "decision_letter_selected",
    "decision_letter_not_selected",
    "selection_slate",
    "site_engagement_1000",
    "site_engagement_empty",
    "program_report",
    "half_year_narrative",
    "outcome_report",
    "outcome_report_empty",
]
KIND_OF_CASE = {case: case.removesuffix("_1000").removesuffix("_empty") for case in CASES}
KIND_OF_CASE.update(
    decision_letter_selected="decision_letter", decision_letter_not_selected="decision_letter"
)
_RENDERED: dict[str, "Rendered"] = {}


class Rendered:
    def __init__(self, kind, html, document, pdf_bytes):
        self.kind, self.html, self.document, self.pdf_bytes = kind, html, document, pdf_bytes


@pytest.fixture
def rendered(request, program_admin, letter_signatory):
    """The case's PDF (rendered on first use, then shared by the layout/structure/text tests)."""

    def get(case):
        if case not in _RENDERED:
            report = _case_report(case, program_admin)
            kind = get_kind(report.kind)
            context = _pdf_context(report, kind)
            html = render_to_string(kind.template_name, context)
            document = render_document(kind.template_name, context)
            pdf_bytes = tagged_pdf(document)
            _RENDERED[case] = Rendered(kind, html, document, pdf_bytes)
        return _RENDERED[case]

    return get


def test_every_portal_kind_has_a_worst_case():
    test_kinds = {"test-figures", "test-system-only", "test-broken"}
    registered = {kind.slug for kind in all_kinds()} - test_kinds
    registered = {slug for slug in registered if not slug.startswith("test")}
    assert registered <= set(KIND_OF_CASE.values()), "add a worst case for each new kind"


# --- layout ---------------------------------------------------------------------------


def _overlap(a, b) -> bool:
    """Two glyph boxes overprint: they share more than a sliver both ways."""
    width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width > 1.0 and height > 0.5 * min(a["bottom"] - a["top"], b["bottom"] - b["top"])


def overprints(chars) -> list[str]:
    """Characters drawn over others (a grid of 20 pt cells keeps this linear)."""
    grid = defaultdict(list)
    found = []
    for char in chars:
        if not char["text"].strip():
            continue
        cells = {
            (int(x // 20), int(y // 20))
            for x in (char["x0"], char["x1"])
            for y in (char["top"], char["bottom"])
        }
        near = {id(other): other for cell in cells for other in grid[cell]}
        for other in near.values():
            if _overlap(char, other):
                found.append(
                    f"{other['text']!r}/{char['text']!r} at {char['x0']:.0f},{char['top']:.0f}"
                )
        for cell in cells:
            grid[cell].append(char)
    return found


def split_rows(document) -> list[str]:
    """Body rows whose box appears on two pages (a repeated header row is not one)."""
    from weasyprint.formatting_structure import boxes

    pages_of_row = defaultdict(set)
    element_of_row = {}

    def walk(box, page_number, in_header=False):
        if isinstance(box, boxes.TableRowGroupBox):
            in_header = in_header or box.is_header or box.is_footer
        if isinstance(box, boxes.TableRowBox) and not in_header:
            pages_of_row[id(box.element)].add(page_number)
            element_of_row[id(box.element)] = box.element
        for child in getattr(box, "children", []):
            walk(child, page_number, in_header)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    return [
        " ".join(element_of_row[key].itertext())[:60]
        for key, pages in pages_of_row.items()
        if len(pages) > 1
    ]


@pytest.mark.parametrize("case", CASES)
def test_layout_never_breaks(case, rendered):
    result = rendered(case)
    assert result.document.pages, case
    with pdfplumber.open(io.BytesIO(result.pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = page.chars
            assert not overprints(chars), f"{case} page {number}: {overprints(chars)[:5]}"
            off = [
                c["text"]
                for c in chars
                if c["x0"] < EDGE
                or c["x1"] > page.width - EDGE
                or c["top"] < EDGE / 2
                or c["bottom"] > page.height - EDGE / 2
            ]
            assert not off, f"{case} page {number}: off the page: {''.join(off)[:80]}"
    assert not split_rows(result.document), f"{case}: rows split across pages"


def test_the_layout_checks_catch_what_they_look_for():
    """The checks themselves: an overprint and a split row are found when present."""
    a = {"text": "2", "x0": 10, "x1": 16, "top": 10, "bottom": 20}
    b = {"text": "N", "x0": 12, "x1": 18, "top": 10, "bottom": 20}
    c = {"text": "x", "x0": 16.5, "x1": 22, "top": 10, "bottom": 20}  # kerning sliver
    assert overprints([a, b]) and not overprints([a, c])

    from weasyprint import HTML

    lines = "<br>".join(f"line {n}" for n in range(40))  # taller than a page: must split
    rows = f"<tr><td>first</td></tr><tr><td>{lines}</td></tr>"
    css = "<style>@page { size: 3in 2in; margin: 0.2in } tr { break-inside: auto }</style>"
    document = HTML(string=f"{css}<table><tbody>{rows}</tbody></table>").render()
    assert split_rows(document)


# --- structure (PDF/UA) ---------------------------------------------------------------


def _elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


@pytest.mark.parametrize("case", CASES)
def test_pdf_ua_structure(case, rendered):
    result = rendered(case)
    with pikepdf.open(io.BytesIO(result.pdf_bytes)) as pdf:
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.get("/Title", "")).strip(), "a document title"
        with pdf.open_metadata() as meta:
            assert meta.get("dc:title"), "title in XMP (PDF/UA)"
        elements = list(_elements(root.StructTreeRoot))
        # Every TH says which cells it heads.
        headers = [e for e in elements if e.S == "/TH"]
        assert headers or "<table" not in result.html, case
        assert all("/Scope" in e.A for e in headers), case
        # Figures carry an /Alt that states the finding, not just the chart's title.
        for figure in (e for e in elements if e.S == "/Figure"):
            alt = str(figure.get("/Alt", ""))
            assert "highest" in alt or "Total" in alt, f"{case}: figure /Alt {alt!r}"
        # Every marked-content sequence belongs to the tree or is an artifact.
        in_tree = {e.objgen for e in elements}
        nums = root.StructTreeRoot.ParentTree.Nums
        for index in range(0, len(nums), 2):
            if isinstance(nums[index + 1], pikepdf.Array):
                for parent in nums[index + 1]:
                    assert parent is None or parent.objgen in in_tree, case
        # Fonts embedded.
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = described.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # The margins (banner, running head, page numbers) are artifacts; the body is not.
    with pdfplumber.open(io.BytesIO(result.pdf_bytes)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            top, bottom = 0.7 * INCH, page.height - 0.7 * INCH
            margin = [c for c in page.chars if c["bottom"] < top or c["top"] > bottom]
            assert all(c["tag"] == "Artifact" for c in margin), f"{case} page {number}"
            if result.kind.slug != "decision_letter" or number > 1:
                assert margin, f"{case} page {number}: page number or running head"


# Worst cases with a table that crosses a page: WeasyPrint writes one /Table (inside one
# /Part, /Sect... of its own) per page, and pdf_ua_repair joins them.
SPLIT_TABLES = {
    "soi_packet",
    "program_report",
    "half_year_narrative",
    "site_engagement_1000",
    "outcome_report",
}


def _struct_kids(element):
    kids = element.get("/K")
    kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _first_mark(element, page=None):
    """(page, MCID) of the first marked content under a structure element, in tree order."""
    page = element.get("/Pg", page)
    kids = element.get("/K")
    for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            return page, kid
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            return kid.get("/Pg", page), int(kid.MCID)
        if (
            isinstance(kid, pikepdf.Dictionary)
            and "/S" in kid
            and (found := _first_mark(kid, page))
        ):
            return found
    return None


@pytest.mark.parametrize("case", CASES)
def test_one_table_element_per_table(case, rendered):
    result = rendered(case)
    top = {}  # (page, MCID) -> where its text starts on the page
    with pdfplumber.open(io.BytesIO(result.pdf_bytes)) as plumber:
        for number, page in enumerate(plumber.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (number, char["mcid"])
                    top[key] = min(top.get(key, char["top"]), char["top"])
    with pikepdf.open(io.BytesIO(result.pdf_bytes)) as pdf:
        page_of = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        root = pdf.Root.StructTreeRoot
        elements = list(_elements(root))
        tables = [e for e in elements if e.S == "/Table"]
        assert len(tables) == result.html.count("<table"), case
        rows, spans_pages = 0, False
        for table in tables:
            assert [str(k.S) for k in _struct_kids(table)].count("/THead") <= 1, case
            marks = [_first_mark(row) for row in _elements(table) if row.S == "/TR"]
            pages = [page_of[page.objgen] for page, _mcid in filter(None, marks)]
            # The rows in reading order: by page, then down the page.
            places = [
                (page_of[page.objgen], top[(page_of[page.objgen], mcid)])
                for page, mcid in filter(None, marks)
                if (page_of[page.objgen], mcid) in top
            ]
            assert places == sorted(places), f"{case}: rows out of order"
            rows += len(marks)
            spans_pages = spans_pages or len(set(pages)) > 1
        # Each HTML row once: the header row repeated on later pages is an artifact.
        assert rows == len(re.findall(r"<tr[\s>]", result.html)), case
        assert spans_pages == (case in SPLIT_TABLES), f"{case}: a table crosses a page"
        # Joining kept the tree consistent: parents, and the header cells /Headers names.
        for parent in [root, *elements]:
            for kid in _struct_kids(parent):
                assert kid.P.objgen == parent.objgen, case
        ids = {bytes(e.ID) for e in elements if "/ID" in e}
        id_tree = root.IDTree.Names if ids else []
        assert {bytes(id_tree[i]) for i in range(0, len(id_tree), 2)} == ids, case
        for cell in elements:
            attrs = cell.get("/A")
            if cell.S == "/TD" and isinstance(attrs, pikepdf.Dictionary) and "/Headers" in attrs:
                assert {bytes(h) for h in attrs.Headers} <= ids, case


def _drawing(pdf_bytes) -> list[bytes]:
    """Each page's content stream without its marked-content tags: what is drawn."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return [
            re.sub(rb"/\w+\s*<<[^>]*>>\s*BDC", b"BDC", page.Contents.read_bytes())
            for page in pdf.pages
        ]


@pytest.mark.parametrize("case", ["soi_packet", "program_report"])
def test_the_repair_draws_the_pages_as_weasyprint_did(case, rendered):
    """Only tags change (artifacts): the page images stay WeasyPrint's."""
    result = rendered(case)
    assert _drawing(result.pdf_bytes) == _drawing(result.document.write_pdf(**PDF_OPTIONS))


def test_a_weasyprint_without_the_tag_mapping_still_gets_its_pdf(rendered, monkeypatch, caplog):
    import weasyprint.pdf.tags

    document = rendered("soi_packet").document
    raw = document.write_pdf(**PDF_OPTIONS)
    monkeypatch.delattr(weasyprint.pdf.tags, "_get_pdf_tag")
    fragments = page_fragments(document)
    assert fragments is None
    assert "left unjoined" in caplog.text
    with pikepdf.open(io.BytesIO(pdf_ua_repair(raw, fragments=fragments))) as pdf:
        assert [e.S for e in _elements(pdf.Root.StructTreeRoot)].count("/Table") > 3


def test_fragments_are_left_alone_when_structure_and_layout_disagree(rendered, caplog):
    """A WeasyPrint whose tagging the layout walk no longer mirrors: nothing is joined."""
    document = rendered("program_report").document
    fragments = page_fragments(document)
    assert any(continues is not None for _tag, continues in fragments)
    raw = document.write_pdf(**PDF_OPTIONS)
    joined = pdf_ua_repair(raw, fragments=fragments)
    unjoined = pdf_ua_repair(raw, fragments=fragments[:-1])

    def tables(pdf_bytes):
        with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
            return [e.S for e in _elements(pdf.Root.StructTreeRoot)].count("/Table")

    assert "page fragments left unjoined" in caplog.text
    assert tables(unjoined) > tables(joined)


def test_web_fonts_are_embedded(rendered):
    with pikepdf.open(io.BytesIO(rendered("decision_letter_selected").pdf_bytes)) as pdf:
        names = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    assert any("SourceSansPro" in name or "Source" in name for name in names), names
    assert any("Merriweather" in name for name in names), names


# --- text -----------------------------------------------------------------------------


def page_texts(result) -> list[str]:
    with pdfplumber.open(io.BytesIO(result.pdf_bytes)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("case", CASES)
def test_markings_by_audience(case, rendered, program_admin):
    result = rendered(case)
    pages = page_texts(result)
    everything = flat(" ".join(pages))
    assert "FOUO" not in everything and "OFFICIAL USE ONLY" not in everything
    if result.kind.audience == EXTERNAL:
        assert "CUI" not in everything and "CONTROLLED" not in everything.upper().replace(
            "CONTROLLED BY", ""
        )
        assert "Controlled by" not in everything
        return
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == DEFAULT_MARKING, f"{case} page {number} banner at top"
        assert DEFAULT_MARKING in lines[-3:], f"{case} page {number} banner at bottom"
    first = flat(pages[0])
    for label in ("Controlled by:", "CUI Category:", "Limited Dissemination Control:", "POC:"):
        assert label in first, f"{case}: designation block {label}"
    assert "Controlled by:" not in flat(" ".join(pages[1:]))
    # A compact title block, then the content on the same page: no blank cover.
    assert result.kind.title.split()[0] in first and len(first) > 600
    # (The PDF is shared between tests, so the requester is matched by shape.)
    assert re.search(r"Requested by .+ \(\S+@\S+\)", first), first[:400]


@pytest.mark.parametrize("case", CASES)
def test_no_template_syntax_reaches_the_reader(case, rendered):
    # Django's {# #} comment is one line only: a longer one is printed (and a "<main>" in it
    # became an element of the structure tree).
    html = rendered(case).html
    assert not re.findall(r"\{[#%]|[#%]\}", html), case


@pytest.mark.parametrize("case", ["decision_letter_selected", "decision_letter_not_selected"])
def test_letters_are_letters(case, rendered, program_admin):
    result = rendered(case)
    pages = page_texts(result)
    first, everything = flat(pages[0]), flat(" ".join(pages))
    for line in (
        "U.S. Department of Justice",
        "Office of Justice Programs",
        "Bureau of Justice Assistance",
        "Washington, D.C. 20531",
    ):
        assert line in first, line
    assert "November 20, 2026" in first  # the letter date: the day of release
    head = first.index("November 20, 2026")
    addressee = first.index("Terrence Hall Mayor")
    assert head < addressee < first.index("Dear Mayor Hall:")
    assert flat(LONG_NAME)[:30] in first  # the jurisdiction in the addressee block
    name, title = SIGNATORY
    assert f"Sincerely, {name} {title}" in everything
    assert "cc: Dolores Ibáñez-Øvergaard" in everything
    assert "cc: Nguyễn Thị Minh Khai, Violence Reduction Coordinator" in everything
    assert "selected" in everything
    # Not a report: no cover, no staff, no report number.
    for absent in ("Report number", "Requested by", program_admin.email, "Generated", "Page 1"):
        assert absent not in everything, absent
    if "not" in case:
        assert "has not been selected" in everything
    else:
        assert "has been selected as a PSP site" in everything


def test_letter_pages_after_the_first_carry_a_running_head(rendered, settings):
    from reports.letters import salutation

    assert salutation("Terrence Hall", "Mayor") == "Dear Mayor Hall:"
    # A letter long enough for two pages: the addressee and date head page 2.
    report = _case_report("decision_letter_selected", None)
    kind = get_kind("decision_letter")
    context = _pdf_context(report, kind)
    context["cc"] = context["cc"] * 30
    document = render_document(kind.template_name, context)
    pdf_bytes = tagged_pdf(document)
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) >= 2
        second = flat(pdf.pages[1].extract_text())
        first = flat(pdf.pages[0].extract_text())
    assert second.startswith("Terrence Hall, ") and "November 20, 2026" in second[:200]
    assert "Page 2" in second[:250]
    assert "Page 1" not in first


def test_receipt_opens_with_reference_number_and_submission_time(rendered):
    result = rendered("soi_packet")
    lines = [flat(line) for line in page_texts(result)[0].splitlines() if line.strip()]
    assert (
        lines[0]
        == "U.S. DEPARTMENT OF JUSTICE · BUREAU OF JUSTICE ASSISTANCE · NATIONAL PUBLIC SAFETY PARTNERSHIP"
        or lines[0].startswith("U.S. DEPARTMENT")
    )
    assert lines[1] == "Statement of Interest receipt"
    assert re.match(
        r"Reference number PSP-\d{4}-\d{4} · submitted \w+ \d+, \d{4} at \d+:\d\d [AP]M ET",
        lines[2],
    )
    everything = flat(" ".join(page_texts(result)))
    assert "UEI Not provided" in everything  # not "UEI None"


def test_numbers_carry_thousands_separators_and_an_empty_chart_is_one_line(rendered):
    full = flat(" ".join(page_texts(rendered("site_engagement_1000"))))
    # 180,000 + 999 x 20 participants; 1,234 hours per engagement.
    assert "199,980" in full and "1,234" in full and "199980" not in full
    empty = rendered("site_engagement_empty")
    text = flat(" ".join(page_texts(empty)))
    assert "No engagements delivered in this period." in text
    assert "<svg" not in empty.html  # no empty plot
