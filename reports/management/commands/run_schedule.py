"""Run the scheduled jobs (CELERY_BEAT_SCHEDULE) once, in this process.

`make run` has no Celery beat, so the scheduled quarterly report could not be seen
working there. `manage.py run_schedule --now` runs every job of the schedule right away
(each one is safe to repeat: the quarterly report is keyed by its quarter, the sweeper
only re-publishes lost work); `--job NAME` runs one. Production keeps `celery beat`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run the scheduled jobs (celery beat's schedule) once, now, in this process."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the jobs now (required: says what it does)."
        )
        parser.add_argument("--job", help="Run only this job (a CELERY_BEAT_SCHEDULE name).")

    def handle(self, *args, now: bool, job: str | None, **options):
        if not now:
            raise CommandError("Give --now to run the scheduled jobs now.")
        schedule = settings.CELERY_BEAT_SCHEDULE
        if job is not None and job not in schedule:
            raise CommandError(f"No scheduled job {job!r}; jobs: {', '.join(sorted(schedule))}.")
        for name, entry in schedule.items():
            if job is not None and name != job:
                continue
            task = import_string(entry["task"])  # the task's dotted path
            # apply(): run in this process, whatever the broker, as beat's worker would.
            result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            if result.failed():
                raise CommandError(f"{name} failed: {result.result}")
            self.stdout.write(f"{name}: done ({result.result!r})")
