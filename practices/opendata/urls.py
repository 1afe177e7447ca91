"""The API's URLs (/api/v1/…) and its schema and docs (/api/schema/, /api/docs/).
v1 is a promise: fields and URLs are only ever added, never changed or removed."""

from django.urls import path

from . import api, docs, schema

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("schema/", schema.schema_view, name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("docs/explorer/", docs.api_explorer, name="explorer"),
]

for _name, _viewset in [
    ("practice", api.PracticeViewSet),
    ("initiative", api.InitiativeViewSet),
    ("jurisdiction", api.JurisdictionViewSet),
    ("finding", api.FindingViewSet),
    ("source", api.SourceViewSet),
    ("organization", api.OrganizationViewSet),
    ("tag", api.TagViewSet),
    ("quotation", api.QuotationViewSet),
]:
    urlpatterns += [
        path(f"v1/{_name}s/", _viewset.as_view(LIST), name=f"{_name}-list"),
        path(
            f"v1/{_name}s/<str:slug>/", _viewset.as_view(DETAIL), name=f"{_name}-detail"
        ),
    ]
