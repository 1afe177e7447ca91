"""Public URLs. Tests pin them: pages are cited, so they must not move."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import feeds, sitemaps, views
from .suggestions import SUGGESTABLE

app_name = "practices"


urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("about/basis/", views.about_basis, name="about-basis"),
    path("search/", views.search, name="search"),
    path("compare/", views.compare, name="compare"),
    path("gaps/", views.gap_map, name="gaps"),
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

# Citable records: version history, versioned permalinks and citation downloads,
# below each record's own page (practices/<slug>/cite.bib, …/v/2/cite.ris).
for _kind, _prefix in [
    ("practice", "practices"),
    ("initiative", "initiatives"),
    ("jurisdiction", "jurisdictions"),
    ("finding", "findings"),
    ("source", "sources"),
]:
    _extra = {"kind": _kind}
    urlpatterns += [
        path(
            f"{_prefix}/<str:slug>/history/",
            views.history,
            _extra,
            name=f"{_kind}-history",
        ),
        path(
            f"{_prefix}/<str:slug>/v/<int:n>/",
            views.version_detail,
            _extra,
            name=f"{_kind}-version",
        ),
        path(
            f"{_prefix}/<str:slug>/v/<int:n>/changes/",
            views.version_changes,
            _extra,
            name=f"{_kind}-version-changes",
        ),
    ]
    for _fmt in ("bib", "ris", "json"):
        urlpatterns += [
            path(
                f"{_prefix}/<str:slug>/cite.{_fmt}",
                views.cite_download,
                {**_extra, "fmt": _fmt},
                name=f"{_kind}-cite-{_fmt}",
            ),
            path(
                f"{_prefix}/<str:slug>/v/<int:n>/cite.{_fmt}",
                views.cite_download,
                {**_extra, "fmt": _fmt},
                name=f"{_kind}-version-cite-{_fmt}",
            ),
        ]

# The full reference of the original source a source page is about.
urlpatterns += [
    path(
        f"sources/<str:slug>/reference.{_fmt}",
        views.reference_download,
        {"fmt": _fmt},
        name=f"source-reference-{_fmt}",
    )
    for _fmt in ("bib", "ris", "json")
]

# Readers' suggestions: a new practice, and a correction below each record's page.
urlpatterns += [
    path("suggest/", views.suggest_practice, name="suggest-practice"),
    path("suggest/thanks/", views.suggest_thanks, name="suggest-thanks"),
]
for _kind, (_prefix, _model) in SUGGESTABLE.items():
    urlpatterns.append(
        path(
            f"{_prefix}/<str:slug>/suggest/",
            views.suggest_correction,
            {"kind": _kind},
            name=f"{_kind}-suggest",
        )
    )

# Open data, feeds, sitemap and robots.txt.
# Each list's exports (one view, practices/opendata/views.py LIST_EXPORTS).
urlpatterns += [
    path(
        "practices.csv",
        views.list_export,
        {"name": "practices", "fmt": "csv"},
        name="practices-csv",
    ),
    path(
        "practices.json",
        views.list_export,
        {"name": "practices", "fmt": "json"},
        name="practices-json",
    ),
    path(
        "initiatives.csv",
        views.list_export,
        {"name": "initiatives", "fmt": "csv"},
        name="initiatives-csv",
    ),
    path(
        "initiatives.json",
        views.list_export,
        {"name": "initiatives", "fmt": "json"},
        name="initiatives-json",
    ),
    path(
        "findings.csv",
        views.list_export,
        {"name": "findings", "fmt": "csv"},
        name="findings-csv",
    ),
    path(
        "findings.json",
        views.list_export,
        {"name": "findings", "fmt": "json"},
        name="findings-json",
    ),
    path(
        "figures.csv",
        views.list_export,
        {"name": "figures", "fmt": "csv"},
        name="figures-csv",
    ),
    path(
        "figures.json",
        views.list_export,
        {"name": "figures", "fmt": "json"},
        name="figures-json",
    ),
    path(
        "sources.csv",
        views.list_export,
        {"name": "sources", "fmt": "csv"},
        name="sources-csv",
    ),
    path(
        "sources.json",
        views.list_export,
        {"name": "sources", "fmt": "json"},
        name="sources-json",
    ),
    path("data/knowledge-base.json", views.dataset, name="dataset"),
    path("data/", views.data_index, name="data"),
    path("data/knowledge-base.zip", views.data_package, name="data-package"),
    path("about/data/", views.about_data, name="about-data"),
    path("feeds/practices/", feeds.PracticeFeed(), name="feed-practices"),
    path("feeds/tags/<str:slug>/", feeds.TagPracticeFeed(), name="feed-tag"),
    path(
        "feeds/jurisdictions/<str:slug>/",
        feeds.JurisdictionPracticeFeed(),
        name="feed-jurisdiction",
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "practices:sitemap"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]

# Files, feeds and the sitemap: a visitor's language never redirects them
# (kb/i18n.py), and they carry no hreflang alternates.
LANGUAGE_NEUTRAL = {
    pattern.name
    for pattern in urlpatterns
    if pattern.name.endswith(("-csv", "-json", "-bib", "-ris", "-package"))
    or pattern.name.startswith(("feed-", "sitemap"))
    or pattern.name in {"dataset", "robots"}
}
