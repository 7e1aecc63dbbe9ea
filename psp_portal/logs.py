"""JSON-lines logging in UTC, with the request id and the Celery task id on every line.

One line per record: {"ts": "2026-12-01T13:40:40.123Z", "level": "INFO", "logger": ...,
"message": ..., "request_id": ..., "task_id": ..., plus any `extra={...}` fields}.
Django (settings.LOGGING), Celery (which must not hijack the root logger) and
gunicorn (psp_portal/gunicorn_conf.py) all write through JsonFormatter, so one
clock (UTC) and one shape serve every process.

The request id comes from the proxy's X-Request-ID when it looks like one
(so a line can be followed from the load balancer to the worker), else a new
one; it is sent back in the X-Request-ID response header.
"""

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
task_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us: short, no spaces or quotes (it ends up in logs and headers).
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

# LogRecord's own attributes; anything else on a record came from `extra=`.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def utc_timestamp(created: float) -> str:
    seconds = time.gmtime(created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", seconds) + f".{int(created % 1 * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": utc_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "task_id": task_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class PlainUTCFormatter(logging.Formatter):
    """Development: readable, but on the same UTC clock, with the ids when present."""

    converter = time.gmtime
    default_msec_format = "%s.%03d"

    def format(self, record):
        ids = " ".join(
            f"{name}={value}"
            for name, value in (("request", request_id_var.get()), ("task", task_id_var.get()))
            if value
        )
        text = super().format(record)
        return f"{text} [{ids}]" if ids else text


class RequestIdMiddleware:
    """First in MIDDLEWARE: every line the request writes carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs "Not Found"/"Internal Server Error"
        # after the middleware returns. request_finished clears it (clear_request_id).
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def clear_request_id(**kwargs):
    """request_finished: the next lines of this thread belong to no request."""
    request_id_var.set(None)


def bind_task_id(task_id=None, **kwargs):
    """Celery task_prerun: lines written by the task carry its id."""
    task_id_var.set(task_id)


def unbind_task_id(**kwargs):
    task_id_var.set(None)
