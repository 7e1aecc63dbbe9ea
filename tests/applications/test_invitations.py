"""Inviting a colleague to file for the same jurisdiction."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import JurisdictionInvitation
from applications.services import InvitationError, invitation_accept, invitation_create
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invite_mails_a_link_after_commit(client, applicant, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:invite"), {"email": "Colleague@Example.gov"})
    assert response.status_code == 302
    invitation = JurisdictionInvitation.objects.get()
    assert invitation.email == "colleague@example.gov"
    assert invitation.jurisdiction == applicant.jurisdiction
    assert invitation.history.latest().history_user == applicant
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["colleague@example.gov"]
    assert reverse("applications:invitation_accept", args=[invitation.token]) in mail.outbox[0].body


def test_invited_user_accepts_and_joins(client, applicant):
    invitation = invitation_create(email="new@example.gov", actor=applicant)
    newcomer = UserFactory(email="new@example.gov", roles=["Applicant"])
    client.force_login(newcomer)
    url = reverse("applications:invitation_accept", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.jurisdiction == applicant.jurisdiction
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer


def test_only_the_invited_address_can_accept(client, applicant):
    invitation = invitation_create(email="new@example.gov", actor=applicant)
    intruder = UserFactory(email="intruder@example.gov", roles=["Applicant"])
    client.force_login(intruder)
    response = client.post(reverse("applications:invitation_accept", args=[invitation.token]))
    assert "Sign in as new@example.gov" in response.content.decode()
    intruder.refresh_from_db()
    assert intruder.jurisdiction is None


def test_invitation_used_once(applicant):
    invitation = invitation_create(email="new@example.gov", actor=applicant)
    newcomer = UserFactory(email="new@example.gov", roles=["Applicant"])
    invitation_accept(token=invitation.token, actor=newcomer)
    with pytest.raises(InvitationError, match="already been used"):
        invitation_accept(token=invitation.token, actor=newcomer)


def test_expired_invitation_refused(applicant):
    invitation = invitation_create(email="new@example.gov", actor=applicant)
    invitation.expires_at -= datetime.timedelta(days=30)
    invitation.save()
    newcomer = UserFactory(email="new@example.gov", roles=["Applicant"])
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=invitation.token, actor=newcomer)


def test_member_of_another_jurisdiction_cannot_be_invited(applicant, other_applicant):
    with pytest.raises(InvitationError, match="another jurisdiction"):
        invitation_create(email=other_applicant.email, actor=applicant)


def test_unknown_token_is_404(client, applicant):
    client.force_login(applicant)
    url = reverse("applications:invitation_accept", args=["not-a-token"])
    assert client.get(url).status_code == 404


def test_invite_form_error_shown_beside_field(client, applicant):
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction)
    client.force_login(applicant)
    response = client.post(reverse("applications:invite"), {"email": colleague.email})
    assert response.status_code == 400
    assert "already files for your jurisdiction" in response.content.decode()
