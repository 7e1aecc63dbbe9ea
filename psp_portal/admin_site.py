from django.contrib import admin


class PortalAdminSite(admin.AdminSite):
    """The Django admin, open to program admins only (and superusers for break-glass)."""

    site_header = "PSP Portal administration"
    site_title = "PSP Portal admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and user.has_perm("accounts.use_django_admin")
