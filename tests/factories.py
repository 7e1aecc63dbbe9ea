"""factory-boy factories. States are Traits (hypha style)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Jurisdiction, User
from accounts.roles import APPLICANT


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
