"""Pages that belong to the whole portal: home, dashboard and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


# Public: anyone may read about the program.
def home(request):
    return render(request, "home.html")


# Any signed-in user: each role sees its own panel.
@login_required
def dashboard(request):
    return render(request, "dashboard.html", {"roles": request.user.role_names})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the failure may be in one of them, or in the database.
    return HttpResponseServerError(loader.get_template("500.html").render())
