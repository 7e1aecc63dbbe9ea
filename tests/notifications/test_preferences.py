"""The Notifications page: optional kinds on, off or in the digest; required ones always sent."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from notifications.kinds import KINDS
from notifications.models import Email, NotificationPreference
from notifications.services import PreferenceError, email_queue, preference_set

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_applicant_sees_their_kinds_and_the_required_ones_marked(client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["deadline_reminder"]  # staff kinds are not offered
    html = response.content.decode()
    assert "Emails that are always sent" in html
    for key in ("account_security", "soi_receipt", "decision"):
        assert escape(KINDS[key].label) in html
        assert escape(KINDS[key].required_reason) in html
    assert "cannot be turned off" in html


def test_reviewer_may_choose_the_digest_for_due_date_reminders(client, reviewer):
    client.force_login(reviewer)
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert [value for value, _ in form.fields["review_due"].choices] == [
        "immediate",
        "digest",
        "off",
    ]
    assert "deadline_reminder" not in form.fields


def test_saving_turns_a_kind_off_and_records_who(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("notifications:preferences"), {"deadline_reminder": "off"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=applicant, kind="deadline_reminder")
    assert pref.delivery == "off"
    assert pref.history.latest().history_user == applicant


def test_a_forged_post_cannot_turn_off_required_mail(client, applicant, deliver):
    client.force_login(applicant)
    client.post(
        reverse("notifications:preferences"),
        {"deadline_reminder": "immediate", "soi_receipt": "off", "decision": "off"},
    )
    assert not NotificationPreference.objects.filter(kind__in=["soi_receipt", "decision"]).exists()
    with deliver():
        email_queue(kind="soi_receipt", to=applicant, subject="Received", text="Received.")
    assert len(mail.outbox) == 1


def test_the_service_refuses_to_turn_off_required_mail(applicant):
    with pytest.raises(PreferenceError, match="always sent"):
        preference_set(user=applicant, kind="decision", delivery="off", actor=applicant)


def test_digest_is_refused_for_a_kind_without_one(applicant):
    with pytest.raises(PreferenceError):
        preference_set(user=applicant, kind="deadline_reminder", delivery="digest")


def test_a_bad_choice_is_shown_beside_the_field(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("notifications:preferences"), {"deadline_reminder": "loud"})
    assert response.status_code == 200
    assert "deadline_reminder" in response.context["form"].errors


def test_off_means_nothing_is_sent(applicant, deliver):
    preference_set(user=applicant, kind="deadline_reminder", delivery="off")
    with deliver():
        result = email_queue(kind="deadline_reminder", to=applicant, subject="s", text="t")
    assert result is None and mail.outbox == [] and not Email.objects.exists()


def test_digest_choice_holds_back_the_immediate_mail(reviewer, deliver):
    preference_set(user=reviewer, kind="review_due", delivery="digest")
    with deliver():
        assert email_queue(kind="review_due", to=reviewer, subject="s", text="t") is None
        assert email_queue(kind="reviewer_digest", to=reviewer, subject="s", text="t")
    assert [m.subject for m in mail.outbox] == ["s"]


def test_required_mail_is_sent_even_with_everything_optional_off(applicant, deliver):
    for kind in KINDS.values():
        if not kind.required:
            preference_set(user=applicant, kind=kind.key, delivery="off")
    with deliver():
        email_queue(kind="account_security", to=applicant, subject="Reset", text="t")
        email_queue(kind="decision", to=applicant, subject="Decision", text="t")
    assert sorted(m.subject for m in mail.outbox) == ["Decision", "Reset"]
    # Required mail carries no unsubscribe header: it cannot be turned off.
    assert all("List-Unsubscribe" not in m.extra_headers for m in mail.outbox)
    assert "always sent" in mail.outbox[0].body


def test_page_runs_a_fixed_number_of_queries(client, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    client.get(reverse("notifications:preferences"))
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:preferences"))
