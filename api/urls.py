from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import endpoints, views

app_name = "api"

router = SimpleRouter()
router.register("cycles", endpoints.CycleViewSet, basename="cycle")
router.register("national-rates", endpoints.NationalRateViewSet, basename="national-rate")
router.register("sites", endpoints.SiteViewSet, basename="site")
router.register("engagements", endpoints.EngagementViewSet, basename="engagement")
router.register("follow-ups", endpoints.FollowUpViewSet, basename="follow-up")
router.register("sois", endpoints.SoiViewSet, basename="soi")
router.register("outcomes", endpoints.OutcomeViewSet, basename="outcome")
router.register("reports", endpoints.ReportViewSet, basename="report")

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", views.api_docs, name="docs"),
    path("v1/", include(router.urls)),
]
