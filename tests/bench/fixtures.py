"""The bench tests' data fixture, shared with tests/api (the API bench stage)."""

import pytest

from bench import datagen


@pytest.fixture
def tiny(monkeypatch):
    """Scale 1 with every base count divided by 20 (50 jurisdictions, 5 sites...)."""
    monkeypatch.setattr(
        datagen,
        "BASE",
        {
            "jurisdictions": 50,
            "sois_per_cycle": 50,
            "sites": 5,
            "engagements": 400,
            "reviewers": 4,
            "liaisons": 2,
        },
    )
    monkeypatch.setattr(datagen, "SELECTED_PER_CLOSED_CYCLE", 1)
    monkeypatch.setattr(datagen, "BIG_SITE_ENGAGEMENTS", 100)
