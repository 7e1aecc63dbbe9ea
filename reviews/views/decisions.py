"""Recording and reversing a selection decision on one SOI."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import access
from ..forms import DecisionForm, ReasonForm
from ..models import Decision
from ..services import ReviewError, decision_record, decision_reverse
from .common import require, row_for


# Selecting officials (applications.decide_application).
@login_required
def decide(request, pk):
    require(access.can_decide(request.user))
    row = row_for(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_record(application=row.application, actor=request.user, **form.cleaned_data)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "Decision recorded. It is not shown to the applicant until released."
            )
            return redirect("reviews:slate", cycle_pk=row.application.cycle_id)
    cycle = row.application.cycle
    selected = Decision.objects.filter(
        application__cycle=cycle, reversed_at=None, outcome=Decision.Outcome.SELECTED
    ).count()
    return render(
        request,
        "reviews/decision_form.html",
        {
            "form": form,
            "row": row,
            "application": row.application,
            "selected_count": selected,
            "max_sites": cycle.max_sites,
            "at_limit": cycle.max_sites is not None and selected >= cycle.max_sites,
        },
    )


# Program admins (applications.reverse_decision).
@login_required
def reverse_decision(request, pk):
    require(access.can_reverse_decision(request.user))
    decision = access.get_decision_for(request.user, pk)
    form = ReasonForm(request.POST or None, submit_label="Reverse decision")
    if request.method == "POST" and form.is_valid():
        try:
            decision_reverse(
                decision=decision, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Decision reversed. A new decision can now be recorded.")
            return redirect("reviews:application", pk=decision.application_id)
    return render(
        request,
        "reviews/simple_form.html",
        {
            "form": form,
            "application": decision.application,
            "title": f"Reverse the decision on {decision.application}",
            "intro": f"Recorded: {decision.get_outcome_display()}. A site created by a "
            "selection is not deleted; change it from the site's pages.",
        },
    )
