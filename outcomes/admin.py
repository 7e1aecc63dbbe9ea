from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OutcomeDueDate, OutcomeImport, OutcomeYear


@admin.register(OutcomeYear)
class OutcomeYearAdmin(SimpleHistoryAdmin):
    # Read-only: figures change through outcomes.services (state flow and audit).
    list_display = ["site", "year", "status", "is_baseline", "origin", "population"]
    list_filter = ["status", "is_baseline", "origin", "year"]
    search_fields = ["site__jurisdiction__name"]
    list_select_related = ["site__jurisdiction"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutcomeDueDate)
class OutcomeDueDateAdmin(SimpleHistoryAdmin):
    list_display = ["year", "due_on", "set_by", "opened_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutcomeImport)
class OutcomeImportAdmin(admin.ModelAdmin):
    list_display = ["pk", "file_name", "status", "row_count", "written", "created_by", "created_at"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
