"""The read-only REST API (/api/v1/): published records only, filtered by the same
FilterSets as the list pages and exports, paged with a cursor, JSON only.

Its answers are cached like the public pages (practices/cache.py): stored under
the content generation, so never stale, with an ETag and Last-Modified (a client
revalidating gets a 304) and `X-KB-Cache`. Anonymous clients are throttled
(KB_API_THROTTLE_RATE) with a 429 and Retry-After; an answer from the cache never
reaches the view and so is not counted (see AnonymousThrottle). Each list and
detail loads in a fixed number of queries whatever the number of rows (tests pin
them).
"""

import base64
import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import replace_query_param

from .. import languages, selectors
from ..models import (
    BestPractice,
    Finding,
    FindingFigure,
    Initiative,
    InitiativeSource,
    Jurisdiction,
    Organization,
    PracticeSource,
    Quotation,
    Status,
)
from ..versions import version_count
from . import filters, serializers

PUBLISHED = Status.PUBLISHED
# Pages of the size the HTML lists show (FilteredListView.paginate_by); a client
# reading everything asks for the largest.
PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


# Throttling, filtering, paging ----------------------------------------------------


class AnonymousThrottle(AnonRateThrottle):
    """Requests per client address; the rate is read when each request comes in,
    so a setting changed at run time (or in a test) applies at once.

    Only requests that reach a view are counted: the page cache answers the others
    before the view (and DRF) runs, at about the cost of serving a static file. The
    throttle is there to protect the database, which those answers do not touch,
    so a client over its rate still gets whatever is cached, and 429 for the rest.
    """

    def __init__(self):  # the parent reads the rate once, at class level
        pass

    def allow_request(self, request, view):
        self.rate = getattr(settings, "KB_API_THROTTLE_RATE", "120/min")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class LenientFilterBackend(DjangoFilterBackend):
    """The list pages' behaviour: values a FilterSet cannot use are dropped and
    reported in `filter_messages`, not refused, so one query string gives the same
    records on the page, in the exports and here."""

    def get_filterset_kwargs(self, request, queryset, view):
        # The paging parameters are the API's own, not filters left out.
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "also_reads": (
                Pagination.cursor_query_param,
                Pagination.page_size_query_param,
                filters.LANGUAGE_PARAMETER,
            ),
        }

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        view.filterset = filterset
        return filterset.qs


