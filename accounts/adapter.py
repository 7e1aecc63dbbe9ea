from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from .roles import APPLICANT


class PortalAccountAdapter(DefaultAccountAdapter):
    """Self-registration creates applicants only; staff accounts are made by a program admin."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get(name=APPLICANT))
        return user
