"""The browsable lists. Filters arrive as GET parameters through each list's
FilterSet (whitelisted values); pages past the end, or not numbers, answer 404."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.generic import ListView

from .. import selectors
from ..models import Theme
from ..opendata import filters


class CountedPaginator(Paginator):
    """A paginator told the size of its result when the view knows it without a
    COUNT query (`count`, or None to count)."""

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return super().count


class FilteredListView(ListView):
    """A list filtered through its FilterSet (practices/opendata/filters.py), the
    same one the exports and the API use."""

    paginate_by = 20
    paginator_class = CountedPaginator
    filterset_class = None
    base_queryset = None
    # What the page reads itself, besides its filters: any other parameter is
    # reported as ignored.
    page_parameters = ("page", "facets")

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET,
            queryset=self.base_queryset(),
            also_reads=self.page_parameters,
        )
        return self.filterset.ordered()

    def known_count(self, queryset):
        """The result's size when it is known without a COUNT query, else None."""
        return selectors.whole_set_count(queryset)

    def get_paginator(self, queryset, per_page, **kwargs):
        count = self.known_count(queryset)
        return super().get_paginator(queryset, per_page, count=count, **kwargs)

    def filter_messages(self):
        """Why some of the asked-for filters were left out (shared with exports)."""
        return self.filterset.messages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        values = self.filterset.values()
        resolved = self.filterset.resolved()
        form = self.filterset.form
        context.update(
            filterset=self.filterset,
            form=form,
            filter_messages=self.filter_messages(),
            active_tags=resolved["tags"],
            active_tag_pks={tag.pk for tag in resolved["tags"]},
            active_jurisdiction=resolved["jurisdiction"],
            active_choices=[
                {"name": name, "label": form.fields[name].label, "value": label}
                for name in ("theme", "basis", "kind")
                if name in form.fields and values.get(name)
                for value, label in form.fields[name].choices
                if value == values[name]
            ],
            select_fields=[
                form[name]
                for name in ("theme", "basis", "kind", "sort")
                if name in form.fields
            ],
            active_q=values.get("q") or "",
            is_filtered=self.filterset.is_filtered(),
            themes=Theme.choices,
            # Facets are offered by FacetedListView only.
            country_facets=None,
            tag_facets=None,
        )
        return context


