"""Schemathesis against a live server with the demo data, for every operation.

Each operation of /api/v1/schema/ gets generated requests (random parameters and
filters, and for detail operations also the id of a real demo object), sent with a
program admin's token over HTTP to a live server. Every response must be no 5xx and
conform to the schema: status code documented, content type, headers and body. The
run prints how many operations and cases it ran; examples are bounded so it takes
a minute or two.
"""

from io import StringIO

import pytest
import requests
import schemathesis
from django.core.management import call_command
from django.test.utils import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from pytest_django.live_server_helper import LiveServer
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import User
from reports.models import Report
from tests.api.conftest import make_token

# Random cases per operation, and cases with a real object's id per detail operation.
RANDOM_EXAMPLES = 25
KNOWN_ID_EXAMPLES = 10
OPERATIONS = 16  # 8 resources x (list, detail); a new endpoint must be added here
# Every check runs (no 5xx, status code, content type, headers, body schema, auth
# enforced) except one: a schema-valid id of a missing liaison or cycle in a filter is a
# 400 with the field named, as on the list pages; a schema cannot say "an id that exists".
NOT_CHECKED = [positive_data_acceptance]


@pytest.fixture
def api_live_server():
    # As tests/e2e/conftest.py: the portal's MEDIA_URL = None breaks the live server's
    # media handler, so it gets a path no page uses.
    with override_settings(MEDIA_URL="/__api-tests-serve-no-uploads__/"):
        server = LiveServer("127.0.0.1")
    yield server
    server.stop()


def _hypothesis(max_examples):
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no example database left in the work tree
        derandomize=True,  # the same cases on every run: a failure reproduces
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_operation_conforms_to_the_schema(api_live_server, settings, capsys):
    settings.API_RATE_LIMIT = "100000/min"  # fuzzing is not what the rate limit is for
    call_command("load_demo", stdout=StringIO())
    admin = User.objects.get(email="admin@demo.psp.gov")
    # The demo has no report requested by the admin; one gives /reports/ a row to read.
    Report.objects.create(kind="program_report", requested_by=admin)
    _, raw = make_token(admin)
    headers = {"Authorization": f"Bearer {raw}"}
    base = api_live_server.url
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    cases = {"n": 0}
    session = requests.Session()

    def run(strategy, max_examples):
        @_hypothesis(max_examples)
        @given(case=strategy)
        def check(case):
            cases["n"] += 1
            case.call_and_validate(
                base_url=base, session=session, headers=headers, excluded_checks=NOT_CHECKED
            )

        check()

    # Closed before the server stops: a kept-alive connection's thread would otherwise
    # close the database connection the live server shares with this thread.
    with session:
        for operation in operations:
            run(operation.as_strategy(), RANDOM_EXAMPLES)
            if "{id}" in operation.path:
                list_url = base + operation.path.replace("{id}/", "")
                rows = session.get(list_url, headers=headers).json()["results"]
                assert rows, f"the demo data has no row for {operation.path}"
                strategy = operation.as_strategy(path_parameters={"id": rows[0]["id"]})
                run(strategy, KNOWN_ID_EXAMPLES)
    with capsys.disabled():
        print(f"\nSchemathesis: {len(operations)} operations, {cases['n']} cases, all conforming")
    assert len(operations) == OPERATIONS
