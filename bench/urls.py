"""The portal's URLs plus the benchmark floor: a trivial view behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from psp_portal.urls import handler403, handler404, handler500
from psp_portal.urls import urlpatterns as portal_patterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def floor(request):
    # Benchmark only (served only when bench sets ROOT_URLCONF): no template, no query.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*portal_patterns, path("__bench__/floor", floor, name="bench_floor")]
