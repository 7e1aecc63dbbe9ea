import pytest

from accounts import roles
from tests.conftest import make_staff
from tests.factories import ApplicationFactory, CycleFactory


@pytest.fixture(autouse=True)
def _signatory_configured(letter_signatory):
    """Release needs a letter signatory; tests of its absence clear it themselves."""
    return letter_signatory


@pytest.fixture
def cycle(db):
    return CycleFactory()


@pytest.fixture
def soi(cycle):
    """A submitted, complete SOI that passes screening (Toledo-like figures, 740.7 vs 386.3)."""
    return ApplicationFactory(cycle=cycle, submitted=True)


@pytest.fixture
def other_reviewer(db):
    return make_staff(roles.REVIEWER)
