"""The search form. The lists' filters are FilterSets, in
practices/opendata/filters.py."""

from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the knowledge base", required=False, max_length=200
    )
