"""The portal's URLs plus one without a row in the matrix (for the matrix's own test)."""

from django.http import HttpResponse
from django.urls import path

from psp_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    *portal_urlpatterns,
    path("brand-new/", lambda request: HttpResponse("new"), name="brand_new_page"),
]
