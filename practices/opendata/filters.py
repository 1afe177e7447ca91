"""One filter definition per public list (practices, initiatives, findings, sources).

The HTML lists, the CSV/JSON exports and the API all bind the same FilterSet to the
request's GET parameters, so one query string selects the same records everywhere
and every value left out is reported with the same message. Invalid values (an
unknown theme, a sort key not on the whitelist, a date that is no date) are dropped
rather than refused: a mistyped link still shows a useful list, and says what it
ignored. `order_by` only ever sees orderings written here.
"""

from typing import NamedTuple

import django_filters as df
from django import forms
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname

from .. import languages, search
from ..models import (
    Basis,
    BestPractice,
    Finding,
    Initiative,
    Source,
    Theme,
)
from ..selectors import places_and_tags_named, within
from ..translation import TRANSLATED_FIELDS

MAX_TAGS = 10
MAX_TEXT = 200
# Unknown parameters named one by one, up to this many; the rest are counted.
MAX_UNKNOWN_NAMED = 10


# The exports and the API give each text in the language asked for (?lang=), with
# the page's own language (that of the address) as the default. Not a filter (it
# selects no records) but read here so that exports and API read it alike.
LANGUAGE_PARAMETER = "lang"


class LanguageInvalid(ValueError):
    """?lang= names no content language: refused (400), not ignored, since texts
    in another language than the one asked for would pass unnoticed."""


def requested_language(params):
    """The content language `params` (request.GET) asks for with ?lang=."""
    value = params.get(LANGUAGE_PARAMETER)
    if value is None:
        return languages.content_language()
    if value not in languages.CONTENT_LANGUAGES:
        raise LanguageInvalid(
            f"lang={value[:MAX_TEXT]!r} is not a language of this knowledge base: "
            f"use one of {', '.join(languages.CONTENT_LANGUAGES)} (en is the "
            "original; a text not yet translated is given in en, and its *_lang "
            "field says so)."
        )
    return value


class Ignored(NamedTuple):
    """A GET parameter (or one of its values) left out of the filter, and why."""

    parameter: str
    message: str


