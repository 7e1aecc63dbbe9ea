"""Settings for PSP Portal, read from the environment.

One module serves every environment (healthchecks' approach). With no
environment at all it runs one development machine: SQLite under var/, Celery
tasks executed in-process, mail printed to the console. DJANGO_ENV=production
refuses to start unless the values a real deployment needs are set.
See README.md, "Configuration".
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_positive_float, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PSP_VAR_DIR", str(BASE_DIR / "var")))

# ---------------------------------------------------------------------------
# Environment
# ---------------------------------------------------------------------------
ENVIRONMENTS = ("development", "test", "production")
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}; got {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
if PRODUCTION:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env_str(name).strip()]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: "
            + ", ".join(missing)
            + ". See README.md, 'Configuration'."
        )

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

# The development key is public on purpose: it is only ever used on one machine.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-only-key-not-for-any-deployment"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Where the portal is reached, for links in mail and in PDFs (no request there).
# In production it defaults to https:// plus the first allowed host, so a link in a
# mail never points at a developer's machine.
_default_site_url = "http://127.0.0.1:8000"
if PRODUCTION:
    _first_host = ALLOWED_HOSTS[0].lstrip(".")
    if not env_str("SITE_URL") and "*" in _first_host:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production with a wildcard first ALLOWED_HOSTS entry needs SITE_URL."
        )
    _default_site_url = f"https://{_first_host}"
SITE_URL = (env_str("SITE_URL") or _default_site_url).rstrip("/")

# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------
DJANGO_APPS = [
    "psp_portal.apps.PortalAdminConfig",  # django.contrib.admin, program admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django.contrib.sites is deliberately absent: its label clashes with our `sites` app.
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "django_filters",
    "simple_history",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, no CDN
]
LOCAL_APPS = [
    "accounts",
    "applications",
    "sites",
    "engagements",
    "reports",
    "reviews",
    "outcomes",
    "operations",
    "notifications",
    "api",
    "demo",
    "bench",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: every log line of the request carries its id (and the response says it).
    "psp_portal.logs.RequestIdMiddleware",
    # Before SecurityMiddleware: X-Forwarded-Proto counts only from the TLS proxy.
    "psp_portal.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "psp_portal.middleware.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's permissions in one query (ModelBackend's own way takes two).
    "accounts.permissions.PermissionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session at its absolute lifetime, however active (after auth and messages).
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Staff must enrol in MFA before any staff page opens (after auth and allauth).
    "accounts.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "psp_portal.urls"
WSGI_APPLICATION = "psp_portal.wsgi.application"
ASGI_APPLICATION = "psp_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            # psp_portal is not an installed app, so its tag libraries are named here.
            "libraries": {
                "uswds": "psp_portal.templatetags.uswds",
                "links": "psp_portal.templatetags.links",
                "rows": "psp_portal.templatetags.rows",
            },
        },
    },
]

# ---------------------------------------------------------------------------
# Database, cache, sessions
# ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
_random_page_cost = env_positive_float("DB_RANDOM_PAGE_COST", "1.1")
_POSTGRESQL_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")
if DATABASES["default"]["ENGINE"] in _POSTGRESQL_ENGINES and _random_page_cost:
    # The planner's cost of a random page read against a sequential one (PostgreSQL's
    # default, 4, is for spinning disks). On SSD storage, or with the working set in
    # memory, 1.1 is the usual figure: with 4 the reviewer's queue counted its 359 SOIs
    # by reading all 25,000 filed ones instead of looking up its own (4 ms against 1 ms
    # at bench scale 10; issue 20). DB_RANDOM_PAGE_COST=4 for a database on disks; empty
    # to send no option (a pooler such as PgBouncer refuses connection options unless
    # configured to ignore them: set the figure on the server instead). Added to any
    # options DATABASE_URL carries (?options=-c search_path=...), not in their place.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        part
        for part in (_options.get("options", ""), f"-c random_page_cost={_random_page_cost}")
        if part
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The database cache table: the whole cache without Redis, and the fallback while
# Redis is down (every web machine shares it, so sign-in throttling still counts
# across machines). `migrate` creates it through `manage.py createcachetable`.
_database_cache = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "django_cache",
}
if REDIS_URL:
    CACHES = {
        # Redis, degrading to the database cache (and logging it) when Redis does not
        # answer: sign-in must not fail because a cache is down (psp_portal/cache.py).
        "default": {
            "BACKEND": "psp_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "FALLBACK": "database",
                "RETRY_AFTER": env_int("CACHE_REDIS_RETRY_AFTER", 30),
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1,
            },
        },
        "database": _database_cache,
    }
else:
    CACHES = {"default": _database_cache, "database": _database_cache}
# Screening summaries of the list pages (reviews.screening_summaries): each process keeps
# its own, keyed by every input, so an entry is never stale and a read costs no query or
# round trip. About 1.3 KB each (pickled): 20,000, a few cycles of SOIs, take 26 MB a process.
SCREENING_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "screening-summaries",
    "TIMEOUT": 7 * 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
CACHES["screening"] = SCREENING_CACHE

# Database-backed sessions work across several web machines.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)  # idle timeout for a federal system
# Activity extends the session through accounts.middleware.SessionActivityMiddleware
# (one write a minute) rather than SESSION_SAVE_EVERY_REQUEST (three queries a page).
SESSION_SAVE_EVERY_REQUEST = False
# Absolute lifetime from sign-in, whatever the activity (issue 14): staff 12 hours,
# applicants 24. accounts.middleware.SessionLifetimeMiddleware signs the person out.
SESSION_ABSOLUTE_AGE_STAFF = env_int("SESSION_ABSOLUTE_AGE_STAFF", 12 * 60 * 60)
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_AGE", 24 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ---------------------------------------------------------------------------
# Accounts (https://docs.allauth.org/en/latest/account/configuration.html)
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Issue 14: "aaaaaaaaaaaa" passed the four above.
    {"NAME": "accounts.passwords.ZxcvbnValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "accounts.passwords.PersonalInformationValidator"},
    {"NAME": "accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 200}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# "mandatory": sign-up never signs anyone in; it always answers "check your email".
# That is what makes a sign-up with a registered address indistinguishable from a new
# one (the owner is mailed instead; issue 14). With "optional" allauth must refuse the
# taken address on the form, which tells anyone that the account exists. Services
# still check verification (has_verified_email) before a submission.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing: the page answers the same,
# and the portal does not mail strangers on request.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PSP Portal] "
# Sign-in throttling: allauth counts failures per IP and per account in the cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Applicants inviting colleagues (applications.services.invitations): at most this
# many invitations per person, and per jurisdiction, in any 24 hours.
INVITATIONS_PER_USER_PER_DAY = env_int("INVITATIONS_PER_USER_PER_DAY", 10)
INVITATIONS_PER_JURISDICTION_PER_DAY = env_int("INVITATIONS_PER_JURISDICTION_PER_DAY", 20)
# Addresses under these domains (and their subdomains) belong to DOJ staff and are
# never invited as applicants.
STAFF_EMAIL_DOMAINS = env_list("STAFF_EMAIL_DOMAINS", "usdoj.gov")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# allauth's code forms, plus an audit row when the MFA throttle refuses a code.
MFA_FORMS = {
    "authenticate": "accounts.signin_audit.MFAAuthenticateForm",
    "reauthenticate": "accounts.signin_audit.MFAReauthenticateForm",
}
MFA_TOTP_ISSUER = "PSP Portal"

# ---------------------------------------------------------------------------
# Internationalisation
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# Deadlines are announced in Eastern Time; datetimes are stored in UTC.
TIME_ZONE = "America/New_York"
# The portal is in English only (no locale files, no LocaleMiddleware). Without the
# translation machinery every gettext, date and number format skips the active-language
# lookup (a context-variable read each time), a cost paid on every cell of the lists
# (issue 20). Dates and numbers keep the English formats (LANGUAGE_CODE's). A second
# language would turn this back on.
USE_I18N = False
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and uploaded files
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads and generated PDFs live outside the static path and have no public URL:
# they are served only through views that check who may see them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible object storage, so several web and worker machines share files.
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # None lets boto3 find credentials itself (instance role, ~/.aws).
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
# Hashed, compressed static files (the Docker image builds them with
# STATIC_MANIFEST=true and no production secrets; production serves them).
# WhiteNoise's CompressedManifestStaticFilesStorage, each URL computed once per process.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", PRODUCTION)
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": (
            "psp_portal.staticfiles.PortalStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# ---------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PSP Portal <no-reply@psp.example.gov>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Operators told by mail_admins when the report sweeper gives up (issue 15) and of
# server errors: comma-separated addresses.
ADMINS = [(address, address) for address in env_list("ADMINS")]

# ---------------------------------------------------------------------------
# Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html)
# ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None  # state lives on our own rows (Report), never in AsyncResult
CELERY_TASK_IGNORE_RESULT = True
# Without Redis every task runs in-process, so one machine needs no broker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
# ... and the web process runs them on one background thread after the request, so a
# submission does not wait for its PDF receipt (psp_portal.task_base). Commands and
# tests still run them inline. No effect with REDIS_URL: Celery publishes as always.
TASKS_IN_BACKGROUND_THREAD = CELERY_TASK_ALWAYS_EAGER and env_bool(
    "TASKS_IN_BACKGROUND_THREAD", default=DJANGO_ENV == "development"
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only after it finishes, so a killed worker does not lose it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Must exceed the task time limit, or Redis hands a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    "socket_timeout": 3,
    # Publishing while Redis is down fails in about a second (one try, 1 s connect
    # timeout, no back-off sleep) instead of kombu's default retries (6 s and more):
    # the request has committed its row and the sweeper publishes it later.
    "socket_connect_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
if CELERY_TASK_TIME_LIMIT >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT, "
        "or Redis redelivers a running task to a second worker."
    )
# Publishing must fail fast when Redis is down: the submission has already
# committed, and the periodic sweeper re-enqueues what was not published.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_BEAT_SCHEDULE: dict = {
    # Opens each year's outcome figures on the due date the program admin set and
    # mails the reminders (each once), 6:30 a.m. Eastern.
    "outcomes-open-due": {
        "task": "outcomes.tasks.outcomes_open_due_task",
        "schedule": crontab(minute=30, hour=6),
    },
    # Re-publishes report renders lost with a broker outage or a killed worker,
    # re-runs reports that failed on an environment error, and creates scheduled
    # reports whose beat run was missed (a broker outage at that moment).
    "reports-sweep-stale": {
        "task": "reports.tasks.report_sweep_stale_task",
        "schedule": env_int("REPORTS_SWEEP_SECONDS", 120),
    },
    # CSV import jobs whose message was lost with a broker outage.
    "engagements-import-sweep": {
        "task": "engagements.tasks.import_jobs_sweep_task",
        "schedule": 300.0,
    },
    # Whichever worker takes it records itself: /healthz/ready's "workers seen".
    "operations-worker-heartbeat": {
        "task": "operations.tasks.worker_heartbeat_task",
        "schedule": 30.0,
    },
    # The retention policy (README, "Retention"): nightly, 3 a.m. Eastern.
    "operations-retention": {
        "task": "operations.tasks.retention_apply_task",
        "schedule": crontab(minute=0, hour=3),
    },
    # The past quarter's program report, mailed (as a link) to program admins on
    # the first day of each quarter, 6 a.m. Eastern (CELERY_TIMEZONE).
    "reports-program-report-quarterly": {
        "task": "reports.tasks.program_report_quarterly_task",
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Mail (notifications app). Times are Eastern (CELERY_TIMEZONE); each reminder is
    # recorded in a ledger with a unique key, so a second run of a schedule sends nothing.
    "notifications-sweep-stale": {
        "task": "notifications.tasks.email_sweep_stale_task",
        "schedule": 300.0,
    },
    "notifications-deadline-reminders": {
        "task": "notifications.schedule_tasks.deadline_reminders_task",
        "schedule": crontab(minute=0, hour=9),
    },
    "notifications-review-due-reminders": {
        "task": "notifications.schedule_tasks.review_due_reminders_task",
        "schedule": crontab(minute=0, hour=8),
    },
    "notifications-reviewer-digest": {
        "task": "notifications.schedule_tasks.reviewer_digest_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "notifications-liaison-digest": {
        "task": "notifications.schedule_tasks.liaison_digest_task",
        "schedule": crontab(minute=30, hour=6),
    },
    "notifications-admin-digest": {
        "task": "notifications.schedule_tasks.admin_digest_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# ---------------------------------------------------------------------------
# Security
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(self), usb=(), xr-spatial-tracking=()"
)
# Addresses or networks of the TLS-terminating proxy. X-Forwarded-* headers from any
# other peer are dropped (psp_portal.middleware.TrustedProxyMiddleware), so
# SECURE_PROXY_SSL_HEADER cannot be spoofed by a client that reaches gunicorn directly.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and docker-compose probe /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/ready$"]
    # The TLS-terminating proxy in front of gunicorn sets this header; it is trusted
    # only from TRUSTED_PROXIES (see above).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# ---------------------------------------------------------------------------
# Read API (https://www.django-rest-framework.org/api-guide/settings/,
# https://drf-spectacular.readthedocs.io/en/latest/settings.html)
# ---------------------------------------------------------------------------
# Requests per token (or per signed-in user, or per address), e.g. "600/min".
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an unauthenticated call gets 401 with a Bearer challenge.
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasResourceScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],  # read-only
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    # Figures as JSON numbers, which spreadsheets and Power BI read without conversion.
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PSP Portal read API",
    "DESCRIPTION": "Read-only data of the National Public Safety Partnership portal.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"EngagementStatusEnum": "engagements.models.Engagement.Status"},
}

# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------
# Django's renderer with <select> markup written in Python rather than one template
# render per option (the same HTML; psp_portal/forms_renderer.py, issue 20).
FORM_RENDERER = "psp_portal.forms_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = ("uswds",)
CRISPY_TEMPLATE_PACK = "uswds"

# ---------------------------------------------------------------------------
# Logging: to stdout, for the process manager to collect.
# ---------------------------------------------------------------------------
# JSON lines in UTC with the request and task ids (psp_portal/logs.py); LOG_FORMAT=plain
# gives readable lines on the same UTC clock (the development default).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "psp_portal.logs.JsonFormatter"},
        "plain": {
            "()": "psp_portal.logs.PlainUTCFormatter",
            "format": "%(asctime)sZ %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Seven INFO lines per PDF ("Step 1 - Fetching and parsing HTML"...).
        "weasyprint.progress": {"level": "WARNING"},
    },
}
# Celery workers and beat log through LOGGING above instead of their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
