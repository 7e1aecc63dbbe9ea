"""Fixtures for the SOI tests: an open cycle and drafts owned by the `applicant` fixture."""

import pytest

from tests.factories import ApplicationFactory, CycleFactory


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def draft(applicant, cycle):
    """An empty draft of the applicant's jurisdiction."""
    return ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant
    )


@pytest.fixture
def complete_draft(applicant, cycle):
    """A draft with every section complete, ready to submit."""
    return ApplicationFactory(
        cycle=cycle, jurisdiction=applicant.jurisdiction, created_by=applicant, complete=True
    )


@pytest.fixture
def submitted(applicant):
    """A submitted SOI of the applicant's jurisdiction, in its own (open) cycle."""
    return ApplicationFactory(
        jurisdiction=applicant.jurisdiction, created_by=applicant, submitted=True
    )
