"""Django admin for program admins: cycles, rates and the versioned texts."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import CycleForm
from .models import (
    Application,
    CertificationText,
    Cycle,
    IceQuestionSet,
    JurisdictionInvitation,
    NationalCrimeRate,
)
from .services import (
    certification_text_create,
    cycle_save,
    national_rate_save,
    question_set_create,
)
from .services.cycles import TEXTS_IN_USE, cycle_texts_change_refused


@admin.register(NationalCrimeRate)
class NationalCrimeRateAdmin(SimpleHistoryAdmin):
    list_display = ["year", "rate", "source_edition"]

    def save_model(self, request, obj, form, change):
        national_rate_save(rate=obj, actor=request.user)


class CycleAdminForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = CycleForm.Meta.fields  # one field list for the portal's form and the admin

    def clean(self):
        data = super().clean()
        cycle = self.instance
        # cycle_save's rule, checked here too so the admin shows it beside the form.
        if cycle.pk and cycle_texts_change_refused(
            before=Cycle.objects.get(pk=cycle.pk),
            certification_text_id=getattr(data.get("certification_text"), "pk", None),
            question_set_id=getattr(data.get("question_set"), "pk", None),
        ):
            raise forms.ValidationError(TEXTS_IN_USE)
        return data


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    form = CycleAdminForm
    list_display = ["name", "year", "opens_at", "closes_at"]

    def save_model(self, request, obj, form, change):
        cycle_save(cycle=obj, actor=request.user)


class VersionedTextAdmin(SimpleHistoryAdmin):
    """New versions only: a text a cycle uses is never edited (its hash was shown and signed)."""

    readonly_fields = ["sha256"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_use:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Django's own permission first: "unused" only narrows who may delete, never widens.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.in_use)

    def save_model(self, request, obj, form, change):
        if change:
            # Only a version no cycle uses yet is editable (see get_readonly_fields).
            obj.sha256 = obj.compute_sha256()
            obj._history_user = request.user
            obj.save()
            return
        created = self.create(obj, actor=request.user)
        # The admin goes on with `obj` (change message, redirect): make it the saved row.
        obj.pk, obj.sha256, obj.created_at = created.pk, created.sha256, created.created_at
        obj._state.adding = False

    def create(self, obj, *, actor):
        raise NotImplementedError


@admin.register(CertificationText)
class CertificationTextAdmin(VersionedTextAdmin):
    list_display = ["version", "effective_date", "sha256"]

    def create(self, obj, *, actor):
        return certification_text_create(
            version=obj.version, text=obj.text, effective_date=obj.effective_date, actor=actor
        )


@admin.register(IceQuestionSet)
class IceQuestionSetAdmin(VersionedTextAdmin):
    list_display = ["version", "effective_date", "sha256"]

    def create(self, obj, *, actor):
        return question_set_create(
            version=obj.version,
            questions=[obj.question_1, obj.question_2, obj.question_3],
            effective_date=obj.effective_date,
            actor=actor,
        )


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """Read-only: SOIs change only through the portal's services."""

    list_display = ["__str__", "cycle", "jurisdiction", "status", "submitted_at"]
    list_filter = ["status", "cycle"]
    search_fields = ["reference_number", "jurisdiction__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JurisdictionInvitation)
class JurisdictionInvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "jurisdiction", "created_at", "accepted_at"]
    readonly_fields = ["token"]
