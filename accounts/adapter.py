from types import SimpleNamespace
from urllib.parse import quote, urlparse

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from .capacities import is_certifying_official_signup
from .roles import APPLICANT


class PortalAccountAdapter(DefaultAccountAdapter):
    """Self-registration creates applicants only; staff accounts are made by a program admin.

    allauth's mail (confirmation, password reset, "account already exists") goes through
    the notifications service like every other email: queued in the request's
    transaction and delivered by a Celery task after commit, so an unreachable mail
    server never fails sign-up or reset. Links start from SITE_URL, not the request's
    Host header.
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        # A chief legal officer signing up through their signing link gets no role:
        # the certifying-official capacity grants no other access (accounts.capacities).
        if commit and not is_certifying_official_signup(request, email=user.email):
            user.groups.add(Group.objects.get(name=APPLICANT))
        return user

    def send_mail(self, template_prefix, email, context):
        from notifications.services import email_queue

        from .models import User

        # The site named in allauth's wording comes from SITE_URL, like the links.
        site = SimpleNamespace(name="PSP Portal", domain=urlparse(settings.SITE_URL).netloc)
        ctx = {"email": email, "current_site": site, **context}
        message = self.render_mail(template_prefix, email, ctx)
        alternatives = getattr(message, "alternatives", [])
        html = next((content for content, mime in alternatives if mime == "text/html"), None)
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email, is_active=True).first()
        # A mail about an address with no account (e.g. a reset asked for an unknown
        # address) goes to the address alone, with no preferences footer.
        recipient = user if user is not None and user.email.lower() == email.lower() else email
        email_queue(
            kind="account_security",
            to=recipient,
            subject=message.subject,
            text=message.body,
            html=html,
        )

    def get_email_confirmation_url(self, request, emailconfirmation):
        from notifications.services import absolute_url

        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key):
        from notifications.services import absolute_url

        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def pre_authenticate(self, request, **credentials):
        # allauth's throttle refuses here, before the password is checked; the refusal
        # goes to the audit trail (accounts.signin_audit), with the address only.
        from django.core.exceptions import ValidationError

        from .signin_audit import record_throttled_sign_in

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record_throttled_sign_in(request, credentials.get("email"))
            raise
