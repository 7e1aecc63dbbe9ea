"""What operators need to see that the background machinery is alive."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """The last run of one scheduled job (a CELERY_BEAT_SCHEDULE entry), one row per job."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome, blank=True)
    last_result = models.JSONField(_("result"), null=True, blank=True)
    last_error = models.TextField(_("error"), blank=True)
    # The last time it succeeded, kept when a later run fails.
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("view_operations", "Can see the operations page")]

    def __str__(self):
        return self.name


class WorkerHeartbeat(models.Model):
    """A Celery worker that consumed the heartbeat task; fresh rows mean the queue moves."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        return self.worker
