"""gunicorn logging (loaded by the project's gunicorn.conf.py): its error and
access logs as JSON lines in UTC, like Django's and Celery's, with the request id
the portal sent back (X-Request-ID) on each access line."""

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "psp_portal.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Method, path, status, bytes, duration in microseconds, and the request id.
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(D)sus request_id=%({x-request-id}o)s"