class Pagination(CursorPagination):
    """Keyset pages: a page's `next` link resumes after its last record's values of
    the sort's columns and its primary key, `previous` before its first record's.

    Every record has one place in that order, so walking forward or back neither
    skips nor repeats a record however many share a sort value, and a page costs
    the same however deep it lies (DRF's own cursor keys on the first column and
    counts an offset through the ties). The cursor is opaque to clients: base64 of
    the values as JSON. Page size bounded."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = (
        "The cursor is not valid; follow the next and previous links as given."
    )

    def get_page_size(self, request):
        try:
            size = int(request.query_params.get(self.page_size_query_param, ""))
        except ValueError:
            return self.page_size
        return min(max(size, 1), self.max_page_size)

    def sort_keys(self, view):
        """(expression, descending) pairs, the primary key last."""
        filterset = getattr(view, "filterset", None)
        if filterset is not None:
            keys = filterset.api_keys()
        else:
            keys = [
                (F(term.lstrip("-")), term.startswith("-")) for term in view.ordering
            ]
        return [*keys, (F("pk"), False)]

    def paginate_queryset(self, queryset, request, view=None):
        """The page's records, picked by their keys first and then loaded whole.

        Picking a page of a filtered list with whole records sorted every matching
        record with its texts (bench/README.md, eighth round). The sort values and
        the keys are enough to pick the page and build the links; one more query
        loads those records with their relations. (The lists without filters are
        short, and the tags' are counted by a grouped query: picked directly.)"""
        self.request = request
        self.page_size = self.get_page_size(request)
        keys = self.sort_keys(view)
        self.names = [f"sort_key_{i}" for i in range(len(keys))]
        expressions = [expression for expression, _ in keys]
        queryset = queryset.annotate(**dict(zip(self.names, expressions, strict=True)))
        self.cursor = self.decode_cursor(request)
        backwards = self.cursor is not None and self.cursor["before"]
        if self.cursor is not None:
            queryset = self.beyond(queryset, keys, self.cursor["values"], backwards)
        ordering = [
            F(name).desc() if descending != backwards else F(name).asc()
            for name, (_, descending) in zip(self.names, keys, strict=True)
        ]
        filtered = getattr(view, "filterset", None) is not None
        picking = (
            queryset.prefetch_related(None).values(*self.names)
            if filtered
            else queryset
        )
        rows = list(picking.order_by(*ordering)[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self.has_next = backwards or more  # walking back, the cursor's record follows
        self.has_previous = more if backwards else self.cursor is not None
        self.first = self.position(rows[0]) if rows else None
        self.last = self.position(rows[-1]) if rows else None
        if not filtered:
            return rows
        records = queryset.in_bulk([row[self.names[-1]] for row in rows])
        # A record unpublished between the two queries is left out, not a 500.
        return [
            records[row[self.names[-1]]]
            for row in rows
            if row[self.names[-1]] in records
        ]

    def position(self, row):
        if isinstance(row, dict):
            return [row[name] for name in self.names]
        return [getattr(row, name) for name in self.names]

    def beyond(self, queryset, keys, values, backwards):
        """The records after `values` in the sort (before them, `backwards`): those
        equal on the first columns and beyond on the next, for each column."""
        if len(values) != len(keys):
            raise ParseError(self.invalid_cursor_message)
        condition = Q()
        equal = {}
        for name, (_, descending), value in zip(self.names, keys, values, strict=True):
            lookup = "lt" if descending != backwards else "gt"
            condition |= Q(**equal, **{f"{name}__{lookup}": value})
            equal[name] = value
        try:
            return queryset.filter(condition)
        except (ValidationError, ValueError, TypeError) as error:
            # Values of the wrong type for the sort: an edited or another sort's cursor.
            raise ParseError(self.invalid_cursor_message) from error

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:  # `cursor=` with nothing: the first page
            return None
        try:
            cursor = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            values = cursor["values"]
            before = cursor["before"]
        except (ValueError, TypeError, KeyError, UnicodeError) as error:
            raise ParseError(self.invalid_cursor_message) from error
        if not (
            isinstance(before, bool)
            and isinstance(values, list)
            and all(map(self.storable, values))
        ):
            raise ParseError(self.invalid_cursor_message)
        return cursor

    @staticmethod
    def storable(value):
        """A value the database takes in a comparison (SQLite's integers are 64-bit,
        and PostgreSQL refuses a NUL in a string); a page's own cursors hold none
        other."""
        if isinstance(value, str):
            return "\x00" not in value
        return isinstance(value, int) and abs(value) < 2**63

    def encode_cursor(self, cursor):
        values = [
            value.isoformat() if isinstance(value, datetime.datetime) else value
            for value in cursor["values"]
        ]
        payload = json.dumps({"values": values, "before": cursor["before"]})
        encoded = base64.urlsafe_b64encode(payload.encode()).decode("ascii")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encoded)

    def get_next_link(self):
        if not self.has_next:
            return None
        if self.last is None:  # an empty page walking back: what follows the cursor
            return self.encode_cursor({**self.cursor, "before": False})
        return self.encode_cursor({"values": self.last, "before": False})

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if self.first is None:  # an empty page walking forward: what precedes it
            return self.encode_cursor({**self.cursor, "before": True})
        return self.encode_cursor({"values": self.first, "before": True})

    def get_paginated_response(self, data):
        filterset = getattr(self.view, "filterset", None)
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "filter_messages": filterset.messages() if filterset else [],
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paged = super().get_paginated_response_schema(schema)
        described = {
            "next": "The next page's address, or null on the last page.",
            "previous": "The previous page's address, or null on the first page.",
            "results": "The records of this page.",
        }
        for name, text in described.items():
            paged["properties"][name]["description"] = text
        paged["properties"]["filter_messages"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why some of the asked-for filters were left out (an "
            "unknown tag or jurisdiction, a value that is not valid, a parameter "
            "that is no filter); empty when "
            "every filter was used.",
            "example": ["There is no tag “polce”, so it was left out of the filter."],
        }
        paged["required"] = ["results", "filter_messages"]
        return paged


def rolled_up(model):
    """Published `model` records in a jurisdiction or below it, as a subquery."""
    rows = (
        model.objects.published()
        .filter(jurisdiction__path__startswith=OuterRef("path"))
        .order_by()
        .values("status")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _citations(through, owner):
    # Only what a citation's summary shows: a source's description and search
    # vector are most of its row.
    return Prefetch(
        f"{through._meta.model_name}_set",
        queryset=through.objects.filter(source__status=PUBLISHED)
        .select_related("source")
        .only(
            "locator",
            f"{owner}_id",
            "source__slug",
            "source__title",
            "source__status",
        )
        .order_by("id"),
        to_attr="citations",
    )


def _published(name, queryset, to_attr):
    return Prefetch(name, queryset=queryset, to_attr=to_attr)


# Views ------------------------------------------------------------------------------


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = Pagination
    filter_backends = [LenientFilterBackend]
    throttle_classes = [AnonymousThrottle]
    ordering = ("slug",)

    def dispatch(self, request, *args, **kwargs):
        # The serializers read each translated text in the active language, and
        # the answer is rendered before dispatch returns (finalize_response).
        try:
            language = filters.requested_language(request.GET)
        except filters.LanguageInvalid:
            language = languages.content_language()  # `initial` refuses it
        with translation.override(language):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            filters.requested_language(request.query_params)
        except filters.LanguageInvalid as error:
            raise ParseError(str(error)) from error

    def paginate_queryset(self, queryset):
        if self.paginator is not None:
            self.paginator.view = self
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        # Caching and validators (ETag, Last-Modified, Cache-Control, 304s) are the
        # page cache's, as for the pages: practices/cache.py.
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Content-Language"] = languages.content_language()
        # Rendered here, in the language dispatch activated: Django would render
        # it later, in the page's (English), and lazy texts would follow that.
        response.render()
        return response


def _list_docs(noun, filtered=True):
    text = f"Published {noun}, in pages of {PAGE_SIZE} (page_size up to "
    text += f"{MAX_PAGE_SIZE}); follow `next` for more."
    if filtered:
        text += (
            " Filters are the list page's: unknown or invalid values, and "
            "parameters that are no filters, are left out and reported in "
            "`filter_messages`."
        )
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}", description=text),
        retrieve=extend_schema(
            summary=f"One of the {noun}",
            description="One published record by slug; 404 if there is none "
            "(or it is not published).",
        ),
    )


@_list_docs("best practices")
class PracticeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PracticeSerializer
    filterset_class = filters.PracticeFilterSet

    def get_queryset(self):
        return (
            BestPractice.objects.published()
            .select_related("jurisdiction")
            .defer("search_vector")
            .annotate(version_number=version_count(BestPractice))
            .prefetch_related(
                selectors.tags_listed(),
                _citations(PracticeSource, "practice"),
                _published(
                    "initiatives",
                    Initiative.objects.published().only(
                        "pk", "slug", "title", "status"
                    ),
                    "published_initiatives",
                ),
            )
        )


@_list_docs("initiatives")
class InitiativeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.InitiativeSerializer
    filterset_class = filters.InitiativeFilterSet

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("jurisdiction", "part_of")
            .defer("search_vector", "part_of__search_vector")
            .annotate(version_number=version_count(Initiative))
            .prefetch_related(
                selectors.tags_listed(),
                _citations(InitiativeSource, "initiative"),
                _published(
                    "lead_organizations",
                    Organization.objects.published(),
                    "published_leads",
                ),
                _published(
                    "practices",
                    BestPractice.objects.published().only(
                        "pk", "slug", "title", "status"
                    ),
                    "published_practices",
                ),
            )
        )


@_list_docs("findings")
class FindingViewSet(ReadOnlyViewSet):
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilterSet

    def get_queryset(self):
        return (
            Finding.objects.published()
            .select_related("jurisdiction", "initiative", "source")
            .defer("search_vector", "initiative__search_vector")
            .annotate(version_number=version_count(Finding))
            .prefetch_related(
                Prefetch(
                    "figures", queryset=FindingFigure.objects.order_by("position", "id")
                )
            )
        )


@_list_docs("sources")
class SourceViewSet(ReadOnlyViewSet):
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilterSet

    def get_queryset(self):
        return selectors.sources_for_list()


@_list_docs("jurisdictions (each with its parent and counts rolled up)", False)
class JurisdictionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.JurisdictionSerializer
    filter_backends = []

    def get_queryset(self):
        return (
            Jurisdiction.objects.published()
            .select_related("parent")
            .annotate(
                version_number=version_count(Jurisdiction),
                practice_count=rolled_up(BestPractice),
                initiative_count=rolled_up(Initiative),
                finding_count=rolled_up(Finding),
            )
        )


@_list_docs("organizations", False)
class OrganizationViewSet(ReadOnlyViewSet):
    serializer_class = serializers.OrganizationSerializer
    filter_backends = []

    def get_queryset(self):
        return Organization.objects.published().select_related("jurisdiction")


@_list_docs("quotations", False)
class QuotationViewSet(ReadOnlyViewSet):
    serializer_class = serializers.QuotationSerializer
    filter_backends = []

    def get_queryset(self):
        return Quotation.objects.published().select_related(
            "jurisdiction", "initiative", "source"
        )


@_list_docs("tags (those that published records carry, with counts)", False)
class TagViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TagSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.tag_list()
