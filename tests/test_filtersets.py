"""PortalFilterSet builds each request's filter form without copying its fields twice
(psp_portal/filtersets.py): nothing may leak from one request's form to the next."""

import pytest
from django.forms import HiddenInput
from django.test import RequestFactory

from engagements.filters import EngagementFilter
from engagements.models import Engagement

pytestmark = pytest.mark.django_db


def filterset(data=None):
    request = RequestFactory().get("/")
    return EngagementFilter(data, queryset=Engagement.objects.all(), request=request)


def test_each_filterset_has_its_own_form_fields():
    first, second = filterset().form, filterset().form
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
    first.fields["q"].widget = HiddenInput()
    assert not isinstance(filterset().form.fields["q"].widget, HiddenInput)


def test_the_form_still_validates_and_filters():
    bound = filterset({"status": Engagement.Status.DELIVERED, "start_from": "not a date"})
    assert not bound.form.is_valid()
    assert "start_from" in bound.form.errors
    good = filterset({"status": Engagement.Status.DELIVERED})
    assert good.form.is_valid()
    assert "status" in str(good.qs.query).split("WHERE", 1)[1]
