"""Search over every kind of public record, results grouped by kind."""

from django.shortcuts import render

from .. import search as search_backend
from ..forms import SearchForm


def search(request):
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = search_backend.search(q)
    groups = results.groups
    hits = [hit for group in groups for hit in group["hits"]]
    return render(
        request,
        "practices/search.html",
        {
            "form": form,
            "q": q,
            "groups": groups,
            # Nothing matched: the query with misspelt words bettered, if any.
            "suggestion": results.suggestion,
            "total": len(hits),
            # Results come from the misspelling pass ("did you mean"): say so.
            "exact_total": sum(not hit.similar for hit in hits),
            "similar_total": sum(hit.similar for hit in hits),
        },
    )
