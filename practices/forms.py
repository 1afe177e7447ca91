"""The search form. The lists' filters are FilterSets, in
practices/opendata/filters.py."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the knowledge base"), required=False, max_length=200
    )
