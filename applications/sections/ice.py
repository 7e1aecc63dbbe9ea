"""7. The three ICE-cooperation questions of the cycle's question set (versioned texts)."""

from ..forms import IceAnswersForm
from ..models import Application, IceAnswer
from .base import Section, own_keys, save_row

NUMBERS = (1, 2, 3)


def missing(app: Application) -> list[str]:
    answers = {a.question_number: a for a in app.ice_answers.all()}
    gaps = []
    for number in NUMBERS:
        answer = answers.get(number)
        if answer is None or not answer.answer:
            gaps.append(f"Answer to question {number}")
        elif answer.answer != IceAnswer.Answer.YES and not answer.explanation.strip():
            gaps.append(f"Explanation for question {number}")
    return gaps


def forms(app: Application, data=None) -> list:
    return [
        IceAnswersForm(
            data,
            question_set=app.cycle.question_set,
            initial=IceAnswersForm.initial_from(app.ice_answers.all()),
        )
    ]


def cleaned(forms: list) -> dict:
    return forms[0].answers()


def save(locked: Application, data: dict, actor) -> list[str]:
    """`data` maps a question number to (answer, explanation); each row records the
    question set it answered."""
    question_set = locked.cycle.question_set
    for number in own_keys(data, NUMBERS, "ice"):
        answer, explanation = data[number]
        row = IceAnswer.objects.filter(application=locked, question_number=number).first()
        row = row or IceAnswer(application=locked, question_number=number)
        row.answer, row.explanation, row.question_set = answer, explanation, question_set
        save_row(row, actor)
    return []


def snapshot(app: Application) -> dict:
    questions = app.cycle.question_set
    answers = {a.question_number: a for a in app.ice_answers.all()}
    return {
        "version": questions.version,
        "sha256": questions.sha256,
        "answers": [
            {
                "number": number,
                "question": text,
                "answer": answers[number].answer if number in answers else "",
                "answer_label": (
                    str(IceAnswer.Answer(answers[number].answer).label)
                    if number in answers and answers[number].answer
                    else ""
                ),
                "explanation": answers[number].explanation if number in answers else "",
            }
            for number, text in questions.questions
        ],
    }


def context(app: Application) -> dict:
    return {"question_set": app.cycle.question_set}


SECTION = Section(
    key="ice",
    title="ICE-cooperation questions",
    missing=missing,
    snapshot_key="ice_questions",
    snapshot=snapshot,
    summary_template="applications/sections/ice_summary.html",
    select_related=("cycle__question_set",),
    prefetch_related=("ice_answers",),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/ice.html",
    context=context,
)
