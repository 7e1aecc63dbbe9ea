from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from . import access
from .forms import PreferencesForm, UnsubscribeForm
from .kinds import KINDS, OFF, kinds_for
from .models import Email
from .services import PreferenceError, preference_set, preferences_for, unsubscribe_target

PAGE_SIZE = 50


# Any signed-in person, for their own mail only.
@login_required
def preferences(request):
    kinds = kinds_for(request.user)
    current = preferences_for(request.user)
    form = PreferencesForm(request.POST or None, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            for kind in form.kinds:
                preference_set(
                    user=request.user,
                    kind=kind.key,
                    delivery=form.cleaned_data[kind.key],
                    actor=request.user,
                )
        except PreferenceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your notification choices are saved.")
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "required": [kind for kind in kinds if kind.required]},
    )


# Anyone holding the signed link from the mail: no sign-in, no CSRF token (mail clients
# send RFC 8058's one-click POST themselves). The token names one person and one kind,
# and only turns that kind off. GET only shows a button: link scanners follow GETs.
@csrf_exempt
def unsubscribe(request, token):
    target = unsubscribe_target(token)
    if target is None:
        raise Http404("This unsubscribe link is not valid.")
    user, kind = target
    form = UnsubscribeForm(request.POST or None)
    done = False
    if request.method == "POST":
        preference_set(user=user, kind=kind.key, delivery=OFF, actor=user)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"form": form, "kind": kind, "done": done, "email": user.email},
    )


# Program admins only (notifications.view_mail_log); others get 404.
@login_required
def mail_log(request):
    if not access.can_view_mail_log(request.user):
        raise Http404
    emails = access.emails_visible_to(request.user).select_related("user")
    reminders = access.reminders_visible_to(request.user).select_related("user", "email")
    query = (request.GET.get("q") or "").strip()[:254]
    kind = request.GET.get("kind") or ""
    status = request.GET.get("status") or ""
    if query:
        emails = emails.filter(to__icontains=query)
        reminders = reminders.filter(user__email__icontains=query)
    if kind in KINDS:
        emails = emails.filter(kind=kind)
        reminders = reminders.filter(kind=kind)
    if status in Email.Status.values:
        emails = emails.filter(status=status)
    page = Paginator(emails.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "notifications/mail_log.html",
        {
            "page": page,
            "reminders": list(reminders.order_by("-created_at", "-pk")[:PAGE_SIZE]),
            "q": query,
            "kind": kind,
            "status": status,
            "kinds": list(KINDS.values()),
            "statuses": Email.Status.choices,
            "query": params.urlencode(),
        },
    )
