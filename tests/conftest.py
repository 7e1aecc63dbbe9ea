"""The cast (healthchecks style): one fixture per role, staff enrolled in MFA."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts import roles
from tests.factories import ApplicantFactory, UserFactory


def make_staff(*role_names, **kwargs):
    user = UserFactory(roles=list(role_names), is_staff=roles.PROGRAM_ADMIN in role_names, **kwargs)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


@pytest.fixture
def applicant(db):
    return ApplicantFactory()


@pytest.fixture
def other_applicant(db):
    """An applicant of another jurisdiction."""
    return ApplicantFactory()


@pytest.fixture
def reviewer(db):
    return make_staff(roles.REVIEWER)


@pytest.fixture
def staff(reviewer):
    return reviewer


@pytest.fixture
def selecting_official(db):
    return make_staff(roles.SELECTING_OFFICIAL)


@pytest.fixture
def liaison(db):
    return make_staff(roles.SITE_LIAISON)


@pytest.fixture
def program_admin(db):
    return make_staff(roles.PROGRAM_ADMIN)
