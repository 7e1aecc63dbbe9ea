from django.contrib import admin

from .models import Email, SentReminder


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Read-only: mail is sent by the notifications service, never written by hand."""

    list_display = ("created_at", "kind", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    # Bodies may hold personal data; the record shows who, what and when.
    exclude = ("text_body", "html_body")
    readonly_fields = [
        f.name for f in Email._meta.fields if f.name not in {"text_body", "html_body"}
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "subject_key", "for_date", "occasion")
    list_filter = ("kind",)
    search_fields = ("user__email",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
