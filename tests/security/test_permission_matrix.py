"""Issue 14: the permission matrix over every URL pattern (portal, allauth and admin).

Patterns come from the resolver, so a new URL cannot escape: a pattern without a row in
tests/security/matrix_table.py fails this test with the row to add. Each principal
requests each pattern with GET and with an empty POST; any result other than the one in
the table, and any 5xx, fails the test. The counts are printed (pytest -s shows them).

Set MATRIX_DUMP=<file> to write the observed table there (to draft rows for new URLs;
check every cell before pasting it into matrix_table.py).
"""

import os
import re

import pytest

from tests.security.matrix import PRINCIPALS, Runner, World, admin_kwargs, all_routes, classify
from tests.security.matrix_table import ADMIN, MATRIX

pytestmark = pytest.mark.django_db

METHODS = ("GET", "POST")
ADMIN_OBJECT_REDIRECT = re.compile(r"^/admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/$")


def url_for(route, row, world) -> str | None:
    from django.urls import reverse

    if route.key.startswith("route:"):
        # An unnamed pattern: the admin's catch-all (the row gives a path), or the admin's
        # old-style object URL that redirects to the change page.
        if row is not None and row.path:
            return row.path
        match = ADMIN_OBJECT_REDIRECT.match(route.pattern)
        if match is None:
            return None
        label = f"{match['app']}.{match['model']}"
        return route.pattern.replace("<path:object_id>", world.admin_object_id(label))
    if row is not None and row.kwargs is not ADMIN:
        kwargs = row.kwargs(world) if row.kwargs else {}
    elif route.key.startswith("admin:"):
        kwargs = admin_kwargs(route, world)
        if kwargs is None:
            return None
    else:
        kwargs = {}
    if isinstance(kwargs, list):
        return reverse(route.key, args=kwargs)
    return reverse(route.key, kwargs=kwargs)


def dump_row(key: str, observed: dict, row) -> str:
    if row is not None and row.kwargs is ADMIN or key.startswith(("admin:", "route:/admin/")):
        kwargs = "ADMIN"
    elif row is None or row.kwargs is None:
        kwargs = "None"
    else:
        kwargs = "lambda w: {...}"  # the URL's kwargs, from the World
    get = " ".join(observed[("GET", p)] for p in PRINCIPALS)
    post = " ".join(observed[("POST", p)] for p in PRINCIPALS)
    return f'    "{key}": Row({kwargs},\n        GET="{get}",\n        POST="{post}"),'


def test_every_url_answers_every_principal_as_the_table_says(client):
    world = World()
    runner = Runner(client, world)
    routes = all_routes()
    keys = {route.key for route in routes}

    stale = sorted(set(MATRIX) - keys)
    assert not stale, f"Rows for URL patterns that no longer exist; delete them: {stale}"

    requests = 0
    unexpected: list[str] = []
    server_errors: list[str] = []
    unknown: list[str] = []
    dump: list[str] = []
    for route in routes:
        row = MATRIX.get(route.key)
        url = url_for(route, row, world)
        if url is None:
            unknown.append(f"{route.key} ({route.pattern}): no way to build its URL")
            continue
        observed = {}
        for method in METHODS:
            for principal in PRINCIPALS:
                response = runner.request(method, url, principal)
                requests += 1
                got = classify(response)
                observed[(method, principal)] = got
                if got.startswith("5"):
                    server_errors.append(f"{method} {url} as {principal}: {response.status_code}")
                if row is None or not row.GET:
                    continue
                expected = row.expected(method, principal)
                if got != expected:
                    unexpected.append(
                        f"{method} {url} ({route.key}) as {principal}: expected {expected}, got {got}"
                    )
        if row is None or not row.GET:
            unknown.append(
                f"{route.key} ({route.pattern}) has no row in tests/security/matrix_table.py. "
                "Add one saying what each principal may do; observed now:\n"
                + dump_row(route.key, observed, row)
            )
        dump.append(dump_row(route.key, observed, row))

    if os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "w") as out:
            out.write("\n".join(dump) + "\n")

    print(
        f"\npermission matrix: {len(routes)} URL patterns, {len(PRINCIPALS)} principals, "
        f"{requests} requests, {len(unexpected)} unexpected, {len(server_errors)} server errors, "
        f"{len(unknown)} patterns without a row"
    )
    problems = server_errors + unexpected + unknown
    assert not problems, "\n".join(problems[:60]) + (
        f"\n... and {len(problems) - 60} more" if len(problems) > 60 else ""
    )


def test_every_row_lists_one_outcome_per_principal():
    from tests.security.matrix import CODES

    for key, row in MATRIX.items():
        for method in METHODS:
            cells = row.cells(method)
            assert len(cells) == len(PRINCIPALS), (key, method)
            assert set(cells) <= CODES, (key, method, set(cells) - CODES)


def test_a_url_pattern_without_a_row_is_reported_with_what_to_do(settings):
    """A new URL cannot escape: the resolver walk finds it and the table has no row."""
    settings.ROOT_URLCONF = "tests.security.urls_with_extra"
    keys = {route.key for route in all_routes()}
    assert "brand_new_page" in keys
    assert "brand_new_page" not in MATRIX
    missing = sorted(keys - set(MATRIX))
    assert missing == ["brand_new_page"]
