import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from engagements.imports import COLUMNS, engagements_import, template_csv
from engagements.models import Engagement
from tests.conftest import make_staff
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _csv(rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile("import.csv", out.getvalue().encode(), content_type="text/csv")


def _row(site, **changes):
    row = {
        "site_id": site.pk, "title": "Homicide review", "type": "technical_assistance",
        "focus_areas": "investigations;Crime analysis", "provider": "CNA",
        "start_date": "2025-03-04", "end_date": "2025-03-05", "delivery": "virtual",
        "hours": "4", "participants": "12", "agencies_represented": "3",
        "target_audience": "Detectives", "status": "delivered", "summary": "", "outcomes": "",
        "milestones": "",
    }  # fmt: skip
    row.update(changes)
    return row


def test_template_has_the_columns():
    assert next(csv.reader(io.StringIO(template_csv()))) == COLUMNS


def test_good_file_imports_every_row(liaison):
    site = SiteFactory(liaison=liaison)
    result = engagements_import(
        file=_csv([_row(site), _row(site, status="planned", hours="", participants="")]),
        actor=liaison,
    )
    assert result.ok
    assert Engagement.objects.count() == 2
    delivered = Engagement.objects.get(status="delivered")
    assert delivered.focus_areas == ["crime_analysis", "investigations"]
    assert delivered.history.latest().history_user == liaison


def test_one_bad_row_imports_nothing_and_lists_each_error_by_line(liaison):
    site = SiteFactory(liaison=liaison)
    other_site = SiteFactory()  # not assigned to this liaison
    result = engagements_import(
        file=_csv(
            [
                _row(site),  # line 2: good
                _row(site, site_id="999999"),  # line 3
                _row(site, start_date="04/03/2025"),  # line 4
                _row(site, end_date="2025-03-01"),  # line 5
                _row(site, hours="-2", participants="many"),  # line 6
                _row(site, focus_areas="astrology"),  # line 7
                _row(other_site),  # line 8
            ]
        ),
        actor=liaison,
    )
    assert not result.ok
    assert Engagement.objects.count() == 0  # all or nothing
    reasons = [(e.line, e.reason) for e in result.errors]
    assert reasons == [
        (3, "unknown site 999999"),
        (4, "start_date '04/03/2025' is not a date (YYYY-MM-DD)"),
        (5, "end_date is before start_date"),
        (6, "hours '-2' must be a number, 0 or more"),
        (6, "participants 'many' must be a whole number, 0 or more"),
        (7, "focus area 'astrology' is not a PSP focus area"),
        # Someone else's site reads as unknown: the importer does not reveal it exists.
        (8, f"unknown site {other_site.pk}"),
    ]


def test_missing_required_column_is_reported(liaison):
    upload = SimpleUploadedFile("x.csv", b"site_id,title\n1,Visit\n")
    result = engagements_import(file=upload, actor=liaison)
    assert result.errors[0].line == 1
    assert "Missing columns" in result.errors[0].reason


def test_delivered_row_needs_hours_and_participants(liaison):
    site = SiteFactory(liaison=liaison)
    result = engagements_import(file=_csv([_row(site, hours="", participants="")]), actor=liaison)
    assert [e.reason for e in result.errors] == [
        "hours is required for a delivered engagement",
        "participants is required for a delivered engagement",
    ]


def test_program_admin_imports_for_any_site(program_admin):
    site = SiteFactory(liaison=make_staff(roles.SITE_LIAISON))
    assert engagements_import(file=_csv([_row(site)]), actor=program_admin).ok


def test_not_utf8_is_refused(liaison):
    result = engagements_import(file=SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad"), actor=liaison)
    assert "UTF-8" in result.errors[0].reason


def test_delivered_row_cannot_start_in_the_future(liaison):
    import datetime

    site = SiteFactory(liaison=liaison)
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    result = engagements_import(
        file=_csv([_row(site, start_date=future, end_date=future)]), actor=liaison
    )
    assert [e.reason for e in result.errors] == [
        "a delivered engagement cannot start in the future"
    ]


def test_row_dated_before_the_site_began_is_refused_with_its_line(liaison):
    # Issue 13 item 10.
    import datetime

    site = SiteFactory(liaison=liaison, start_date=datetime.date(2025, 3, 1))
    result = engagements_import(
        file=_csv(
            [
                _row(site, start_date="2025-03-01", end_date="2025-03-01"),
                _row(site, start_date="2025-02-27", end_date="2025-02-28"),
            ]
        ),
        actor=liaison,
    )
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, f"start_date 2025-02-27 is before site {site.pk} began on 2025-03-01")
    ]
    assert not Engagement.objects.exists()


def test_site_page_shows_the_number_the_import_help_names(client, liaison):
    from django.urls import reverse

    from engagements.imports import COLUMN_HELP

    site = SiteFactory(liaison=liaison)
    assert "shown on its page" in COLUMN_HELP["site_id"]
    client.force_login(liaison)
    page = client.get(reverse("sites:detail", args=[site.pk])).content.decode()
    assert f"<dt>Site number</dt><dd>{site.pk} " in page
