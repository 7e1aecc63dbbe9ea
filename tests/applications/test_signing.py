"""The chief legal officer signs the Section 1373 certification personally.

One test per rule of the signing workflow; each fails when its rule is removed from
applications.services.signatures, applications.sections.certification or the views.
"""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.access import has_verified_email
from accounts.models import User
from applications.factories_support import officer_account
from applications.models import Application, Certification, SignatureRequest
from applications.sections import SECTIONS_BY_KEY, with_sections
from applications.services import (
    ApplicationError,
    SigningRefused,
    TransitionNotAllowed,
    application_section_save,
    application_submit,
    signature_decline,
    signature_request_cancel,
    signature_request_open,
    signature_request_send,
    signature_sign,
)
from applications.services.signatures import token_sha256
from tests.factories import ApplicantFactory, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFICER_EMAIL = "counsel@example.gov"  # the officer named by the factory's complete draft


def _missing(application):
    fresh = with_sections(Application.objects.filter(pk=application.pk)).get()
    return SECTIONS_BY_KEY["certification"].missing(fresh)


@pytest.fixture
def unsigned(complete_draft, applicant):
    """A complete draft whose officer has not signed yet (the factory's signature is
    cleared the way a resend clears it)."""
    signature_request_send(application=complete_draft, actor=applicant)
    return complete_draft


@pytest.fixture
def officer(db):
    return officer_account(OFFICER_EMAIL, "Pat Counsel")


def _send(application, applicant):
    signing, token = signature_request_send(application=application, actor=applicant)
    return signing, token


def _sign(signing, officer, **overrides):
    kwargs = {
        "request": signing,
        "actor": officer,
        "certifies": True,
        "explanation": "",
        "typed_name": "Pat Counsel",
        "ip": "198.51.100.7",
        "user_agent": "Test browser",
    }
    kwargs.update(overrides)
    return signature_sign(**kwargs)


def _submit(application, applicant):
    return application_submit(application=application, actor=applicant, ip=None, attested=True)


# --- sending, resending, cancelling ----------------------------------------------------


