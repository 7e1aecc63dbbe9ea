"""get_FOO_display() on busy models keeps each field's labels instead of rebuilding them."""

from unittest import mock

import pytest
from django.db import models

from engagements.models import Engagement
from psp_portal import choice_labels
from reviews.models import Decision, Review
from sites.models import Site, SiteFocusArea


@pytest.mark.parametrize("model", [Site, SiteFocusArea, Engagement, Review, Decision])
def test_busy_models_use_the_kept_labels(model):
    assert model._get_FIELD_display is choice_labels.ChoiceLabelsMixin._get_FIELD_display


def test_labels_are_the_same_as_djangos_and_built_once_per_field():
    site = Site(phase=Site.Phase.ASSESSMENT, usao_district="OHN")
    field = Site._meta.get_field("usao_district")
    field.__dict__.pop("_choice_labels", None)
    expected = models.Model._get_FIELD_display(site, field)
    with mock.patch.object(
        choice_labels, "make_hashable", wraps=choice_labels.make_hashable
    ) as hashed:
        assert site.get_usao_district_display() == expected
        assert site.get_usao_district_display() == expected
    # The choices are hashed once (the first call); each call hashes only its value.
    assert hashed.call_count == 3
    assert site.get_phase_display() == str(Site.Phase.ASSESSMENT.label)


def test_an_unknown_value_shows_as_is():
    assert Site(usao_district="ZZZ").get_usao_district_display() == "ZZZ"
