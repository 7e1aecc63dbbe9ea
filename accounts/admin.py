from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .access import can_administer_user, permission_ceiling
from .audit import request_ip, security_event_record
from .models import Jurisdiction, SecurityEvent, User


def refuse_admin_change(request, target: User, what: str) -> None:
    """Audit a refused change to a more privileged account."""
    security_event_record(
        kind=SecurityEvent.Kind.ADMIN_REFUSED,
        actor=request.user,
        target_user=target,
        detail=f"{what} of {target.email} refused: the account is more privileged than the actor",
        ip=request_ip(request),
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "jurisdiction", "is_active", "last_login"]
    list_filter = ["groups", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "jurisdiction"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_readonly_fields(self, request, obj=None):
        # Program admins manage roles and deactivate accounts; only a superuser
        # (break-glass) may hand out superuser or the admin flag.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "last_login", "date_joined"]
        return readonly

    # A non-superuser must not take over a superuser or a more privileged account
    # (issue 14): such an account is shown read-only, its password form is a 404,
    # and each attempt is written to the security audit trail.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_administer_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_administer_user(request.user, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            target = self.get_object(request, object_id)
            if target is not None and not can_administer_user(request.user, target):
                refuse_admin_change(request, target, "Change")
                raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        target = self.get_object(request, id)
        if target is not None and not can_administer_user(request.user, target):
            refuse_admin_change(request, target, "Password form")
            # 404, not 403: the form for such an account does not exist for this actor.
            raise Http404
        return super().user_change_password(request, id, form_url)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            # A handful of roles read best as checkboxes; Django's two-box selector also
            # writes aria-label on plain spans, which axe rejects (issue 16).
            kwargs["widget"] = forms.CheckboxSelectMultiple(
                attrs={"class": "portal-admin-checkboxes"}
            )
            if not request.user.is_superuser:
                # Only groups inside the actor's ceiling can be handed out, so no one can
                # raise an account (their own included) above their own reach.
                kwargs["queryset"] = groups_within(permission_ceiling(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def groups_within(ceiling: set[str]):
    beyond = [
        perm.pk
        for perm in Permission.objects.select_related("content_type")
        if f"{perm.content_type.app_label}.{perm.codename}" not in ceiling
    ]
    return Group.objects.exclude(permissions__in=beyond).order_by("name")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The audit trail is read-only, even for superusers.

    Refused sign-ins, authenticator codes and uploads are aggregated (accounts.audit):
    `count` says how many times the row's event happened between `at` and `last_at`.
    """

    list_display = ["at", "kind", "actor", "target_user", "ip", "count", "last_at", "detail"]
    list_filter = ["kind"]
    search_fields = ["actor__email", "target_user__email", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Jurisdiction)
class JurisdictionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["name"]