def test_send_stores_only_the_tokens_hash_and_mails_the_officer_after_commit(
    unsigned, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signing, token = _send(unsigned, applicant)
    # Nothing is mailed inside the transaction: the one callback mails after commit
    # (through the notifications service, which queues its own delivery).
    assert len(callbacks) == 1 and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert signing.token_sha256 == token_sha256(token) and token not in signing.token_sha256
    assert signing.expires_at - signing.sent_at == datetime.timedelta(days=7)
    assert signing.history.latest().history_user == applicant
    assert [m.to for m in mailoutbox] == [[OFFICER_EMAIL]]
    assert reverse("applications:sign_link", args=[token]) in mailoutbox[0].body


def test_send_refused_until_the_officer_is_named(draft, applicant):
    with pytest.raises(ApplicationError, match="name, title and email"):
        signature_request_send(application=draft, actor=applicant)


def test_send_refused_to_an_applicant_account_of_the_jurisdiction(unsigned, applicant):
    Certification.objects.filter(application=unsigned).update(clo_email=applicant.email)
    with pytest.raises(ApplicationError, match="belongs to an applicant account"):
        signature_request_send(application=unsigned, actor=applicant)


def test_resend_voids_the_old_link(unsigned, applicant, officer):
    _old, old_token = _send(unsigned, applicant)
    _new, new_token = _send(unsigned, applicant)
    with pytest.raises(SigningRefused, match="no longer valid"):
        signature_request_open(token=old_token, actor=officer)
    assert signature_request_open(token=new_token, actor=officer).status == "opened"


def test_cancel_voids_the_link(unsigned, applicant, officer):
    _signing, token = _send(unsigned, applicant)
    signature_request_cancel(application=unsigned, actor=applicant)
    with pytest.raises(SigningRefused, match="cancelled"):
        signature_request_open(token=token, actor=officer)


def test_changing_the_officer_cancels_the_pending_link(unsigned, applicant, officer):
    signing, token = _send(unsigned, applicant)
    application_section_save(
        application=unsigned,
        section="certification",
        data={"clo_name": "Lee Other", "clo_title": "Solicitor", "clo_email": "lee@example.gov"},
        loaded_version=None,
        actor=applicant,
    )
    signing.refresh_from_db()
    assert signing.status == SignatureRequest.Status.CANCELLED


# --- opening the link --------------------------------------------------------------------


def test_expired_link_refused(unsigned, applicant, officer):
    signing, token = _send(unsigned, applicant)
    SignatureRequest.objects.filter(pk=signing.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(SigningRefused, match="expired"):
        signature_request_open(token=token, actor=officer)


def test_expired_link_cannot_sign_even_once_opened(unsigned, applicant, officer):
    signing, token = _send(unsigned, applicant)
    signing = signature_request_open(token=token, actor=officer)
    SignatureRequest.objects.filter(pk=signing.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(SigningRefused, match="expired"):
        _sign(signing, officer)


def test_used_link_refused(unsigned, applicant, officer):
    signing, token = _send(unsigned, applicant)
    _sign(signature_request_open(token=token, actor=officer), officer)
    with pytest.raises(SigningRefused, match="already been used"):
        signature_request_open(token=token, actor=officer)


def test_link_opened_by_another_signed_in_user_refused_and_nothing_changes(unsigned, applicant):
    signing, token = _send(unsigned, applicant)
    with pytest.raises(SigningRefused, match=f"sent to {OFFICER_EMAIL}"):
        signature_request_open(token=token, actor=applicant)
    signing.refresh_from_db()
    assert signing.status == "sent" and signing.signer is None


def test_officer_with_an_unconfirmed_address_refused(unsigned, applicant):
    Certification.objects.filter(application=unsigned).update(clo_email="new@example.gov")
    unverified = UserFactory(email="new@example.gov", full_name="Pat Counsel", verified=False)
    _signing, token = _send(unsigned, applicant)
    with pytest.raises(SigningRefused, match="Confirm your email"):
        signature_request_open(token=token, actor=unverified)


# --- signing -----------------------------------------------------------------------------


@pytest.fixture
def opened(unsigned, applicant, officer):
    _signing, token = _send(unsigned, applicant)
    return signature_request_open(token=token, actor=officer)


def test_signing_records_who_what_when_where(opened, officer, unsigned):
    signing = _sign(opened, officer)
    text = unsigned.cycle.certification_text
    assert signing.status == "signed" and signing.signer == officer
    assert (signing.signer_name, signing.officer_title) == ("Pat Counsel", "City Attorney")
    assert (signing.text_version, signing.text_sha256) == (text, text.sha256)
    assert signing.signer_ip == "198.51.100.7" and signing.signer_user_agent == "Test browser"
    assert re.fullmatch(r"[0-9a-f]{64}", signing.content_sha256)
    assert signing.history.latest().history_user == officer
    assert _missing(unsigned) == []


def test_signing_without_a_choice_refused(opened, officer):
    with pytest.raises(SigningRefused, match="Choose whether"):
        _sign(opened, officer, certifies=None)


def test_cannot_certify_without_an_explanation_refused(opened, officer):
    with pytest.raises(SigningRefused, match="Explain why"):
        _sign(opened, officer, certifies=False, explanation="   ")


def test_cannot_certify_with_an_explanation_completes_the_section(opened, officer, unsigned):
    _sign(opened, officer, certifies=False, explanation="State law forbids it.")
    cert = Certification.objects.get(application=unsigned)
    assert cert.certifies is False and cert.cannot_certify_explanation == "State law forbids it."
    assert _missing(unsigned) == []


def test_signature_name_must_match_the_account_name(opened, officer):
    with pytest.raises(SigningRefused, match="exactly as it is on your account"):
        _sign(opened, officer, typed_name="Someone Else")


def test_decline_needs_a_reason_and_closes_the_link(opened, officer):
    with pytest.raises(SigningRefused, match="why you decline"):
        signature_decline(request=opened, actor=officer, reason=" ")
    signature_decline(request=opened, actor=officer, reason="I am not the city attorney.")
    opened.refresh_from_db()
    assert opened.status == "declined"
    with pytest.raises(SigningRefused):
        _sign(opened, officer)


def test_link_for_one_soi_cannot_sign_another(opened, officer, unsigned, cycle):
    other_app = ApplicationFactory(cycle=cycle, complete=True)
    other_applicant = ApplicantFactory(jurisdiction=other_app.jurisdiction)
    other_request, _token = signature_request_send(application=other_app, actor=other_applicant)
    # The officer opened A's link only: B's request is not theirs to sign.
    with pytest.raises(SigningRefused, match="Open the signing link"):
        _sign(other_request, officer)
    other_request.refresh_from_db()
    assert other_request.status == "sent"


# --- what the signature covers -----------------------------------------------------------


def test_edit_after_signing_supersedes_the_signature(opened, officer, unsigned, applicant):
    signing = _sign(opened, officer)
    application_section_save(
        application=unsigned,
        section="narrative",
        data={"narrative_problem": "Changed after the officer signed."},
        loaded_version=None,
        actor=applicant,
    )
    signing.refresh_from_db()
    assert signing.status == SignatureRequest.Status.SUPERSEDED
    assert _missing(unsigned) == ["Signature of the chief legal officer named"]
    with pytest.raises(TransitionNotAllowed, match="Section 1373 certification"):
        _submit(unsigned, applicant)


def test_saving_without_a_change_keeps_the_signature(opened, officer, unsigned, applicant):
    signing = _sign(opened, officer)
    narrative = Application.objects.get(pk=unsigned.pk).narrative_problem
    application_section_save(
        application=unsigned,
        section="narrative",
        data={"narrative_problem": narrative},
        loaded_version=None,
        actor=applicant,
    )
    signing.refresh_from_db()
    assert signing.status == "signed"


def test_submit_without_a_current_signature_refused(unsigned, applicant):
    with pytest.raises(TransitionNotAllowed, match="Section 1373 certification"):
        _submit(unsigned, applicant)


def test_submit_refused_when_the_content_changed_behind_the_signature(
    opened, officer, unsigned, applicant
):
    _sign(opened, officer)
    # A change that bypassed the section services (and so the supersede hook).
    Application.objects.filter(pk=unsigned.pk).update(narrative_tta="Something else")
    with pytest.raises(TransitionNotAllowed, match="does not cover"):
        _submit(unsigned, applicant)


def test_submit_with_the_officers_signature_succeeds(opened, officer, unsigned, applicant):
    signing = _sign(opened, officer)
    submitted = _submit(unsigned, applicant)
    signature = submitted.snapshot["certification"]["signature"]
    assert signature["content_sha256"] == signing.content_sha256
    assert signature["signer_email"] == OFFICER_EMAIL
    assert submitted.submitted_by == applicant


# --- the pages ---------------------------------------------------------------------------


def test_anonymous_link_asks_to_sign_in_without_changing_anything(client, unsigned, applicant):
    signing, token = _send(unsigned, applicant)
    response = client.get(reverse("applications:sign_link", args=[token]))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()
    signing.refresh_from_db()
    assert signing.status == "sent"


def test_unknown_link_says_it_cannot_be_used(client):
    response = client.get(reverse("applications:sign_link", args=["nonsense"]))
    assert response.status_code == 410
    assert "This link cannot be used" in response.content.decode()


def test_link_opened_by_another_user_shows_why(client, unsigned, applicant):
    _signing, token = _send(unsigned, applicant)
    client.force_login(applicant)
    response = client.get(reverse("applications:sign_link", args=[token]))
    assert response.status_code == 403
    assert f"This link was sent to {OFFICER_EMAIL}" in response.content.decode()


def test_officer_opens_link_and_signs_on_their_page(client, unsigned, applicant, officer):
    signing, token = _send(unsigned, applicant)
    client.force_login(officer)
    response = client.get(reverse("applications:sign_link", args=[token]))
    certify_url = reverse("applications:certify", args=[signing.pk])
    assert response.status_code == 302 and response.url == certify_url
    page = client.get(certify_url).content.decode()
    assert unsigned.cycle.certification_text.sha256 in page
    assert "The Statement of Interest you certify" in page
    response = client.post(
        certify_url,
        {"decision": "certify", "confirm": "on", "typed_name": "pat  counsel"},
        HTTP_USER_AGENT="Officer browser",
    )
    assert response.status_code == 302
    signing.refresh_from_db()
    assert signing.status == "signed" and signing.signer_user_agent == "Officer browser"
    assert signing.typed_name == "pat counsel"


@pytest.mark.parametrize(
    "data,message",
    [
        ({"confirm": "on", "typed_name": "Pat Counsel"}, "Choose whether the jurisdiction"),
        (
            {"decision": "cannot", "confirm": "on", "typed_name": "Pat Counsel"},
            "Explain why the jurisdiction cannot certify.",
        ),
        (
            {"decision": "certify", "confirm": "on", "typed_name": "Somebody Else"},
            "Type your full name exactly as it is on your account: Pat Counsel.",
        ),
    ],
)
def test_officer_page_refuses_bad_input_with_a_message_and_keeps_it(
    client, opened, officer, data, message
):
    client.force_login(officer)
    response = client.post(reverse("applications:certify", args=[opened.pk]), data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert message in html
    assert f'value="{data["typed_name"]}"' in html  # nothing typed is lost
    opened.refresh_from_db()
    assert opened.status == "opened"


def test_officer_without_a_name_records_it_first(client, unsigned, applicant):
    Certification.objects.filter(application=unsigned).update(clo_email="new@example.gov")
    nameless = UserFactory(email="new@example.gov", full_name="")
    _signing, token = _send(unsigned, applicant)
    signing = signature_request_open(token=token, actor=nameless)
    client.force_login(nameless)
    url = reverse("applications:certify", args=[signing.pk])
    assert "Your account has no name yet" in client.get(url).content.decode()
    client.post(url, {"full_name": "Pat  Counsel"})
    nameless.refresh_from_db()
    assert nameless.full_name == "Pat Counsel"
    assert nameless.history.latest().history_user == nameless


def test_certifying_official_gets_404_on_every_other_page_of_the_jurisdiction(
    client, opened, officer, unsigned
):
    client.force_login(officer)
    pk = unsigned.pk
    urls = [
        reverse("applications:detail", args=[pk]),
        reverse("applications:review", args=[pk]),
        reverse("applications:letters", args=[pk]),
        *(reverse("applications:section", args=[pk, key]) for key in SECTIONS_BY_KEY),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("submit", "withdraw", "signing_send", "signing_cancel"):
        assert client.post(reverse(f"applications:{name}", args=[pk])).status_code == 404, name
    # The capacity is theirs alone: the applicant cannot open the officer's page.


# --- signing up through the link: the certifying-official capacity only ------------------


NEW_OFFICER = "law.director@example.gov"


def _sign_up_and_confirm(client, email):
    """allauth's sign-up, then the confirmation link mailed to `email` (which signs in)."""
    from tests.accounts.test_signup import GOOD_PASSWORD, link_in, sign_up

    mail.outbox.clear()
    response = sign_up(client, email=email, password=GOOD_PASSWORD)
    assert response.status_code == 302
    (confirmation,) = [m for m in mail.outbox if m.to == [email]]
    client.post(link_in(confirmation))
    user = User.objects.get(email=email)
    assert has_verified_email(user) and client.session.get("_auth_user_id") == str(user.pk)
    return user


def test_officer_signing_up_through_the_link_gets_no_role_and_cannot_start_an_soi(
    client, unsigned, applicant, cycle
):
    # An officer with no account yet (the factory's officer has one).
    Certification.objects.filter(application=unsigned).update(clo_email=NEW_OFFICER)
    signing, token = _send(unsigned, applicant)
    link = reverse("applications:sign_link", args=[token])
    assert client.get(link).status_code == 200  # signed out: "Sign in or create an account"
    officer = _sign_up_and_confirm(client, NEW_OFFICER)
    # No Applicant role (nor any other): the account exists to sign this certification.
    assert officer.role_names == [] and officer.jurisdiction is None
    assert not officer.has_perm("accounts.file_statement_of_interest")
    # It opens the link and the certification page...
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("applications:certify", args=[signing.pk])
    assert client.get(response.url).status_code == 200
    # ... but cannot start a Statement of Interest of its own ...
    before = Application.objects.count()
    assert client.get(reverse("applications:start", args=[cycle.pk])).status_code == 403
    start = {"name": "Officer City", "kind": "city", "state": "OH"}
    assert client.post(reverse("applications:start", args=[cycle.pk]), start).status_code == 403
    assert client.get(reverse("applications:mine")).status_code == 403
    assert Application.objects.count() == before
    # ... nor open any page of the jurisdiction's SOI.
    for url in (
        reverse("applications:detail", args=[unsigned.pk]),
        reverse("applications:letters", args=[unsigned.pk]),
        reverse("applications:section", args=[unsigned.pk, "certification"]),
    ):
        assert client.get(url).status_code == 404, url


def test_signing_up_with_another_address_after_opening_a_link_is_a_normal_sign_up(
    client, unsigned, applicant
):
    Certification.objects.filter(application=unsigned).update(clo_email=NEW_OFFICER)
    _signing, token = _send(unsigned, applicant)
    client.get(reverse("applications:sign_link", args=[token]))
    clerk = _sign_up_and_confirm(client, "clerk@example.gov")
    # Only the address the link was sent to signs up in the officer's capacity.
    assert clerk.role_names == [roles.APPLICANT]


def test_a_sign_up_without_a_signing_link_still_gets_the_applicant_role(client):
    user = _sign_up_and_confirm(client, "new.applicant@example.gov")
    assert user.role_names == [roles.APPLICANT]


def test_officer_page_404_for_anyone_but_the_officer(client, opened, applicant, other_applicant):
    url = reverse("applications:certify", args=[opened.pk])
    for user in (applicant, other_applicant, UserFactory(email="someone@example.gov")):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "certify"}).status_code == 404


def test_officer_page_queries_do_not_grow(client, opened, officer, django_assert_max_num_queries):
    client.force_login(officer)
    url = reverse("applications:certify", args=[opened.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_applicant_page_shows_the_state_and_the_officer_page_says_superseded(
    client, opened, officer, unsigned, applicant
):
    section_url = reverse("applications:section", args=[unsigned.pk, "certification"])
    client.force_login(applicant)
    assert "Opened on" in client.get(section_url).content.decode()
    _sign(opened, officer)
    assert "Signed by Pat Counsel" in client.get(section_url).content.decode()
    application_section_save(
        application=unsigned,
        section="narrative",
        data={"narrative_problem": "Changed."},
        loaded_version=None,
        actor=applicant,
    )
    assert "the signature no longer stands" in client.get(section_url).content.decode()
    client.force_login(officer)
    page = client.get(reverse("applications:certify", args=[opened.pk])).content.decode()
    assert "Your signature no longer stands" in page


def test_applicant_sends_and_cancels_from_the_section_page(client, unsigned, applicant):
    client.force_login(applicant)
    response = client.post(reverse("applications:signing_send", args=[unsigned.pk]), follow=True)
    assert "Signing request sent to Pat Counsel" in response.content.decode()
    response = client.post(reverse("applications:signing_cancel", args=[unsigned.pk]), follow=True)
    assert "Signing request cancelled" in response.content.decode()
    assert "Status: <strong>Cancelled" in response.content.decode()


def test_other_jurisdiction_cannot_send_the_request(client, unsigned, other_applicant):
    client.force_login(other_applicant)
    response = client.post(reverse("applications:signing_send", args=[unsigned.pk]))
    assert response.status_code == 404


# --- what staff see --------------------------------------------------------------------------


def test_staff_see_signer_time_and_a_domain_mismatch_flag(
    client, selecting_official, opened, officer, unsigned, applicant
):
    _sign(opened, officer)
    _submit(unsigned, applicant)
    client.force_login(selecting_official)
    url = reverse("applications:detail", args=[unsigned.pk])
    html = client.get(url).content.decode()
    assert "Signed by</dt><dd>Pat Counsel, City Attorney (counsel@example.gov)" in html
    assert "matches the jurisdiction's other contacts" in html

    # Same SOI, but the other contacts use another domain: flagged (not blocked).
    unsigned.contacts.exclude(role="chief_legal_officer").update(email="x@city.example.org")
    html = client.get(url).content.decode()
    assert "differs from the jurisdiction's other contacts (city.example.org)" in html


def test_officers_dashboard_lists_the_certification_they_were_asked_to_sign(
    client, opened, officer, other_applicant
):
    client.force_login(officer)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("applications:certify", args=[opened.pk]) in page
    assert "Opened" in page and "has no role yet" not in page
    # Nobody else's dashboard names it.
    client.force_login(other_applicant)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("applications:certify", args=[opened.pk]) not in page
