"""Pages that belong to the whole portal: home, dashboard and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts import roles
from accounts.navigation import navigation_for
from applications.access import signature_requests_of_official

# What each role does here, in one sentence, above its tasks on the dashboard.
ROLE_SUMMARIES = {
    roles.APPLICANT: (
        "Prepare and submit your jurisdiction's Statement of Interest, then follow its review."
    ),
    roles.REVIEWER: "Screen and score the Statements of Interest assigned to you.",
    roles.SELECTING_OFFICIAL: "Assign reviewers, read the scores and record selection decisions.",
    roles.SITE_LIAISON: "Keep your sites' records and log the training and technical assistance delivered.",
    roles.PROGRAM_ADMIN: "Run application cycles, manage staff accounts and configure the portal.",
}


# Public: anyone may read about the program.
def home(request):
    return render(request, "home.html")


# Any signed-in user: each role sees its own panel.
@login_required
def dashboard(request):
    role_names = request.user.role_names
    nav_items = navigation_for(request.user)
    panels = []
    for role in role_names:
        perms = roles.ROLE_PERMISSIONS.get(role, set())
        panels.append(
            {
                "role": role,
                "summary": ROLE_SUMMARIES.get(role, ""),
                # A role's tasks are the header entries guarded by one of its permissions.
                "tasks": [item for item in nav_items if item.perm and item.perm in perms],
            }
        )
    # Entries open to every signed-in user, except the dashboard itself.
    general_tasks = [
        item for item in nav_items if item.perm is None and item.url_name != "dashboard"
    ]
    # The certifying-official capacity (no role): the certifications this account opened
    # from a signing link, so the officer finds the page again after signing in.
    certifications = list(
        signature_requests_of_official(request.user)
        .select_related("application__jurisdiction", "application__cycle")
        .order_by("-sent_at")
    )
    context = {
        "roles": role_names,
        "panels": panels,
        "certifications": certifications,
        "general_tasks": general_tasks,
        "needs_jurisdiction": roles.APPLICANT in role_names
        and request.user.jurisdiction_id is None,
        # The applicant's first task (added by the applications app) starts an SOI.
        "start_task": next(
            (p["tasks"][0] for p in panels if p["role"] == roles.APPLICANT and p["tasks"]), None
        ),
    }
    return render(request, "dashboard.html", context)


# Public: the accessibility statement and the privacy notice.
def accessibility(request):
    return render(request, "accessibility.html")


def privacy(request):
    return render(request, "privacy.html")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may be in one of them, or in the database.
    return HttpResponseServerError(loader.get_template("500.html").render())