class SlugListField(forms.Field):
    """A repeatable GET parameter (`?tag=a&tag=b`) as a list of distinct slugs."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        seen = []
        for item in value:
            item = str(item).strip()[:MAX_TEXT]
            if item and item not in seen:
                seen.append(item)
        return seen[:MAX_TAGS]


@extend_schema_field(build_array_type(build_basic_type(OpenApiTypes.STR)))
class SlugListFilter(df.Filter):
    field_class = SlugListField


class Sort:
    """A sort key's label, the list pages' ordering, and the API's: the API pages
    with a cursor that holds a record's values of these columns (and its primary
    key), so they must be fields that are never null."""

    def __init__(self, label, ordering, api_ordering=("slug",)):
        self.label = label
        self.ordering = list(ordering)
        self.api_ordering = tuple(api_ordering)


def sort_filter(sorts):
    return df.ChoiceFilter(
        label=gettext_lazy("Sort by"),
        method="keep",
        choices=[(key, sort.label) for key, sort in sorts.items()],
        empty_label=None,
        help_text="How to order the records: "
        + "; ".join(f"{key or '(empty)'}: {s.label}" for key, s in sorts.items())
        + ".",
    )


class RecordFilterSet(df.FilterSet):
    """Words and sort, which every list takes; subclasses add the rest and SORTS
    (the first key is the default).

    `also_reads` names the parameters the page, export or API reads itself (`page`,
    `cursor`): any other parameter that is no filter is reported as ignored, so a
    misspelt filter never silently returns every record."""

    SORTS = {}

    q = df.CharFilter(
        label=gettext_lazy("Words"),
        method="filter_words",
        max_length=MAX_TEXT,
        help_text="Words that must all appear (on PostgreSQL: full-text search with "
        "small misspellings tolerated in titles).",
    )

    def __init__(self, data=None, *args, also_reads=(), **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.also_reads = frozenset(also_reads)
        self._resolved = None

    # Filters with methods --------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset  # ordering is applied by `ordered()`, after filtering

    def filter_words(self, queryset, name, value):
        return search.matching(queryset, value)

    def filter_tags(self, queryset, name, value):
        for tag in self.resolved()["tags"]:
            # One filter() per tag: each adds its own join, so all tags must match.
            # By id, not slug: PostgreSQL then sees how common each tag is and
            # starts from the narrowest filter (the jurisdiction, or a rare tag).
            queryset = queryset.filter(tags=tag.pk)
        return queryset

    def filter_jurisdiction(self, queryset, name, value):
        jurisdiction = self.resolved()["jurisdiction"]
        return (
            queryset if jurisdiction is None else queryset.filter(within(jurisdiction))
        )

    # What the visitor asked for ------------------------------------------------------

    def values(self):
        """The valid values (invalid ones are dropped, and reported by messages())."""
        self.is_valid()
        return self.form.cleaned_data

    def resolved(self):
        """The tags and jurisdiction named by the query, looked up once."""
        if self._resolved is None:
            values = self.values()
            ignored = []
            tag_slugs = values.get("tag") or []
            slug = values.get("jurisdiction")
            found, jurisdiction = (
                places_and_tags_named(tag_slugs, slug)
                if tag_slugs or slug
                else ([], None)
            )
            by_slug = {t.slug: t for t in found}
            tags = [by_slug[s] for s in tag_slugs if s in by_slug]
            ignored += [
                Ignored(
                    "tag",
                    _("There is no tag “%(tag)s”, so it was left out of the filter.")
                    % {"tag": s},
                )
                for s in tag_slugs
                if s not in by_slug
            ]
            if slug and jurisdiction is None:
                ignored.append(
                    Ignored(
                        "jurisdiction",
                        _(
                            "There is no jurisdiction “%(slug)s”, so results "
                            "from every jurisdiction are shown."
                        )
                        % {"slug": slug},
                    )
                )
            self._resolved = {
                "tags": tags,
                "jurisdiction": jurisdiction,
                "ignored": ignored,
            }
        return self._resolved

    def ignored(self):
        """Every asked-for filter that was left out, with its parameter and why:
        unknown tags and jurisdictions, invalid values, unknown parameters."""
        self.is_valid()
        ignored = list(self.resolved()["ignored"]) if self._uses_lookups() else []
        ignored += [
            Ignored(
                name,
                _("“%(value)s” is not a valid %(filter)s; it was ignored.")
                % {
                    "value": self.data.get(name, ""),
                    "filter": str(self.form.fields[name].label).lower(),
                },
            )
            for name in self.form.fields
            if name in self.form.errors
        ]
        unknown = [
            name
            for name in self.data
            if name not in self.filters and name not in self.also_reads
        ]
        ignored += [
            Ignored(
                name[:MAX_TEXT],
                _("“%(name)s” is not a filter of this list; it was ignored.")
                % {"name": name[:MAX_TEXT]},
            )
            for name in unknown[:MAX_UNKNOWN_NAMED]
        ]
        if len(unknown) > MAX_UNKNOWN_NAMED:
            more = len(unknown) - MAX_UNKNOWN_NAMED
            ignored.append(
                Ignored(
                    "",
                    ngettext(
                        "%(count)d more parameter that is not a filter of this list "
                        "was ignored.",
                        "%(count)d more parameters that are not filters of this list "
                        "were ignored.",
                        more,
                    )
                    % {"count": more},
                )
            )
        return ignored

    def messages(self):
        """Why some of the asked-for filters were left out, in words for people."""
        return [item.message for item in self.ignored()]

    def ignored_parameters(self):
        """The names of the parameters left out in whole or in part, each once (the
        first MAX_UNKNOWN_NAMED unknown ones)."""
        return list(
            dict.fromkeys(item.parameter for item in self.ignored() if item.parameter)
        )

    def _uses_lookups(self):
        return "tag" in self.filters or "jurisdiction" in self.filters

    def sort_key(self):
        key = self.values().get("sort") or ""
        return key if key in self.SORTS else next(iter(self.SORTS))

    def is_filtered(self):
        values = self.values()
        resolved = self.resolved() if self._uses_lookups() else {}
        return bool(
            resolved.get("tags")
            or resolved.get("jurisdiction")
            or any(
                values.get(name)
                for name in self.filters
                if name not in ("tag", "jurisdiction", "sort")
            )
        )

    def ordered(self):
        """The filtered records in the list pages' order: the chosen sort, or best
        matches first when words are given and no sort is chosen."""
        values = self.values()
        if values.get("sort") or not values.get("q"):
            ordering = self.SORTS[self.sort_key()].ordering
            return self.qs.order_by(*map(self.in_page_language, ordering))
        return self.qs

    def in_page_language(self, term):
        """An ordering term as the page reads it: a translated field by its text in
        the page's language, or the original where it is not translated, so an
        untranslated record sorts among the others, not all of them together."""
        name = term.lstrip("-")
        shown = self.shown(name)
        if isinstance(shown, str):
            return term
        return shown.desc() if term.startswith("-") else shown.asc()

    def shown(self, name):
        """A field as the reader reads it: its name, or for a translated field the
        text in the active language, falling back to the original."""
        language = languages.content_language()
        if language == languages.ORIGINAL or name not in TRANSLATED_FIELDS.get(
            self.qs.model, ()
        ):
            return name
        return Coalesce(
            NullIf(build_localized_fieldname(name, language), Value("")),
            build_localized_fieldname(name, languages.ORIGINAL),
            output_field=TextField(),  # each column's field is a class of its own
        )

    def api_keys(self):
        """The API's sort as (expression, descending) pairs: its cursor resumes
        after the last record's values of these (api.Pagination)."""
        keys = []
        for term in self.SORTS[self.sort_key()].api_ordering:
            name = term.lstrip("-")
            shown = self.shown(name)
            if isinstance(shown, str):
                # The original's column by its own name: modeltranslation would
                # read a bare translated name in the active language, with no
                # fallback, so the sort and the cursor's values would disagree.
                if name in TRANSLATED_FIELDS.get(self.qs.model, ()):
                    shown = build_localized_fieldname(name, languages.ORIGINAL)
                shown = F(shown)
            keys.append((shown, term.startswith("-")))
        return keys


