"""One record's page. Each loads what it shows through a selector, so the number of
queries does not grow with the record's relations."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors, versions
from .cite import page_context


def _detail(selector, template, kind=None):
    def view(request, slug):
        context = selector(slug)
        if kind is not None:
            # Citable records: the cite panel and the head's metadata.
            context.update(page_context(versions.KINDS[kind], context["object"]))
        return render(request, template, context)

    view.__name__ = selector.__name__
    view.__doc__ = f"The public page of one published record ({selector.__name__})."
    return view


practice_detail = _detail(
    selectors.practice_detail, "practices/practice_detail.html", "practice"
)
initiative_detail = _detail(
    selectors.initiative_detail, "practices/initiative_detail.html", "initiative"
)
jurisdiction_detail = _detail(
    selectors.jurisdiction_detail, "practices/jurisdiction_detail.html", "jurisdiction"
)
finding_detail = _detail(
    selectors.finding_detail, "practices/finding_detail.html", "finding"
)
source_detail = _detail(
    selectors.source_detail, "practices/source_detail.html", "source"
)
organization_detail = _detail(
    selectors.organization_detail, "practices/organization_detail.html"
)


def tag_detail(request, slug):
    context = selectors.tag_detail(slug)
    if context["is_empty"]:
        # A tag only on drafts would otherwise reveal what curators are working on.
        raise Http404("No published record carries this tag.")
    return render(request, "practices/tag_detail.html", context)
