"""JSON-lines logs in UTC with the request id (also a response header) and the task id."""

import io
import json
import logging

import pytest
from django.urls import reverse

from psp_portal.logs import JsonFormatter, PlainUTCFormatter, task_id_var

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Every record of the root logger, formatted as production formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_each_response_carries_a_request_id_and_the_lines_of_that_request_too(client, json_lines):
    response = client.get(reverse("reports:detail", args=[4242]))  # anonymous: redirect
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    logging.getLogger("test").info("after the request")
    other = client.get(reverse("healthz"))["X-Request-ID"]
    assert other != request_id


def test_a_line_written_during_a_request_has_its_id_utc_time_and_extras(
    client, applicant, json_lines
):
    client.force_login(applicant)
    # A 404 is logged by Django ("Not Found: ...") inside the request.
    response = client.get("/reports/987654/", HTTP_X_REQUEST_ID="lb-7f3a2c19-0001")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-7f3a2c19-0001"  # the proxy's id is kept
    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert lines, json_lines()
    line = lines[0]
    assert line["request_id"] == "lb-7f3a2c19-0001"
    assert line["ts"].endswith("Z") and line["level"] == "WARNING"
    assert "Not Found" in line["message"]


def test_a_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID='x" injected\nline')
    assert response["X-Request-ID"] != 'x" injected\nline'
    assert len(response["X-Request-ID"]) == 32


def test_lines_written_by_a_task_carry_its_task_id(json_lines, applicant):
    from reports.tasks import report_sweep_stale_task

    result = report_sweep_stale_task.delay()  # logs the catch-up of the quarterly report
    lines = [line for line in json_lines() if line.get("task_id")]
    assert lines and {line["task_id"] for line in lines} == {result.id}
    assert task_id_var.get() is None  # cleared after the task
    caught_up = [line for line in lines if line.get("event") == "schedule_catch_up"]
    assert caught_up and caught_up[0]["report_id"]


def test_the_plain_development_format_uses_the_same_utc_clock():
    record = logging.makeLogRecord({"msg": "hello", "levelname": "INFO", "created": 0.0})
    formatter = PlainUTCFormatter("%(asctime)sZ %(message)s")
    assert formatter.format(record).startswith("1970-01-01 00:00:00")


def test_settings_route_celery_and_gunicorn_through_the_json_formatter(settings):
    from psp_portal import gunicorn_conf

    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False
    assert settings.MIDDLEWARE[0] == "psp_portal.logs.RequestIdMiddleware"
    formatters = gunicorn_conf.logconfig_dict["formatters"]
    assert formatters["json"]["()"] == "psp_portal.logs.JsonFormatter"
    assert "x-request-id" in gunicorn_conf.access_log_format
