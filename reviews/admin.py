from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ConflictDeclaration, Decision, Review, ReviewAssignment, ScreeningOverride


# Read-only in the admin: every change goes through reviews.services so it is audited
# with its reason; the admin is for looking things up.
class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "assigned_by", "assigned_at"]
    list_select_related = ["application", "reviewer", "assigned_by"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    list_select_related = ["application", "reviewer"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "total_score", "recommendation", "submitted_at"]
    list_filter = ["status", "recommendation"]
    list_select_related = ["assignment__application", "assignment__reviewer"]


@admin.register(ScreeningOverride)
class ScreeningOverrideAdmin(ReadOnlyAdmin):
    list_display = ["application", "check_key", "result", "overridden_by", "overridden_at"]
    list_select_related = ["application", "overridden_by"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "outcome",
        "decided_by",
        "decided_at",
        "released_at",
        "reversed_at",
    ]
    list_filter = ["outcome"]
    list_select_related = ["application", "decided_by"]
