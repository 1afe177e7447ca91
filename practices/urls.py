"""Public URLs. Tests pin them: pages are cited, so they must not move."""

from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/<str:slug>/", views.practice_detail, name="practice-detail"),
    path("initiatives/<str:slug>/", views.initiative_detail, name="initiative-detail"),
    path(
        "jurisdictions/<str:slug>/",
        views.jurisdiction_detail,
        name="jurisdiction-detail",
    ),
    path("findings/<str:slug>/", views.finding_detail, name="finding-detail"),
    path("sources/<str:slug>/", views.source_detail, name="source-detail"),
    path(
        "organizations/<str:slug>/",
        views.organization_detail,
        name="organization-detail",
    ),
]
