"""The browsable lists. Filters arrive as GET parameters through a form with
whitelisted values; pages past the end, or not numbers, answer 404."""

from django.shortcuts import render
from django.views.generic import ListView

from .. import selectors
from ..forms import FindingFilterForm, InitiativeFilterForm, PracticeFilterForm
from ..models import Source, Theme


class FilteredListView(ListView):
    """A practice or initiative list filtered by tags, jurisdiction, theme and
    words, with facet counts for the current result."""

    paginate_by = 20
    form_class = None
    base_queryset = None

    def get_queryset(self):
        self.form = self.form_class(self.request.GET)
        self.values = self.form.values()
        self.resolved = selectors.resolve_filters(self.values)
        self.filtered = selectors.filter_records(
            self.base_queryset(), self.values, self.resolved
        )
        if self.values.get("sort") or not self.values.get("q"):
            return self.filtered.order_by(*self.form.ordering())
        return self.filtered  # words given and no sort chosen: best matches first

    def filter_messages(self):
        """Why some of the asked-for filters were left out (shared with exports)."""
        return self.resolved["messages"] + [
            f"“{self.request.GET.get(name, '')}” is not a valid "
            f"{field.label.lower()}; it was ignored."
            for name, field in self.form.fields.items()
            if name in self.form.errors
        ]

    def facets(self):
        """Tag and country facets for the current result: the most common ones
        (every chosen filter among them), or all of them with ?facets=all."""
        tags = list(selectors.tag_facets(self.filtered))
        countries = list(selectors.country_facets(self.filtered))
        active = self.resolved["jurisdiction"]
        top_tags = selectors.top_facets(
            tags, keep=[t.pk for t in self.resolved["tags"]]
        )
        top_countries = selectors.top_facets(
            countries, keep=[active.pk] if active else []
        )
        show_all = self.request.GET.get("facets") == "all"
        return {
            "tag_facets": tags if show_all else top_tags,
            "tag_facet_total": len(tags),
            "country_facets": countries if show_all else top_countries,
            "country_facet_total": len(countries),
            "facets_all": show_all,
            "facets_truncated": len(top_tags) < len(tags)
            or len(top_countries) < len(countries),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = self.values.get("theme")
        context.update(
            form=self.form,
            filter_messages=self.filter_messages(),
            active_tags=self.resolved["tags"],
            active_jurisdiction=self.resolved["jurisdiction"],
            active_theme=dict(Theme.choices).get(theme) if theme else None,
            active_q=self.values.get("q") or "",
            is_filtered=bool(
                self.resolved["tags"]
                or self.resolved["jurisdiction"]
                or theme
                or self.values.get("q")
            ),
            themes=Theme.choices,
            **self.facets(),
        )
        return context


class PracticeListView(FilteredListView):
    template_name = "practices/practice_list.html"
    form_class = PracticeFilterForm
    base_queryset = staticmethod(selectors.practices_for_list)


class InitiativeListView(FilteredListView):
    template_name = "practices/initiative_list.html"
    form_class = InitiativeFilterForm
    base_queryset = staticmethod(selectors.initiatives_for_list)


class FindingListView(ListView):
    template_name = "practices/finding_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.form = FindingFilterForm(self.request.GET)
        values = self.form.values()
        self.resolved = selectors.resolve_filters(
            {"jurisdiction": values.get("jurisdiction"), "tag": values.get("tag")}
        )
        queryset = selectors._findings_with_figures()
        if self.resolved["jurisdiction"] is not None:
            queryset = queryset.filter(selectors.within(self.resolved["jurisdiction"]))
        if values.get("kind"):
            queryset = queryset.filter(kind=values["kind"])
        if values.get("theme"):
            queryset = queryset.in_theme(values["theme"])
        for tag in self.resolved["tags"]:
            # A finding carries no tags: it takes its initiative's (all must match).
            queryset = queryset.filter(initiative__tags=tag.pk)
        self.theme = values.get("theme")
        return queryset.order_by("jurisdiction__name", "title")

    def filter_messages(self):
        return self.resolved["messages"] + [
            f"That {name} is not known; it was ignored."
            for field, name in [("kind", "kind of finding"), ("theme", "theme")]
            if field in self.form.errors
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            filter_messages=self.filter_messages(),
            active_jurisdiction=self.resolved["jurisdiction"],
            active_tags=self.resolved["tags"],
            active_theme=dict(Theme.choices).get(self.theme) if self.theme else None,
        )
        return context


class SourceListView(ListView):
    template_name = "practices/source_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            Source.objects.published()
            .select_related("reported_in", "organization")
            .order_by("title")
        )


def jurisdiction_list(request):
    return render(
        request,
        "practices/jurisdiction_list.html",
        {"roots": selectors.jurisdiction_tree()},
    )


def tag_list(request):
    return render(request, "practices/tag_list.html", {"tags": selectors.tag_list()})
