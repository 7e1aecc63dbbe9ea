"""Issue 14, item 6: every free-text field in the portal has a server-side limit."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from applications.forms import NARRATIVE_MAX_CHARS, NarrativeForm
from tests.factories import ApplicationFactory, CycleFactory, UserFactory

FORM_MODULES = ("forms", "filters", "report_kinds")


def portal_form_classes():
    base = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(base) or "site-packages" in path.parts:
            continue  # third-party forms (allauth, Django's auth) are not ours to bound
        for name in FORM_MODULES:
            try:
                module = importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def unbounded(form_class_or_form) -> list[str]:
    if isinstance(form_class_or_form, type):
        fields = form_class_or_form.base_fields
    else:
        fields = form_class_or_form.fields
    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.ModelChoiceField)
        and field.max_length is None
    ]


def test_every_portal_form_bounds_its_text_fields():
    classes = list(portal_form_classes())
    assert len(classes) > 20  # the walk found the portal's forms
    problems = {f"{c.__module__}.{c.__name__}": unbounded(c) for c in classes if unbounded(c)}
    assert problems == {}, (
        "Free-text fields without a server-side limit; decorate the form with "
        "@psp_portal.text_limits.bounded_text or give the field max_length: "
        f"{problems}"
    )


@pytest.mark.django_db
def test_every_admin_form_bounds_its_text_fields():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    problems = {}
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        # Passwords are bounded by the hasher's input, not a text limit.
        names = [n for n in unbounded(form) if "password" not in n]
        if names:
            problems[model._meta.label] = names
    assert problems == {}


def test_a_two_megabyte_narrative_of_few_words_is_refused():
    huge = "x" * (2 * 1024 * 1024)
    form = NarrativeForm(data={"narrative_problem": huge})
    form.is_valid()
    assert "narrative_problem" in form.errors
    assert f"at most {NARRATIVE_MAX_CHARS} characters" in form.errors["narrative_problem"][0]


@pytest.mark.django_db
def test_the_narrative_page_refuses_it_and_stores_nothing(client, applicant):
    draft = ApplicationFactory(
        cycle=CycleFactory(), jurisdiction=applicant.jurisdiction, created_by=applicant
    )
    client.force_login(applicant)
    url = reverse("applications:section", args=[draft.pk, "narrative"])
    response = client.post(url, {"narrative_problem": "word " * 10 + "x" * 20_000})
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    draft.refresh_from_db()
    assert len(draft.narrative_problem or "") < 1000


def test_a_password_longer_than_the_limit_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        validate_password("Harbor-lantern-47-quilt" * 20)
    assert "password_too_long" in [e.code for e in caught.value.error_list]
