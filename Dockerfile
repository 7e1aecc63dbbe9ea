# PSP Portal image: one image for web (gunicorn), worker and beat (celery).
# Build: docker build -t psp-portal .   Run: see docker-compose.yml and README.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=psp_portal.settings

# System libraries WeasyPrint needs to render PDFs (Pango, HarfBuzz, fonts), and the
# PostgreSQL client (pg_dump, pg_restore, psql) for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. Only the runtime lock:
# test tools (pytest, Playwright, ruff, factory_boy) never enter the image. The lock
# carries hashes, so pip refuses a file that differs from the one reviewed.
COPY requirements.lock /app/requirements.lock
RUN pip install --require-hashes -r /app/requirements.lock

# The project itself; .dockerignore keeps tests, local state and secrets out.
COPY . /app

# Hashed, compressed static files baked into the image. DJANGO_ENV is unset
# here (development defaults, no secrets needed); STATIC_MANIFEST selects the
# same storage production serves from.
RUN STATIC_MANIFEST=true python manage.py collectstatic --noinput

# Run as an unprivileged user. /data/media is the shared media volume
# (docker-compose.yml) unless S3 storage is configured.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin psp \
    && mkdir -p /data/media /app/var \
    && chown -R psp:psp /data/media /app/var
USER psp
ENV MEDIA_ROOT=/data/media

EXPOSE 8000
# Migrations run once per release, in their own container: `docker compose run
# --rm migrate` (docker-compose.yml does it before web and worker start).
CMD ["gunicorn", "psp_portal.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
