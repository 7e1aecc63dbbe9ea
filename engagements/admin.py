from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Engagement, FollowUpAction, NarrativeUpdate


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["tracking_number", "title", "site", "type", "status", "start_date", "hours"]
    list_filter = ["status", "type", "delivery"]
    search_fields = ["tracking_number", "title", "site__jurisdiction__name"]
    list_select_related = ["site__jurisdiction"]
    # Status moves through engagements.services (deliver, cancel with a reason).
    readonly_fields = [
        "tracking_number", "status", "delivered_at", "cancelled_at", "cancellation_reason",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [FollowUpInline]

    def has_add_permission(self, request):
        return False  # engagements.services.engagement_log hands out the tracking number


@admin.register(NarrativeUpdate)
class NarrativeUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["site", "year", "half", "engagements_delivered", "hours_delivered", "author"]
    list_filter = ["year", "half"]
