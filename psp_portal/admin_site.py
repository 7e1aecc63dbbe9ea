from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    """The Django admin, open to program admins only (and superusers for break-glass)."""

    site_header = "PSP Portal administration"
    site_title = "PSP Portal admin"

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, admin_class, **options)
        # Every admin form bounds free text like the portal's own forms do (issue 14).
        from .text_limits import ADMIN_TEXT_OVERRIDE

        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if model not in self._registry:
                continue  # a swapped model (auth.User) is not registered
            overrides = self._registry[model].formfield_overrides
            for db_field, kwargs in ADMIN_TEXT_OVERRIDE.items():
                overrides.setdefault(db_field, {}).update(kwargs)

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("accounts.use_django_admin")

    def login(self, request, extra_context=None):
        # The admin's own password-only form would skip allauth's sign-in
        # throttling and the TOTP step, so everyone signs in through allauth.
        if request.user.is_authenticated:
            if self.has_permission(request):
                return super().login(request, extra_context)  # redirects to the index
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, reverse("account_login"))
