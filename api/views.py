"""The "API tokens" page and the API's documentation page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .access import can_hold_tokens, can_manage_all_tokens, get_token_for, tokens_visible_to
from .forms import ApiTokenForm
from .services import TokenError, api_token_create, api_token_revoke

LIST_LIMIT = 200


# DOJ staff and liaisons (their own tokens); program admins also see everyone's.
# Applicants get 403: they hold no tokens.
@never_cache  # the response that shows a new secret must not be stored anywhere
@login_required
def token_list(request):
    user = request.user
    may_hold = can_hold_tokens(user)
    if not (may_hold or can_manage_all_tokens(user)):
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None) if may_hold else None
    created = secret = None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                created, secret = api_token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_on=form.cleaned_data["expires_on"],
                    actor=user,
                )
            except TokenError as exc:
                form.add_error(None, str(exc))
            else:
                form = ApiTokenForm()
    tokens = list(
        tokens_visible_to(user)
        .select_related("user", "revoked_by")
        .order_by("-created_at")[:LIST_LIMIT]
    )
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created,
            "secret": secret,
            "sees_all": can_manage_all_tokens(user),
        },
    )


# The token's owner, or a program admin; anyone else gets 404.
@login_required
@require_POST
def token_revoke_view(request, pk):
    token = get_token_for(request.user, pk)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked. Requests with it now get 401.")
    return redirect("api:tokens")


# Anyone: the OpenAPI description is public, what it describes checks access per call.
def api_docs(request):
    return render(request, "api/docs.html")
