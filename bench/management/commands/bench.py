"""`manage.py bench`: the whole benchmark (`make bench`), or one stage of it.

Without --stage it orchestrates: for each database line (PostgreSQL psp_bench, then
SQLite var/bench/bench.sqlite3) and scale, it makes a fresh database from a migrated
template, generates the data (`bench_data`) and runs the stages in child processes
that point DATABASE_URL at that database. The current process never touches the
bench databases through the ORM, and never the portal's own database.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.datagen import refuse_in_production, refuse_outside_bench_database

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# Another name keeps parallel runs (several worktrees on one server) apart.
PG_DB = os.environ.get("BENCH_PG_DB", "psp_bench")
PG_TEMPLATE = f"{PG_DB}_template"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# Stages that time the portal: they run with the production settings (issue 20).
TIMED_STAGES = ("pages", "api", "load")
# What a deployment sets and the bench cannot take from one. See README, "Benchmarks".
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DEBUG": "false",
    # The test client asks for "testserver"; gunicorn is reached on 127.0.0.1.
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SITE_URL": "https://psp-bench.invalid",
    # Production serves static files through the manifest; `bench` collects them first.
    "STATIC_MANIFEST": "true",
    # Cache and Celery broker as in production (no worker runs: receipts stay queued).
    "REDIS_URL": REDIS,
    # Nothing is mailed: a receipt would be queued, never sent.
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}


def out_dir() -> Path:
    path = Path(settings.BASE_DIR) / "var" / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


class Command(BaseCommand):
    help = "Measure pages, queries, throughput, submissions and PDFs (see README, 'Benchmarks')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stage", choices=["all", "pages", "api", "load", "pdf", "import"], default="all"
        )
        parser.add_argument(
            "--case", help="pdf stage: site_1000, site_typical, program_100 or outcomes_100"
        )
        parser.add_argument("--mode", choices=["full", "weasy"], default="full")
        parser.add_argument("--out", help="stage result file (JSON)")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--pg-scales", default="1,10")
        parser.add_argument("--sqlite-scales", default="1,10")
        parser.add_argument("--load-seconds", type=int, default=20)
        parser.add_argument("--skip", default="", help="comma list: api,load,pdf,import,sqlite,pg")

    def handle(self, *args, stage, **opts):
        if stage in TIMED_STAGES:
            refuse_outside_bench_database()
        else:
            refuse_in_production()
        if stage == "all":
            return self.orchestrate(opts)
        result = self.run_stage(stage, opts)
        Path(opts["out"]).write_text(json.dumps(result, indent=2, default=str))

    # --- one stage, in a child process ----------------------------------------------------

    def run_stage(self, stage, opts):
        if stage in ("pages", "api"):
            # Timed in this process, so collect garbage as a gunicorn worker does
            # (gunicorn.conf.py's post_fork); the load stage's gunicorn reads that file.
            from psp_portal.gc_tuning import tune_for_serving

            tune_for_serving()
        if stage == "pages":
            from bench.pages import measure_pages

            return measure_pages(runs=opts["runs"])
        if stage == "import":
            from bench.imports import measure_import

            return measure_import()
        if stage == "api":
            from bench.api import measure_api

            return measure_api(runs=opts["runs"])
        if stage == "load":
            from bench.load import run_load

            return run_load(seconds=opts["load_seconds"])
        from bench.pdfs import measure_case

        return measure_case(opts["case"], opts["mode"])

    # --- orchestration -----------------------------------------------------------------------

    def child(self, env_db: str, *args, timeout=900) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": env_db, "DEBUG": "false", "DJANGO_ENV": "development"}
        env.pop("REDIS_URL", None)
        if args and args[0] == "bench" and any(stage in args for stage in TIMED_STAGES):
            # Timed with the production settings: DEBUG off, cached templates, hashed
            # static files, Redis cache, the whole middleware (HTTPS redirect included).
            env.update(PRODUCTION_ENV, SECRET_KEY=self.secret_key)
        elif args and args[0] == "collectstatic":
            env["STATIC_MANIFEST"] = "true"
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
        return proc

    def stage(self, db_url: str, stage: str, *extra) -> dict | list:
        out = out_dir() / f"stage-{os.getpid()}.json"
        self.child(db_url, "bench", "--stage", stage, "--out", str(out), *extra)
        data = json.loads(out.read_text())
        out.unlink()
        return data

    def pg(self, sql: str, db: str = "postgres") -> None:
        import psycopg2

        conn = psycopg2.connect(f"{PG_SERVER}/{db}")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql)
        conn.close()

    def pg_version(self) -> str:
        import psycopg2

        conn = psycopg2.connect(f"{PG_SERVER}/postgres")
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
        conn.close()
        return version

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def build(self, line: str, scale: int, seed: int) -> tuple[str, float]:
        """A fresh database for (line, scale) holding the generated data; its URL and build time."""
        if line == "postgresql":
            url = f"{PG_SERVER}/{PG_DB}"
            self.pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            self.pg(f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}")
        else:
            path = out_dir() / "bench.sqlite3"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copy(out_dir() / "template.sqlite3", path)
            url = f"sqlite:///{path}"
        started = time.perf_counter()
        self.child(url, "bench_data", "--scale", str(scale), "--seed", str(seed), timeout=1200)
        return url, round(time.perf_counter() - started, 1)

    def templates(self, lines: list[str]) -> None:
        """Migrate once per database line; every scale starts from a copy."""
        if "postgresql" in lines:
            self.pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            self.pg(f"DROP DATABASE IF EXISTS {PG_TEMPLATE} WITH (FORCE)")
            self.pg(f"CREATE DATABASE {PG_TEMPLATE}")
            url = f"{PG_SERVER}/{PG_TEMPLATE}"
            self.child(url, "migrate", "--noinput", "-v0")
            self.child(url, "createcachetable")
        if "sqlite" in lines:
            path = out_dir() / "template.sqlite3"
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
            self.child(url, "migrate", "--noinput", "-v0")
            self.child(url, "createcachetable")

    @property
    def secret_key(self) -> str:
        # Production refuses to start without one; a fresh one per run, never stored.
        if not hasattr(self, "_secret_key"):
            import secrets

            self._secret_key = secrets.token_urlsafe(50)
        return self._secret_key

    def orchestrate(self, opts) -> None:
        from bench.api import api_flags
        from bench.pages import flags
        from bench.report import machine, print_report

        skip = {s for s in opts["skip"].split(",") if s}
        seed, runs = opts["seed"], opts["runs"]
        plan = []
        if "pg" not in skip:
            plan += [("postgresql", int(s)) for s in opts["pg_scales"].split(",") if s]
        if "sqlite" not in skip:
            plan += [("sqlite", int(s)) for s in opts["sqlite_scales"].split(",") if s]
        started = time.perf_counter()
        result = {
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": machine(self.pg_version() if "pg" not in skip else None),
            "seed": seed,
            "runs_per_page": runs,
            "lines": {},
        }
        self.say(f"Migrating template databases for {sorted({p[0] for p in plan})} ...")
        self.templates(sorted({line for line, _s in plan}))
        # The manifest that production settings read (STATIC_MANIFEST); no database used.
        self.say("Collecting static files (manifest, as in production) ...")
        self.child("sqlite://:memory:", "collectstatic", "--noinput", "-v0")
        result["settings"] = {
            k: v for k, v in PRODUCTION_ENV.items() if k not in ("REDIS_URL", "SITE_URL")
        }
        for line, scale in plan:
            self.say(f"[{line} scale {scale}] generating data ...")
            url, build_s = self.build(line, scale, seed)
            entry = result["lines"].setdefault(line, {"scales": {}})
            entry["scales"][str(scale)] = {"build_seconds": build_s}
            self.say(f"[{line} scale {scale}] data built in {build_s} s; timing pages ...")
            entry["scales"][str(scale)]["pages"] = self.stage(url, "pages", "--runs", str(runs))
            if "api" not in skip:
                self.say(f"[{line} scale {scale}] timing API lists ...")
                entry["scales"][str(scale)]["api"] = self.stage(url, "api", "--runs", str(runs))
            if line == "postgresql" and scale == 1:
                if "pdf" not in skip:
                    pdfs = []
                    for case in ("site_typical", "site_1000", "program_100", "outcomes_100"):
                        for mode in ("full", "weasy"):
                            self.say(f"[{line} scale 1] PDF {case} ({mode}) ...")
                            pdfs.append(self.stage(url, "pdf", "--case", case, "--mode", mode))
                    result["pdfs"] = pdfs
                if "import" not in skip:
                    self.say(f"[{line} scale 1] CSV import of 2,000 rows ...")
                    result["import"] = self.stage(url, "import")
                if "load" not in skip:
                    self.say(f"[{line} scale 1] gunicorn + wrk + 200 submissions ...")
                    result["load"] = self.stage(
                        url, "load", "--load-seconds", str(opts["load_seconds"])
                    )
        for entry in result["lines"].values():
            entry["flags"] = flags({int(s): v["pages"] for s, v in entry["scales"].items()})
            with_api = {int(s): v["api"] for s, v in entry["scales"].items() if "api" in v}
            entry["api_flags"] = api_flags(with_api) if with_api else []
        if "postgresql" in result["lines"]:
            self.pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        text = json.dumps(result, indent=2, default=str)
        (out_dir() / f"bench-{stamp}.json").write_text(text)
        (out_dir() / "latest.json").write_text(text)
        print_report(result, self.stdout)
        self.say(f"Written var/bench/bench-{stamp}.json and var/bench/latest.json")
