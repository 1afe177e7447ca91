"""Open data: filtered CSV/JSON exports of the lists, the whole data set, its data
dictionary, and robots.txt."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render

from .. import selectors
from . import exports, filters, package

IGNORED_HEADER = "X-KB-Ignored-Filters"


@dataclass(frozen=True)
class ListExport:
    """One list's download: the list's FilterSet and records, the export's extra
    loading, and its columns."""

    filterset_class: type
    base_queryset: Callable
    prepare: Callable
    columns: list


LIST_EXPORTS = {
    "practices": ListExport(
        filters.PracticeFilterSet,
        selectors.practices_for_list,
        exports.practices_for_export,
        exports.PRACTICE_COLUMNS,
    ),
    "initiatives": ListExport(
        filters.InitiativeFilterSet,
        selectors.initiatives_for_list,
        exports.initiatives_for_export,
        exports.INITIATIVE_COLUMNS,
    ),
    "findings": ListExport(
        filters.FindingFilterSet,
        selectors.findings_for_list,
        exports.findings_for_export,
        exports.FINDING_COLUMNS,
    ),
    # One row per figure of the findings the findings list's filters select.
    "figures": ListExport(
        filters.FindingFilterSet,
        selectors.findings_for_list,
        exports.figures_for_export,
        exports.FIGURE_COLUMNS,
    ),
    "sources": ListExport(
        filters.SourceFilterSet,
        selectors.sources_for_list,
        exports.sources_for_export,
        exports.SOURCE_COLUMNS,
    ),
}


def list_export(request, name, fmt):
    """The list page's own filtering (the same FilterSet, the same messages for
    values it ignored), written as CSV or JSON.

    What was left out is said three ways, never silently: the header
    X-KB-Ignored-Filters names the parameters (percent-encoded, comma-separated,
    empty when none), the CSV's first line and the JSON's `filter_messages` say
    why in words, and the JSON's `ignored_filters` names them again."""
    export = LIST_EXPORTS[name]
    try:
        language = filters.requested_language(request.GET)
    except filters.LanguageInvalid as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    filterset = export.filterset_class(
        request.GET,
        queryset=export.base_queryset(),
        also_reads=(filters.LANGUAGE_PARAMETER,),
    )
    queryset = export.prepare(filterset.ordered())
    messages = filterset.messages()
    ignored = filterset.ignored_parameters()
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.in_language(
                exports.csv_lines(queryset, export.columns, messages), language
            ),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = StreamingHttpResponse(
            exports.in_language(
                exports.json_chunks(queryset, export.columns, messages, ignored),
                language,
            ),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Language"] = language
    # Percent-encoded: a header holds no line breaks and only Latin-1.
    response[IGNORED_HEADER] = ", ".join(quote(p, safe="") for p in ignored)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


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
