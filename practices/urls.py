"""Public URLs. Tests pin them: pages are cited, so they must not move."""

from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("search/", views.search, name="search"),
    path("compare/", views.compare, name="compare"),
    path("practices/", views.PracticeListView.as_view(), name="practice-list"),
    path("practices/<str:slug>/", views.practice_detail, name="practice-detail"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("initiatives/<str:slug>/", views.initiative_detail, name="initiative-detail"),
    path("jurisdictions/", views.jurisdiction_list, name="jurisdiction-list"),
    path(
        "jurisdictions/<str:slug>/",
        views.jurisdiction_detail,
        name="jurisdiction-detail",
    ),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<str:slug>/", views.finding_detail, name="finding-detail"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<str:slug>/", views.tag_detail, name="tag-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<str:slug>/", views.source_detail, name="source-detail"),
    path(
        "organizations/<str:slug>/",
        views.organization_detail,
        name="organization-detail",
    ),
]
