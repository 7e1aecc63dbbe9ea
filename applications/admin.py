"""Django admin for program admins: cycles, rates and the versioned texts."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    CertificationText,
    Cycle,
    IceQuestionSet,
    JurisdictionInvitation,
    NationalCrimeRate,
)
from .services import cycle_save, national_rate_save


@admin.register(NationalCrimeRate)
class NationalCrimeRateAdmin(SimpleHistoryAdmin):
    list_display = ["year", "rate", "source_edition"]

    def save_model(self, request, obj, form, change):
        national_rate_save(rate=obj, actor=request.user)


class CycleAdminForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = [
            "name",
            "year",
            "opens_at",
            "closes_at",
            "population_min",
            "population_max",
            "national_rate",
            "certification_text",
            "question_set",
            "max_sites",
        ]

    def clean(self):
        data = super().clean()
        cycle = self.instance
        # Same rule as cycle_save, checked here so the admin shows it beside the form.
        if cycle.pk and cycle.applications.exists():
            before = Cycle.objects.get(pk=cycle.pk)
            if (
                data.get("certification_text") != before.certification_text
                or data.get("question_set") != before.question_set
            ):
                raise forms.ValidationError(
                    "Statements of Interest already use this cycle's certification and "
                    "questions; they can no longer be changed."
                )
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
        return obj is None or not obj.in_use

    def save_model(self, request, obj, form, change):
        obj.sha256 = obj.compute_sha256()
        obj._history_user = request.user
        obj.save()


@admin.register(CertificationText)
class CertificationTextAdmin(VersionedTextAdmin):
    list_display = ["version", "effective_date", "sha256"]


@admin.register(IceQuestionSet)
class IceQuestionSetAdmin(VersionedTextAdmin):
    list_display = ["version", "effective_date", "sha256"]


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
