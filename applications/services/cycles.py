"""Cycles, national rates and the versioned texts, changed by program admins."""

from django.db import transaction

from accounts.models import User

from ..models import CertificationText, Cycle, IceQuestionSet, NationalCrimeRate
from .drafts import ApplicationError

TEXTS_IN_USE = (
    "Statements of Interest already use this cycle's certification and questions; "
    "they can no longer be changed."
)


def cycle_texts_change_refused(*, before: Cycle, certification_text_id, question_set_id) -> bool:
    """Applicants certified and answered the texts the cycle showed them; swapping them
    afterwards would make drafts and the record disagree."""
    texts_changed = (
        before.certification_text_id != certification_text_id
        or before.question_set_id != question_set_id
    )
    return texts_changed and before.applications.exists()


@transaction.atomic
def cycle_save(*, cycle: Cycle, actor: User) -> Cycle:
    """Create or update a cycle (fields already validated by CycleForm)."""
    if cycle.pk:
        before = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle_texts_change_refused(
            before=before,
            certification_text_id=cycle.certification_text_id,
            question_set_id=cycle.question_set_id,
        ):
            raise ApplicationError(TEXTS_IN_USE)
    cycle._history_user = actor
    cycle.save()
    return cycle


@transaction.atomic
def national_rate_save(*, rate: NationalCrimeRate, actor: User) -> NationalCrimeRate:
    """Create or correct a national rate row (staff keep the table current)."""
    rate._history_user = actor
    rate.save()
    return rate


@transaction.atomic
def certification_text_create(
    *, version: str, text: str, effective_date, actor: User
) -> CertificationText:
    """Add a new version of the certification; versions are never edited once used."""
    cert = CertificationText(version=version, text=text, effective_date=effective_date)
    cert.sha256 = cert.compute_sha256()
    cert._history_user = actor
    cert.save()
    return cert


@transaction.atomic
def question_set_create(
    *, version: str, questions: list[str], effective_date, actor: User
) -> IceQuestionSet:
    """Add a new version of the three ICE-cooperation questions."""
    q1, q2, q3 = questions
    qs = IceQuestionSet(
        version=version, question_1=q1, question_2=q2, question_3=q3, effective_date=effective_date
    )
    qs.sha256 = qs.compute_sha256()
    qs._history_user = actor
    qs.save()
    return qs
