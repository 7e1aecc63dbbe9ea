from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Report, ReportSettings


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    # Read-only: reports change state only through reports.services.
    list_display = ["pk", "kind", "status", "requested_by", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["requested_by__email", "kind"]
    list_select_related = ["requested_by"]
    readonly_fields = [field.name for field in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportSettings)
class ReportSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["marking", "signatory_name", "updated_at"]

    def has_add_permission(self, request):
        return not ReportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