def _tag_filter():
    return SlugListFilter(
        label=gettext_lazy("Tags"),
        method="filter_tags",
        help_text=f"Tag slugs, repeatable (?tag=a&tag=b); a record must carry all of "
        f"them. At most {MAX_TAGS}; unknown tags are left out with a message.",
    )


def _jurisdiction_filter():
    return df.CharFilter(
        label=gettext_lazy("Jurisdiction"),
        method="filter_jurisdiction",
        max_length=MAX_TEXT,
        help_text="A jurisdiction's slug; takes in everything below it (a country "
        "includes its states and cities).",
    )


def _updated_since_filter():
    return df.DateFilter(
        label=gettext_lazy("Updated since"),
        field_name="updated__date",
        lookup_expr="gte",
        help_text="Only records changed on or after this date (YYYY-MM-DD, UTC).",
    )


THEME_LABEL = gettext_lazy("Theme")


def _theme_filter(label=THEME_LABEL, method=None):
    extra = {"method": method} if method else {}
    return df.ChoiceFilter(
        label=label,
        choices=Theme.choices,
        empty_label=gettext_lazy("Any theme"),
        help_text="prevention, protection, prosecution or partnership (the 4P "
        "framework).",
        **extra,
    )


class PracticeFilterSet(RecordFilterSet):
    SORTS = {
        "": Sort(
            gettext_lazy("Country, then source order"),
            ["jurisdiction__name", "position", "title"],
        ),
        "title": Sort(gettext_lazy("Title (A–Z)"), ["title"], ("title", "slug")),
        "updated": Sort(
            gettext_lazy("Recently updated"), ["-updated", "title"], ("-updated",)
        ),
        "theme": Sort(gettext_lazy("Theme"), ["theme", "title"], ("theme", "slug")),
    }
    tag = _tag_filter()
    jurisdiction = _jurisdiction_filter()
    theme = _theme_filter()
    updated_since = _updated_since_filter()
    sort = sort_filter(SORTS)

    class Meta:
        model = BestPractice
        fields = []


