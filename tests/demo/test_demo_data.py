"""The demo data behind `make run`: cycles, SOIs, reviews, decisions, sites; safe to repeat."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.demo import (
    CLOSED_CYCLE_CITIES,
    NATIONAL_RATES,
    OPEN_CYCLE_CITIES,
    member_email,
    officer_email,
)
from applications.models import Application, Cycle, NationalCrimeRate
from applications.sections import application_progress, with_sections
from engagements.models import Engagement
from reviews.demo import SELECTED
from reviews.models import ConflictDeclaration, Decision, Review, ReviewAssignment
from sites.models import Site

pytestmark = pytest.mark.django_db


def run_command() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def every_count() -> dict[str, object]:
    """Rows of every model (history included), plus SOIs by status."""
    counts: dict[str, object] = {m._meta.label: m.objects.count() for m in apps.get_models()}
    counts["applications by status"] = dict(
        Application.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    counts["reviews by status"] = dict(
        Review.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    counts["decisions by outcome"] = dict(
        Decision.objects.values_list("outcome").annotate(n=Count("pk")).order_by("outcome")
    )
    return counts


def cycles() -> tuple[Cycle, Cycle]:
    year = timezone.localdate().year + 1
    return Cycle.objects.get(year=year), Cycle.objects.get(year=year - 1)


def test_running_twice_leaves_every_count_identical():
    run_command()
    first = every_count()
    output = run_command()
    assert every_count() == first
    assert first["applications by status"] == {"draft": 1, "submitted": 8, "withdrawn": 1}
    assert first["sites.Site"] > 0 and first["engagements.Engagement"] > 0
    for line in (
        "Demo national rates: 0 new",
        "Demo cycles: 0 new",
        "Demo Statements of Interest: 0 new",
        "Demo reviews: 0 new",
        "Demo decisions in",
        "Demo sites: 0 created",
    ):
        assert line in output


def test_refused_in_production_before_anything_is_written():
    with override_settings(DJANGO_ENV="production"):
        with pytest.raises(CommandError, match="never loaded in production"):
            run_command()
    assert not Cycle.objects.exists()
    assert not Application.objects.exists()
    assert not Site.objects.exists()


def test_national_rates_with_editions_and_cycles_compare_against_the_latest():
    run_command()
    assert NationalCrimeRate.objects.count() == len(NATIONAL_RATES)
    revised = NationalCrimeRate.objects.filter(year=2019).order_by("rate")
    assert [str(r.rate) for r in revised] == ["366.7", "380.8"]
    assert all("FBI Crime in the United States, 2019" in r.source_edition for r in revised)
    open_cycle, closed_cycle = cycles()
    latest = NationalCrimeRate.objects.get(year=2022)
    assert open_cycle.national_rate == closed_cycle.national_rate == latest
    assert str(latest.rate) == "380.7"


def test_one_open_and_one_closed_cycle_with_the_real_dates_kept():
    run_command()
    open_cycle, closed_cycle = cycles()
    assert open_cycle.is_open() and not closed_cycle.is_open()
    assert open_cycle.population_min == 50_000 and open_cycle.population_max is None
    assert open_cycle.max_sites == 5
    deadline = timezone.localtime(open_cycle.closes_at)
    assert (deadline.hour, deadline.minute) == (23, 59)
    assert 55 <= (open_cycle.closes_at - timezone.now()).days <= 60
    # Back-filling the closed cycle reopened it only for the moment: the audit shows one
    # row (its creation) and it still ends in the past.
    assert closed_cycle.history.count() == 1
    assert closed_cycle.closes_at < timezone.now()


def test_the_demo_applicant_sees_a_partly_filled_draft(client):
    run_command()
    applicant = User.objects.get(email="applicant@demo.psp.gov")
    open_cycle, _ = cycles()
    draft = with_sections(
        Application.objects.filter(cycle=open_cycle, jurisdiction=applicant.jurisdiction)
    ).get()
    assert draft.status == Application.Status.DRAFT
    states = {section.key: section.state for section in application_progress(draft)}
    assert set(states.values()) == {"complete", "in_progress", "not_started"}
    assert states["profile"] == "complete" and states["crime"] == "in_progress"
    # The city attorney was asked to sign (opened the link) and has not yet: the
    # section waits for the signature.
    assert states["certification"] == "in_progress"
    waiting = draft.signature_requests.get()
    assert waiting.status == "opened" and waiting.signer.email == "law@toledo.example.gov"
    # Every change went through the services, so the audit names the applicant.
    assert draft.history.filter(history_user=applicant).exists()

    client.force_login(applicant)
    response = client.get(reverse("applications:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert open_cycle.name in page
    assert reverse("applications:detail", args=[draft.pk]) in page


def test_closed_cycle_submitted_reviewed_decided_and_released():
    run_command()
    _, closed_cycle = cycles()
    soi = Application.objects.filter(cycle=closed_cycle)
    assert soi.count() == len(CLOSED_CYCLE_CITIES)
    withdrawn = soi.get(status=Application.Status.WITHDRAWN)
    assert withdrawn.withdrawal_reason and withdrawn.reference_number
    submitted = soi.filter(status=Application.Status.SUBMITTED)
    # Reference numbers and frozen snapshots come from the submit service.
    assert sorted(submitted.values_list("reference_number", flat=True))[0] == (
        f"PSP-{closed_cycle.year}-0001"
    )
    assert all(a.snapshot_sha256 and a.receipt_id for a in submitted)

    reviewer = User.objects.get(email="reviewer@demo.psp.gov")
    for application in submitted:
        assert ConflictDeclaration.objects.get(
            application=application, reviewer=reviewer, has_conflict=False
        )
        review = Review.objects.get(assignment__application=application)
        assert review.status == Review.Status.SUBMITTED and review.total_score
        decision = Decision.objects.get(application=application)
        assert decision.released_at is not None and decision.letter_id is not None
        selected = application.jurisdiction.name in SELECTED
        assert decision.outcome == ("selected" if selected else "not_selected")
        # Selecting created the site (reviews service -> sites service), once.
        assert (decision.site is not None) == selected
        if selected:
            assert decision.site.application == application
            assert decision.site.cohort_year == closed_cycle.year


def test_placeholder_members_cannot_sign_in():
    run_command()
    for city in CLOSED_CYCLE_CITIES + OPEN_CYCLE_CITIES:
        member = User.objects.get(email=member_email(city))
        assert not member.has_usable_password()
        assert member.jurisdiction.name == city.name


def test_the_demo_reviewers_queue_lists_the_open_cycle_sois_assigned_to_them(client):
    run_command()
    open_cycle, _ = cycles()
    reviewer = User.objects.get(email="reviewer@demo.psp.gov")
    waiting = Application.objects.filter(cycle=open_cycle, status=Application.Status.SUBMITTED)
    assert waiting.count() == len(OPEN_CYCLE_CITIES)
    assert ReviewAssignment.objects.filter(application__in=waiting, reviewer=reviewer).count() == 3
    assert not Decision.objects.filter(application__in=waiting).exists()

    client.force_login(reviewer)
    response = client.get(reverse("reviews:queue"), {"cycle": open_cycle.pk})
    assert response.status_code == 200
    page = response.content.decode()
    for application in waiting:
        assert application.reference_number in page


def test_the_demo_official_sees_the_open_cycle_queue(client):
    run_command()
    open_cycle, _ = cycles()
    client.force_login(User.objects.get(email="official@demo.psp.gov"))
    page = client.get(reverse("reviews:queue")).content.decode()
    for reference in Application.objects.filter(
        cycle=open_cycle, status=Application.Status.SUBMITTED
    ).values_list("reference_number", flat=True):
        assert reference in page


def test_the_demo_liaison_has_sites_with_engagements():
    run_command()
    liaison = User.objects.get(email="liaison@demo.psp.gov")
    sites = Site.objects.filter(liaison_assignments__liaison=liaison).distinct()
    assert sites.exists()
    assert Engagement.objects.filter(site__in=sites).exists()


def test_a_run_after_new_year_finds_the_existing_demo(monkeypatch):
    import datetime
    from types import SimpleNamespace

    import applications.demo

    run_command()
    first = every_count()
    next_year = datetime.date(timezone.localdate().year + 1, 1, 5)
    monkeypatch.setattr(
        applications.demo,
        "timezone",
        SimpleNamespace(
            now=timezone.now, localtime=timezone.localtime, localdate=lambda: next_year
        ),
    )
    run_command()
    assert every_count() == first


def test_demo_certifying_officials_sign_in_with_the_demo_password_and_hold_no_role(client):
    from allauth.account.models import EmailAddress

    from applications.models import SignatureRequest
    from demo.officers import SIGNED_CITY, WAITING_CITY
    from demo.users import DEMO_PASSWORD

    output = run_command()
    signed_email, waiting_email = officer_email(SIGNED_CITY), officer_email(WAITING_CITY)
    assert signed_email in output and waiting_email in output
    # One SOI signed by its officer, one waiting for its officer's signature.
    signed = SignatureRequest.objects.get(
        application__jurisdiction__name=SIGNED_CITY.name, status="signed"
    )
    assert signed.signer.email == signed_email and signed.application.status == "submitted"
    waiting = SignatureRequest.objects.get(application__jurisdiction__name=WAITING_CITY.name)
    assert waiting.status == "opened" and waiting.signer.email == waiting_email
    for email in (signed_email, waiting_email):
        officer = User.objects.get(email=email)
        assert officer.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=officer, email=email).verified
        assert officer.role_names == [] and officer.jurisdiction is None
    # The waiting officer signs in (no MFA: no staff role) and finds the page to sign.
    response = client.post(
        reverse("account_login"), {"login": waiting_email, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")
    certify = reverse("applications:certify", args=[waiting.pk])
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert certify in dashboard and "Opened" in dashboard
    assert "Your full name" in client.get(certify).content.decode()  # the signature field
    # Nothing else of the jurisdiction opens for them.
    detail = reverse("applications:detail", args=[waiting.application_id])
    assert client.get(detail).status_code == 404
