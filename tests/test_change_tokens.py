"""What keeps the change tokens (psp_portal/change_tokens.py) true in every process: their
receivers are connected by Django's setup alone, and no code writes their inputs without
a model signal unless it moves the token itself."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from engagements.year_totals import ENGAGEMENTS
from outcomes.program_token import OUTCOME_INPUTS

TOKENS = {"engagements.year_totals": ENGAGEMENTS, "outcomes.program_token": OUTCOME_INPUTS}


def test_every_process_connects_the_receivers_at_setup():
    """A Celery worker or a management command writes inputs without importing the pages
    that read the figures: the apps' ready() must connect the receivers."""
    code = (
        "import sys, django; django.setup(); "
        f"print(' '.join(name for name in {sorted(TOKENS)!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
        check=True,
    ).stdout.split()  # fmt: skip
    assert loaded == sorted(TOKENS)


# A queryset write sends no post_save or post_delete: on an input model it must be
# followed by the token's changed(). Each known one is listed with why it is safe.
SIGNAL_LESS = re.compile(r"\.(update|bulk_create|bulk_update|_raw_delete)\(")
KNOWN = {
    # The CSV import: engagements_changed() follows it in the same function.
    ("engagements/services.py", "bulk_create_with_history", "Engagement"),
    # reminded_at: not read by the Outcomes page.
    ("outcomes/notifications.py", "update", "OutcomeYear"),
    # The bench's load stage: applicants' jurisdictions, which no site has.
    ("bench/load.py", "bulk_create", "Jurisdiction"),
}


def chain_root(text: str, dot: int) -> str:
    """The name a call chain ending at text[dot] ("." of ".update(") starts from:
    "Site" for `Site.objects.filter(pk__in=ids)\n    .update(`."""
    i = dot
    while True:
        i -= 1
        while i >= 0 and text[i].isspace():
            i -= 1
        if text[i] == ")":  # a call's arguments: skip to its "("
            depth = 0
            while True:
                depth += {")": 1, "(": -1}.get(text[i], 0)
                if depth == 0:
                    break
                i -= 1
            continue
        end = i + 1
        while i >= 0 and (text[i].isalnum() or text[i] == "_"):
            i -= 1
        name = text[i + 1 : end]
        before = i
        while before >= 0 and text[before].isspace():
            before -= 1
        if before < 0 or text[before] != ".":
            return name
        i = before


def signal_less_writes(models: set[str]):
    """(path, method, model) of each queryset write (and bulk_create_with_history) on one
    of `models` in the apps' code, migrations aside."""
    apps = [p for p in Path(settings.BASE_DIR).iterdir() if (p / "apps.py").exists()]
    for app in apps:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text, name = path.read_text(), str(path.relative_to(settings.BASE_DIR))
            for match in SIGNAL_LESS.finditer(text):
                root = chain_root(text, match.start())
                if root in models:
                    yield name, match.group(1), root
            for match in re.finditer(r"bulk_create_with_history\(([^)]*)", text):
                for model in models:
                    if re.search(rf"\b{model}\b", match.group(1)):
                        yield name, "bulk_create_with_history", model


def test_the_write_finder_finds_chained_writes():
    text = "x = 1\n(\n    Site.objects.filter(pk__in=f(a, b))\n    .update(phase=p)\n)\n"
    assert chain_root(text, text.index(".update(")) == "Site"
    assert chain_root("context.update(", 7) == "context"


def test_no_input_is_written_without_moving_its_token():
    models = {sender.__name__ for token in TOKENS.values() for sender in token.inputs}
    found = set(signal_less_writes(models))
    assert found - KNOWN == set(), "call changed() after these writes, then list them in KNOWN"
    assert KNOWN - found == set(), "a write listed in KNOWN is gone: remove it from the list"
