"""Public views (minimal foundation versions; the public-site work replaces them)."""

from django.shortcuts import get_object_or_404, render

from ..models import (
    BestPractice,
    Finding,
    Initiative,
    Jurisdiction,
    Organization,
    Source,
)


def home(request):
    context = {
        "practices": BestPractice.objects.published().select_related("jurisdiction"),
        "counts": {
            "practices": BestPractice.objects.published().count(),
            "initiatives": Initiative.objects.published().count(),
            "findings": Finding.objects.published().count(),
            "jurisdictions": Jurisdiction.objects.published().count(),
        },
    }
    return render(request, "practices/home.html", context)


def _detail(model, template):
    def view(request, slug):
        obj = get_object_or_404(model.objects.published(), slug=slug)
        return render(request, template, {"object": obj})

    return view


practice_detail = _detail(BestPractice, "practices/object_detail.html")
initiative_detail = _detail(Initiative, "practices/object_detail.html")
jurisdiction_detail = _detail(Jurisdiction, "practices/object_detail.html")
finding_detail = _detail(Finding, "practices/object_detail.html")
source_detail = _detail(Source, "practices/object_detail.html")
organization_detail = _detail(Organization, "practices/object_detail.html")
