from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Goal, Site, SiteLiaisonAssignment, SitePhase, TeamMember


class ReadOnlyInline(admin.TabularInline):
    # Phase and liaison history is written by sites.services only (it keeps Site in step).
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SitePhaseInline(ReadOnlyInline):
    model = SitePhase
    fields = ["phase", "started_on", "note", "recorded_by"]


class AssignmentInline(ReadOnlyInline):
    model = SiteLiaisonAssignment
    fields = ["liaison", "started_on", "ended_on", "assigned_by"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["jurisdiction", "cohort_year", "phase", "liaison", "usao_district"]
    list_filter = ["cohort_year", "phase", "engagement_level"]
    search_fields = ["jurisdiction__name"]
    list_select_related = ["jurisdiction", "liaison"]
    # Phase and liaison change through the portal's pages (services record the history).
    readonly_fields = ["phase", "phase_started_on", "liaison", "created_at", "updated_at"]
    inlines = [SitePhaseInline, AssignmentInline]

    def has_add_permission(self, request):
        return False  # sites.services.site_create also writes the first phase row


@admin.register(TeamMember)
class TeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "site", "organisation", "email"]
    list_filter = ["role"]
    search_fields = ["name", "email", "site__jurisdiction__name"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "site", "target_date", "status"]
    list_filter = ["status"]
