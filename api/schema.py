"""OpenAPI description details drf-spectacular cannot infer from the views."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .problems import PROBLEM_MEDIA_TYPE, ProblemSerializer

# Every operation can answer these with a problem+json body: a bad filter or cursor
# (400/404), no or a bad token (401), a missing scope (403), the rate limit (429).
ERROR_CODES = ("400", "401", "403", "404", "429")


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if getattr(self.view, "required_scope", None) is None and {} not in auths:
            auths.append({})  # public: credentials are optional
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        responses.setdefault(
            "304", {"description": "Not modified: the If-None-Match ETag still matches."}
        )
        for code in ERROR_CODES:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_MEDIA_TYPE]
                ),
            )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the portal's 'API tokens' page.",
        }
