"""The OpenAPI 3.1 description and the docs page (vendored assets, no inline script)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_1_with_every_operation_and_problem_responses(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    operations = [(path, method) for path, ops in schema["paths"].items() for method in ops]
    assert len(operations) == 16 and all(method == "get" for _p, method in operations)
    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from the portal's 'API tokens' page.",
    }
    sites = schema["paths"]["/api/v1/sites/"]["get"]
    assert set(sites["responses"]) >= {"200", "400", "401", "403", "404", "429"}
    assert "application/problem+json" in sites["responses"]["429"]["content"]
    assert {"application/json", "text/csv"} <= set(sites["responses"]["200"]["content"])
    filters = {p["name"] for p in sites["parameters"]}
    assert {"cohort_year", "state", "phase", "focus_area", "updated_since", "cursor"} <= filters
    outcomes = schema["paths"]["/api/v1/outcomes/"]["get"]
    assert {"application/json", "text/csv"} <= set(outcomes["responses"]["200"]["content"])
    assert {"site", "cohort_year", "year", "year_from", "year_to", "updated_since"} <= {
        p["name"] for p in outcomes["parameters"]
    }
    # Public operations accept a call without credentials; the others require them.
    assert {} in schema["paths"]["/api/v1/cycles/"]["get"]["security"]
    assert {} not in sites["security"]


def test_docs_page_loads_vendored_swagger_ui_without_inline_script(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "swagger-ui-dist/swagger-ui-bundle.js" in html and "js/api-docs.js" in html
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html.split("<main")[1])
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for path in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "js/api-docs.js",
    ):
        assert finders.find(path), path
