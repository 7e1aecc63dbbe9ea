"""`manage.py bench_data --scale N --seed S`: volume data for `make bench` (never production)."""

import time

from django.core.management.base import BaseCommand
from django.db import connection

from bench.datagen import generate, refuse_in_production
from engagements.year_totals import ENGAGEMENTS
from outcomes.program_token import OUTCOME_INPUTS


class Command(BaseCommand):
    help = "Generate reproducible benchmark data (scale 1 = 3,000 SOIs, 20,000 engagements)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        refuse_in_production()
        started = time.perf_counter()
        summary = generate(scale=scale, seed=seed)
        # bulk_create sends no signal: move the change tokens on, as a save would, so
        # that no process keeps figures of the rows from before.
        ENGAGEMENTS.changed()
        OUTCOME_INPUTS.changed()
        # Bulk loads leave the planner without statistics (autovacuum may be off or late),
        # and pages would then be measured on plans no running system uses. VACUUM also
        # sets PostgreSQL's visibility map, as autovacuum does on a running system, so
        # index-only scans read the index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        elapsed = time.perf_counter() - started
        rows = sum(summary.counts.values())
        for label, n in sorted(summary.counts.items()):
            self.stdout.write(f"  {label:<34} {n:>9,}")
        self.stdout.write(
            self.style.SUCCESS(f"Scale {scale}, seed {seed}: {rows:,} rows in {elapsed:.1f} s.")
        )