class InitiativeFilterSet(RecordFilterSet):
    SORTS = {
        "": Sort(gettext_lazy("Title (A–Z)"), ["title"], ("title", "slug")),
        "start": Sort(
            gettext_lazy("Start year (newest first)"), ["-start_year", "title"]
        ),
        "updated": Sort(
            gettext_lazy("Recently updated"), ["-updated", "title"], ("-updated",)
        ),
        "jurisdiction": Sort(
            gettext_lazy("Jurisdiction"), ["jurisdiction__name", "title"]
        ),
    }
    tag = _tag_filter()
    jurisdiction = _jurisdiction_filter()
    theme = _theme_filter(gettext_lazy("Theme of its practices"), method="filter_theme")
    updated_since = _updated_since_filter()
    sort = sort_filter(SORTS)

    class Meta:
        model = Initiative
        fields = []

    def filter_theme(self, queryset, name, value):
        # Its published practices' themes, or its own when it illustrates none: the
        # rule the compare matrix and the gap map count by, so their links agree.
        return queryset.in_theme(value)


class FindingFilterSet(RecordFilterSet):
    SORTS = {
        "": Sort(
            gettext_lazy("Jurisdiction, then title"), ["jurisdiction__name", "title"]
        ),
        "title": Sort(gettext_lazy("Title (A–Z)"), ["title"], ("title", "slug")),
        "updated": Sort(
            gettext_lazy("Recently updated"), ["-updated", "title"], ("-updated",)
        ),
    }
    tag = _tag_filter()
    jurisdiction = _jurisdiction_filter()
    theme = _theme_filter(method="filter_theme")
    basis = df.ChoiceFilter(
        label=gettext_lazy("Type of support"),
        choices=Basis.choices,
        empty_label=gettext_lazy("Any type of support"),
        help_text="Who measured or judged what: " + "; ".join(Basis.values) + ".",
    )
    kind = df.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=Finding.Kind.choices,
        empty_label=gettext_lazy("Any kind"),
        help_text="What the finding is: " + "; ".join(Finding.Kind.values) + ".",
    )
    updated_since = _updated_since_filter()
    sort = sort_filter(SORTS)

    class Meta:
        model = Finding
        fields = []

    def filter_theme(self, queryset, name, value):
        # The one rule for the theme a finding counts under (models.py).
        return queryset.in_theme(value)

    def filter_tags(self, queryset, name, value):
        # A finding carries no tags: it takes its initiative's (all must match), as
        # the gap map counts it.
        for tag in self.resolved()["tags"]:
            queryset = queryset.filter(initiative__tags=tag.pk)
        return queryset


class SourceFilterSet(RecordFilterSet):
    SORTS = {
        "": Sort(gettext_lazy("Title (A–Z)"), ["title"], ("title", "slug")),
        "year": Sort(gettext_lazy("Year (newest first)"), ["-year", "title"]),
        "updated": Sort(
            gettext_lazy("Recently updated"), ["-updated", "title"], ("-updated",)
        ),
    }
    kind = df.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=Source.Kind.choices,
        empty_label=gettext_lazy("Any kind"),
        help_text="What the source is: " + "; ".join(Source.Kind.values) + ".",
    )
    updated_since = _updated_since_filter()
    sort = sort_filter(SORTS)

    class Meta:
        model = Source
        fields = []
