"""factory-boy factories. States are Traits (hypha style)."""

import datetime
import decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Jurisdiction, User
from accounts.roles import APPLICANT
from applications import factories_support as soi
from applications.models import (
    Application,
    Cycle,
    NationalCrimeRate,
)
from engagements.models import Engagement
from sites.models import Site, SiteLiaisonAssignment, SitePhase


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"City of Testville {n}")
    kind = Jurisdiction.Kind.CITY
    state = "OH"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Verified by default; pass verified=False for an unconfirmed address.
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class ApplicantFactory(UserFactory):
    jurisdiction = factory.SubFactory(JurisdictionFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.groups.add(*Group.objects.filter(name__in=extracted or [APPLICANT]))


# --- sites and engagements (issue 5) ---


class SiteFactory(factory.django.DjangoModelFactory):
    """A site in the assessment phase; pass liaison=<user> to assign one (with its history row)."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    cohort_year = 2024
    usao_district = "OHN"
    phase = Site.Phase.ASSESSMENT
    start_date = factory.LazyFunction(lambda: datetime.date(2024, 10, 1))
    phase_started_on = factory.SelfAttribute("start_date")
    expected_end_date = factory.LazyAttribute(
        lambda o: o.start_date.replace(year=o.start_date.year + 3)
    )

    @factory.post_generation
    def history_rows(self, create, extracted, **kwargs):
        if create:
            SitePhase.objects.create(site=self, phase=self.phase, started_on=self.phase_started_on)
            if self.liaison_id:
                SiteLiaisonAssignment.objects.create(
                    site=self, liaison=self.liaison, started_on=self.start_date
                )


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    class Params:
        planned = factory.Trait(status=Engagement.Status.PLANNED, hours=None, participants=None)
        delivered = factory.Trait(
            status=Engagement.Status.DELIVERED,
            hours=decimal.Decimal("6.0"),
            participants=20,
            agencies_represented=4,
        )
        cancelled = factory.Trait(
            status=Engagement.Status.CANCELLED, cancellation_reason="Site asked to postpone."
        )

    site = factory.SubFactory(SiteFactory)
    tracking_number = factory.Sequence(lambda n: f"20250101-{n:08d}")
    title = factory.Sequence(lambda n: f"Crime-analysis assessment {n}")
    type = Engagement.Type.ASSESSMENT
    focus_areas = factory.LazyFunction(lambda: ["crime_analysis"])
    provider = "BJA"
    start_date = factory.LazyFunction(lambda: datetime.date(2025, 3, 4))
    end_date = factory.SelfAttribute("start_date")
    delivery = Engagement.Delivery.ON_SITE
    status = Engagement.Status.PLANNED


# --- Statements of Interest (applications) ---------------------------------------------


class NationalCrimeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalCrimeRate
        django_get_or_create = ("year", "source_edition")

    year = 2016
    rate = decimal.Decimal("386.3")
    source_edition = "Crime in the United States 2016 (first published)"
    source = "FBI UCR, Table 1"


class CycleFactory(factory.django.DjangoModelFactory):
    """An open cycle (opened 10 days ago, deadline in 30 days) using the 2017-08 texts."""

    class Meta:
        model = Cycle

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: soi.now() - datetime.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: soi.now() - datetime.timedelta(days=1)),
        )

    name = factory.Sequence(lambda n: f"PSP 2026 cycle {n}")
    year = 2026
    opens_at = factory.LazyFunction(lambda: soi.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: soi.now() + datetime.timedelta(days=30))
    national_rate = factory.SubFactory(NationalCrimeRateFactory)
    certification_text = factory.LazyFunction(soi.certification_text_v1)
    question_set = factory.LazyFunction(soi.question_set_v1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft SOI. Traits: complete (every section filled), submitted, withdrawn."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    class Params:
        complete = False  # every section filled in
        submitted = factory.Trait(
            complete=True,
            status=Application.Status.SUBMITTED,
            reference_number=factory.Sequence(lambda n: f"PSP-2026-{9000 + n % 1000:04d}"),
            submitted_at=factory.LazyFunction(soi.now),
            attestation=True,
        )
        withdrawn = factory.Trait(
            submitted=True,
            status=Application.Status.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(soi.now),
            withdrawal_reason="Leadership changed; we will apply next cycle.",
        )

    cycle = factory.SubFactory(CycleFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    created_by = factory.SubFactory(
        ApplicantFactory, jurisdiction=factory.SelfAttribute("..jurisdiction")
    )

    # Every section complete, so submit-related tests start from a valid draft.
    fill = factory.Maybe(
        "complete",
        yes_declaration=factory.PostGeneration(
            lambda obj, create, extracted, **kw: soi.fill_sections(obj, freeze=True)
        ),
        no_declaration=None,
    )
