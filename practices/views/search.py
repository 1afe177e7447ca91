"""Search over every kind of public record, results grouped by kind."""

from django.shortcuts import render

from .. import search as search_backend
from ..forms import SearchForm


def search(request):
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    groups = search_backend.search(q)
    return render(
        request,
        "practices/search.html",
        {
            "form": form,
            "q": q,
            "groups": groups,
            "total": sum(len(g["hits"]) for g in groups),
        },
    )
