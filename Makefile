# PSP Portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and PDFs must point where `make run` serves: SITE_URL follows HOST and
# PORT unless it is set (the environment or `make run SITE_URL=...` wins). Passed to the
# server and the worker/beat only; tests and production read their own SITE_URL.
RUN_SITE_URL := $(or $(SITE_URL),http://$(HOST):$(PORT))
# System libraries WeasyPrint needs (Debian names).
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core

.PHONY: help run test lint fmt bench lock system-deps venv migrate demo worker beat schedule backup restore clean pdf-samples

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## Check (and on Debian as root, install) the libraries WeasyPrint needs
	@bash scripts/system-deps.sh $(WEASYPRINT_DEBS)

# Development and CI install the dev lock (runtime pins plus test tools); the Docker
# image installs requirements.lock alone. Both carry hashes, so pip refuses any file
# that differs from the one locked.
$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Python 3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the pinned dependencies

migrate: venv system-deps ## Apply migrations and create the cache table
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate ## Load the demonstration data (safe to repeat)
	$(PY) manage.py load_demo

run: demo ## Build, migrate, load demo data and serve http://127.0.0.1:8000
	SITE_URL=$(RUN_SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

test: venv system-deps ## Run the whole test suite (installs Chromium for tests/e2e when root)
	@bash scripts/browser-deps.sh
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv ## ruff lint and format check, and the apps' import layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: venv ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

pdf-samples: demo ## Page images of one example PDF per report kind, under docs/pdf-samples/
	@command -v pdftoppm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get install -y -qq poppler-utils >/dev/null; } || { echo "pdftoppm (poppler-utils) is required"; exit 1; }
	$(PY) manage.py pdf_samples $(PDF_SAMPLES_ARGS)

bench: venv system-deps ## Measure pages, queries, submissions and PDFs (see README)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get install -y -qq wrk >/dev/null; } || echo "wrk missing: page throughput skipped"
	$(PY) manage.py bench $(BENCH_ARGS)

worker: venv ## Run a Celery worker (needs REDIS_URL)
	SITE_URL=$(RUN_SITE_URL) $(BIN)/celery -A psp_portal worker --loglevel=INFO --max-tasks-per-child=50

beat: venv ## Run the Celery scheduler (needs REDIS_URL)
	SITE_URL=$(RUN_SITE_URL) $(BIN)/celery -A psp_portal beat --loglevel=INFO

schedule: venv ## Run the scheduled jobs (quarterly report, sweeper) once, now, without beat
	SITE_URL=$(RUN_SITE_URL) $(PY) manage.py run_schedule --now

backup: venv ## pg_dump (custom format) + media files into var/backups/psp-<UTC time>/ (BACKUP_DIR=...)
	$(PY) manage.py backup $(if $(BACKUP_DIR),--dir $(BACKUP_DIR))

restore: venv ## Restore BACKUP=<folder> into DATABASE_URL (a fresh database) and MEDIA_ROOT
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/psp-<time> [RESTORE_ARGS=--force]"; exit 1; }
	$(PY) manage.py restore $(BACKUP) $(RESTORE_ARGS)

LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host

lock: ## Re-pin requirements.lock (runtime) and requirements-dev.lock (+ test tools), with hashes
	rm -rf /tmp/psp-lock && $(PYTHON) -m venv /tmp/psp-lock
	/tmp/psp-lock/bin/pip install --quiet pip-tools
	/tmp/psp-lock/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	# The dev lock is constrained by the runtime lock: tests run the versions production runs.
	/tmp/psp-lock/bin/pip-compile $(LOCK_FLAGS) --extra dev -c requirements.lock \
	  -o requirements-dev.lock pyproject.toml

clean: ## Remove the venv and local data
	rm -rf $(VENV) var/db.sqlite3 var/media var/staticfiles
