"""Inviting a colleague to file for the same jurisdiction."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from accounts.models import SecurityEvent
from applications.models import JurisdictionInvitation
from applications.services import InvitationError, invitation_accept, invitation_create
from tests.accounts.html import assert_error_beside_field
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


def test_member_of_another_jurisdiction_cannot_be_invited(
    applicant, other_applicant, django_capture_on_commit_callbacks
):
    # Issue 14: no error that would reveal the account; no mail; the refusal is audited.
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(email=other_applicant.email, actor=applicant)
    assert mail.outbox == []
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.INVITATION_REFUSED, actor=applicant, target_user=other_applicant
    ).exists()
    # Even with the token, the other jurisdiction's member cannot join.
    invitation = JurisdictionInvitation.objects.get(email=other_applicant.email)
    with pytest.raises(InvitationError, match="another jurisdiction"):
        invitation_accept(token=invitation.token, actor=other_applicant)


def test_unknown_token_is_404(client, applicant):
    client.force_login(applicant)
    url = reverse("applications:invitation_accept", args=["not-a-token"])
    assert client.get(url).status_code == 404


def test_invite_form_error_shown_beside_field(client, applicant):
    # An error about the address itself (not about any account) is shown beside the field.
    client.force_login(applicant)
    response = client.post(reverse("applications:invite"), {"email": "not-an-address"})
    assert response.status_code == 400
    assert_error_beside_field(response.content.decode(), "email", "Enter a valid email address.")


def invite(client, email):
    return client.post(reverse("applications:invite"), {"email": email}, follow=True)


def notices(response) -> list[str]:
    """The flash messages shown, with the address typed replaced by EMAIL."""
    import re

    return [re.sub(r"[\w.+-]+@[\w.-]+", "EMAIL", str(m)) for m in response.context["messages"]]


@pytest.mark.parametrize("kind", ["other_jurisdiction", "same_jurisdiction", "staff"])
def test_invitation_answer_is_the_same_whatever_the_address(
    client, applicant, other_applicant, reviewer, kind, django_capture_on_commit_callbacks
):
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction)
    known = {
        "other_jurisdiction": other_applicant.email,
        "same_jurisdiction": colleague.email,
        "staff": reviewer.email,
    }[kind]
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = invite(client, "fresh@example.gov")
    assert [m.to for m in mail.outbox] == [["fresh@example.gov"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = invite(client, known)
    assert answer.redirect_chain == fresh.redirect_chain
    assert answer.status_code == fresh.status_code == 200
    assert notices(answer) == notices(fresh)
    # Listed as pending like any other invitation.
    assert known in answer.content.decode()
    assert mail.outbox == []  # the account holder is not mailed an unusable link
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.INVITATION_REFUSED).count() == 1


def test_staff_cannot_accept_an_invitation_as_an_applicant(applicant, reviewer):
    invitation = invitation_create(email=reviewer.email, actor=applicant)
    with pytest.raises(InvitationError, match="Only applicant accounts"):
        invitation_accept(token=invitation.token, actor=reviewer)
    reviewer.refresh_from_db()
    assert reviewer.jurisdiction is None


@pytest.mark.parametrize("email", ["someone@usdoj.gov", "someone@ojp.usdoj.gov"])
def test_doj_staff_addresses_cannot_be_invited(client, applicant, email):
    client.force_login(applicant)
    response = client.post(reverse("applications:invite"), {"email": email})
    assert response.status_code == 400
    assert "DOJ staff addresses cannot be invited" in response.content.decode()
    assert not JurisdictionInvitation.objects.exists()


def test_a_person_may_send_ten_invitations_a_day(client, applicant, settings):
    settings.INVITATIONS_PER_USER_PER_DAY = 10
    client.force_login(applicant)
    for n in range(10):
        assert invite(client, f"colleague{n}@example.gov").status_code == 200
    response = client.post(reverse("applications:invite"), {"email": "eleventh@example.gov"})
    assert response.status_code == 400
    assert "You have sent 10 invitations in the last 24 hours" in response.content.decode()
    assert JurisdictionInvitation.objects.count() == 10
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.INVITATION_RATE_LIMITED, actor=applicant
    ).exists()


def test_invitations_older_than_a_day_do_not_count(applicant, settings):
    settings.INVITATIONS_PER_USER_PER_DAY = 2
    for n in range(2):
        invitation_create(email=f"old{n}@example.gov", actor=applicant)
    JurisdictionInvitation.objects.update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=25)
    )
    invitation_create(email="new@example.gov", actor=applicant)


def test_a_jurisdiction_has_its_own_daily_limit(applicant, settings):
    settings.INVITATIONS_PER_USER_PER_DAY = 10
    settings.INVITATIONS_PER_JURISDICTION_PER_DAY = 3
    colleague = ApplicantFactory(jurisdiction=applicant.jurisdiction, roles=[roles.APPLICANT])
    for n in range(2):
        invitation_create(email=f"a{n}@example.gov", actor=applicant)
    invitation_create(email="b0@example.gov", actor=colleague)
    with pytest.raises(InvitationError, match="Your jurisdiction has sent 3 invitations"):
        invitation_create(email="b1@example.gov", actor=colleague)