class FacetedListView(FilteredListView):
    """A list with country facets for the current result, and tag facets where
    its records carry tags."""

    # Filters whose results change only with what the counts generation follows
    # (publication, tags, places, themes, kinds; practices/cache.py): the facets of
    # a result filtered by them alone are kept with the counts. Words and dates
    # follow a record's text and its time of editing, so those are counted live.
    counted_filters = frozenset({"tag", "jurisdiction", "theme", "basis", "kind"})

    def facets_key(self):
        """The name the current result's facets are kept under, or None when they
        are counted for each request (no filter: the counts over everything
        published serve it)."""
        values = self.filterset.values()
        asked = {name for name in self.filterset.filters if values.get(name)}
        if asked - self.counted_filters - {"sort"}:
            return None
        resolved = self.filterset.resolved()
        parts = [("tag", tag.pk) for tag in resolved["tags"]]
        if resolved["jurisdiction"] is not None:
            parts.append(("jurisdiction", resolved["jurisdiction"].pk))
        parts += [
            (name, values[name])
            for name in sorted(self.counted_filters - {"tag", "jurisdiction"})
            if values.get(name)
        ]
        if not parts:
            return None
        return f"facets:{self.filterset.qs.model._meta.label_lower}:{urlencode(parts)}"

    def counted_facets(self):
        """(tags, countries) of the current result, each with its count."""
        filtered = self.filterset.qs

        def compute():
            has_tags = hasattr(filtered.model, "tags")
            tags = list(selectors.tag_facets(filtered)) if has_tags else []
            return tags, list(selectors.country_facets(filtered))

        key = self.facets_key()
        return compute() if key is None else selectors.counts_cached(key, compute)

    def facets(self):
        """Tag and country facets for the current result: the most common ones
        (every chosen filter among them), or all of them with ?facets=all."""
        resolved = self.filterset.resolved()
        has_tags = hasattr(self.filterset.qs.model, "tags")
        tags, countries = self.counted_facets()
        active = resolved["jurisdiction"]
        top_tags = selectors.top_facets(tags, keep=[t.pk for t in resolved["tags"]])
        top_countries = selectors.top_facets(
            countries, keep=[active.pk] if active else []
        )
        show_all = self.request.GET.get("facets") == "all"
        return {
            "tag_facets": (tags if show_all else top_tags) if has_tags else None,
            "tag_facet_total": len(tags),
            "country_facets": countries if show_all else top_countries,
            "country_facet_total": len(countries),
            "facets_all": show_all,
            "facets_truncated": len(top_tags) < len(tags)
            or len(top_countries) < len(countries),
        }

    def known_count(self, queryset):
        self.facet_context = self.facets()
        chosen = self.filterset.resolved()["tags"]
        tags = self.facet_context["tag_facets"]
        if chosen and tags is not None:
            # Every record of a tag-filtered result carries the chosen tags, so a
            # chosen tag's facet count (always among the facets shown) is the size
            # of the result: no COUNT query of its own. No facet: nothing matched.
            return next((t.count for t in tags if t.pk == chosen[0].pk), 0)
        return super().known_count(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = getattr(self, "facet_context", None)
        context.update(facets if facets is not None else self.facets())
        return context


class PracticeListView(FacetedListView):
    template_name = "practices/practice_list.html"
    filterset_class = filters.PracticeFilterSet
    base_queryset = staticmethod(selectors.practices_for_list)


class InitiativeListView(FacetedListView):
    template_name = "practices/initiative_list.html"
    filterset_class = filters.InitiativeFilterSet
    base_queryset = staticmethod(selectors.initiatives_for_list)


class FindingListView(FacetedListView):
    template_name = "practices/finding_list.html"
    filterset_class = filters.FindingFilterSet
    base_queryset = staticmethod(selectors.findings_for_list)
    # Facets by these filters, besides countries, in this order.
    choice_facet_names = ("theme", "basis", "kind")
    choice_facet_notes = {
        "theme": "a finding counts under each theme of the practices its "
        "initiative illustrates",
    }

    def choice_facets(self):
        """For each of theme, type of support and kind: its values with how many
        findings each link shows (values with none are left out). A facet whose
        value is chosen is counted over the results without that choice, as its
        links replace it."""
        values = self.filterset.values()
        form = self.filterset.form
        counts = {}
        for name in self.choice_facet_names:
            results = self.filterset.qs
            if values.get(name):
                others = self.request.GET.copy()
                others.pop(name)
                results = self.filterset_class(
                    others,
                    queryset=self.base_queryset(),
                    also_reads=self.page_parameters,
                ).qs
            counts[name] = selectors.finding_choice_facets(results)[name]
        return [
            {
                "name": name,
                "label": form.fields[name].label,
                "note": self.choice_facet_notes.get(name, ""),
                "values": [
                    {
                        "value": value,
                        "label": label,
                        "count": counts[name][value],
                        "active": values.get(name) == value,
                        "query": self.query_with(name, value),
                    }
                    for value, label in form.fields[name].choices
                    if value and counts[name].get(value)
                ],
            }
            for name in self.choice_facet_names
        ]

    def query_with(self, name, value):
        """The current query string with `name` set to `value`, from page one."""
        params = self.request.GET.copy()
        params[name] = value
        params.pop("page", None)
        return "?" + params.urlencode()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choice_facets"] = self.choice_facets()
        return context


class SourceListView(FilteredListView):
    template_name = "practices/source_list.html"
    paginate_by = 50
    filterset_class = filters.SourceFilterSet
    base_queryset = staticmethod(selectors.sources_for_list)


def jurisdiction_list(request):
    return render(
        request,
        "practices/jurisdiction_list.html",
        {"roots": selectors.jurisdiction_tree()},
    )


def tag_list(request):
    return render(request, "practices/tag_list.html", {"tags": selectors.tag_list()})
