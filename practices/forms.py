"""GET forms for the public lists: every value a visitor can send is checked here,
and sort keys come from a whitelist, so `order_by` only ever sees known fields."""

from django import forms

from .models import Finding, Theme


class SlugListField(forms.Field):
    """A repeatable GET parameter (`?tag=a&tag=b`) as a list of distinct slugs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        seen = []
        for item in value:
            item = str(item).strip()[:200]
            if item and item not in seen:
                seen.append(item)
        return seen[:10]


class ListFilterForm(forms.Form):
    """What every filterable list accepts; subclasses set SORTS."""

    SORTS = {}

    q = forms.CharField(label="Words", required=False, max_length=200, strip=True)
    tag = SlugListField(required=False)
    jurisdiction = forms.CharField(label="Jurisdiction", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"] = forms.ChoiceField(
            label="Sort by",
            required=False,
            choices=[(key, label) for key, (label, _order) in self.SORTS.items()],
        )

    def ordering(self):
        key = self.cleaned_data.get("sort") if hasattr(self, "cleaned_data") else None
        if key not in self.SORTS:
            key = next(iter(self.SORTS))
        return self.SORTS[key][1]

    def values(self):
        """The valid values (invalid ones are dropped, and listed in `errors`)."""
        self.is_valid()
        return {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name in self.cleaned_data
        }


class PracticeFilterForm(ListFilterForm):
    SORTS = {
        "": ("Country, then source order", ["jurisdiction__name", "position", "title"]),
        "title": ("Title (A–Z)", ["title"]),
        "updated": ("Recently updated", ["-updated", "title"]),
        "theme": ("Theme", ["theme", "title"]),
    }
    theme = forms.ChoiceField(
        label="Theme", required=False, choices=[("", "Any theme"), *Theme.choices]
    )


class InitiativeFilterForm(ListFilterForm):
    SORTS = {
        "": ("Title (A–Z)", ["title"]),
        "start": ("Start year (newest first)", ["-start_year", "title"]),
        "updated": ("Recently updated", ["-updated", "title"]),
        "jurisdiction": ("Jurisdiction", ["jurisdiction__name", "title"]),
    }
    theme = forms.ChoiceField(
        label="Theme of its practices",
        required=False,
        choices=[("", "Any theme"), *Theme.choices],
    )


class FindingFilterForm(forms.Form):
    jurisdiction = forms.CharField(label="Jurisdiction", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Finding.Kind.choices]
    )
    # The gap map and the compare matrix link their finding counts here.
    theme = forms.ChoiceField(
        label="Theme", required=False, choices=[("", "Any theme"), *Theme.choices]
    )
    tag = SlugListField(required=False)

    def values(self):
        self.is_valid()
        return dict(self.cleaned_data)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the knowledge base", required=False, max_length=200
    )
