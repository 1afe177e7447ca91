"""Open data: filtered CSV/JSON exports of the lists, the whole data set, its data
dictionary, and robots.txt."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render

from .. import selectors
from . import exports, filters, package

IGNORED_HEADER = "X-KB-Ignored-Filters"


def _export(request, filterset_class, base_queryset, prepare, columns, name, fmt):
    """The list page's own filtering (the same FilterSet, the same messages for
    values it ignored), written as CSV or JSON.

    What was left out is said three ways, never silently: the header
    X-KB-Ignored-Filters names the parameters (percent-encoded, comma-separated,
    empty when none), the CSV's first line and the JSON's `filter_messages` say
    why in words, and the JSON's `ignored_filters` names them again."""
    filterset = filterset_class(request.GET, queryset=base_queryset())
    queryset = prepare(filterset.ordered())
    messages = filterset.messages()
    ignored = filterset.ignored_parameters()
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(queryset, columns, messages),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = StreamingHttpResponse(
            exports.json_chunks(queryset, columns, messages, ignored),
            content_type="application/json; charset=utf-8",
        )
    # Percent-encoded: a header holds no line breaks and only Latin-1.
    response[IGNORED_HEADER] = ", ".join(quote(p, safe="") for p in ignored)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def practices_export(request, fmt):
    return _export(
        request,
        filters.PracticeFilterSet,
        selectors.practices_for_list,
        exports.practices_for_export,
        exports.PRACTICE_COLUMNS,
        "practices",
        fmt,
    )


def initiatives_export(request, fmt):
    return _export(
        request,
        filters.InitiativeFilterSet,
        selectors.initiatives_for_list,
        exports.initiatives_for_export,
        exports.INITIATIVE_COLUMNS,
        "initiatives",
        fmt,
    )


def findings_export(request, fmt):
    return _export(
        request,
        filters.FindingFilterSet,
        selectors.findings_for_list,
        exports.findings_for_export,
        exports.FINDING_COLUMNS,
        "findings",
        fmt,
    )


def figures_export(request, fmt):
    """One row per figure of the findings the findings list's filters select."""
    return _export(
        request,
        filters.FindingFilterSet,
        selectors.findings_for_list,
        exports.figures_for_export,
        exports.FIGURE_COLUMNS,
        "figures",
        fmt,
    )


def sources_export(request, fmt):
    return _export(
        request,
        filters.SourceFilterSet,
        selectors.sources_for_list,
        exports.sources_for_export,
        exports.SOURCE_COLUMNS,
        "sources",
        fmt,
    )


def dataset(request):
    """Every published record of every kind, with its links, as one JSON file."""
    response = StreamingHttpResponse(
        exports.dataset_chunks(), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="knowledge-base.json"'
    return response


def data_package(request):
    """Every published record as a Frictionless data package (one zip)."""
    return FileResponse(
        package.build_zip(),
        as_attachment=True,
        filename="knowledge-base.zip",
        content_type="application/zip",
    )


def data_index(request):
    """The downloads, and the data package's dictionary, from its one description."""
    return render(
        request,
        "practices/data.html",
        {"tables": package.TABLES, "licence": package.LICENCE_TEXT},
    )


def about_data(request):
    return render(
        request,
        "practices/about_data.html",
        {
            "exports": exports.EXPORTS,
            "dataset_only": exports.DATASET_ONLY,
            "figure_columns": exports.FIGURE_COLUMNS,
            "ignored_header": IGNORED_HEADER,
            "ignored_notice": exports.IGNORED_NOTICE,
        },
    )


def robots_txt(request):
    # A custom DJANGO_ADMIN_PATH is kept out of robots.txt: listing it would tell
    # every bot where the login form is. The default path is no secret.
    admin_path = settings.ADMIN_PATH if settings.ADMIN_PATH == "admin/" else None
    return render(
        request,
        "robots.txt",
        {"admin_path": admin_path},
        content_type="text/plain; charset=utf-8",
    )
