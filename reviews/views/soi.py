"""One SOI's review page and the work done on it: the conflict declaration, scoring,
reopening a review, assigning reviewers and overriding the screening."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from applications.models import Application

from .. import access
from ..forms import AssignForm, ConflictForm, OverrideForm, ReasonForm, ReviewForm
from ..models import CRITERIA, Review
from ..services import (
    ReviewError,
    conflict_declare,
    review_reopen,
    review_save_draft,
    review_submit,
    reviewer_assign,
    screening_override,
)
from .common import require, row_for


# Reviewers assigned to the SOI (after declaring no conflict), officials and program admins.
@login_required
def application_review(request, pk):
    require(access.can_use_review_pages(request.user))
    user = request.user
    row = row_for(user, pk)
    application = row.application
    # The access rules, given the facts the row already holds (the user's assignment with
    # its review, the decision in force): the page needs no query for them.
    mine = row.my_assignment
    declaration = access.declaration_of(user, application) if mine is not None else None
    if access.needs_declaration(user, application, assignment=mine, declaration=declaration):
        return redirect("reviews:conflict", pk=application.pk)
    see_others = access.can_see_other_scores(user, application, assignment=mine)
    reviews = [
        a.review
        for a in row.assignments
        if hasattr(a, "review") and (see_others or a.reviewer_id == user.pk)
    ]
    return render(
        request,
        "reviews/application_review.html",
        {
            "row": row,
            "application": application,
            "screening": row.screening,
            "reviews": reviews,
            "see_others": see_others,
            "decisions": application.all_decisions,
            "my_review": row.my_review,
            "can_score": access.can_score(
                user, application, assignment=mine, declaration=declaration, decision=row.decision
            ),
            "can_assign": access.can_assign(user),
            "can_decide": access.can_decide(user) and row.decision is None,
            "can_override": access.can_override_screening(user),
            "can_reopen": access.can_reopen_review(user),
            "can_reverse": access.can_reverse_decision(user),
            "can_see_all": access.can_see_all(user),
        },
    )


# Reviewers assigned to the SOI, once, before they may open it.
@login_required
def conflict(request, pk):
    require(access.is_reviewer(request.user))
    application = get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).filter(
            review_assignments__reviewer=request.user
        ),
        pk=pk,
    )
    declared = access.declaration_of(request.user, application)
    if declared is not None:
        if declared.has_conflict:
            raise Http404("Conflicted reviewers cannot open this Statement of Interest.")
        return redirect("reviews:application", pk=application.pk)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = conflict_declare(
                application=application,
                reviewer=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                explanation=form.cleaned_data["explanation"],
                actor=request.user,
            )
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            if declaration.has_conflict:
                messages.success(
                    request,
                    "Your conflict of interest is recorded. This Statement of Interest is "
                    "removed from your queue; the selecting official will reassign it.",
                )
                return redirect("reviews:queue")
            messages.success(request, "Declaration recorded.")
            return redirect("reviews:application", pk=application.pk)
    return render(request, "reviews/conflict_form.html", {"form": form, "application": application})


# The assigned reviewer, after declaring no conflict, until a decision is recorded.
@login_required
def score(request, pk):
    require(access.is_reviewer(request.user))
    user = request.user
    application = access.get_queue_application_for(user, pk)
    # Loaded once and handed to both rules.
    assignment = access.assignment_of(user, application)
    declaration = access.declaration_of(user, application) if assignment is not None else None
    if access.needs_declaration(user, application, assignment=assignment, declaration=declaration):
        return redirect("reviews:conflict", pk=application.pk)
    require(access.can_score(user, application, assignment=assignment, declaration=declaration))
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.is_submitted:
        messages.info(request, "Your review is submitted; a selecting official can reopen it.")
        return redirect("reviews:application", pk=application.pk)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.fields}
        submitting = "submit_review" in request.POST
        service = review_submit if submitting else review_save_draft
        try:
            service(assignment=assignment, data=data, actor=request.user)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Review submitted." if submitting else "Draft saved.")
            if submitting:
                return redirect("reviews:application", pk=application.pk)
            return redirect("reviews:score", pk=application.pk)
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "application": application, "criteria": CRITERIA},
    )


# Selecting officials: send a submitted review back to its reviewer, with a reason.
@login_required
def reopen(request, pk):
    require(access.can_reopen_review(request.user))
    review = access.get_review_for_reopen(request.user, pk)
    application = review.assignment.application
    form = ReasonForm(request.POST or None, submit_label="Reopen review")
    if request.method == "POST" and form.is_valid():
        try:
            review_reopen(review=review, reason=form.cleaned_data["reason"], actor=request.user)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Review by {review.assignment.reviewer} reopened.")
            return redirect("reviews:application", pk=application.pk)
    return render(
        request,
        "reviews/simple_form.html",
        {
            "form": form,
            "application": application,
            "title": f"Reopen the review by {review.assignment.reviewer}",
            "intro": "The reviewer can change and resubmit it. The reason is kept.",
        },
    )


# Selecting officials and program admins.
@login_required
def assign(request, pk):
    require(access.can_assign(request.user))
    application = access.get_queue_application_for(request.user, pk)
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, errors = 0, []
        for reviewer in form.cleaned_data["reviewers"]:
            try:
                reviewer_assign(application=application, reviewer=reviewer, actor=request.user)
                done += 1
            except ReviewError as exc:
                errors.append(str(exc))
        for error in errors:
            messages.warning(request, error)
        if done:
            messages.success(request, f"{done} reviewer{'s' if done != 1 else ''} assigned.")
        return redirect("reviews:application", pk=application.pk)
    assigned = application.review_assignments.select_related("reviewer", "assigned_by")
    return render(
        request,
        "reviews/assign_form.html",
        {"form": form, "application": application, "assigned": assigned},
    )


# Selecting officials (applications.override_screening).
@login_required
def override(request, pk):
    require(access.can_override_screening(request.user))
    row = row_for(request.user, pk)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            screening_override(application=row.application, actor=request.user, **form.cleaned_data)
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Screening override recorded.")
            return redirect("reviews:application", pk=row.application.pk)
    return render(
        request,
        "reviews/override_form.html",
        {"form": form, "application": row.application, "screening": row.screening},
    )
