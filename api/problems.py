"""Errors as RFC 9457 problem details (application/problem+json)."""

from http import HTTPStatus

from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_MEDIA_TYPE
    format = "problem"


class ProblemSerializer(serializers.Serializer):
    """The schema of every error body (RFC 9457, plus `code` and field `errors`)."""

    type = serializers.CharField(help_text="A URI for the problem type; 'about:blank' here.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(help_text="The path that was requested.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. 'throttled'.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: each invalid parameter with its messages.",
    )


def _codes(exc) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return "invalid"


def problem_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling, logged and mailed
    request = context["request"]
    status = response.status_code
    problem = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": "",
        "instance": request.path,
        "code": "error",
    }
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = "Some query parameters are not valid."
        problem["code"] = "invalid"
        data = response.data if isinstance(response.data, dict) else {"non_field": response.data}
        problem["errors"] = {
            str(field): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for field, msgs in data.items()
        }
    elif isinstance(exc, exceptions.APIException):
        problem["detail"] = str(exc.detail)
        problem["code"] = _codes(exc)
    else:  # Http404 and PermissionDenied from Django, converted by DRF
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        problem["detail"] = str(detail)
        problem["code"] = getattr(detail, "code", None) or (
            "not_found" if status == 404 else "permission_denied"
        )
    response.data = problem
    response.content_type = PROBLEM_MEDIA_TYPE
    return response
