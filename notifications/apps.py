from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Celery autodiscovers tasks.py only; the schedules' tasks are registered here.
        from . import schedule_tasks  # noqa: F401
